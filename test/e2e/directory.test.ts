// Directory logins against a real Active Directory (a Samba AD DC started by the test): the gateway
// process runs in the DC's namespace (where dc1.corp.test resolves), clients connect from the root
// namespace's end of the link, which is outside the gateway's local networks (DECISIONS 14-17, 61, 67).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { request } from 'node:https';
import { WebSocket } from 'ws';
import { certificateArgs } from '@kordon/drivers';
import { directorySetArgs } from './support/gateway-directory.js';
import { cli, exited, startGateway, type GatewayProcess } from './support/hosts.js';
import { sambaMissing, startSambaDc, type SambaDc } from './support/samba.js';

const missing = await sambaMissing();
const passwords = { alice: 'Alice-Passw0rd.1', bob: 'Bob-Passw0rd.1', carol: 'Carol-Passw0rd.1' };
const port = 14765;

let dc: SambaDc;
let gateway: GatewayProcess;
let data: string;
let gatewayCert: string;
const devices: Record<string, { cert: string; key: string }> = {};

/** A device certificate (or, without `issuer`, a CA) made with openssl. */
function certificate(name: string, extensions: string[], issuer?: { certFile: string; keyFile: string }) {
  const keyFile = join(data, `${name}.key`);
  const certFile = join(data, `${name}.pem`);
  execFileSync(
    'openssl',
    certificateArgs({
      keyFile,
      certFile,
      days: 2,
      subject: `/CN=${name}`,
      extensions,
      ...(issuer ? { issuer } : {}),
    }),
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}
let token: string;

interface Connection {
  reply: Record<string, unknown>;
  next: () => Promise<Record<string, unknown>>;
  closed: Promise<number>;
  close: () => void;
}

/** One connection: version, then `authorize`; the gateway's answer. */
async function login(login: string, password: string): Promise<Record<string, unknown>> {
  const c = await connect(login, password);
  c.close();
  return c.reply;
}

/** The same, left open; with `device`, a device's mutual-TLS login instead (DECISIONS 77). */
async function connect(
  login: string,
  password: string,
  device?: { cert: string; key: string },
): Promise<Connection> {
  // The gateway's self-signed certificate names its addresses, the DC's among them (it runs there).
  const ws = new WebSocket(`wss://${dc.address}:${port}/connect`, { ca: gatewayCert, ...(device ?? {}) });
  const inbox: Record<string, unknown>[] = [];
  const waiters: ((m: Record<string, unknown>) => void)[] = [];
  ws.on('message', (d: Buffer) => {
    const m = JSON.parse(d.toString()) as Record<string, unknown>;
    const w = waiters.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  const next = (): Promise<Record<string, unknown>> =>
    inbox.length > 0
      ? Promise.resolve(inbox.shift() as Record<string, unknown>)
      : new Promise((resolve, reject) => {
          waiters.push(resolve);
          setTimeout(() => reject(new Error('no answer within 15 s')), 15_000);
        });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' }));
  await next();
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.send(JSON.stringify(device ? { type: 'authorize_device' } : { type: 'authorize', login, password }));
  const reply = await next();
  return { reply, next, closed, close: () => ws.close() };
}

interface ApiReply {
  status: number;
  body: string;
  cookie: string | undefined;
}

/** A request to the management API: with the test's token unless `headers` say otherwise. */
function api(
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<ApiReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: dc.address,
        port: 8443,
        path,
        method,
        ca: gatewayCert,
        headers: headers ?? {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text,
            cookie: res.headers['set-cookie']?.[0]?.split(';')[0],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const apiGet = (path: string): Promise<ApiReply> => api('GET', path);

/** POST /api/v1/login as a person does it in the console. */
const consoleLogin = (name: string, password: string): Promise<ApiReply> =>
  api('POST', '/api/v1/login', { name, password }, { 'content-type': 'application/json' });

describe.skipIf(missing !== undefined)('directory logins against a real AD', () => {
  beforeAll(async () => {
    dc = await startSambaDc({ id: 'directory' });
    await dc.addUser('alice', passwords.alice);
    await dc.addUser('bob', passwords.bob);
    await dc.addUser('carol', passwords.carol, { disabled: true });
    await dc.addGroup('staff');
    await dc.addGroup('vpn-users');
    await dc.addMembers('staff', ['alice']);
    await dc.addMembers('vpn-users', ['staff']);
    await dc.addGroup('kordon-admins');
    await dc.addMembers('kordon-admins', ['alice']);
    data = mkdtempSync(join(tmpdir(), 'kordon-directory-'));
    const d = ['--data-dir', join(data, 'gateway')];
    await cli(
      directorySetArgs(dc, join(data, 'bind-password'), ['--admin-group', 'CORP\\kordon-admins', ...d]),
    );
    token = (await cli(['token', 'create', '--name', 'e2e', ...d])).trim();
    // Device VPN (DECISIONS 77): two devices with certificates; only WS-042's computer account is in
    // vpn-computers.
    const ca = certificate('device-ca', [
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    for (const name of ['ws-042', 'ws-043']) {
      devices[name] = certificate(
        name,
        [
          'keyUsage=critical,digitalSignature',
          'extendedKeyUsage=clientAuth',
          `subjectAltName=DNS:${name}.corp.test`,
        ],
        ca,
      );
      await dc.sambaTool(['computer', 'create', name.toUpperCase()]);
      await dc.ldapModify(
        `dn: CN=${name.toUpperCase()},CN=Computers,${dc.baseDn}\nchangetype: modify\nreplace: dNSHostName\ndNSHostName: ${name}.corp.test\n`,
      );
    }
    await dc.addGroup('vpn-computers');
    await dc.addMembers('vpn-computers', ['WS-042$']);
    await cli(['vpn-rule', 'add', '--groups', 'CORP\\vpn-computers', '--allow', ...d]);
    await cli(['settings', 'set', 'device_vpn=true', `trusted_ca_cert=@${ca.certFile}`, ...d]);
    // The nested group: alice is in vpn-users through staff; bob is in neither.
    await cli(['vpn-rule', 'add', '--groups', 'CORP\\vpn-users', '--allow', ...d]);
    gateway = await startGateway(dc.ns, [
      ...d,
      '--listen',
      `0.0.0.0:${port}`,
      '--admin-listen',
      '0.0.0.0:8443',
      '--local-networks',
      '10.0.0.0/8',
      '--workers',
      '1',
      '--directory-sync',
      '2',
      '--wireguard',
      'none',
      '--firewall',
      'none',
    ]);
    gatewayCert = readFileSync(join(data, 'gateway', 'tls', 'cert.pem'), 'utf8');
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

  it.each(['CORP\\alice', 'alice@corp.test', 'alice@CORP.TEST', 'alice'])(
    'logs alice in with her domain password as %s, through a nested-group VPN rule',
    async (name) => {
      expect(await login(name, passwords.alice)).toMatchObject({
        type: 'auth_state',
        authorized: true,
        message: 'Authorized as alice@CORP.TEST; set up the tunnel to continue.',
      });
    },
  );

  it('never authorizes a wrong password, and says the same as for an unknown user', async () => {
    const wrong = await login('CORP\\alice', 'not-her-password');
    expect(wrong).toMatchObject({
      authorized: false,
      reason: 'credentials',
      message: 'Wrong login or password.',
    });
    expect(await login('CORP\\nobody', 'whatever')).toStrictEqual(wrong);
  });

  it('refuses bob from outside: no VPN rule lets him in (DECISIONS 17)', async () => {
    expect(await login('CORP\\bob', passwords.bob)).toMatchObject({
      authorized: false,
      reason: 'vpn_denied',
    });
  });

  it('tells carol her account is disabled, only with her right password (DECISIONS 15)', async () => {
    expect(await login('CORP\\carol', passwords.carol)).toMatchObject({
      authorized: false,
      reason: 'disabled',
      message: 'This directory account is disabled. Ask your network administrator.',
    });
    expect(await login('CORP\\carol', 'not-her-password')).toMatchObject({ reason: 'credentials' });
  });

  it('lists and searches directory users through the management API', async () => {
    const found = await apiGet('/api/v1/directory/users?search=ar');
    expect(found.status, found.body).toBe(200);
    const items = (JSON.parse(found.body) as { items: Record<string, unknown>[] }).items;
    expect(items.map((u) => u['account'])).toEqual(['carol@CORP.TEST']);
    expect(items[0]?.['restriction']).toMatch(/disabled/);
    const all = JSON.parse((await apiGet('/api/v1/directory/users')).body) as { items: { name: string }[] };
    expect(all.items.map((u) => u.name)).toEqual(
      expect.arrayContaining(['alice', 'bob', 'carol', 'kordon-svc']),
    );
  });

  it('signs a member of the admin group in to the management API with the domain password', async () => {
    const signedIn = await consoleLogin('CORP\\alice', passwords.alice);
    expect(signedIn.status, signedIn.body).toBe(200);
    expect(JSON.parse(signedIn.body)).toMatchObject({ name: 'alice@corp.test', role: 'admin' });
    const me = await api('GET', '/api/v1/me', undefined, { cookie: signedIn.cookie ?? '' });
    const signedInBody = JSON.parse(signedIn.body) as { csrf_token: string };
    expect(JSON.parse(me.body)).toEqual({
      name: 'alice@corp.test',
      role: 'admin',
      // A directory administrator is never forced: its password is the directory's.
      must_change_password: false,
      csrf_token: signedInBody.csrf_token,
    });
    // bob's password is right, but he is in no group that administers the gateway.
    expect((await consoleLogin('CORP\\bob', passwords.bob)).status).toBe(401);
    expect((await consoleLogin('CORP\\alice', 'not-her-password')).status).toBe(401);
    // Out of the group, the next sync takes the role and its console sessions away.
    await dc.removeMembers('kordon-admins', ['alice']);
    let status = 200;
    for (let i = 0; i < 40 && status === 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await api('GET', '/api/v1/me', undefined, { cookie: signedIn.cookie ?? '' })).status;
    }
    expect(status).toBe(401);
  });

  it('lets a device in from outside through its AD computer group, and not another (DECISIONS 77)', async () => {
    const inGroup = await connect('', '', devices['ws-042']);
    expect(inGroup.reply).toMatchObject({
      authorized: true,
      message: 'Authorized as ws-042.corp.test; set up the tunnel to continue.',
    });
    inGroup.close();
    const outside = await connect('', '', devices['ws-043']);
    expect(outside.reply).toMatchObject({ authorized: false, reason: 'vpn_denied' });
    outside.close();
  });

  it('answers internal while the directory is down, and logs nobody in (DECISIONS 61)', async () => {
    await dc.stop();
    try {
      const reply = await login('CORP\\alice', passwords.alice);
      expect(reply).toMatchObject({ authorized: false, reason: 'internal' });
      expect(String(reply['message'])).toContain('the directory (Active Directory) cannot be reached');
      const listed = await apiGet('/api/v1/directory/users?search=alice');
      expect(listed.status).toBe(503);
      expect(listed.body).toContain('directory_unavailable');
    } finally {
      await dc.start();
    }
    expect(await login('CORP\\alice', passwords.alice)).toMatchObject({ authorized: true });
  });

  it('ends the session of an account disabled in the directory at the next sync (DECISIONS 67)', async () => {
    const c = await connect('CORP\\alice', passwords.alice);
    expect(c.reply).toMatchObject({ authorized: true });
    await dc.disableUser('alice');
    try {
      expect(await c.next()).toMatchObject({ authorized: false, reason: 'disabled' });
      expect(await c.closed).toBe(4002);
    } finally {
      await dc.enableUser('alice');
    }
  });
});
