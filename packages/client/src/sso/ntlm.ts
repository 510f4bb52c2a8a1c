// NTLM where Kerberos cannot serve (DECISIONS 78): Samba's `ntlm_auth` as the NTLMSSP client, with the
// credentials winbind cached when the user logged on (`--use-cached-creds`), so no password passes
// through Kordon. One helper per exchange: `YR` gives NEGOTIATE, `TT <challenge>` gives AUTHENTICATE.
//
// Observed with Samba 4.17 against a real winbindd (test/e2e/ntlm.test.ts):
//   > YR                  < YR <NEGOTIATE>     (always: the NEGOTIATE needs no credentials)
//   > TT <CHALLENGE>      < AF <AUTHENTICATE>  (credentials cached for this uid and user)
//                         < PW                 (none cached: ntlm_auth asks for the password on stdin)
// Winbind caches a user's password at logon (pam_winbind `cached_login`, or `wbinfo --pam-logon`),
// under `DOMAIN\name`; `--username` finds it as `name` or `DOMAIN\name`, in any case, not as a UPN.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SsoUnavailable, type SsoContext, type SsoTokens } from './tokens.js';

export interface NtlmClientOptions {
  /** The user as winbind knows them (the logged-on user's name). */
  user: string;
  ntlmAuthPath?: string;
  wbinfoPath?: string;
  /** An argv prefix both helpers run under (a test's member host: an `nsenter` line). */
  command?: readonly string[];
  /** How long the helper has for one answer. */
  timeoutMs?: number;
}

export function ntlmTokens(o: NtlmClientOptions): SsoTokens {
  return {
    async start() {
      // Without winbind there are no cached credentials, though the helper would still make a NEGOTIATE.
      const prefix = o.command ?? [];
      await winbindAnswers([...prefix, o.wbinfoPath ?? 'wbinfo'], 3000);
      const helper = new HelperLines(
        [
          ...prefix,
          o.ntlmAuthPath ?? 'ntlm_auth',
          '--helper-protocol=ntlmssp-client-1',
          '--use-cached-creds',
          `--username=${o.user}`,
        ],
        o.timeoutMs ?? 10_000,
      );
      const failed = (e: unknown): never => {
        // A helper that asked for a password waits for it on stdin: it must not outlive the exchange.
        helper.close();
        throw e instanceof SsoUnavailable ? e : new SsoUnavailable(`NTLM: ${(e as Error).message}`);
      };
      try {
        const negotiate = clientReply(await helper.ask('YR'), 'YR', o.user);
        const context: SsoContext = {
          method: 'ntlm',
          token: negotiate,
          // ntlmssp-client-1 answers the CHALLENGE with `AF <AUTHENTICATE>` (Samba 4.17).
          next: async (challenge) => {
            try {
              return clientReply(await helper.ask(`TT ${challenge}`), 'AF', o.user);
            } catch (e) {
              return failed(e);
            }
          },
          close: () => helper.close(),
        };
        return context;
      } catch (e) {
        return failed(e);
      }
    },
  };
}

/**
 * `YR <token>` / `AF <token>`: the token; `PW` (the helper asks for a password: winbind has none cached
 * for the user), `BH`/`NA` or anything else: why not, as SsoUnavailable.
 */
export function clientReply(line: string, expected: 'YR' | 'AF', user?: string): string {
  const space = line.indexOf(' ');
  const code = space === -1 ? line : line.slice(0, space);
  const text = space === -1 ? '' : line.slice(space + 1).trim();
  if (code === expected && /^[A-Za-z0-9+/]+={0,2}$/.test(text)) return text;
  const noCache = `no NTLM credentials are cached for ${user === undefined ? 'this user' : `"${user}"`}: log on to this computer with the domain account (winbind caches them at logon), or log in with your login and password`;
  if (code === 'PW') throw new SsoUnavailable(noCache);
  if (code === 'BH' || code === 'NA') {
    throw new SsoUnavailable(
      /cached|credentials|password|NO_SUCH_USER/i.test(text)
        ? noCache
        : `NTLM could not make a token (${text || code})`,
    );
  }
  throw new SsoUnavailable(
    `NTLM's helper answered "${line.slice(0, 40)}" instead of ${expected} and a token`,
  );
}

/** `wbinfo --ping`: winbindd answers on this computer, or SsoUnavailable. */
function winbindAnswers(argv: readonly string[], timeoutMs: number): Promise<void> {
  const [file = 'wbinfo', ...args] = argv;
  return new Promise((resolve, reject) => {
    const unavailable = (why: string): SsoUnavailable =>
      new SsoUnavailable(
        `NTLM needs winbind: this computer must be joined to the domain with winbindd running (${why})`,
      );
    const child = spawn(file, [...args, '--ping'], { stdio: 'ignore', timeout: timeoutMs });
    child.on('error', (e) => reject(unavailable(`${file} could not be started: ${e.message}`)));
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            unavailable(
              signal === null
                ? `wbinfo --ping failed with code ${code ?? '?'}`
                : `wbinfo --ping did not answer`,
            ),
          ),
    );
  });
}

/** One `ntlm_auth` helper: a line out, a line back, with a time limit. */
class HelperLines {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiter: ((line: string | null) => void) | undefined;
  private ended = false;

  constructor(
    argv: readonly string[],
    private readonly timeoutMs: number,
  ) {
    const [file = 'ntlm_auth', ...args] = argv;
    this.child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.on('error', () => this.finish());
    // 'close' comes after stdout is drained: a last line (a BH before the helper exits) is read first.
    this.child.on('close', () => this.finish());
    this.child.stdin.on('error', () => undefined);
    this.child.stderr.resume();
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const w = this.waiter;
      this.waiter = undefined;
      if (w) w(line);
      else this.lines.push(line);
    });
  }

  ask(line: string): Promise<string> {
    if (this.ended)
      return Promise.reject(new SsoUnavailable('NTLM needs winbind and its ntlm_auth on this computer'));
    this.child.stdin.write(`${line}\n`);
    const ready = this.lines.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new SsoUnavailable("NTLM's helper did not answer in time"));
      }, this.timeoutMs);
      this.waiter = (l) => {
        clearTimeout(timer);
        if (l === null) reject(new SsoUnavailable('NTLM needs winbind and its ntlm_auth on this computer'));
        else resolve(l);
      };
    });
  }

  close(): void {
    if (!this.ended) this.child.kill();
    this.finish();
  }

  private finish(): void {
    this.ended = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(null);
  }
}
