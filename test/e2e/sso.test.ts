// Kerberos single sign-on against a real Active Directory (a Samba AD DC started by the test): the
// gateway runs in the DC's namespace with the keytab of HTTP/gw.corp.test from the directory settings;
// clients hold real tickets from the DC's KDC (kinit) and speak the `sso` exchange of PROTOCOL.md
// (DECISIONS 13, 61, 78). The real client takes its token in a process of an ordinary user.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { runCommand } from '@kordon/drivers';
import kerberos from 'kerberos';
import { node24, repoRoot } from './support/agent-client.js';
import { directorySetArgs } from './support/gateway-directory.js';
import { cli, clientBin, exited, startGateway, type GatewayProcess } from './support/hosts.js';
import { sambaMissing, startSambaDc, type SambaDc } from './support/samba.js';

const missing = await sambaMissing();
const passwords = { alice: 'Alice-Passw0rd.1', bob: 'Bob-Passw0rd.1', dave: 'Dave-Passw0rd.1' };
const port = 14765;
const service = 'gw.corp.test';
const nobody = 65534;

let dc: SambaDc;
let gateway: GatewayProcess;
let data: string;
let gatewayCert: string;
let token: string;
const caches: Record<string, string> = {};

type Message = Record<string, unknown>;

interface Connection {
  send: (m: Message) => void;
  next: () => Promise<Message>;
  close: () => void;
}

/** A connection after `version`, from the root namespace's end of the link (a local address). */
async function connect(): Promise<Connection> {
  const ws = new WebSocket(`wss://${dc.address}:${port}/connect`, { ca: gatewayCert });
  const inbox: Message[] = [];
  const waiters: ((m: Message) => void)[] = [];
  ws.on('message', (d: Buffer) => {
    const m = JSON.parse(d.toString()) as Message;
    const w = waiters.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  const next = (): Promise<Message> =>
    inbox.length > 0
      ? Promise.resolve(inbox.shift() as Message)
      : new Promise((resolve, reject) => {
          waiters.push(resolve);
          setTimeout(() => reject(new Error('no answer within 15 s')), 15_000);
        });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const send = (m: Message): void => ws.send(JSON.stringify(m));
  send({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
  await next();
  return { send, next, close: () => ws.close() };
}

/** A ticket for `user` in its own credential cache, as a logon or kinit makes it. */
function kinit(user: keyof typeof passwords): string {
  const cache = join(data, `${user}.ccache`);
  // setsid: no controlling terminal, so kinit reads the password from stdin.
  execFileSync('setsid', ['--wait', 'kinit', `${user}@${dc.realm}`], {
    input: `${passwords[user]}\n`,
    env: { ...process.env, KRB5_CONFIG: dc.krb5Conf, KRB5CCNAME: `FILE:${cache}` },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  caches[user] = cache;
  return cache;
}

/** A SPNEGO token for HTTP/gw.corp.test from `user`'s cache, made in this process. */
async function spnegoToken(user: keyof typeof passwords): Promise<string> {
  process.env['KRB5CCNAME'] = `FILE:${caches[user] ?? ''}`;
  const client = await kerberos.initializeClient(`HTTP@${service}`, {
    mechOID: kerberos.GSS_MECH_OID_SPNEGO,
    gssFlag: 0,
  });
  return client.step('');
}

/** The `sso` exchange for one token: the offer, then the token; the gateway's last answer. */
async function singleSignOn(c: Connection, first: string): Promise<Message> {
  c.send({ type: 'sso', token: null, session_token: null, domain: dc.realm });
  expect(await c.next()).toMatchObject({ status: 'challenge' });
  c.send({ type: 'sso', token: first, session_token: null, domain: dc.realm });
  return c.next();
}

function apiGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: dc.address, port: 8443, path, ca: gatewayCert, headers: { authorization: `Bearer ${token}` } },
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

describe.skipIf(missing !== undefined)('Kerberos single sign-on against a real AD', () => {
  beforeAll(async () => {
    dc = await startSambaDc({ id: 'sso' });
    data = mkdtempSync(join(tmpdir(), 'kordon-sso-'));
    // Traversable by the ordinary user of the client tests; what is secret in it is 0600.
    chmodSync(data, 0o755);
    for (const [user, password] of Object.entries(passwords)) await dc.addUser(user, password);
    // The account that holds HTTP/gw.corp.test, with AES keys (an account gets RC4 only unless
    // msDS-SupportedEncryptionTypes is set before its keytab is exported).
    await dc.addUser('kordon-http', `Http-${Math.random().toString(36).slice(2)}-Passw0rd.1`);
    await dc.sambaTool(['spn', 'add', `HTTP/${service}`, 'kordon-http']);
    await dc.ldapModify(
      `dn: ${dc.userDn('kordon-http')}\nchangetype: modify\nreplace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: 24\n`,
    );
    const keytab = join(data, 'http.keytab');
    await dc.sambaTool(['domain', 'exportkeytab', keytab, `--principal=HTTP/${service}`]);
    // The gateway's name in the domain's DNS, for the real client that connects to gw.corp.test.
    await dc.sambaTool(
      ['dns', 'add', dc.address, dc.dnsDomain, 'gw', 'A', dc.address, '-U', 'Administrator'],
      {
        stdin: `${dc.adminPassword}\n`,
      },
    );
    const d = ['--data-dir', join(data, 'gateway')];
    await cli(['settings', 'set', `auth_domain=${service}`, ...d]);
    await cli(directorySetArgs(dc, join(data, 'bind-password'), ['--keytab', keytab, ...d]));
    token = (await cli(['token', 'create', '--name', 'e2e', ...d])).trim();
    gateway = await startGateway(
      dc.ns,
      [
        ...d,
        '--listen',
        `0.0.0.0:${port}`,
        '--admin-listen',
        '0.0.0.0:8443',
        // The DC's link is the office network; the WAN namespace and loopback are not.
        '--local-networks',
        '198.18.250.0/24',
        '--workers',
        '1',
        '--wireguard',
        'none',
        '--firewall',
        'none',
      ],
      { KRB5_CONFIG: dc.krb5Conf },
    );
    gatewayCert = readFileSync(join(data, 'gateway', 'tls', 'cert.pem'), 'utf8');
    process.env['KRB5_CONFIG'] = dc.krb5Conf;
    kinit('alice');
    kinit('bob');
  });

  afterAll(async () => {
    const gw = gateway as GatewayProcess | undefined;
    if (gw) {
      gw.child.kill('SIGTERM');
      await exited(gw.child);
    }
    await (dc as SambaDc | undefined)?.remove();
    rmSync(data, { recursive: true, force: true });
  });

  it('shows the keytab without its keys, and that Kerberos is ready', async () => {
    const shown = JSON.parse(
      await cli(['directory', 'show', '--json', '--data-dir', join(data, 'gateway')]),
    ) as Message;
    expect(shown['keytab_keys']).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^HTTP/${service}@${dc.realm} \\(kvno \\d+, aes256-cts-hmac-sha1-96\\)$`),
        ),
      ]),
    );
    expect(shown['kerberos_problem']).toBeNull();
    expect(JSON.stringify(shown)).not.toContain('BQI');
  });

  it('offers single sign-on for the directory domain with the DC as computer_name, and not for another', async () => {
    const c = await connect();
    c.send({ type: 'sso', token: null, session_token: null, domain: dc.realm });
    expect(await c.next()).toStrictEqual({
      type: 'sso',
      status: 'challenge',
      session_token: null,
      access_token: null,
      computer_name: dc.hostName,
      error: null,
    });
    c.send({ type: 'sso', token: null, session_token: null, domain: 'OTHER.TEST' });
    const other = await c.next();
    expect(other).toMatchObject({
      type: 'sso',
      status: 'not_authorized',
      session_token: null,
      access_token: null,
    });
    expect(other).not.toHaveProperty('computer_name');
    expect(other['error']).toContain('OTHER.TEST');
    c.close();
  });

  it("logs alice in with her ticket alone, as the directory's account, with method kerberos", async () => {
    const c = await connect();
    const reply = await singleSignOn(c, await spnegoToken('alice'));
    expect(reply).toMatchObject({
      type: 'auth_state',
      authorized: true,
      need_tunnel: false,
      message: 'Authorized as alice@CORP.TEST.',
    });
    const sessions = JSON.parse((await apiGet('/api/v1/sessions')).body) as { items: Message[] };
    expect(sessions.items).toContainEqual(
      expect.objectContaining({ account: 'alice@CORP.TEST', method: 'kerberos' }),
    );
    c.send({ type: 'unauthorize' });
    await c.next();
    c.close();
  });

  it('refuses a replayed token, and says so', async () => {
    const first = await spnegoToken('alice');
    const a = await connect();
    expect(await singleSignOn(a, first)).toMatchObject({ authorized: true });
    a.close();
    const b = await connect();
    const replayed = await singleSignOn(b, first);
    expect(replayed).toMatchObject({ type: 'auth_state', authorized: false, reason: 'sso' });
    expect(replayed['message']).toContain('replay');
    b.close();
  });

  it('reports a clock skew as a clock skew', async () => {
    // A token made by a program whose clock is 10 minutes ahead of the domain's (so the cached ticket
    // is still good to it): curl's SPNEGO under faketime, which does not reach the Kerberos library
    // inside Node, caught by a local server.
    const skewed = await negotiateTokenOfCurl(caches['alice'] ?? '', '+10m');
    const c = await connect();
    const reply = await singleSignOn(c, skewed);
    expect(reply).toMatchObject({ authorized: false, reason: 'sso' });
    expect(reply['message']).toContain('clock');
    c.close();
  });

  it('refuses a token that is not Kerberos, and one for no exchange, in words', async () => {
    const c = await connect();
    const garbage = await singleSignOn(c, Buffer.from([0x60, 0x03, 0x06, 0x01, 0x00]).toString('base64'));
    expect(garbage).toMatchObject({ authorized: false, reason: 'sso' });
    c.send({ type: 'sso', token: 'YQ==', session_token: 'no-such-exchange', domain: dc.realm });
    expect(await c.next()).toMatchObject({ authorized: false, reason: 'sso' });
    c.close();
  });

  it('gives a disabled account its own words, and only after its ticket proved it (DECISIONS 15)', async () => {
    const ticket = await spnegoToken('bob');
    await dc.disableUser('bob');
    try {
      const c = await connect();
      const reply = await singleSignOn(c, ticket);
      expect(reply).toMatchObject({ authorized: false, reason: 'disabled' });
      expect(reply['message']).toContain('disabled');
      c.close();
    } finally {
      await dc.enableUser('bob');
    }
  });

  it('refuses single sign-on at once from outside the local networks (DECISIONS 61)', async () => {
    // From the gateway's own loopback, which the local networks above leave out.
    const script = [
      "const {WebSocket}=require('ws');",
      `const ws=new WebSocket('wss://127.0.0.1:${port}/connect',{rejectUnauthorized:false});`,
      "const out=[];ws.on('message',d=>{out.push(JSON.parse(d));if(out.length===2){console.log(JSON.stringify(out[1]));ws.close();}});",
      "ws.on('open',()=>{ws.send(JSON.stringify({type:'version',major:1,minor:0,build:0,os:'linux'}));",
      `ws.send(JSON.stringify({type:'sso',token:null,session_token:null,domain:'${dc.realm}'}));});`,
    ].join('');
    const { stdout } = await dc.run(node24, ['-e', script], { cwd: repoRoot });
    const reply = JSON.parse(stdout) as Message;
    expect(reply).toMatchObject({
      type: 'sso',
      status: 'not_authorized',
      session_token: null,
      access_token: null,
    });
    expect(reply).not.toHaveProperty('computer_name');
    expect(reply['error']).toContain('office network');
  });

  describe('the real client', () => {
    let daemon: ChildProcess | undefined;
    let daemonLog = '';
    const socket = (): string => join(data, 'client', 'kordon.sock');
    const userKrb5Conf = (): string => join(data, 'krb5.conf');

    beforeAll(async () => {
      const state = join(data, 'client');
      mkdirSync(state, { recursive: true });
      // The daemon runs in the DC's namespace, where gw.corp.test resolves through the domain's DNS.
      daemon = spawn(
        'ip',
        [
          'netns',
          'exec',
          dc.ns.name,
          node24,
          clientBin,
          'daemon',
          '--state-dir',
          state,
          '--socket',
          socket(),
          '--interface',
          'kordon-sso0',
          '--devicevpn-config-path',
          join(state, 'devicevpn.json'),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      for (const out of [daemon.stdout, daemon.stderr])
        out?.on('data', (d: Buffer) => (daemonLog += d.toString()));
      for (let i = 0; i < 100 && !existsSync(socket()); i++) await new Promise((r) => setTimeout(r, 50));
      // dave's ticket belongs to an ordinary user, in a cache only that user can read; the realm's
      // configuration is for everyone to read, as /etc/krb5.conf is.
      const cache = kinit('dave');
      chownSync(cache, nobody, nobody);
      writeFileSync(userKrb5Conf(), readFileSync(dc.krb5Conf), { mode: 0o644 });
    });

    afterAll(async () => {
      if (daemon) {
        daemon.kill('SIGTERM');
        await exited(daemon);
      }
    });

    /** `kordon` as the ordinary user with dave's ticket. */
    function asDave(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve) => {
        const child = spawn(node24, [clientBin, ...args, '--socket', socket()], {
          uid: nobody,
          gid: nobody,
          env: {
            ...process.env,
            HOME: '/',
            KRB5_CONFIG: userKrb5Conf(),
            KRB5CCNAME: `FILE:${caches['dave'] ?? ''}`,
          },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    }

    it("connects an SSO profile with the user's own ticket: the daemon only relays (DECISIONS 78)", async () => {
      expect(
        (
          await asDave([
            'profile',
            'add',
            'Office',
            '--server',
            service,
            '--sso',
            '--server-sha256',
            fingerprint(),
          ])
        ).code,
      ).toBe(0);
      const connected = await asDave(['connect', 'Office', '--json']);
      expect(connected.code, connected.stderr + connected.stdout).toBe(0);
      expect(JSON.parse(connected.stdout)).toMatchObject({
        state: 'connected',
        mode: 'local',
        user: 'nobody',
        profile: 'Office',
      });
      const sessions = JSON.parse((await apiGet('/api/v1/sessions')).body) as { items: Message[] };
      expect(sessions.items).toContainEqual(
        expect.objectContaining({ account: 'dave@CORP.TEST', method: 'kerberos' }),
      );
      expect((await asDave(['disconnect'])).code).toBe(0);
    });

    it('kordon agent connects the SSO profile as soon as the user has a ticket, and logs out at the end', async () => {
      expect((await asDave(['profile', 'set-auto', 'Office'])).code).toBe(0);
      // The agent starts before the logon has made the ticket: a cache that does not exist yet.
      const cache = join(data, 'dave-later.ccache');
      const agent = spawn(
        node24,
        [clientBin, 'agent', '--socket', socket(), '--credentials-poll-ms', '200'],
        {
          uid: nobody,
          gid: nobody,
          env: { ...process.env, HOME: '/', KRB5_CONFIG: userKrb5Conf(), KRB5CCNAME: `FILE:${cache}` },
        },
      );
      let agentLog = '';
      agent.stderr.on('data', (d: Buffer) => (agentLog += d.toString()));
      try {
        const status = async (): Promise<Message> =>
          JSON.parse((await asDave(['status', '--json'])).stdout) as Message;
        for (let i = 0; i < 100 && !agentLog.includes('kinit'); i++)
          await new Promise((r) => setTimeout(r, 50));
        expect(await status(), agentLog).toMatchObject({ state: 'stopped', final: true });
        // The logon: a ticket appears in the user's cache.
        execFileSync('setsid', ['--wait', 'kinit', `dave@${dc.realm}`], {
          input: `${passwords.dave}\n`,
          env: { ...process.env, KRB5_CONFIG: dc.krb5Conf, KRB5CCNAME: `FILE:${cache}` },
          stdio: ['pipe', 'ignore', 'pipe'],
        });
        chownSync(cache, nobody, nobody);
        let now = await status();
        for (let i = 0; i < 100 && now['state'] !== 'connected'; i++) {
          await new Promise((r) => setTimeout(r, 100));
          now = await status();
        }
        expect(now, agentLog).toMatchObject({ state: 'connected', profile: 'Office', mode: 'local' });
        agent.kill('SIGTERM');
        await exited(agent);
        expect(await status()).toMatchObject({ state: 'disconnected' });
      } finally {
        agent.kill('SIGKILL');
      }
    });

    it('without a ticket, says what to do and exits 1', async () => {
      const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(node24, [clientBin, 'connect', 'Office', '--socket', socket()], {
          uid: nobody,
          gid: nobody,
          env: {
            ...process.env,
            HOME: '/',
            KRB5_CONFIG: userKrb5Conf(),
            KRB5CCNAME: `FILE:${join(data, 'none.ccache')}`,
          },
        });
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.on('close', (code) => resolve({ code, stdout }));
      });
      expect(result.code, result.stdout + daemonLog).toBe(1);
      expect(result.stdout).toContain('kinit');
    });
  });

  describe('a client on the WAN', () => {
    const wan = { ns: 'kordon-sso-wan', dcIf: 'ksso-wan0', dcSide: '198.18.253.1', self: '198.18.253.2' };
    let daemon: ChildProcess | undefined;
    const state = (): string => join(data, 'wan');
    const socket = (): string => join(state(), 'kordon.sock');

    beforeAll(async () => {
      mkdirSync(state(), { recursive: true });
      await runCommand('ip', ['netns', 'add', wan.ns]);
      await runCommand('ip', [
        'link',
        'add',
        wan.dcIf,
        'netns',
        dc.ns.name,
        'type',
        'veth',
        'peer',
        'name',
        'eth0',
        'netns',
        wan.ns,
      ]);
      await dc.run('ip', ['addr', 'add', `${wan.dcSide}/30`, 'dev', wan.dcIf]);
      await dc.run('ip', ['link', 'set', wan.dcIf, 'up']);
      await runCommand('ip', ['-n', wan.ns, 'addr', 'add', `${wan.self}/30`, 'dev', 'eth0']);
      await runCommand('ip', ['-n', wan.ns, 'link', 'set', 'eth0', 'up']);
      await runCommand('ip', ['-n', wan.ns, 'link', 'set', 'lo', 'up']);
      // `ip netns exec` lays this over /etc/hosts: the gateway's name, as a public DNS would give it.
      mkdirSync(join('/etc/netns', wan.ns), { recursive: true });
      writeFileSync(join('/etc/netns', wan.ns, 'hosts'), `127.0.0.1 localhost\n${wan.dcSide} ${service}\n`);
      daemon = spawn(
        'ip',
        [
          'netns',
          'exec',
          wan.ns,
          node24,
          clientBin,
          'daemon',
          '--state-dir',
          state(),
          '--socket',
          socket(),
          '--interface',
          'kordon-ssow0',
          '--devicevpn-config-path',
          join(state(), 'devicevpn.json'),
        ],
        { stdio: ['ignore', 'ignore', 'ignore'] },
      );
      for (let i = 0; i < 100 && !existsSync(socket()); i++) await new Promise((r) => setTimeout(r, 50));
    });

    afterAll(async () => {
      if (daemon) {
        daemon.kill('SIGTERM');
        await exited(daemon);
      }
      await runCommand('ip', ['netns', 'del', wan.ns]).catch(() => undefined);
      rmSync(join('/etc/netns', wan.ns), { recursive: true, force: true });
    });

    it('is refused single sign-on at once, in words, and keeps waiting rather than giving up (DECISIONS 61)', async () => {
      const env = {
        ...process.env,
        HOME: '/',
        KRB5_CONFIG: join(data, 'krb5.conf'),
        KRB5CCNAME: `FILE:${caches['dave'] ?? ''}`,
      };
      const run = (args: string[]): Promise<{ code: number | null; stdout: string }> =>
        new Promise((resolve) => {
          const child = spawn(node24, [clientBin, ...args, '--socket', socket()], {
            uid: nobody,
            gid: nobody,
            env,
          });
          let stdout = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.on('close', (code) => resolve({ code, stdout }));
        });
      const pin = new X509Certificate(gatewayCert).fingerprint256;
      expect(
        (await run(['profile', 'add', 'Office', '--server', service, '--sso', '--server-sha256', pin])).code,
      ).toBe(0);
      const result = await run(['connect', 'Office', '--json']);
      expect(result.code, result.stdout).toBe(3);
      expect(JSON.parse(result.stdout)).toMatchObject({
        state: 'waiting',
        why: expect.stringContaining('only from the office network') as unknown,
      });
      const sessions = JSON.parse((await apiGet('/api/v1/sessions')).body) as { items: Message[] };
      expect(sessions.items.filter((x) => x['source_address'] === wan.self)).toStrictEqual([]);
      await run(['disconnect']);
    });
  });
});

/** The SPNEGO token curl sends to http://gw.corp.test/ with `cache`, its clock shifted by `shift`. */
async function negotiateTokenOfCurl(cache: string, shift: string): Promise<string> {
  let seen: string | undefined;
  let curlErrors = '';
  const server = createServer((req, res) => {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Negotiate ') === true) {
      seen = auth.slice('Negotiate '.length);
      res.end('ok');
      return;
    }
    res.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: at } = server.address() as AddressInfo;
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        'faketime',
        [
          '-f',
          shift,
          'curl',
          '-s',
          '--negotiate',
          '-u',
          ':',
          '--resolve',
          `${service}:${at}:127.0.0.1`,
          `http://${service}:${at}/`,
        ],
        { env: { ...process.env, KRB5CCNAME: `FILE:${cache}` }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.stderr.on('data', (d: Buffer) => (curlErrors += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve());
    });
  } finally {
    server.close();
  }
  if (seen === undefined) throw new Error(`curl sent no Negotiate token: ${curlErrors}`);
  return seen;
}

/** The gateway certificate's SHA-256, as profiles pin it. */
function fingerprint(): string {
  return new X509Certificate(gatewayCert).fingerprint256;
}
