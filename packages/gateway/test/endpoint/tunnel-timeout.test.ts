// DECISIONS 30, 60: a session that needs a tunnel is pending until tunnel_wg, and ends when it does not
// come in time. Without a WireGuard driver (`--wireguard none`) tunnel_wg is refused, saying why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/client.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ tunnelSetupSeconds: 1 });
  await gw.addUser('tina', 'tina-password');
  await gw.store.settings.put({ ...(await gw.store.settings.get()), local_tunnel: true });
});

afterAll(async () => {
  await gw.dispose();
});

describe('a session waiting for its tunnel', () => {
  it('is pending, not counted, and ends with tunnel_timeout and 1008', async () => {
    const c = await TestClient.connect(gw.port, gw.ca);
    expect(await c.login('tina', 'tina-password')).toMatchObject({ authorized: true, need_tunnel: true });
    expect(await gw.store.sessions.listByAccount('tina')).toMatchObject([
      { state: 'pending', vpn: true, device: '' },
    ]);
    expect(await c.next(3000)).toMatchObject({
      type: 'auth_state',
      authorized: false,
      reason: 'tunnel_timeout',
    });
    expect((await c.closed).code).toBe(1008);
    expect(await gw.store.sessions.listByAccount('tina')).toEqual([]);
  });

  it('a tunnel_wg this gateway cannot serve ends the session with auth_state internal (DECISIONS 61)', async () => {
    const c = await TestClient.connect(gw.port, gw.ca);
    expect(await c.login('tina', 'tina-password')).toMatchObject({ authorized: true, need_tunnel: true });
    const refused = await c.request({
      type: 'tunnel_wg',
      public_key: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    });
    expect(refused).toMatchObject({ type: 'auth_state', authorized: false, reason: 'internal', timeout: 0 });
    expect(refused['message']).toContain('without a WireGuard driver');
    expect(await gw.store.sessions.listByAccount('tina')).toEqual([]);
    // The connection stays, expecting a login.
    expect(await c.login('tina', 'tina-password')).toMatchObject({ authorized: true, need_tunnel: true });
    c.close();
  });
});
