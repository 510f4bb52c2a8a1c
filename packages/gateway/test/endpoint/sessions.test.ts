// Password authorization rules over real connections: throttling, the device limit, one account per
// address, the disabled state, administrator actions, resume and restarts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSecret, sha256Hex } from '../../src/auth/secrets.js';
import { TestClient } from '../support/client.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { httpsRequest } from '../support/https.js';

let gw: TestGateway;
let token: string;

beforeAll(async () => {
  gw = await startTestGateway({ reconnectGraceSeconds: 2 });
  token = randomSecret();
  await gw.store.tokens.create({
    id: randomUUID(),
    name: 'test',
    role: 'admin',
    tokenHash: sha256Hex(token),
    createdAt: new Date(),
  });
});

afterAll(async () => {
  await gw.dispose();
});

function api(method: string, path: string, body?: unknown) {
  return httpsRequest(gw.adminPort, path, gw.ca, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function client(localAddress = '127.0.0.1'): Promise<TestClient> {
  return TestClient.connect(gw.port, gw.ca, { localAddress });
}

describe('failed logins (DECISIONS 15, 47, 55)', () => {
  it('say the same for a wrong password and an unknown user', async () => {
    await gw.addUser('dora', 'dora-password');
    const c = await client('127.0.1.1');
    const wrong = await c.login('dora', 'not-it');
    const unknown = await c.request({ type: 'authorize', login: 'nobody-here', password: 'not-it' });
    expect(wrong).toStrictEqual({
      type: 'auth_state',
      authorized: false,
      need_tunnel: false,
      timeout: 0,
      message: 'Wrong login or password.',
      welcome_url: '',
      reason: 'credentials',
    });
    expect(unknown).toStrictEqual(wrong);
    c.close();
  });

  it('back off from the fifth failure, and do not check a password during the back-off', async () => {
    await gw.addUser('eve', 'eve-password');
    const c = await client('127.0.1.2');
    await c.login('eve', 'wrong-1');
    const timeouts = [];
    for (let i = 2; i <= 5; i++) {
      timeouts.push(
        (await c.request({ type: 'authorize', login: 'eve', password: `wrong-${i}` }))['timeout'],
      );
    }
    expect(timeouts).toEqual([0, 0, 0, 2]);
    const during = await c.request({ type: 'authorize', login: 'EVE', password: 'eve-password' });
    expect(during).toMatchObject({ authorized: false, reason: 'throttled' });
    expect(during['timeout']).toBeGreaterThanOrEqual(1);
    expect(during['timeout']).toBeLessThanOrEqual(2);
    expect(during['message']).toMatch(/Try again in \d s/);
    await new Promise((r) => setTimeout(r, 2100));
    expect(await c.request({ type: 'authorize', login: 'eve', password: 'eve-password' })).toMatchObject({
      authorized: true,
    });
    c.close();
  });

  it('tell a disabled account so only when the password was right', async () => {
    await gw.addUser('fred', 'fred-password');
    await gw.store.users.setDisabled('fred', true);
    const c = await client('127.0.1.3');
    expect(await c.login('fred', 'wrong')).toMatchObject({ reason: 'credentials' });
    expect(await c.request({ type: 'authorize', login: 'fred', password: 'fred-password' })).toMatchObject({
      authorized: false,
      reason: 'disabled',
      message: 'This account is disabled. Ask your network administrator to enable it.',
    });
    c.close();
  });
});

describe('devices and addresses (DECISIONS 1, 2, 3)', () => {
  it('the sixth device ends the oldest session with 4003', async () => {
    await gw.addUser('gina', 'gina-password');
    const clients: TestClient[] = [];
    for (let i = 1; i <= 5; i++) {
      const c = await client(`127.0.2.${i}`);
      expect(await c.login('gina', 'gina-password')).toMatchObject({ authorized: true });
      clients.push(c);
    }
    const sixth = await client('127.0.2.6');
    expect(await sixth.login('gina', 'gina-password')).toMatchObject({ authorized: true });
    expect(await clients[0]!.next()).toMatchObject({
      type: 'auth_state',
      authorized: false,
      reason: 'device_limit',
    });
    expect((await clients[0]!.closed).code).toBe(4003);
    const live = await gw.store.sessions.listByAccount('gina');
    expect(live.map((s) => s.sourceAddress)).toEqual([
      '127.0.2.2',
      '127.0.2.3',
      '127.0.2.4',
      '127.0.2.5',
      '127.0.2.6',
    ]);
    for (const c of [...clients.slice(1), sixth]) c.close();
  });

  it('a new login from the same device replaces the session with 4007', async () => {
    await gw.addUser('hank', 'hank-password');
    const first = await client('127.0.3.1');
    await first.login('hank', 'hank-password');
    const second = await client('127.0.3.1');
    expect(await second.login('hank', 'hank-password')).toMatchObject({ authorized: true });
    expect((await first.closed).code).toBe(4007);
    expect(await gw.store.sessions.listByAccount('hank')).toHaveLength(1);
    second.close();
  });

  it("another account's login from an authorized address says so and what to do", async () => {
    await gw.addUser('ivan', 'ivan-password');
    await gw.addUser('jane', 'jane-password');
    const ivan = await client('127.0.4.1');
    await ivan.login('ivan', 'ivan-password');
    const jane = await client('127.0.4.1');
    const reply = await jane.login('jane', 'jane-password');
    expect(reply).toMatchObject({ authorized: false, reason: 'address_in_use', timeout: 0 });
    expect(reply['message']).toContain('127.0.4.1 is already authorized for another user');
    expect(reply['message']).toContain('Log that user out first');
    // Once ivan's connection is gone and his grace is running, jane's login ends his session.
    ivan.ws.terminate();
    await ivan.closed;
    await new Promise((r) => setTimeout(r, 100));
    expect(await jane.request({ type: 'authorize', login: 'jane', password: 'jane-password' })).toMatchObject(
      {
        authorized: true,
      },
    );
    expect(await gw.store.sessions.listByAccount('ivan')).toEqual([]);
    jane.close();
  });
});

describe('administrator actions', () => {
  it('ending a session in the management API closes its client with 4002', async () => {
    await gw.addUser('kate', 'kate-password');
    const c = await client('127.0.5.1');
    await c.login('kate', 'kate-password');
    const listed = await api('GET', '/api/v1/sessions');
    const item = (JSON.parse(listed.text) as { items: { id: string; account: string }[] }).items.find(
      (s) => s.account === 'kate',
    );
    expect(item).toMatchObject({
      source_address: '127.0.5.1',
      vpn: false,
      tunnel_ipv4: null,
      device: '127.0.5.1',
      node: 'test-node',
    });
    expect((await api('DELETE', `/api/v1/sessions/${item!.id}`)).status).toBe(204);
    expect((await c.closed).code).toBe(4002);
    expect(await gw.store.sessions.listByAccount('kate')).toEqual([]);
    expect((await api('DELETE', `/api/v1/sessions/${item!.id}`)).status).toBe(404);
  });

  it('deleting a user ends their sessions at once', async () => {
    await gw.addUser('liam', 'liam-password');
    const c = await client('127.0.5.2');
    await c.login('liam', 'liam-password');
    expect((await api('DELETE', '/api/v1/users/liam')).status).toBe(204);
    expect((await c.closed).code).toBe(4002);
    expect(await gw.store.sessions.listByAccount('liam')).toEqual([]);
  });

  it('changing local_tunnel drops local sessions with 4005', async () => {
    await gw.addUser('mia', 'mia-password');
    const c = await client('127.0.5.3');
    await c.login('mia', 'mia-password');
    const setting = JSON.parse((await api('GET', '/agent_backend/wireguard/setting')).text) as Record<
      string,
      unknown
    >;
    expect(
      (await api('PUT', '/agent_backend/wireguard/setting', { ...setting, local_tunnel: true })).status,
    ).toBe(200);
    expect((await c.closed).code).toBe(4005);
    // Under the new value a local login needs a tunnel.
    const again = await client('127.0.5.3');
    expect(await again.login('mia', 'mia-password')).toMatchObject({ authorized: true, need_tunnel: true });
    expect(await gw.store.sessions.listByAccount('mia')).toMatchObject([{ state: 'pending', vpn: true }]);
    expect(
      await again.request({ type: 'tunnel_wg', public_key: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }),
    ).toMatchObject({
      // DECISIONS 61: a tunnel_wg that cannot be served ends the pending session with auth_state.
      type: 'auth_state',
      authorized: false,
      reason: 'internal',
    });
    expect(await gw.store.sessions.listByAccount('mia')).toStrictEqual([]);
    expect(await again.login('mia', 'mia-password')).toMatchObject({ authorized: true, need_tunnel: true });
    await api('PUT', '/agent_backend/wireguard/setting', { ...setting, local_tunnel: false });
    expect((await again.closed).code).toBe(4005);
  });

  it('turning client authorization off closes clients with 4004 and refuses logins', async () => {
    await gw.addUser('noah', 'noah-password');
    const c = await client('127.0.5.4');
    await c.login('noah', 'noah-password');
    expect((await api('PUT', '/agent_backend/wireguard/state', { enabled: false })).status).toBe(200);
    expect(await c.next()).toMatchObject({ reason: 'client_authorization_off' });
    expect((await c.closed).code).toBe(4004);
    const again = await client('127.0.5.4');
    const reply = await again.login('noah', 'noah-password');
    expect(reply).toMatchObject({ authorized: false, reason: 'client_authorization_off', timeout: 0 });
    expect(reply['message']).toBe(
      'Authorization through the client is turned off on this gateway. Ask your network administrator.',
    );
    expect((await api('PUT', '/agent_backend/wireguard/state', { enabled: true })).status).toBe(200);
    expect(
      await again.request({ type: 'authorize', login: 'noah', password: 'noah-password' }),
    ).toMatchObject({
      authorized: true,
    });
    again.close();
  });
});

describe('resume (DECISIONS 4, 54) and restarts (DECISIONS 3)', () => {
  it('a dropped client resumes with its ticket, once', async () => {
    await gw.addUser('olga', 'olga-password');
    const c = await client('127.0.6.1');
    const auth = await c.login('olga', 'olga-password');
    const ticket = auth['resume_ticket'] as string;
    c.ws.terminate();
    await c.closed;
    const back = await client('127.0.6.1');
    await back.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    const resumed = await back.request({ type: 'resume', ticket });
    expect(resumed).toMatchObject({ type: 'auth_state', authorized: true, need_tunnel: false, timeout: 0 });
    expect(resumed['resume_ticket']).not.toBe(ticket);
    // From another device the replaced ticket is dead at once.
    const elsewhere = await client('127.0.6.9');
    await elsewhere.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    expect(await elsewhere.request({ type: 'resume', ticket })).toMatchObject({
      authorized: false,
      reason: 'resume_refused',
      timeout: 0,
    });
    expect(await elsewhere.request({ type: 'resume', ticket: 'garbage' })).toMatchObject({
      reason: 'resume_refused',
    });
    // DECISIONS 79: from the same device, a retry with it (the reply was lost) gets the ticket already issued.
    const retry = await client('127.0.6.1');
    await retry.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    expect(await retry.request({ type: 'resume', ticket })).toMatchObject({
      authorized: true,
      resume_ticket: resumed['resume_ticket'],
    });
    expect((await back.closed).code).toBe(4007);
    // The ticket it was answered with is the current one, and single-use as ever.
    retry.ws.terminate();
    await retry.closed;
    const next = await client('127.0.6.1');
    await next.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    const rotated = await next.request({ type: 'resume', ticket: resumed['resume_ticket'] as string });
    expect(rotated).toMatchObject({ authorized: true });
    expect(rotated['resume_ticket']).not.toBe(resumed['resume_ticket']);
    elsewhere.close();
    next.close();
  });

  it('a replaced ticket is refused after 60 s, even from the same device (DECISIONS 79)', async () => {
    await gw.addUser('oscar', 'oscar-password');
    const c = await client('127.0.6.3');
    const ticket = (await c.login('oscar', 'oscar-password'))['resume_ticket'] as string;
    c.ws.terminate();
    await c.closed;
    const back = await client('127.0.6.3');
    await back.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    expect(await back.request({ type: 'resume', ticket })).toMatchObject({ authorized: true });
    // Age the rotation in the store, as 61 s would.
    const [session] = await gw.store.sessions.listByAccount('oscar');
    await gw.store.sessions.update({ ...session!, rotatedAt: new Date(Date.now() - 61_000) });
    const late = await client('127.0.6.3');
    await late.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    expect(await late.request({ type: 'resume', ticket })).toMatchObject({ reason: 'resume_refused' });
    back.close();
    late.close();
  });

  it('a session whose client does not come back ends after the grace', async () => {
    await gw.addUser('pete', 'pete-password');
    const c = await client('127.0.6.2');
    const ticket = (await c.login('pete', 'pete-password'))['resume_ticket'] as string;
    c.ws.terminate();
    await c.closed;
    expect(await gw.store.sessions.listByAccount('pete')).toHaveLength(1);
    // The grace (2 s) and the sweep of the store (every 0.5 s).
    await new Promise((r) => setTimeout(r, 3000));
    expect(await gw.store.sessions.listByAccount('pete')).toEqual([]);
    const late = await client('127.0.6.2');
    await late.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    expect(await late.request({ type: 'resume', ticket })).toMatchObject({ reason: 'resume_refused' });
    late.close();
  });

  it('a graceful restart tells clients 4006, keeps sessions, and they resume', async () => {
    await gw.addUser('quinn', 'quinn-password');
    const c = await client('127.0.6.3');
    const ticket = (await c.login('quinn', 'quinn-password'))['resume_ticket'] as string;
    const [closed] = await Promise.all([c.closed, gw.stop()]);
    expect(closed.code).toBe(4006);
    expect(await gw.store.sessions.listByAccount('quinn')).toHaveLength(1);
    await gw.restart();
    const back = await client('127.0.6.3');
    await back.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    expect(await back.request({ type: 'resume', ticket })).toMatchObject({ authorized: true });
    back.close();
  });
});
