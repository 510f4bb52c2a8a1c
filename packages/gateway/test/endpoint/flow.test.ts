// The client protocol end to end over real TLS: version → update → authorize → auth_state →
// unauthorize, for a matching and an outdated client, and the installer download it points to.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerInstaller } from '../../src/installers.js';
import { systemClock } from '../../src/clock.js';
import { dataPaths } from '../../src/data-dir.js';
import { TestClient } from '../support/client.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { httpsRequest } from '../support/https.js';

let gw: TestGateway;
const installerBytes = randomBytes(300_000);

beforeAll(async () => {
  gw = await startTestGateway();
  await gw.addUser('alice', 'alice-password');
  const source = join(gw.dir, 'upload.msi');
  writeFileSync(source, installerBytes);
  await registerInstaller({
    store: gw.store,
    dir: dataPaths(gw.dir).installers,
    os: 'windows',
    version: '1.3.0',
    fileName: 'KordonClient_x64.msi',
    source,
    clock: systemClock,
  });
});

afterAll(async () => {
  await gw.dispose();
});

describe('a client with a matching version', () => {
  it('logs in and out', async () => {
    const c = await TestClient.connect(gw.port, gw.ca);
    expect(await c.request({ type: 'version', major: 1, minor: 3, build: 0, os: 'windows' })).toStrictEqual({
      type: 'update',
      need_update: false,
      download_url: null,
    });
    const auth = await c.request({ type: 'authorize', login: 'CORP\\Alice', password: 'alice-password' });
    expect(auth).toStrictEqual({
      type: 'auth_state',
      authorized: true,
      need_tunnel: false,
      timeout: 0,
      message: 'Authorized as alice.',
      welcome_url: '',
      resume_ticket: expect.any(String),
    });
    const sessions = await gw.store.sessions.list();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      account: 'alice',
      sourceAddress: '127.0.0.1',
      vpn: false,
      state: 'active',
    });

    expect(await c.request({ type: 'unauthorize' })).toStrictEqual({
      type: 'auth_state',
      authorized: false,
      need_tunnel: false,
      timeout: 0,
      message: 'Logged out.',
      welcome_url: '',
      reason: 'logged_out',
    });
    expect(await gw.store.sessions.list()).toEqual([]);
    // The same connection may log in again after logging out.
    expect(
      await c.request({ type: 'authorize', login: 'alice@corp.example', password: 'alice-password' }),
    ).toMatchObject({
      authorized: true,
    });
    c.close();
    await c.closed;
  });

  it('passes an OS with no installer registered (DECISIONS 12)', async () => {
    const c = await TestClient.connect(gw.port, gw.ca);
    expect(await c.request({ type: 'version', major: 0, minor: 0, build: 1, os: 'linux' })).toStrictEqual({
      type: 'update',
      need_update: false,
      download_url: null,
    });
    c.close();
  });
});

describe('an outdated client', () => {
  it('is told to update, cannot log in, and downloads the installer it was pointed to', async () => {
    const c = await TestClient.connect(gw.port, gw.ca);
    const update = await c.request({ type: 'version', major: 1, minor: 2, build: 9, os: 'windows' });
    expect(update).toStrictEqual({
      type: 'update',
      need_update: true,
      download_url: `:${gw.port}/KordonClient_x64.msi`,
      version: { major: 1, minor: 3, build: 0, os: 'windows' },
    });
    const auth = await c.request({ type: 'authorize', login: 'alice', password: 'alice-password' });
    expect(auth).toMatchObject({ authorized: false, reason: 'update_required', timeout: 0 });
    expect(auth['message']).toContain(`:${gw.port}/KordonClient_x64.msi`);
    c.close();

    const path = (update['download_url'] as string).replace(/^:\d+/, '');
    const res = await httpsRequest(gw.port, path, gw.ca);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-msi');
    expect(res.headers['content-length']).toBe(String(installerBytes.length));
    expect(res.body.equals(installerBytes)).toBe(true);
  });

  it('can resume a download with Range', async () => {
    const res = await httpsRequest(gw.port, '/KordonClient_x64.msi', gw.ca, {
      headers: { range: 'bytes=1000-1999' },
    });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 1000-1999/${installerBytes.length}`);
    expect(res.body.equals(installerBytes.subarray(1000, 2000))).toBe(true);
    const tail = await httpsRequest(gw.port, '/KordonClient_x64.msi', gw.ca, {
      headers: { range: 'bytes=-10' },
    });
    expect(tail.body.equals(installerBytes.subarray(installerBytes.length - 10))).toBe(true);
    const beyond = await httpsRequest(gw.port, '/KordonClient_x64.msi', gw.ca, {
      headers: { range: `bytes=${installerBytes.length}-` },
    });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${installerBytes.length}`);
  });
});

describe('the probe', () => {
  it('answers a plain GET /connect with 200', async () => {
    const res = await httpsRequest(gw.port, '/connect', gw.ca);
    expect(res.status).toBe(200);
  });
});
