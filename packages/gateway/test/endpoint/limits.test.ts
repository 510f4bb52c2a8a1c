// DECISIONS 68: limits that hold under abuse, against a real gateway over TLS.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/client.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ authorizeTimeoutSeconds: 1, maxPendingConnections: 3 });
  await gw.addUser('mallory', 'right-password');
});

afterAll(async () => {
  await gw.dispose();
});

describe('limits under abuse (DECISIONS 68)', () => {
  it('a connection that does not log in within --authorize-timeout is closed with 4008', async () => {
    const c = await TestClient.connect(gw.port, gw.ca, { localAddress: '127.0.30.1' });
    await c.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    const started = performance.now();
    expect((await c.closed).code).toBe(4008);
    expect(performance.now() - started).toBeGreaterThan(500);
  });

  it('each refused login gives a new deadline, and a session ends the deadline', async () => {
    const c = await TestClient.connect(gw.port, gw.ca, { localAddress: '127.0.30.2' });
    await c.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    await new Promise((r) => setTimeout(r, 600));
    expect(await c.request({ type: 'authorize', login: 'mallory', password: 'wrong' })).toMatchObject({
      reason: 'credentials',
    });
    // 1.2 s after the upgrade, but 0.6 s after the refusal: still open.
    await new Promise((r) => setTimeout(r, 600));
    expect(
      await c.request({ type: 'authorize', login: 'mallory', password: 'right-password' }),
    ).toMatchObject({
      authorized: true,
    });
    await new Promise((r) => setTimeout(r, 1300));
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.close();
  });

  it('the wait a refusal asks for does not count against the deadline', async () => {
    await gw.addUser('trudy', 'right-password');
    const c = await TestClient.connect(gw.port, gw.ca, { localAddress: '127.0.30.3' });
    await c.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    // The fifth failure in a row starts the account's back-off (DECISIONS 47): a wait of 2 s.
    let refused: unknown;
    for (let i = 0; i < 5; i += 1) {
      refused = await c.request({ type: 'authorize', login: 'trudy', password: `wrong-${String(i)}` });
    }
    expect(refused).toMatchObject({ authorized: false, reason: 'credentials', timeout: 2 });
    const told = (refused as { timeout: number }).timeout;
    // Past the 1 s deadline, but within the wait it was told plus the deadline: still open.
    await new Promise((r) => setTimeout(r, 1000 + told * 1000));
    expect(await c.request({ type: 'authorize', login: 'trudy', password: 'right-password' })).toMatchObject({
      authorized: true,
    });
    c.close();
  });

  it('a TLS handshake that does not finish in 10 s is closed', { timeout: 20_000 }, async () => {
    const socket = connect({ host: '127.0.0.1', port: gw.port, localAddress: '127.0.30.9' });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const opened = performance.now();
    // Nothing is sent: no ClientHello.
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const heldMs = performance.now() - opened;
    expect(heldMs).toBeGreaterThan(9_000);
    expect(heldMs).toBeLessThan(12_000);
  });

  it('connections not yet authorized are capped in all (--max-pending-connections): 503', async () => {
    const open = await Promise.all(
      [1, 2, 3].map((i) => TestClient.connect(gw.port, gw.ca, { localAddress: `127.0.31.${i}` })),
    );
    const refused = new TestClient(gw.port, gw.ca, { localAddress: '127.0.31.9' });
    await expect(refused.opened).rejects.toThrow('HTTP 503');
    for (const c of open) c.close();
    await Promise.all(open.map((c) => c.closed));
    const fits = await TestClient.connect(gw.port, gw.ca, { localAddress: '127.0.31.9' });
    fits.close();
  });

  it('of ten parallel guesses for one account only the five the back-off allows are checked', async () => {
    const clients = await Promise.all(
      Array.from({ length: 3 }, (_, i) =>
        TestClient.connect(gw.port, gw.ca, { localAddress: `127.0.32.${i + 1}` }),
      ),
    );
    for (const c of clients) await c.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    // Ten guesses at once over three connections (a connection answers in order, so they overlap across them).
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        clients[i % 3]!.request({ type: 'authorize', login: 'victim', password: `guess-${i}` }),
      ),
    );
    const reasons = replies.map((r) => r['reason']);
    expect(reasons.filter((r) => r === 'credentials').length).toBeLessThanOrEqual(5);
    expect(reasons.filter((r) => r === 'throttled').length).toBeGreaterThanOrEqual(5);
    expect(reasons.every((r) => r === 'credentials' || r === 'throttled')).toBe(true);
    for (const c of clients) c.close();
  });
});
