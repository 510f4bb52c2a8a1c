// DECISIONS 67: the CLI changes the same store while the gateway serves, and the change feed ends what
// it must within a second. Real processes: the built CLI, a real gateway over TLS, real SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { TestClient } from '../support/client.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});

afterAll(async () => {
  await gw.dispose();
});

async function loggedIn(account: string, address: string): Promise<TestClient> {
  await gw.addUser(account, `${account}-password`);
  const c = await TestClient.connect(gw.port, gw.ca, { localAddress: address });
  expect(await c.login(account, `${account}-password`)).toMatchObject({ authorized: true });
  return c;
}

/** Runs the CLI on the gateway's data directory; resolves with how long after its exit `c` closed. */
async function closedAfter(c: TestClient, args: string[]): Promise<{ ms: number; code: number }> {
  const run = await cli([...args, '--data-dir', gw.dir]);
  expect(run, run.stderr).toMatchObject({ code: 0 });
  const exited = performance.now();
  const closed = await Promise.race([
    c.closed,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not closed within 3 s')), 3000)),
  ]);
  return { ms: performance.now() - exited, code: closed.code };
}

describe('the CLI acts on a running gateway (DECISIONS 67)', () => {
  it('user disable ends the session within a second, saying why', async () => {
    const c = await loggedIn('dora', '127.0.20.1');
    const { ms, code } = await closedAfter(c, ['user', 'disable', 'dora']);
    expect(code).toBe(4002);
    expect(ms).toBeLessThan(1000);
    expect(await c.next()).toMatchObject({ type: 'auth_state', authorized: false, reason: 'disabled' });
    expect(await gw.store.sessions.listByAccount('dora')).toStrictEqual([]);
    // Enabled again, the account logs in as before.
    expect((await cli(['user', 'enable', 'dora', '--data-dir', gw.dir])).code).toBe(0);
    const again = await TestClient.connect(gw.port, gw.ca, { localAddress: '127.0.20.1' });
    expect(await again.login('dora', 'dora-password')).toMatchObject({ authorized: true });
    again.close();
  });

  it('user remove ends the session within a second, and its ticket resumes nothing', async () => {
    const c = await loggedIn('emil', '127.0.20.2');
    const { ms, code } = await closedAfter(c, ['user', 'remove', 'emil']);
    expect(code).toBe(4002);
    expect(ms).toBeLessThan(1000);
    expect(await c.next()).toMatchObject({ reason: 'credentials' });
  });

  it('a password change ends the account’s sessions (4002)', async () => {
    const c = await loggedIn('fred', '127.0.20.3');
    const run = await cli(['user', 'passwd', 'fred', '--password-stdin', '--data-dir', gw.dir], 'new\n');
    expect(run.code).toBe(0);
    expect((await c.closed).code).toBe(4002);
  });

  it('a session in grace ends too, so a resume after the removal is refused as credentials (DECISIONS 66)', async () => {
    await gw.addUser('gina', 'gina-password');
    const c = await TestClient.connect(gw.port, gw.ca, { localAddress: '127.0.20.4' });
    const ticket = (await c.login('gina', 'gina-password'))['resume_ticket'] as string;
    c.ws.terminate();
    await c.closed;
    // Removed in the store only (as a crashed gateway would have missed the change): resume re-checks.
    await gw.store.users.remove('gina');
    const back = await TestClient.connect(gw.port, gw.ca, { localAddress: '127.0.20.4' });
    await back.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    expect(await back.request({ type: 'resume', ticket })).toMatchObject({
      authorized: false,
      reason: 'credentials',
    });
    expect(await gw.store.sessions.listByAccount('gina')).toStrictEqual([]);
    back.close();
  });

  it('a resume of a disabled account is refused as disabled (DECISIONS 66)', async () => {
    await gw.addUser('hugo', 'hugo-password');
    const c = await TestClient.connect(gw.port, gw.ca, { localAddress: '127.0.20.5' });
    const ticket = (await c.login('hugo', 'hugo-password'))['resume_ticket'] as string;
    c.ws.terminate();
    await c.closed;
    await gw.store.users.setDisabled('hugo', true);
    const back = await TestClient.connect(gw.port, gw.ca, { localAddress: '127.0.20.5' });
    await back.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    expect(await back.request({ type: 'resume', ticket })).toMatchObject({ reason: 'disabled' });
    back.close();
  });

  it('settings set enabled=false closes every client with 4004', async () => {
    const c = await loggedIn('ines', '127.0.20.6');
    const { ms, code } = await closedAfter(c, ['settings', 'set', 'enabled=false']);
    expect(code).toBe(4004);
    expect(ms).toBeLessThan(1000);
    expect((await cli(['settings', 'set', 'enabled=true', '--data-dir', gw.dir])).code).toBe(0);
  });
});
