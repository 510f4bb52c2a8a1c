// NTLM single sign-on the way established proxies do it: the gateway host is joined to the domain with
// winbind, and each exchange is run by one Samba `ntlm_auth` helper process bound to the exchange's
// session token, killed when the exchange ends, fails, is abandoned or stays idle past its deadline.
// Raw NTLMSSP tokens go to `--helper-protocol=squid-2.5-ntlmssp`, SPNEGO-wrapped ones to `gss-spnego`.
//
// The helper's lines, as observed with Samba 4.17 (one request line in, one reply line out):
//   squid-2.5-ntlmssp                               gss-spnego
//   > YR <NEGOTIATE>                                > YR <NegTokenInit, starts with 0x60>
//   < TT <CHALLENGE>                                < TT <NegTokenResp> *
//   > KK <AUTHENTICATE>                             > KK <NegTokenResp>
//   < AF CORP\alice                                 < AF <NegTokenResp, accept-completed> CORP\alice
//   < NA NT_STATUS_LOGON_FAILURE                    < NA * NT_STATUS_LOGON_FAILURE
//   < BH NT_STATUS_UNSUCCESSFUL NT_STATUS_UNSUCCESSFUL   < BH NT_STATUS_UNSUCCESSFUL * NT_STATUS_UNSUCCESSFUL
// BH NT_STATUS_UNSUCCESSFUL is winbindd not answering. ntlm_auth squashes a wrong password and an
// unknown user into NT_STATUS_LOGON_FAILURE. The DC checks the password before the account's state, so
// NT_STATUS_ACCOUNT_DISABLED (and expired, must-change) come only with the right password (DECISIONS 15);
// a lock-out it reports before the password check, so that stays `credentials`. The user is winbind's
// `DOMAIN<separator>name` (`\` by default, `+` on some hosts). After AF or NA every further KK is
// answered `NA NT_STATUS_INVALID_PARAMETER` ("Called NTLMSSP after state machine was 'done'"), and an
// AUTHENTICATE replayed into a new exchange gets the same (the challenge and AvTimestamp differ).
import { spawn, type ChildProcess } from 'node:child_process';
import {
  AuthUnavailable,
  type AuthRefusal,
  type AuthResult,
  type Identity,
  type MultiStepAuthenticator,
  type StepResult,
} from '@kordon/core';

export interface NtlmOptions {
  /** Default `ntlm_auth` (looked up on PATH). */
  ntlmAuthPath?: string;
  /** Extra environment for the helper; it gets only PATH, LC_ALL and these, none of the gateway's. */
  env?: Record<string, string>;
  /** An argv prefix the helper runs under, e.g. `['ip', 'netns', 'exec', 'X']` or an `nsenter` line. */
  command?: readonly string[];
  /** The account winbind verified (`CORP` and `alice`) as the directory knows it now. */
  resolve: (user: { domain: string; name: string }) => Promise<AuthResult>;
  lookup: (account: string) => Promise<Identity | undefined>;
  /** An exchange (and its helper) ends after this long without progress (no reply, no next token); default 60 s. */
  idleMs?: number;
  /** Exchanges running at once; beyond it `begin` answers `internal`. Default 256. */
  maxExchanges?: number;
}

export type TokenForm = 'ntlmssp' | 'spnego';

export type HelperReply =
  | { code: 'TT'; token: string }
  | { code: 'AF'; token: string | null; user: string }
  | { code: 'NA'; token: string | null; status: string }
  | { code: 'BH'; reason: string }
  | { code: 'unknown'; line: string };

const protocols: Record<TokenForm, string> = {
  ntlmssp: 'squid-2.5-ntlmssp',
  spnego: 'gss-spnego',
};
const ntlmsspSignature = Buffer.from('NTLMSSP\0', 'latin1');
/** GSS-API InitialContextToken ([APPLICATION 0]): how a SPNEGO NegTokenInit starts. */
const gssInitialContextToken = 0x60;
/** ntlm_auth reads lines of up to 630,000 bytes; real NTLM and SPNEGO tokens are a few kB. */
const maxTokenChars = 64 * 1024;
const maxLineChars = 256 * 1024;
const stderrLimit = 8 * 1024;
const helperPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const unavailableWhat = 'the domain (NTLM single sign-on) cannot be reached';

/** Whether `token` is strict base64 of a sane size: anything else must never reach the helper's stdin. */
export function isBase64Token(token: string): boolean {
  return (
    token.length > 0 &&
    token.length <= maxTokenChars &&
    token.length % 4 === 0 &&
    /^[A-Za-z0-9+/]+={0,2}$/.test(token)
  );
}

/** Which helper protocol a client's first token needs, or undefined when it is neither form. */
export function tokenForm(token: string): TokenForm | undefined {
  if (!isBase64Token(token)) return undefined;
  const bytes = Buffer.from(token, 'base64');
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(ntlmsspSignature)) return 'ntlmssp';
  if (bytes.length >= 2 && bytes[0] === gssInitialContextToken) return 'spnego';
  return undefined;
}

/** One reply line of `ntlm_auth` in the given protocol (see the formats above). */
export function parseHelperLine(form: TokenForm, line: string): HelperReply {
  const space = line.indexOf(' ');
  const code = space === -1 ? line : line.slice(0, space);
  const rest = space === -1 ? '' : line.slice(space + 1);
  if (code === 'BH') return { code: 'BH', reason: rest };
  // gss-spnego always prints "<code> <token or *> <argument>"; squid-2.5-ntlmssp prints one of them.
  let token: string | null = null;
  let argument = rest;
  if (form === 'spnego') {
    const at = rest.indexOf(' ');
    const first = at === -1 ? rest : rest.slice(0, at);
    token = first === '*' || first === '' ? null : first;
    argument = at === -1 ? '' : rest.slice(at + 1);
  }
  switch (code) {
    case 'TT': {
      const challenge = form === 'spnego' ? token : rest;
      if (challenge === null || !isBase64Token(challenge)) break;
      return { code: 'TT', token: challenge };
    }
    case 'AF':
      if (argument === '' || (token !== null && !isBase64Token(token))) break;
      return { code: 'AF', token, user: argument };
    case 'NA':
      return { code: 'NA', token, status: argument };
  }
  return { code: 'unknown', line };
}

/** Winbind's `CORP\alice` or `CORP+alice`; undefined for a name without its domain. */
export function parseWinbindUser(text: string): { domain: string; name: string } | undefined {
  const [, domain, name] = /^([^\\+/\s][^\\+/]*)[\\+/](.+)$/.exec(text.trim()) ?? [];
  if (domain === undefined || name === undefined) return undefined;
  return { domain: domain.toUpperCase(), name };
}

/** What an `NA <status>` means for the user (DECISIONS 15: the account's state only after a right password). */
export function refusalOfStatus(status: string): AuthRefusal {
  const detail = `ntlm_auth refused: ${status || 'no status'}`;
  const what = accountStates[status];
  if (what !== undefined) return { ok: false, reason: 'disabled', detail, what };
  return { ok: false, reason: 'credentials', detail };
}

/** NT statuses the DC gives only after the password was proven right (sam_account_ok). */
const accountStates: Record<string, string> = {
  NT_STATUS_ACCOUNT_DISABLED: 'This account is disabled. Ask your network administrator.',
  NT_STATUS_ACCOUNT_EXPIRED: 'This account has expired. Ask your network administrator.',
  NT_STATUS_PASSWORD_EXPIRED:
    'The password of this account has expired. Change it on a domain computer, then log in again.',
  NT_STATUS_PASSWORD_MUST_CHANGE:
    'The password of this account must be changed. Change it on a domain computer, then log in again.',
  NT_STATUS_INVALID_LOGON_HOURS: 'This account may not log in at this time. Ask your network administrator.',
  NT_STATUS_INVALID_WORKSTATION:
    'This account may not log in from this computer. Ask your network administrator.',
};

interface Exchange {
  helper: Helper;
  form: TokenForm;
  timer: NodeJS.Timeout | undefined;
  busy: boolean;
}

export class NtlmAuthenticator implements MultiStepAuthenticator {
  readonly method = 'ntlm' as const;
  private readonly exchanges = new Map<string, Exchange>();
  private readonly idleMs: number;
  private readonly maxExchanges: number;

  constructor(private readonly options: NtlmOptions) {
    this.idleMs = options.idleMs ?? 60_000;
    this.maxExchanges = options.maxExchanges ?? 256;
  }

  /** Exchanges (each with its helper) running now. */
  get size(): number {
    return this.exchanges.size;
  }

  async begin(sessionToken: string, token: string): Promise<StepResult> {
    // A first token under a known session token starts over.
    this.abandon(sessionToken);
    const form = tokenForm(token);
    if (form === undefined) return failed('not an NTLMSSP or SPNEGO token');
    if (this.exchanges.size >= this.maxExchanges) {
      throw new AuthUnavailable(
        'too many single sign-on logins at once',
        `${this.exchanges.size} NTLM exchanges are running (at most ${this.maxExchanges})`,
      );
    }
    const exchange: Exchange = { helper: this.startHelper(form), form, timer: undefined, busy: false };
    this.exchanges.set(sessionToken, exchange);
    return this.send(sessionToken, exchange, `YR ${token}`);
  }

  async step(sessionToken: string, token: string): Promise<StepResult> {
    const exchange = this.exchanges.get(sessionToken);
    if (exchange === undefined) return failed('unknown exchange');
    if (exchange.busy) {
      this.end(sessionToken, exchange);
      return failed('a token came before the previous one was answered');
    }
    if (!isBase64Token(token)) {
      this.end(sessionToken, exchange);
      return failed('the token is not base64');
    }
    return this.send(sessionToken, exchange, `KK ${token}`);
  }

  abandon(sessionToken: string): void {
    const exchange = this.exchanges.get(sessionToken);
    if (exchange !== undefined) this.end(sessionToken, exchange);
  }

  lookup(account: string): Promise<Identity | undefined> {
    return this.options.lookup(account);
  }

  /** Ends every exchange and its helper (the gateway is stopping). */
  close(): void {
    for (const [sessionToken, exchange] of [...this.exchanges]) this.end(sessionToken, exchange);
  }

  private startHelper(form: TokenForm): Helper {
    const ntlmAuth = this.options.ntlmAuthPath ?? 'ntlm_auth';
    const argv = [...(this.options.command ?? []), ntlmAuth, `--helper-protocol=${protocols[form]}`];
    const env = { PATH: helperPath, LC_ALL: 'C', ...this.options.env };
    return new Helper(argv, env);
  }

  private async send(sessionToken: string, exchange: Exchange, line: string): Promise<StepResult> {
    exchange.busy = true;
    this.arm(sessionToken, exchange);
    let reply: string;
    try {
      reply = await exchange.helper.request(line);
    } catch (e) {
      this.end(sessionToken, exchange);
      throw new AuthUnavailable(unavailableWhat, `${(e as Error).message}${exchange.helper.stderrTail()}`);
    } finally {
      exchange.busy = false;
    }
    const parsed = parseHelperLine(exchange.form, reply);
    if (parsed.code === 'TT') {
      this.arm(sessionToken, exchange);
      return { kind: 'continue', token: parsed.token };
    }
    this.end(sessionToken, exchange);
    switch (parsed.code) {
      case 'AF': {
        const user = parseWinbindUser(parsed.user);
        if (user === undefined) {
          throw new AuthUnavailable(
            unavailableWhat,
            `ntlm_auth named "${parsed.user}" without its domain (set "winbind use default domain = no")`,
          );
        }
        const result = await this.options.resolve(user);
        if (!result.ok) return { kind: 'failed', refusal: result };
        return { kind: 'done', identity: result.identity, token: parsed.token };
      }
      case 'NA':
        return { kind: 'failed', refusal: refusalOfStatus(parsed.status) };
      case 'BH':
        throw new AuthUnavailable(
          unavailableWhat,
          `ntlm_auth: broken helper: ${parsed.reason}${exchange.helper.stderrTail()}`,
        );
      case 'unknown':
        throw new AuthUnavailable(
          unavailableWhat,
          `ntlm_auth answered "${parsed.line.slice(0, 200)}"${exchange.helper.stderrTail()}`,
        );
    }
  }

  /** (Re)starts the exchange's deadline: no reply, or no next token, within idleMs ends it. */
  private arm(sessionToken: string, exchange: Exchange): void {
    clearTimeout(exchange.timer);
    exchange.timer = setTimeout(() => {
      exchange.helper.kill(`no progress within ${this.idleMs} ms`);
      if (this.exchanges.get(sessionToken) === exchange) this.exchanges.delete(sessionToken);
    }, this.idleMs);
    exchange.timer.unref();
  }

  private end(sessionToken: string, exchange: Exchange): void {
    clearTimeout(exchange.timer);
    exchange.helper.kill('the exchange ended');
    if (this.exchanges.get(sessionToken) === exchange) this.exchanges.delete(sessionToken);
  }
}

function failed(detail: string): StepResult {
  return { kind: 'failed', refusal: { ok: false, reason: 'credentials', detail } };
}

/** One `ntlm_auth` process: a line in, a line out; any trouble ends it and rejects the pending request. */
class Helper {
  private readonly child: ChildProcess | undefined;
  private buffered = '';
  private stderr = '';
  private gone: string | undefined;
  private waiting: { resolve: (line: string) => void; reject: (e: Error) => void } | undefined;

  constructor(argv: readonly string[], env: Record<string, string>) {
    const [file, ...args] = argv;
    try {
      this.child = spawn(file ?? 'ntlm_auth', args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    } catch (e) {
      this.gone = `ntlm_auth could not be started: ${(e as Error).message}`;
      return;
    }
    const child = this.child;
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      this.onStdout(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-stderrLimit);
    });
    // EPIPE when the helper died first: its exit says what happened. No stream error may go unheard
    // (an unheard 'error' would end the gateway).
    child.stdin?.on('error', () => undefined);
    child.stdout?.on('error', (e) => {
      this.kill(`reading ntlm_auth failed: ${e.message}`);
    });
    child.stderr?.on('error', () => undefined);
    child.on('error', (e) => {
      this.finish(`ntlm_auth could not be started: ${e.message}`);
    });
    // 'close' comes after stdout is drained, so a last reply line is read before the exit counts.
    child.on('close', (code, signal) => {
      this.finish(`ntlm_auth exited (${signal ?? `code ${code ?? '?'}`})`);
    });
  }

  request(line: string): Promise<string> {
    if (this.gone !== undefined) return Promise.reject(new Error(this.gone));
    if (this.waiting !== undefined) return Promise.reject(new Error('ntlm_auth is busy'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.child?.stdin?.write(`${line}\n`);
    });
  }

  kill(why: string): void {
    this.finish(why);
    const child = this.child;
    if (child === undefined) return;
    // EOF ends ntlm_auth even behind a wrapper that forks; SIGKILL ends the direct child at once.
    child.stdin?.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  stderrTail(): string {
    const text = this.stderr.trim();
    return text === '' ? '' : `; stderr: ${text}`;
  }

  private onStdout(chunk: string): void {
    this.buffered += chunk;
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) !== -1) {
      const line = this.buffered.slice(0, newline).replace(/\r$/, '');
      this.buffered = this.buffered.slice(newline + 1);
      const waiting = this.waiting;
      this.waiting = undefined;
      // A line nobody asked for is dropped: replies pair with requests one to one.
      waiting?.resolve(line);
    }
    if (this.buffered.length > maxLineChars) this.kill('ntlm_auth wrote a line too long');
  }

  private finish(why: string): void {
    this.gone ??= why;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(new Error(this.gone));
  }
}
