// Every bad input named in the gateway-core issue: a precise reply or close code, and the gateway
// still serves the next client.
import { symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerInstaller } from '../../src/installers.js';
import { systemClock } from '../../src/clock.js';
import { dataPaths } from '../../src/data-dir.js';
import { TestClient } from '../support/client.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { httpsRequest } from '../support/https.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ versionTimeoutSeconds: 1, maxConnectionsPerAddress: 3 });
  await gw.addUser('alice', 'alice-password');
});

afterAll(async () => {
  await gw.dispose();
});

/** After every bad input, a fresh client still logs in. */
afterEach(async () => {
  const c = await TestClient.connect(gw.port, gw.ca);
  expect(await c.login('alice', 'alice-password')).toMatchObject({ authorized: true });
  c.close();
  await c.closed;
});

async function versioned(): Promise<TestClient> {
  const c = await TestClient.connect(gw.port, gw.ca);
  await c.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
  return c;
}

describe('bad messages get an error and the connection stays', () => {
  it('invalid JSON names the position', async () => {
    const c = await versioned();
    c.sendRaw('{"type": "authorize",');
    const reply = await c.next();
    expect(reply).toMatchObject({ type: 'error', code: 'invalid_json', field: null });
    expect(reply['message']).toMatch(/line 1, column \d+/);
    expect(await c.request({ type: 'authorize', login: 'alice', password: 'alice-password' })).toMatchObject({
      authorized: true,
    });
    c.close();
  });

  it('an unknown type lists the known ones', async () => {
    const c = await versioned();
    const reply = await c.request({ type: 'hello' });
    expect(reply).toMatchObject({ type: 'error', code: 'unknown_type', field: '/type' });
    expect(reply['message']).toContain('authorize');
    c.close();
  });

  it('a wrong type names the field, what was expected and what came', async () => {
    const c = await TestClient.connect(gw.port, gw.ca);
    const reply = await c.request({ type: 'version', major: '1', minor: 0, build: 0, os: 'linux' });
    expect(reply).toMatchObject({ type: 'error', code: 'invalid_field', field: '/major' });
    expect(reply['message']).toMatch(/integer/);
    expect(reply['message']).toMatch(/string/);
    c.close();
  });

  it('a missing field is named', async () => {
    const c = await versioned();
    expect(await c.request({ type: 'authorize', login: 'alice' })).toMatchObject({
      type: 'error',
      code: 'missing_field',
      field: '/password',
    });
    c.close();
  });

  it('a duplicate key is refused (DECISIONS 8)', async () => {
    const c = await versioned();
    c.sendRaw('{"type":"authorize","login":"alice","login":"bob","password":"x"}');
    expect(await c.next()).toMatchObject({ type: 'error', code: 'duplicate_key', field: '/login' });
    c.close();
  });

  it('anything before version is refused with what was expected', async () => {
    const c = await TestClient.connect(gw.port, gw.ca);
    const reply = await c.request({ type: 'authorize', login: 'alice', password: 'alice-password' });
    expect(reply).toMatchObject({ type: 'error', code: 'version_required' });
    expect(reply['message']).toContain('"version"');
    c.close();
  });

  it('out of order after login: tunnel_wg without a tunnel, a second authorize', async () => {
    const c = await versioned();
    expect(
      await c.request({ type: 'tunnel_wg', public_key: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }),
    ).toMatchObject({
      code: 'not_authorized',
    });
    await c.request({ type: 'authorize', login: 'alice', password: 'alice-password' });
    expect(await c.request({ type: 'authorize', login: 'alice', password: 'alice-password' })).toMatchObject({
      code: 'already_authorized',
    });
    expect(
      await c.request({ type: 'tunnel_wg', public_key: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }),
    ).toMatchObject({
      code: 'tunnel_not_needed',
    });
    c.close();
  });
});

describe('bad connections are closed with the right code (DECISIONS 6, 33)', () => {
  it('a binary frame: 1003 at once', async () => {
    const c = await versioned();
    c.sendRaw(Buffer.from('{"type":"unauthorize"}'), true);
    expect((await c.closed).code).toBe(1003);
  });

  it('five invalid JSON messages in a row: 1007', async () => {
    const c = await versioned();
    for (let i = 0; i < 5; i++) c.sendRaw('nope');
    for (let i = 0; i < 5; i++) expect(await c.next()).toMatchObject({ code: 'invalid_json' });
    expect((await c.closed).code).toBe(1007);
  });

  it('five bad messages in a row, the last not JSON-invalid: 1008', async () => {
    const c = await versioned();
    for (let i = 0; i < 5; i++) c.send({ type: 'nonsense' });
    expect((await c.closed).code).toBe(1008);
  });

  it('a good message in between resets the count; a refused login is one (DECISIONS 61)', async () => {
    const c = await versioned();
    for (let i = 0; i < 4; i++) c.sendRaw('nope');
    c.send({ type: 'authorize', login: 'nobody', password: 'wrong' });
    for (let i = 0; i < 4; i++) c.sendRaw('nope');
    for (let i = 0; i < 4; i++) await c.next();
    expect(await c.next()).toMatchObject({ type: 'auth_state', reason: 'credentials' });
    for (let i = 0; i < 4; i++) await c.next();
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.close();
  });

  it('an unauthorize before any session is answered but resets nothing (DECISIONS 68)', async () => {
    const c = await versioned();
    for (let i = 0; i < 4; i++) c.sendRaw('nope');
    c.send({ type: 'unauthorize' });
    c.sendRaw('nope');
    for (let i = 0; i < 4; i++) await c.next();
    expect(await c.next()).toMatchObject({ type: 'auth_state', reason: 'logged_out' });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'invalid_json' });
    expect((await c.closed).code).toBe(1007);
  });

  it('a frame over 128 KiB: 1009', async () => {
    const c = await versioned();
    c.send({ type: 'authorize', login: 'alice', password: 'x'.repeat(130 * 1024) });
    expect((await c.closed).code).toBe(1009);
  });

  it('a frame just under 128 KiB is read and answered', async () => {
    const c = await versioned();
    c.send({ type: 'sso', token: 'A'.repeat(127 * 1024), session_token: null, domain: 'CORP.EXAMPLE' });
    // DECISIONS 61: the vendor's refusal, without computer_name.
    expect(await c.next()).toStrictEqual({
      type: 'sso',
      status: 'not_authorized',
      session_token: null,
      access_token: null,
      error: 'Single sign-on is not configured on this gateway; log in with your login and password.',
    });
    c.close();
  });

  it('no version in time: 4001', async () => {
    const c = await TestClient.connect(gw.port, gw.ca);
    expect((await c.closed).code).toBe(4001);
  });

  it('over the cap of connections not yet authorized per address: 503 with Retry-After', async () => {
    const open = await Promise.all(
      [0, 1, 2].map(() => TestClient.connect(gw.port, gw.ca, { localAddress: '127.0.0.9' })),
    );
    const refused = new TestClient(gw.port, gw.ca, { localAddress: '127.0.0.9' });
    await expect(refused.opened).rejects.toThrow('HTTP 503');
    // Another address is not affected, and an authorized connection no longer counts.
    const other = await TestClient.connect(gw.port, gw.ca, { localAddress: '127.0.0.10' });
    other.close();
    await gw.addUser('cap', 'cap-password').catch(() => undefined);
    expect(await open[0]!.login('cap', 'cap-password')).toMatchObject({ authorized: true });
    const fits = await TestClient.connect(gw.port, gw.ca, { localAddress: '127.0.0.9' });
    for (const c of [...open, fits]) c.close();
  });

  it('a WebSocket on another path: 404', async () => {
    const c = new TestClient(gw.port, gw.ca, { path: '/other' });
    await expect(c.opened).rejects.toThrow('HTTP 404');
  });
});

describe('installer downloads read nothing else', () => {
  beforeAll(async () => {
    const source = join(gw.dir, 'x.deb');
    writeFileSync(source, 'installer');
    await registerInstaller({
      store: gw.store,
      dir: dataPaths(gw.dir).installers,
      os: 'macos',
      version: '2.0.0',
      fileName: 'kordon.deb',
      source,
      clock: systemClock,
    });
  });

  it.each([
    '/kordon.db',
    '/../kordon.db',
    '/%2e%2e/kordon.db',
    '/%2E%2E%2Fkordon.db',
    '/installers/kordon.deb',
    '/..%2fkordon.db',
    '/tls/key.pem',
    '/resume-key',
    '/kordon.deb/..',
    '/./kordon.deb',
    '/kordon.deb%00',
  ])('%s → 404', async (path) => {
    const res = await httpsRequest(gw.port, path, gw.ca);
    expect(res.status).toBe(404);
    expect(res.text).toBe('not found\n');
  });

  it('serves the registered file with its type, and refuses it once it is a symlink', async () => {
    const ok = await httpsRequest(gw.port, '/kordon.deb', gw.ca);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('installer');
    expect(ok.headers['content-type']).toBe('application/vnd.debian.binary-package');
    expect(ok.headers['content-disposition']).toBe('attachment; filename="kordon.deb"');
    const file = join(dataPaths(gw.dir).installers, 'kordon.deb');
    unlinkSync(file);
    symlinkSync(dataPaths(gw.dir).resumeKey, file);
    const res = await httpsRequest(gw.port, '/kordon.deb', gw.ca);
    expect(res.status).toBe(404);
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await httpsRequest(gw.port, '/connect', gw.ca, { method: 'POST' })).status).toBe(405);
  });
});
