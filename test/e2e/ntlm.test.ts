// NTLM single sign-on against a real domain: a Samba AD DC, a member host joined to it with winbind
// (support/samba-member.ts), and NtlmAuthenticator in this process running one ntlm_auth helper per
// exchange inside the member. The clients' tokens come from ntlm_auth's own client helpers
// (ntlmssp-client-1, gss-spnego-client), each told its password on stdin (`PW <base64>`).
// Then the whole gateway: the real `kordon-gateway start` runs inside the member (the joined host, where
// its ntlm_auth reaches winbindd), and this process speaks the `sso` exchange of PROTOCOL.md to it over
// TLS and WebSocket from the root namespace, through a link of its own (the office network); last, the
// client's NTLM fallback (packages/client/src/sso/ntlm.ts) with credentials winbind cached at a logon.
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { AuthUnavailable, type AuthResult, type StepResult } from '@kordon/core';
import { runCommand } from '@kordon/drivers';
import { ntlmTokens } from '../../packages/client/src/sso/ntlm.js';
import { SsoUnavailable, type SsoContext } from '../../packages/client/src/sso/tokens.js';
import { NtlmAuthenticator, type NtlmOptions } from '../../packages/gateway/src/auth/ntlm.js';
import { node24, repoRoot } from './support/agent-client.js';
import { directorySetArgs } from './support/gateway-directory.js';
import { cli, exited, gatewayBin } from './support/hosts.js';
import { startSambaMember, type SambaMember } from './support/samba-member.js';
import { sambaMissing, startSambaDc, type SambaDc } from './support/samba.js';

const missing = await sambaMissing();
const passwords = { alice: 'Alice-Passw0rd.1', bob: 'Bob-Passw0rd.1' };

let dc: SambaDc;
let member: SambaMember;
/** The data dir of the gateway that runs inside the member, configured while the member joins. */
let gatewayData: string | undefined;
let configured: Promise<string> | undefined;
const authenticators: NtlmAuthenticator[] = [];
/** Client contexts of the NTLM fallback, closed at the end even when a test failed before its close(). */
const contexts = new Set<SsoContext>();
const clients = new Set<ClientHelper>();

/** The directory as the gateway would ask it: CORP accounts are `name@CORP.TEST`. */
function resolve(user: { domain: string; name: string }): Promise<AuthResult> {
  if (user.domain !== 'CORP')
    return Promise.resolve({ ok: false, reason: 'credentials', detail: `foreign domain ${user.domain}` });
  return Promise.resolve({
    ok: true,
    identity: {
      account: `${user.name.toLowerCase()}@CORP.TEST`,
      method: 'ntlm',
      groups: [],
      displayName: null,
      disabled: false,
    },
  });
}

function authenticator(options: Partial<NtlmOptions> = {}): NtlmAuthenticator {
  const a = new NtlmAuthenticator({
    command: member.command,
    env: member.env,
    resolve,
    lookup: () => Promise.resolve(undefined),
    ...options,
  });
  authenticators.push(a);
  return a;
}

/** A client-side ntlm_auth inside the member: one line in, one line out. */
class ClientHelper {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffered = '';
  private readonly lines: string[] = [];
  private waiter: ((line: string) => void) | undefined;

  constructor(protocol: 'ntlmssp-client-1' | 'gss-spnego-client', user: string) {
    const [file, ...prefix] = member.command;
    this.child = spawn(file!, [
      ...prefix,
      'ntlm_auth',
      `--helper-protocol=${protocol}`,
      `--username=${user}`,
      `--domain=${dc.domain}`,
    ]);
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      let i: number;
      while ((i = this.buffered.indexOf('\n')) !== -1) {
        const line = this.buffered.slice(0, i);
        this.buffered = this.buffered.slice(i + 1);
        const w = this.waiter;
        this.waiter = undefined;
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    this.child.stdin.on('error', () => undefined);
    clients.add(this);
  }

  ask(line: string): Promise<string> {
    this.child.stdin.write(`${line}\n`);
    const ready = this.lines.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client ntlm_auth did not answer "${line}"`)), 10_000);
      this.waiter = (l) => {
        clearTimeout(timer);
        resolve(l);
      };
    });
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill('SIGKILL');
    clients.delete(this);
  }
}

interface Client {
  first: string;
  /** The client's answer to the gateway's token. */
  answer(token: string): Promise<string>;
  close(): void;
}

async function client(user: string, password: string, spnego = false): Promise<Client> {
  const c = new ClientHelper(spnego ? 'gss-spnego-client' : 'ntlmssp-client-1', user);
  expect(await c.ask(`PW ${Buffer.from(password).toString('base64')}`)).toBe('OK');
  const first = await c.ask('YR');
  expect(first).toMatch(/^YR \S+$/);
  return {
    first: first.slice(3),
    async answer(token) {
      // ntlmssp-client-1 ends with "AF <AUTHENTICATE>", gss-spnego-client goes on with "KK <token>".
      const reply = await c.ask(`TT ${token}`);
      expect(reply).toMatch(/^(AF|KK) \S+$/);
      return reply.slice(3);
    },
    close: () => c.close(),
  };
}

/** One whole exchange; the AUTHENTICATE the client sent comes back for replays. */
async function login(
  a: NtlmAuthenticator,
  sessionToken: string,
  user: string,
  password: string,
  spnego = false,
): Promise<{ result: StepResult; authenticate: string }> {
  const c = await client(user, password, spnego);
  try {
    const challenge = await a.begin(sessionToken, c.first);
    expect(challenge.kind).toBe('continue');
    const authenticate = await c.answer((challenge as { token: string }).token);
    return { result: await a.step(sessionToken, authenticate), authenticate };
  } finally {
    c.close();
  }
}

/** ntlm_auth processes inside the member, once as many as `expected` are left (waiting at most 2 s). */
async function helpersLeft(expected = 0): Promise<number[]> {
  let left = member.processes('ntlm_auth');
  for (let i = 0; i < 40 && left.length !== expected; i++) {
    await new Promise((r) => setTimeout(r, 50));
    left = member.processes('ntlm_auth');
  }
  return left;
}

type Message = Record<string, unknown>;

/** A client's WebSocket connection to the gateway, after `version` (its `update` answer kept). */
interface Wire {
  update: Message;
  send(m: Message): void;
  next(): Promise<Message>;
  close(): Promise<void>;
}

const port = 14765;
const adminPort = 8443;
const openWires = new Set<WebSocket>();

function gatewayAddress(): string {
  if (member.clientAddress === undefined) throw new Error('the member has no client link');
  return member.clientAddress;
}

async function connect(cert: string): Promise<Wire> {
  const ws = new WebSocket(`wss://${gatewayAddress()}:${port}/connect`, { ca: cert });
  openWires.add(ws);
  const inbox: Message[] = [];
  const waiters: ((m: Message) => void)[] = [];
  ws.on('message', (d: Buffer) => {
    const m = JSON.parse(d.toString()) as Message;
    const w = waiters.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  ws.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  closed.finally(() => openWires.delete(ws)).catch(() => undefined);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const next = (): Promise<Message> =>
    inbox.length > 0
      ? Promise.resolve(inbox.shift() as Message)
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no answer within 15 s')), 15_000);
          waiters.push((m) => {
            clearTimeout(timer);
            resolve(m);
          });
        });
  const send = (m: Message): void => ws.send(JSON.stringify(m));
  send({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
  const update = await next();
  return {
    update,
    send,
    next,
    close: () => {
      ws.close();
      return closed;
    },
  };
}

/** `kordon-gateway start` inside the member: its network, mount and UTS namespaces (nsenter execs node). */
async function startMemberGateway(args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  const [file, ...prefix] = member.command;
  const child = spawn(file!, [...prefix, node24, gatewayBin, 'start', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const deadline = performance.now() + 30_000;
    const timer = setInterval(() => {
      if (out.includes('"gateway started')) {
        clearInterval(timer);
        resolve();
      } else if (performance.now() > deadline) {
        clearInterval(timer);
        child.kill('SIGTERM');
        reject(new Error(`the gateway did not start within 30 s:\n${out}`));
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`the gateway exited with ${code}:\n${out}`));
    });
  });
  return { child, output: () => out };
}

/** The gateway's data dir as an administrator sets it up with the CLI (DC settings, NTLM on); its API token. */
async function configureGateway(data: string): Promise<string> {
  const d = ['--data-dir', join(data, 'gateway')];
  await cli(['settings', 'set', 'auth_domain=gw.corp.test', ...d]);
  await cli(directorySetArgs(dc, join(data, 'bind-password'), ['--ntlm', ...d]));
  return (await cli(['token', 'create', '--name', 'e2e', ...d])).trim();
}

describe.skipIf(missing !== undefined)('NTLM single sign-on through winbind and ntlm_auth', () => {
  beforeAll(async () => {
    dc = await startSambaDc({ id: 'ntlm' });
    await dc.addUser('alice', passwords.alice);
    await dc.addUser('bob', passwords.bob, { disabled: true });
    gatewayData = mkdtempSync(join(tmpdir(), 'kordon-ntlm-gw-'));
    const t0 = performance.now();
    configured = configureGateway(gatewayData);
    configured.catch(() => undefined);
    // The member's machine name must differ from the gateway's auth_domain host (gw).
    member = await startSambaMember(dc, {
      id: 'ntlm',
      machineName: 'kgw-ntlm',
      authDomain: 'gw.corp.test',
      // The office network, from the root namespace (only this suite uses 198.18.252.0/24).
      clientSubnet: '198.18.252.0/30',
    });
    await configured;
    const configuredMs = Math.round(performance.now() - t0);
    console.log(
      `samba DC: provision ${dc.timings.provisionMs} ms, serving ${dc.timings.startMs} ms after start; ` +
        `member ${member.machineName}: set-up ${member.timings.setupMs} ms, net ads join ${member.timings.joinMs} ms, ` +
        `winbindd ready (wbinfo -t) ${member.timings.winbindStartMs} ms after start; ` +
        `the gateway configured with the CLI meanwhile (both done ${configuredMs} ms after the DC)`,
    );
  });

  afterAll(async () => {
    for (const a of authenticators) a.close();
    for (const c of contexts) c.close();
    for (const c of [...clients]) c.close();
    // undefined when beforeAll failed early
    await (member as SambaMember | undefined)?.remove();
    await (dc as SambaDc | undefined)?.remove();
    await configured?.catch(() => undefined);
    if (gatewayData !== undefined) rmSync(gatewayData, { recursive: true, force: true });
  });

  it('signs alice in with her password: done, with the identity resolved for CORP\\alice', async () => {
    const a = authenticator();
    const c = await client('alice', passwords.alice);
    const t0 = performance.now();
    const challenge = await a.begin('alice-1', c.first);
    const t1 = performance.now();
    expect(challenge).toMatchObject({ kind: 'continue' });
    const authenticate = await c.answer((challenge as { token: string }).token);
    const t2 = performance.now();
    const done = await a.step('alice-1', authenticate);
    const t3 = performance.now();
    c.close();
    console.log(
      `one NTLM exchange: begin (helper start + CHALLENGE) ${Math.round(t1 - t0)} ms, ` +
        `step (AUTHENTICATE checked by the DC) ${Math.round(t3 - t2)} ms`,
    );
    expect(done).toEqual({
      kind: 'done',
      identity: {
        account: 'alice@CORP.TEST',
        method: 'ntlm',
        groups: [],
        displayName: null,
        disabled: false,
      },
      token: null,
    });
    expect(a.size).toBe(0);
    expect(await helpersLeft()).toEqual([]);
  });

  it('refuses a wrong password as credentials', async () => {
    const { result } = await login(authenticator(), 'alice-wrong', 'alice', 'Wrong-Passw0rd.9');
    expect(result).toMatchObject({
      kind: 'failed',
      refusal: { reason: 'credentials', detail: expect.stringContaining('NT_STATUS_LOGON_FAILURE') },
    });
  });

  it('says a disabled account is disabled only when the password was right', async () => {
    const a = authenticator();
    // Samba checks the password first: only then NT_STATUS_ACCOUNT_DISABLED.
    expect((await login(a, 'bob-right', 'bob', passwords.bob)).result).toMatchObject({
      kind: 'failed',
      refusal: {
        reason: 'disabled',
        what: expect.stringMatching(/this account is disabled/i),
        detail: expect.stringContaining('NT_STATUS_ACCOUNT_DISABLED'),
      },
    });
    expect((await login(a, 'bob-wrong', 'bob', 'Wrong-Passw0rd.9')).result).toMatchObject({
      kind: 'failed',
      refusal: { reason: 'credentials', detail: expect.stringContaining('NT_STATUS_LOGON_FAILURE') },
    });
    // An unknown user looks like a wrong password.
    expect((await login(a, 'nobody', 'nobody', 'Wrong-Passw0rd.9')).result).toMatchObject({
      refusal: { reason: 'credentials', detail: expect.stringContaining('NT_STATUS_LOGON_FAILURE') },
    });
  });

  it('takes a SPNEGO-wrapped NTLM exchange (gss-spnego) and gives the final SPNEGO token', async () => {
    const { result } = await login(authenticator(), 'alice-spnego', 'alice', passwords.alice, true);
    expect(result).toMatchObject({ kind: 'done', identity: { account: 'alice@CORP.TEST' } });
    // accept-completed (NegTokenResp [1], negState 0)
    expect((result as { token: string }).token).toBe('oQcwBaADCgEA');
  });

  it("refuses a finished exchange's AUTHENTICATE replayed in a new exchange", async () => {
    const a = authenticator();
    const first = await login(a, 'replay-1', 'alice', passwords.alice);
    expect(first.result.kind).toBe('done');
    const c = await client('alice', passwords.alice);
    const challenge = await a.begin('replay-2', c.first);
    c.close();
    expect(challenge.kind).toBe('continue');
    expect(await a.step('replay-2', first.authenticate)).toMatchObject({
      kind: 'failed',
      refusal: { reason: 'credentials' },
    });
    // And the finished exchange itself is gone.
    expect(await a.step('replay-1', first.authenticate)).toMatchObject({
      refusal: { reason: 'credentials', detail: 'unknown exchange' },
    });
  });

  it('runs 20 exchanges in parallel, all signed in, and leaves no helper behind', async () => {
    const a = authenticator();
    const t0 = performance.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(a, `parallel-${i}`, 'alice', passwords.alice)),
    );
    console.log(
      `20 parallel NTLM exchanges (with their 20 client helpers): ${Math.round(performance.now() - t0)} ms`,
    );
    expect(results.map((r) => r.result.kind)).toEqual(Array.from({ length: 20 }, () => 'done'));
    expect(a.size).toBe(0);
    expect(await helpersLeft()).toEqual([]);
  });

  it('kills the helper of an exchange abandoned, or idle past its deadline', async () => {
    const a = authenticator({ idleMs: 400 });
    const c = await client('alice', passwords.alice);
    await a.begin('abandoned', c.first);
    await a.begin('idle', c.first);
    c.close();
    expect(await helpersLeft(2)).toHaveLength(2);
    a.abandon('abandoned');
    expect(await helpersLeft(1)).toHaveLength(1);
    expect(a.size).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await helpersLeft()).toEqual([]);
    expect(a.size).toBe(0);
    expect(await a.step('idle', 'TlRMTVNTUAADAAAA')).toMatchObject({
      refusal: { reason: 'credentials', detail: 'unknown exchange' },
    });
  });

  it("answers AuthUnavailable, never a sign-in, while winbindd is stopped; the client's fallback says winbind is needed", async () => {
    const a = authenticator();
    await member.stopWinbind();
    try {
      const c = await client('alice', passwords.alice);
      // The CHALLENGE needs no winbindd; checking the AUTHENTICATE does.
      const challenge = await a.begin('no-winbind', c.first);
      expect(challenge.kind).toBe('continue');
      const authenticate = await c.answer((challenge as { token: string }).token);
      c.close();
      const error = await a.step('no-winbind', authenticate).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthUnavailable);
      expect((error as Error).message).toMatch(/broken helper: NT_STATUS_UNSUCCESSFUL/);
      expect(a.size).toBe(0);
      // The client side (packages/client/src/sso/ntlm.ts): `wbinfo --ping` fails, and no helper starts.
      const unavailable = await ntlmTokens({ user: 'alice', command: member.command })
        .start('gw.corp.test')
        .catch((e: unknown) => e);
      expect(unavailable).toBeInstanceOf(SsoUnavailable);
      expect((unavailable as Error).message).toMatch(/^NTLM needs winbind: /);
      expect(await helpersLeft()).toEqual([]);
    } finally {
      await member.startWinbind();
    }
    expect((await login(a, 'winbind-back', 'alice', passwords.alice)).result.kind).toBe('done');
  });

  describe('the whole gateway, inside the member, over TLS and WebSocket', () => {
    let data: string;
    let gateway: { child: ChildProcess; output: () => string } | undefined;
    let cert: string;
    let apiToken: string;
    const domain = 'CORP.TEST';

    function apiGet(path: string): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host: gatewayAddress(),
            port: adminPort,
            path,
            ca: cert,
            headers: { authorization: `Bearer ${apiToken}` },
          },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    }

    /** The offer, then the first token: the gateway's answer to the first token. */
    async function first(c: Wire, token: string): Promise<Message> {
      c.send({ type: 'sso', token: null, session_token: null, domain });
      expect(await c.next()).toStrictEqual({
        type: 'sso',
        status: 'challenge',
        session_token: null,
        access_token: null,
        computer_name: dc.hostName,
        error: null,
      });
      c.send({ type: 'sso', token, session_token: null, domain });
      return c.next();
    }

    /** An `in_progress` as PROTOCOL.md has it, with a CHALLENGE (NTLMSSP message type 2). */
    function expectInProgress(m: Message): { sessionToken: string; challenge: string } {
      expect(m).toStrictEqual({
        type: 'sso',
        status: 'in_progress',
        session_token: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/),
        access_token: expect.stringMatching(/^[A-Za-z0-9+/]+={0,2}$/),
        error: null,
      });
      const challenge = String(m['access_token']);
      const bytes = Buffer.from(challenge, 'base64');
      expect(bytes.subarray(0, 8).toString('latin1')).toBe('NTLMSSP\0');
      expect(bytes.readUInt32LE(8)).toBe(2);
      return { sessionToken: String(m['session_token']), challenge };
    }

    /** A refusal as the gateway sends it (PROTOCOL.md's auth_state, with Kordon's `reason`). */
    function refusal(reason: string, message: string): Message {
      return {
        type: 'auth_state',
        authorized: false,
        need_tunnel: false,
        timeout: 0,
        message,
        welcome_url: '',
        reason,
      };
    }

    async function logOut(c: Wire): Promise<void> {
      c.send({ type: 'unauthorize' });
      expect(await c.next()).toMatchObject({ type: 'auth_state', authorized: false, reason: 'logged_out' });
      await c.close();
    }

    beforeAll(async () => {
      const t0 = performance.now();
      data = gatewayData ?? '';
      apiToken = await (configured ?? Promise.reject(new Error('the gateway was not configured')));
      const d = ['--data-dir', join(data, 'gateway')];
      // dc1.corp.test (the LDAPS URL) resolves inside the member through its /etc/hosts.
      expect((await member.run('getent', ['hosts', dc.hostName])).stdout).toMatch(
        new RegExp(`^${dc.address.replaceAll('.', '\\.')}\\s+${dc.hostName}`),
      );
      gateway = await startMemberGateway([
        ...d,
        '--listen',
        `0.0.0.0:${port}`,
        // On the office link, so this process reaches it as it reaches the client endpoint.
        '--admin-listen',
        `${gatewayAddress()}:${adminPort}`,
        '--workers',
        '1',
        '--wireguard',
        'none',
        '--firewall',
        'none',
        '--local-networks',
        '198.18.252.0/30',
      ]);
      cert = readFileSync(join(data, 'gateway', 'tls', 'cert.pem'), 'utf8');
      console.log(`gateway inside the member: started in ${Math.round(performance.now() - t0)} ms`);
    });

    afterAll(async () => {
      for (const ws of openWires) ws.terminate();
      const child = gateway?.child;
      if (child) {
        const t0 = performance.now();
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited(child);
        clearTimeout(timer);
        console.log(`the gateway stopped ${Math.round(performance.now() - t0)} ms after SIGTERM`);
      }
      // Nothing of the gateway (its worker, its helpers) is left inside the member.
      expect(member.processes('node')).toEqual([]);
      expect(member.processes('ntlm_auth')).toEqual([]);
    });

    it('answers version as PROTOCOL.md says: no update, no version', async () => {
      const c = await connect(cert);
      expect(c.update).toStrictEqual({ type: 'update', need_update: false, download_url: null });
      await c.close();
    });

    it('signs alice in over the wire: challenge, in_progress with the CHALLENGE, auth_state; method ntlm', async () => {
      const c = await connect(cert);
      const client1 = await client('alice', passwords.alice);
      const t0 = performance.now();
      const { sessionToken, challenge } = expectInProgress(await first(c, client1.first));
      const t1 = performance.now();
      const authenticate = await client1.answer(challenge);
      client1.close();
      c.send({ type: 'sso', token: authenticate, session_token: sessionToken, domain });
      const t2 = performance.now();
      const done = await c.next();
      const t3 = performance.now();
      console.log(
        `over the wire: offer + NEGOTIATE → in_progress ${Math.round(t1 - t0)} ms, AUTHENTICATE → auth_state ${Math.round(t3 - t2)} ms`,
      );
      expect(done).toStrictEqual({
        type: 'auth_state',
        authorized: true,
        need_tunnel: false,
        timeout: 0,
        message: 'Authorized as alice@CORP.TEST.',
        welcome_url: '',
        // DECISIONS 4: an extension every client gets.
        resume_ticket: expect.stringMatching(/^\S{16,}$/),
      });
      const sessions = await apiGet('/api/v1/sessions');
      expect(sessions.status).toBe(200);
      expect((JSON.parse(sessions.body) as { items: Message[] }).items).toContainEqual(
        expect.objectContaining({
          account: 'alice@CORP.TEST',
          method: 'ntlm',
          source_address: member.clientPeerAddress,
        }),
      );
      // The exchange is over: its helper is gone, and its session token is no more.
      expect(await helpersLeft()).toEqual([]);
      await logOut(c);
    });

    it('refuses a wrong password with reason sso, and disabled bob (right password) with disabled', async () => {
      const c = await connect(cert);
      const wrong = await client('alice', 'Wrong-Passw0rd.9');
      const a = expectInProgress(await first(c, wrong.first));
      c.send({ type: 'sso', token: await wrong.answer(a.challenge), session_token: a.sessionToken, domain });
      wrong.close();
      expect(await c.next()).toStrictEqual(
        refusal(
          'sso',
          'Single sign-on failed: the token was refused. Connect again, or log in with your login and password.',
        ),
      );
      // The connection stays open for another try (DECISIONS 61).
      const bob = await client('bob', passwords.bob);
      const b = expectInProgress(await first(c, bob.first));
      c.send({ type: 'sso', token: await bob.answer(b.challenge), session_token: b.sessionToken, domain });
      bob.close();
      expect(await c.next()).toStrictEqual(
        refusal('disabled', 'This account is disabled. Ask your network administrator.'),
      );
      expect(await helpersLeft()).toEqual([]);
      await c.close();
    });

    it("refuses an AUTHENTICATE sent with another connection's session_token, and the other goes on", async () => {
      const a = await connect(cert);
      const b = await connect(cert);
      const alice = await client('alice', passwords.alice);
      const exchange = expectInProgress(await first(a, alice.first));
      const authenticate = await alice.answer(exchange.challenge);
      alice.close();
      b.send({ type: 'sso', token: authenticate, session_token: exchange.sessionToken, domain });
      expect(await b.next()).toStrictEqual(
        refusal(
          'sso',
          'Single sign-on failed: the single sign-on exchange is not known; start again. Connect again, or log in with your login and password.',
        ),
      );
      await b.close();
      // The exchange belongs to a: its helper never saw the token, and a finishes it.
      a.send({ type: 'sso', token: authenticate, session_token: exchange.sessionToken, domain });
      expect(await a.next()).toMatchObject({ authorized: true, message: 'Authorized as alice@CORP.TEST.' });
      await logOut(a);
    });

    it('leaves no ntlm_auth behind inside the member when the connection closes mid-exchange', async () => {
      const c = await connect(cert);
      const alice = await client('alice', passwords.alice);
      expectInProgress(await first(c, alice.first));
      alice.close();
      // Only the gateway's helper of this exchange is left, waiting for the AUTHENTICATE.
      expect(await helpersLeft(1)).toHaveLength(1);
      await c.close();
      const t0 = performance.now();
      expect(await helpersLeft()).toEqual([]);
      console.log(`the gateway's helper was gone ${Math.round(performance.now() - t0)} ms after the close`);
    });

    describe("the client's NTLM fallback (ntlm_auth --use-cached-creds) against the member's winbindd", () => {
      it('caches alice at a logon, then signs her in through the gateway with no password of hers', async () => {
        // What pam_winbind does at a desktop logon (cached_login): the password checked and kept in memory.
        await member.logon(`${dc.domain}\\alice`, passwords.alice);
        // winbind finds the cache by the bare name and by DOMAIN\name (the Unix name of a domain user).
        for (const user of ['alice', `${dc.domain}\\alice`]) {
          const t0 = performance.now();
          const context = await ntlmTokens({ user, command: member.command }).start('gw.corp.test');
          contexts.add(context);
          expect(context.method).toBe('ntlm');
          const negotiate = Buffer.from(context.token, 'base64');
          expect(negotiate.subarray(0, 8).toString('latin1')).toBe('NTLMSSP\0');
          expect(negotiate.readUInt32LE(8)).toBe(1);
          const c = await connect(cert);
          const { sessionToken, challenge } = expectInProgress(await first(c, context.token));
          const authenticate = await context.next(challenge);
          expect(Buffer.from(authenticate, 'base64').readUInt32LE(8)).toBe(3);
          c.send({ type: 'sso', token: authenticate, session_token: sessionToken, domain });
          expect(await c.next()).toMatchObject({
            type: 'auth_state',
            authorized: true,
            message: 'Authorized as alice@CORP.TEST.',
          });
          context.close();
          console.log(`client fallback as "${user}": whole login ${Math.round(performance.now() - t0)} ms`);
          expect(await helpersLeft()).toEqual([]);
          await logOut(c);
        }
      });

      it('says no NTLM credentials are cached for a user winbind has none of', async () => {
        const context = await ntlmTokens({ user: 'bob', command: member.command }).start('gw.corp.test');
        contexts.add(context);
        const c = await connect(cert);
        const { challenge } = expectInProgress(await first(c, context.token));
        const error = await context.next(challenge).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SsoUnavailable);
        expect((error as Error).message).toMatch(/^no NTLM credentials are cached for "bob"/);
        // The client's helper (it asked for a password) is ended, and the gateway's with the connection.
        await c.close();
        expect(await helpersLeft()).toEqual([]);
        context.close();
      });
    });
  });

  it('removes the member with everything it made', async () => {
    const dir = member.dir;
    await member.remove();
    expect(existsSync(dir)).toBe(false);
    expect(existsSync('/run/netns/kordon-samba-member-ntlm')).toBe(false);
    // The office link went with the namespace: the root namespace's end too.
    expect((await runCommand('ip', ['-o', '-4', 'addr', 'show'])).stdout).not.toContain('198.18.252.');
    expect(member.processes('winbindd')).toEqual([]);
  });
});
