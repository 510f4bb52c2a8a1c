// Users, sessions, administrators and events under /api/v1 (DECISIONS 44).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '@kordon/core';
import { createHarness, errorOf, hasher, type Harness } from './harness.js';

let h: Harness;

beforeEach(async () => {
  h = await createHarness();
});

afterEach(async () => {
  await h.close();
});

const json = (body: unknown) => ({
  payload: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
});

describe('users', () => {
  it('creates, lists, sets the password, disables and deletes; hashes never leave the server', async () => {
    const created = await h.asAdmin({
      method: 'POST',
      url: '/api/v1/users',
      ...json({ name: 'Bob', password: 's3cret' }),
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toStrictEqual({
      name: 'bob',
      disabled: false,
      created_at: '2026-11-26T10:00:00.000Z',
    });
    const stored = await h.store.users.get('bob');
    expect(await hasher.verify(stored!.passwordHash, 's3cret')).toBe(true);

    const list = await h.asAdmin({ method: 'GET', url: '/api/v1/users' });
    expect(list.json()).toStrictEqual({
      items: [{ name: 'bob', disabled: false, created_at: '2026-11-26T10:00:00.000Z' }],
      total: 1,
      next_cursor: null,
    });
    expect(list.body).not.toContain('argon2');

    const conflict = await h.asAdmin({
      method: 'POST',
      url: '/api/v1/users',
      ...json({ name: 'bob', password: 'x' }),
    });
    expect(conflict.statusCode).toBe(409);
    expect(errorOf(conflict)).toMatchObject({ code: 'conflict', field: '/name' });

    const password = await h.asAdmin({
      method: 'PUT',
      url: '/api/v1/users/bob/password',
      ...json({ password: 'new one' }),
    });
    expect(password.statusCode).toBe(204);
    expect(await hasher.verify((await h.store.users.get('bob'))!.passwordHash, 'new one')).toBe(true);

    const unchanged = await h.asAdmin({ method: 'PATCH', url: '/api/v1/users/bob', ...json({}) });
    expect(unchanged.statusCode).toBe(200);
    expect(h.control.revoked).toEqual([]);

    const disabled = await h.asAdmin({
      method: 'PATCH',
      url: '/api/v1/users/BOB',
      ...json({ disabled: true }),
    });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toStrictEqual({
      name: 'bob',
      disabled: true,
      created_at: '2026-11-26T10:00:00.000Z',
    });
    expect(h.control.revoked).toEqual(['bob']);
    expect((await h.store.users.get('bob'))?.disabled).toBe(true);

    const enabled = await h.asAdmin({
      method: 'PATCH',
      url: '/api/v1/users/bob',
      ...json({ disabled: false }),
    });
    expect(enabled.json()).toMatchObject({ disabled: false });
    expect(h.control.revoked).toEqual(['bob']);

    // A JSON Content-Type on a DELETE without a body (as scripts send it) is not an error.
    const removed = await h.asAdmin({
      method: 'DELETE',
      url: '/api/v1/users/bob',
      headers: { 'content-type': 'application/json' },
    });
    expect(removed.statusCode).toBe(204);
    expect(h.control.revoked).toEqual(['bob', 'bob']);
    expect(await h.store.users.get('bob')).toBeUndefined();

    const details = (await h.store.events.list(10))
      .filter((e) => e.kind === 'user_changed')
      .map((e) => e.detail);
    expect(details).toHaveLength(5);
    for (const detail of details) expect(detail).not.toContain('argon2');
  });

  it('unknown users are 404 on every route and nothing is revoked', async () => {
    for (const request of [
      { method: 'PUT' as const, url: '/api/v1/users/ghost/password', ...json({ password: 'x' }) },
      { method: 'PATCH' as const, url: '/api/v1/users/ghost', ...json({ disabled: true }) },
      { method: 'DELETE' as const, url: '/api/v1/users/ghost' },
    ]) {
      const response = await h.asAdmin(request);
      expect(response.statusCode, request.method).toBe(404);
      expect(errorOf(response)).toMatchObject({ code: 'not_found', field: null });
      expect(errorOf(response).message).toContain('"ghost"');
    }
    expect(h.control.revoked).toEqual([]);
  });

  it('validates names and passwords', async () => {
    const cases: [unknown, string, string][] = [
      [{ name: 'CORP\\bob', password: 'x' }, 'invalid_field', '/name'],
      [{ name: 'bob@corp.example', password: 'x' }, 'invalid_field', '/name'],
      [{ name: '-bob', password: 'x' }, 'invalid_field', '/name'],
      [{ name: 'bob', password: '' }, 'invalid_field', '/password'],
      [{ name: 'bob', password: 'x'.repeat(1025) }, 'invalid_field', '/password'],
      [{ name: 'bob', password: 5 }, 'invalid_field', '/password'],
      [{ name: 'bob' }, 'missing_field', '/password'],
      [{ name: 'bob', password: 'x', admin: true }, 'unknown_field', '/admin'],
    ];
    for (const [body, code, field] of cases) {
      const response = await h.asAdmin({ method: 'POST', url: '/api/v1/users', ...json(body) });
      expect(response.statusCode, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(errorOf(response)).toMatchObject({ code, field });
    }
    expect(await h.store.users.list()).toEqual([]);
    const longest = await h.asAdmin({
      method: 'POST',
      url: '/api/v1/users',
      ...json({ name: 'bob', password: 'x'.repeat(1024) }),
    });
    expect(longest.statusCode).toBe(201);
    const patch = await h.asAdmin({
      method: 'PATCH',
      url: '/api/v1/users/bob',
      ...json({ disabled: 'yes' }),
    });
    expect(errorOf(patch)).toMatchObject({ code: 'invalid_field', field: '/disabled' });
  });
});

describe('sessions', () => {
  const base: Omit<
    Session,
    'id' | 'account' | 'sourceAddress' | 'vpn' | 'tunnelIpv4' | 'device' | 'state' | 'since'
  > = {
    method: 'password',
    node: 'gw-1',
    holder: 'gw-1/0',
    graceUntil: null,
    resumeNonceHash: null,
    previousNonceHash: null,
    rotatedAt: null,
    posture: null,
  };

  async function seed(): Promise<void> {
    await h.store.sessions.insert({
      ...base,
      id: 'local-1',
      account: 'alice',
      sourceAddress: '192.168.1.10',
      vpn: false,
      tunnelIpv4: null,
      device: '192.168.1.10',
      state: 'active',
      since: new Date('2026-11-26T09:00:00.000Z'),
    });
    await h.store.sessions.insert({
      ...base,
      id: 'vpn-1',
      account: 'bob',
      sourceAddress: '198.18.0.20',
      vpn: true,
      tunnelIpv4: '100.64.0.2/32',
      device: 'kCN1yZ7vW8cJ5qE0yZ3hM1nV2sT4uX6wY8zA0bC2dE4=',
      state: 'active',
      since: new Date('2026-11-26T09:30:00.000Z'),
    });
    await h.store.sessions.insert({
      ...base,
      id: 'pending-1',
      account: 'carol',
      sourceAddress: '198.18.0.21',
      vpn: true,
      tunnelIpv4: null,
      device: '198.18.0.21',
      state: 'pending',
      since: new Date('2026-11-26T09:45:00.000Z'),
    });
  }

  const localItem = {
    id: 'local-1',
    account: 'alice',
    source_address: '192.168.1.10',
    tunnel_ipv4: null,
    vpn: false,
    local: false,
    device: '192.168.1.10',
    method: 'password',
    since: '2026-11-26T09:00:00.000Z',
    node: 'gw-1',
    worker: '0',
    posture: null,
    rx_bytes: null,
    tx_bytes: null,
  };
  const vpnItem = {
    id: 'vpn-1',
    account: 'bob',
    source_address: '198.18.0.20',
    tunnel_ipv4: '100.64.0.2',
    vpn: true,
    local: false,
    device: 'kCN1yZ7vW8cJ5qE0yZ3hM1nV2sT4uX6wY8zA0bC2dE4=',
    method: 'password',
    since: '2026-11-26T09:30:00.000Z',
    node: 'gw-1',
    worker: '0',
    posture: null,
    rx_bytes: null,
    tx_bytes: null,
  };

  it('lists live sessions with exact keys, leaving out pending ones', async () => {
    await seed();
    const response = await h.asViewer({ method: 'GET', url: '/api/v1/sessions' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toStrictEqual({ items: [localItem, vpnItem], total: 2, next_cursor: null });
    const explicit = await h.asViewer({ method: 'GET', url: '/api/v1/sessions?vpn_only=false' });
    expect(explicit.json()).toStrictEqual({ items: [localItem, vpnItem], total: 2, next_cursor: null });
  });

  it("shows a session's posture: profiles, whether it is limited and why, each check", async () => {
    await seed();
    await h.store.sessions.setPosture('local-1', {
      report: { type: 'ztna', node_name: 'ws-1', proc_list: [] },
      reportedAt: new Date('2026-11-26T09:01:00.000Z'),
      profileIds: [],
      profiles: ['device without profile'],
      checks: [{ object: 'Tools', criterion: 'processes', passed: false, why: 'osqueryd is not running' }],
      checkedAt: new Date('2026-11-26T09:02:00.000Z'),
      changes: 3,
      note: null,
    });
    const response = await h.asViewer({ method: 'GET', url: '/api/v1/sessions' });
    expect(response.json<{ items: unknown[] }>().items[0]).toStrictEqual({
      ...localItem,
      posture: {
        profiles: ['device without profile'],
        limited: false,
        message: 'Full access (device posture profile: device without profile)',
        checks: [{ object: 'Tools', criterion: 'processes', passed: false, why: 'osqueryd is not running' }],
        checked_at: '2026-11-26T09:02:00.000Z',
        reported_at: '2026-11-26T09:01:00.000Z',
        changes: 3,
      },
    });
  });

  it('vpn_only=true keeps sessions with a tunnel; other values are 400', async () => {
    await seed();
    const response = await h.asViewer({ method: 'GET', url: '/api/v1/sessions?vpn_only=true' });
    expect(response.json()).toStrictEqual({ items: [vpnItem], total: 1, next_cursor: null });
    for (const query of ['vpn_only=yes', 'vpn_only=1', 'vpn_only=TRUE', 'vpn_only=']) {
      const bad = await h.asViewer({ method: 'GET', url: `/api/v1/sessions?${query}` });
      expect(bad.statusCode, query).toBe(400);
      expect(errorOf(bad)).toMatchObject({ code: 'invalid_field', field: '/vpn_only' });
    }
    const typo = await h.asViewer({ method: 'GET', url: '/api/v1/sessions?vpnonly=true' });
    expect(errorOf(typo)).toMatchObject({ code: 'unknown_field', field: '/vpnonly' });
    expect(errorOf(typo).message).toContain('did you mean "vpn_only"');
  });

  it('DELETE ends the session through the change feed: 204, or 404 when it is not stored', async () => {
    await seed();
    const ended = await h.asAdmin({ method: 'DELETE', url: '/api/v1/sessions/vpn-1' });
    expect(ended.statusCode).toBe(204);
    expect(h.control.ended).toEqual(['vpn-1']);
    const unknown = await h.asAdmin({ method: 'DELETE', url: '/api/v1/sessions/ghost' });
    expect(unknown.statusCode).toBe(404);
    expect(errorOf(unknown)).toMatchObject({ code: 'not_found', field: null });
    expect(h.control.ended).toEqual(['vpn-1']);
  });
});

describe('administrators', () => {
  it('says which administrators come from the directory (their password and role are its own)', async () => {
    await h.addAdmin('alice', 'pw');
    await h.store.admins.create({
      id: 'd1',
      name: 'bob@corp.example',
      role: 'viewer',
      passwordHash: '!directory',
      mustChangePassword: false,
      createdAt: h.clock.now(),
    });
    const list = await h.asAdmin({ method: 'GET', url: '/api/v1/admins' });
    const sources = list.json<{ items: { name: string; source: string }[] }>().items;
    expect(sources.map((item) => [item.name, item.source])).toEqual([
      ['alice', 'local'],
      ['bob@corp.example', 'directory'],
    ]);
  });

  it('creates, lists and deletes; the last admin-role administrator stays', async () => {
    await h.addAdmin('alice', 'pw');
    const created = await h.asAdmin({
      method: 'POST',
      url: '/api/v1/admins',
      ...json({ name: 'vera', password: 'pw', role: 'viewer' }),
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toStrictEqual({
      name: 'vera',
      role: 'viewer',
      created_at: '2026-11-26T10:00:00.000Z',
      must_change_password: false,
      source: 'local',
    });
    const byDefault = await h.asAdmin({
      method: 'POST',
      url: '/api/v1/admins',
      ...json({ name: 'dan', password: 'pw' }),
    });
    expect(byDefault.json()).toMatchObject({ name: 'dan', role: 'admin' });
    const conflict = await h.asAdmin({
      method: 'POST',
      url: '/api/v1/admins',
      ...json({ name: 'DAN', password: 'pw' }),
    });
    expect(conflict.statusCode).toBe(409);

    const list = await h.asAdmin({ method: 'GET', url: '/api/v1/admins' });
    expect(list.json<{ items: { name: string }[] }>().items.map((item) => item.name)).toEqual([
      'alice',
      'dan',
      'vera',
    ]);
    expect(
      list
        .json<{ items: object[] }>()
        .items.every(
          (item) => Object.keys(item).join() === 'name,role,created_at,must_change_password,source',
        ),
    ).toBe(true);
    expect(list.body).not.toContain('argon2');

    const password = await h.asAdmin({
      method: 'PUT',
      url: '/api/v1/admins/vera/password',
      ...json({ password: 'pw2' }),
    });
    expect(password.statusCode).toBe(204);
    expect(await hasher.verify((await h.store.admins.get('vera'))!.passwordHash, 'pw2')).toBe(true);

    expect((await h.asAdmin({ method: 'DELETE', url: '/api/v1/admins/dan' })).statusCode).toBe(204);
    const last = await h.asAdmin({ method: 'DELETE', url: '/api/v1/admins/alice' });
    expect(last.statusCode).toBe(409);
    expect(errorOf(last)).toMatchObject({ code: 'last_admin', field: null });
    expect(await h.store.admins.get('alice')).toBeDefined();
    // The rule protects the admin role only: a viewer may always be removed.
    expect((await h.asAdmin({ method: 'DELETE', url: '/api/v1/admins/vera' })).statusCode).toBe(204);
    const unknown = await h.asAdmin({ method: 'DELETE', url: '/api/v1/admins/vera' });
    expect(unknown.statusCode).toBe(404);
    expect(errorOf(unknown).code).toBe('not_found');
  });

  it('validates the body', async () => {
    const badRole = await h.asAdmin({
      method: 'POST',
      url: '/api/v1/admins',
      ...json({ name: 'x', password: 'p', role: 'owner' }),
    });
    expect(errorOf(badRole)).toMatchObject({ code: 'invalid_field', field: '/role' });
    const badName = await h.asAdmin({
      method: 'POST',
      url: '/api/v1/admins',
      ...json({ name: 'a b', password: 'p' }),
    });
    expect(errorOf(badName)).toMatchObject({ code: 'invalid_field', field: '/name' });
    expect(errorOf(badName).message).toContain('an administrator name');
  });
});

describe('events', () => {
  it('lists the newest first with exact keys, honours limit, refuses bad limits', async () => {
    for (let i = 0; i < 5; i++) {
      await h.store.events.append({
        at: new Date(Date.UTC(2026, 10, 26, 9, i)),
        kind: 'login',
        account: `user${i}`,
        sourceAddress: '192.168.1.10',
        detail: `login ${i}`,
      });
    }
    const all = await h.asViewer({ method: 'GET', url: '/api/v1/events' });
    const items = all.json<{ items: { detail: string }[] }>().items;
    expect(items.map((item) => item.detail)).toEqual(['login 4', 'login 3', 'login 2', 'login 1', 'login 0']);
    expect(items[0]).toStrictEqual({
      at: '2026-11-26T09:04:00.000Z',
      kind: 'login',
      account: 'user4',
      source_address: '192.168.1.10',
      detail: 'login 4',
    });
    const two = await h.asViewer({ method: 'GET', url: '/api/v1/events?limit=2' });
    expect(two.json<{ items: unknown[] }>().items).toHaveLength(2);
    expect((await h.asViewer({ method: 'GET', url: '/api/v1/events?limit=1000' })).statusCode).toBe(200);
    for (const limit of ['0', '1001', '-1', 'ten', '1.5', '']) {
      const bad = await h.asViewer({ method: 'GET', url: `/api/v1/events?limit=${limit}` });
      expect(bad.statusCode, limit).toBe(400);
      expect(errorOf(bad)).toMatchObject({ code: 'invalid_field', field: '/limit' });
    }
  });
});
