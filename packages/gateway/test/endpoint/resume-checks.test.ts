// DECISIONS 66: a resume is judged like a login, but for the password: by the account, the settings,
// and the VPN-access rules at the connection's new place.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCidr } from '@kordon/core';
import { TestClient } from '../support/client.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  const local = parseCidr('127.0.50.0/24');
  if (!local.ok) throw new Error(local.message);
  // 127.0.50.x is local; every other loopback address is outside.
  gw = await startTestGateway({ localNetworks: [local.cidr] });
});

afterAll(async () => {
  await gw.dispose();
});

const version = { type: 'version', major: 1, minor: 0, build: 0, os: 'linux' };

async function allowAll(): Promise<string> {
  const id = randomUUID();
  await gw.store.vpnRules.create({
    id,
    position: 1,
    action: 'allow',
    users: ['*'],
    groups: [],
    createdAt: new Date(),
  });
  return id;
}

async function dropped(address: string, account: string): Promise<string> {
  const c = await TestClient.connect(gw.port, gw.ca, { localAddress: address });
  const reply = await c.login(account, `${account}-password`);
  expect(reply).toMatchObject({ authorized: true });
  c.ws.terminate();
  await c.closed;
  return reply['resume_ticket'] as string;
}

async function resumeFrom(address: string, ticket: string): Promise<Record<string, unknown>> {
  const c = await TestClient.connect(gw.port, gw.ca, { localAddress: address });
  await c.request(version);
  const reply = await c.request({ type: 'resume', ticket });
  c.close();
  return reply;
}

describe('resume re-checks (DECISIONS 66)', () => {
  it('an external session the rules no longer allow is refused as vpn_denied and ends', async () => {
    await gw.addUser('rita', 'rita-password');
    const rule = await allowAll();
    const ticket = await dropped('127.0.60.1', 'rita');
    await gw.store.vpnRules.remove(rule);
    expect(await resumeFrom('127.0.60.1', ticket)).toMatchObject({ authorized: false, reason: 'vpn_denied' });
    expect(await gw.store.sessions.listByAccount('rita')).toStrictEqual([]);
  });

  it('a tunnel session resumed from outside takes the new address and is judged there', async () => {
    await gw.addUser('sven', 'sven-password');
    const settings = await gw.store.settings.get();
    await gw.store.settings.put({ ...settings, local_tunnel: true });
    // A local tunnel session (local_tunnel on), then the laptop moves outside, where no rule allows sven.
    const ticket = await dropped('127.0.50.7', 'sven');
    expect(await gw.store.sessions.listByAccount('sven')).toMatchObject([{ vpn: true }]);
    expect(await resumeFrom('127.0.61.7', ticket)).toMatchObject({ reason: 'vpn_denied' });
    // With a rule, the same move is allowed, and the session takes the new address.
    const rule = await allowAll();
    const again = await dropped('127.0.50.8', 'sven');
    expect(await resumeFrom('127.0.61.8', again)).toMatchObject({ authorized: true, need_tunnel: true });
    const sessions = await gw.store.sessions.listByAccount('sven');
    expect(sessions.map((s) => s.sourceAddress)).toContain('127.0.61.8');
    await gw.store.vpnRules.remove(rule);
    await gw.store.settings.put(settings);
  });

  it('of two concurrent resumes with one ticket from two devices at most one succeeds', async () => {
    await gw.addUser('tess', 'tess-password');
    const rule = await allowAll();
    const settings = await gw.store.settings.get();
    await gw.store.settings.put({ ...settings, local_tunnel: true });
    const ticket = await dropped('127.0.50.9', 'tess');
    const replies = await Promise.all([resumeFrom('127.0.50.9', ticket), resumeFrom('127.0.50.9', ticket)]);
    const won = replies.filter((r) => r['authorized'] === true);
    // DECISIONS 79: a second try from the same device within 60 s gets the same new ticket, never another.
    const tickets = new Set(won.map((r) => r['resume_ticket']));
    expect(tickets.size).toBe(1);
    await gw.store.vpnRules.remove(rule);
    await gw.store.settings.put(settings);
  });
});
