// Who may call what (DECISIONS 20): sessions with CSRF tokens, API tokens, roles, and the public routes.
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, errorOf, type Harness } from './harness.js';
import { sha256Hex } from '../../src/auth/secrets.js';

let h: Harness;

beforeEach(async () => {
  h = await createHarness();
});

afterEach(async () => {
  await h.close();
});

/** The token with its last character changed (never the same token by chance). */
const otherThan = (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

const json = (body: unknown) => ({
  payload: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
});

/** One request of every protected route (a valid body where there is one, so only authentication decides). */
const protectedRoutes: {
  method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  url: string;
  body?: unknown;
}[] = [
  { method: 'GET', url: '/agent_backend/wireguard/state' },
  { method: 'PUT', url: '/agent_backend/wireguard/state', body: { enabled: false } },
  { method: 'GET', url: '/agent_backend/wireguard/setting' },
  {
    method: 'PUT',
    url: '/agent_backend/wireguard/setting',
    body: { auth_domain: null, local_tunnel: true, device_vpn: false, trusted_ca_cert: null },
  },
  { method: 'GET', url: '/agent_backend/agent-server/state' },
  { method: 'PATCH', url: '/agent_backend/agent-server/state', body: { enabled: false } },
  { method: 'GET', url: '/agent_backend/agent-server/setting' },
  { method: 'PATCH', url: '/agent_backend/agent-server/setting', body: { local_tunnel: true } },
  { method: 'GET', url: '/api/v1/me' },
  { method: 'POST', url: '/api/v1/logout' },
  {
    method: 'PUT',
    url: '/api/v1/me/password',
    body: { current_password: 'pw', password: 'a new password' },
  },
  { method: 'GET', url: '/api/v1/users' },
  { method: 'POST', url: '/api/v1/users', body: { name: 'bob', password: 'pw' } },
  { method: 'PUT', url: '/api/v1/users/bob/password', body: { password: 'pw2' } },
  { method: 'PATCH', url: '/api/v1/users/bob', body: { disabled: true } },
  { method: 'DELETE', url: '/api/v1/users/bob' },
  { method: 'GET', url: '/api/v1/groups' },
  { method: 'POST', url: '/api/v1/groups', body: { name: 'staff' } },
  { method: 'DELETE', url: '/api/v1/groups/staff' },
  { method: 'PUT', url: '/api/v1/groups/staff/members/bob' },
  { method: 'DELETE', url: '/api/v1/groups/staff/members/bob' },
  { method: 'GET', url: '/api/v1/vpn-rules' },
  { method: 'POST', url: '/api/v1/vpn-rules', body: { action: 'allow', users: ['*'] } },
  { method: 'PATCH', url: '/api/v1/vpn-rules/r1', body: { position: 5 } },
  { method: 'DELETE', url: '/api/v1/vpn-rules/r1' },
  { method: 'GET', url: '/api/v1/sessions' },
  { method: 'DELETE', url: '/api/v1/sessions/s1' },
  { method: 'GET', url: '/api/v1/tokens' },
  { method: 'POST', url: '/api/v1/tokens', body: { name: 'ci' } },
  { method: 'DELETE', url: '/api/v1/tokens/t1' },
  { method: 'GET', url: '/api/v1/admins' },
  { method: 'POST', url: '/api/v1/admins', body: { name: 'carol', password: 'pw' } },
  { method: 'PUT', url: '/api/v1/admins/carol/password', body: { password: 'pw' } },
  { method: 'DELETE', url: '/api/v1/admins/carol' },
  { method: 'GET', url: '/api/v1/installers' },
  { method: 'DELETE', url: '/api/v1/installers/windows' },
  { method: 'GET', url: '/api/v1/events' },
  { method: 'GET', url: '/api/v1/openapi.json' },
  { method: 'GET', url: '/metrics' },
];

function expectUnauthorized(response: LightMyRequestResponse): void {
  expect(response.statusCode).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Bearer');
  const error = errorOf(response);
  expect(error.code).toBe('unauthorized');
  expect(error.field).toBeNull();
  // No data of the resource: the body is the error and nothing else.
  expect(Object.keys(response.json<object>())).toEqual(['error']);
}

describe('authentication', () => {
  it('every protected route answers 401 without credentials, with a wrong token and with an unknown cookie', async () => {
    for (const route of protectedRoutes) {
      const base = {
        method: route.method,
        url: route.url,
        ...(route.body === undefined ? {} : json(route.body)),
      };
      expectUnauthorized(await h.app.inject(base));
      expectUnauthorized(
        await h.app.inject({ ...base, headers: { ...base.headers, authorization: 'Bearer not-a-token' } }),
      );
      expectUnauthorized(
        await h.app.inject({ ...base, headers: { ...base.headers, authorization: 'Basic YTpi' } }),
      );
      expectUnauthorized(await h.app.inject({ ...base, cookies: { kordon_session: 'forged' } }));
    }
    // Nothing was changed by any of them.
    expect(await h.store.users.list()).toEqual([]);
    expect(await h.store.groups.list()).toEqual([]);
    expect(await h.store.vpnRules.list()).toEqual([]);
    expect(h.control.settingsChanges).toEqual([]);
    expect(h.control.ended).toEqual([]);
  });

  it('an upload without credentials is refused before its body is read', async () => {
    const response = await h.app.inject({
      method: 'PUT',
      url: '/api/v1/installers/windows?version=1.2.3&file_name=Kordon.msi',
      payload: Buffer.alloc(1000, 1),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expectUnauthorized(response);
    expect(response.headers.connection).toBe('close');
    expect(await h.store.installers.list()).toEqual([]);
  });

  it('GET /healthz is public', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toStrictEqual({ status: 'ok' });
  });

  it('GET /healthz adds the fields the gateway reports, and "status" stays "ok"', async () => {
    const reported = await createHarness({
      health: () => ({
        status: 'broken',
        lan_enforcement: 'off',
        wireguard: 'wireguard-go',
        firewall: 'nftables',
      }),
    });
    try {
      const response = await reported.app.inject({ method: 'GET', url: '/healthz' });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe(
        '{"status":"ok","lan_enforcement":"off","wireguard":"wireguard-go","firewall":"nftables"}',
      );
    } finally {
      await reported.close();
    }
  });

  it('an unknown route is 404 in the error shape', async () => {
    const response = await h.asAdmin({ method: 'GET', url: '/api/v1/nothing?x=1' });
    expect(response.statusCode).toBe(404);
    expect(errorOf(response)).toStrictEqual({
      code: 'not_found',
      message: 'there is no route GET /api/v1/nothing',
      field: null,
    });
  });
});

describe('console login, cookie and CSRF', () => {
  async function login(name: string, password: string) {
    return h.app.inject({ method: 'POST', url: '/api/v1/login', ...json({ name, password }) });
  }

  it('a wrong password and an unknown name get the same 401', async () => {
    await h.addAdmin('alice', 'correct horse');
    const wrong = await login('alice', 'wrong');
    const unknown = await login('nobody', 'wrong');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
    expect(errorOf(wrong)).toStrictEqual({
      code: 'invalid_credentials',
      message: 'wrong name or password',
      field: null,
    });
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const failures = (await h.store.events.list(10)).map((event) => [event.kind, event.detail]);
    // A typed name that is no administrator's is not written down (it may be a password).
    expect(failures).toEqual([
      ['admin_login_failed', 'management API login failed for a name that is no administrator'],
      ['admin_login_failed', 'management API login failed for administrator "alice"'],
    ]);
  });

  it("a new password ends that administrator's console sessions, and only theirs", async () => {
    await h.addAdmin('alice', 'first password');
    await h.addAdmin('bruno', 'his password');
    const cookieOf = (response: LightMyRequestResponse): { kordon_session: string } => ({
      kordon_session: /^kordon_session=([^;]+)/.exec(String(response.headers['set-cookie']))?.[1] ?? '',
    });
    const alice = cookieOf(await login('alice', 'first password'));
    const bruno = cookieOf(await login('bruno', 'his password'));
    const changed = await h.asAdmin({
      method: 'PUT',
      url: '/api/v1/admins/alice/password',
      ...json({ password: 'second password' }),
    });
    expect(changed.statusCode).toBe(204);
    expectUnauthorized(await h.app.inject({ method: 'GET', url: '/api/v1/me', cookies: alice }));
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', cookies: bruno })).statusCode).toBe(200);
    expect((await login('alice', 'second password')).statusCode).toBe(200);
  });

  it('login validates its body', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/v1/login',
      ...json({ name: 'alice', password: 'x', remember: true }),
    });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response)).toMatchObject({ code: 'unknown_field', field: '/remember' });
    const missing = await h.app.inject({ method: 'POST', url: '/api/v1/login', ...json({ name: 'alice' }) });
    expect(errorOf(missing)).toMatchObject({ code: 'missing_field', field: '/password' });
  });

  it('sets an HttpOnly, Secure, SameSite=Strict cookie; unsafe methods need the CSRF token', async () => {
    await h.addAdmin('alice', 'correct horse');
    const response = await login('Alice', 'correct horse');
    expect(response.statusCode).toBe(200);
    const body = response.json<{ name: string; role: string; csrf_token: string }>();
    expect(Object.keys(body)).toEqual(['name', 'role', 'csrf_token', 'must_change_password']);
    expect(body).toMatchObject({ name: 'alice', role: 'admin' });
    expect(body.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const setCookie = String(response.headers['set-cookie']);
    const sessionId = /^kordon_session=([A-Za-z0-9_-]{43});/.exec(setCookie)?.[1];
    expect(sessionId).toBeDefined();
    const attributes = setCookie
      .split(';')
      .slice(1)
      .map((part) => part.trim());
    expect(attributes.sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict', 'Secure']);
    // Only the secret's hash is stored, as for API tokens.
    expect(await h.store.adminSessions.get(sessionId!)).toBeUndefined();
    const stored = await h.store.adminSessions.get(sha256Hex(sessionId!));
    expect(stored?.csrfToken).toBe(body.csrf_token);
    expect(stored?.expiresAt.getTime()).toBe(h.clock.now().getTime() + 12 * 3600 * 1000);

    const cookies = { kordon_session: sessionId! };
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', cookies });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toStrictEqual({
      name: 'alice',
      role: 'admin',
      must_change_password: false,
      csrf_token: body.csrf_token,
    });

    const put = { method: 'PUT' as const, url: '/agent_backend/wireguard/state', cookies };
    const missing = await h.app.inject({ ...put, ...json({ enabled: false }) });
    expect(missing.statusCode).toBe(403);
    expect(errorOf(missing)).toMatchObject({ code: 'csrf_token_invalid', field: null });
    const wrong = await h.app.inject({
      ...put,
      payload: '{"enabled":false}',
      headers: { 'content-type': 'application/json', 'x-csrf-token': otherThan(body.csrf_token) },
    });
    expect(wrong.statusCode).toBe(403);
    expect(errorOf(wrong).code).toBe('csrf_token_invalid');
    expect(h.control.settingsChanges).toEqual([]);
    const right = await h.app.inject({
      ...put,
      payload: '{"enabled":false}',
      headers: { 'content-type': 'application/json', 'x-csrf-token': body.csrf_token },
    });
    expect(right.statusCode).toBe(200);
    expect(right.json()).toStrictEqual({ enabled: false });
    const [event] = await h.store.events.list(1);
    expect(event?.detail).toContain('admin "alice"');

    // Logging out needs the CSRF token too, then the cookie is dead.
    const logoutWithout = await h.app.inject({ method: 'POST', url: '/api/v1/logout', cookies });
    expect(logoutWithout.statusCode).toBe(403);
    const logout = await h.app.inject({
      method: 'POST',
      url: '/api/v1/logout',
      cookies,
      headers: { 'x-csrf-token': body.csrf_token },
    });
    expect(logout.statusCode).toBe(204);
    expect(String(logout.headers['set-cookie'])).toMatch(/^kordon_session=;/);
    expect(await h.store.adminSessions.get(sha256Hex(sessionId!))).toBeUndefined();
    expectUnauthorized(await h.app.inject({ method: 'GET', url: '/api/v1/me', cookies }));
  });

  it('a console session ends after 12 hours', async () => {
    await h.addAdmin('alice', 'pw');
    const response = await login('alice', 'pw');
    const cookies = {
      kordon_session: /^kordon_session=([^;]+)/.exec(String(response.headers['set-cookie']))![1]!,
    };
    h.clock.advance(12 * 3600 * 1000 - 1000);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', cookies })).statusCode).toBe(200);
    h.clock.advance(1000);
    expectUnauthorized(await h.app.inject({ method: 'GET', url: '/api/v1/me', cookies }));
  });

  it('a removed administrator loses the session at once', async () => {
    await h.addAdmin('alice', 'pw');
    await h.addAdmin('bob', 'pw');
    const response = await login('bob', 'pw');
    const cookies = {
      kordon_session: /^kordon_session=([^;]+)/.exec(String(response.headers['set-cookie']))![1]!,
    };
    expect((await h.asAdmin({ method: 'DELETE', url: '/api/v1/admins/bob' })).statusCode).toBe(204);
    expectUnauthorized(await h.app.inject({ method: 'GET', url: '/api/v1/me', cookies }));
  });

  it('a viewer administrator reads, may log out, and changes nothing', async () => {
    await h.addAdmin('vera', 'pw', 'viewer');
    const response = await login('vera', 'pw');
    expect(response.json()).toMatchObject({ name: 'vera', role: 'viewer' });
    const csrf = response.json<{ csrf_token: string }>().csrf_token;
    const cookies = {
      kordon_session: /^kordon_session=([^;]+)/.exec(String(response.headers['set-cookie']))![1]!,
    };
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/users', cookies })).statusCode).toBe(200);
    const put = await h.app.inject({
      method: 'PUT',
      url: '/agent_backend/wireguard/state',
      cookies,
      payload: '{"enabled":false}',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    });
    expect(put.statusCode).toBe(403);
    expect(errorOf(put)).toMatchObject({ code: 'forbidden', field: null });
    const logout = await h.app.inject({
      method: 'POST',
      url: '/api/v1/logout',
      cookies,
      headers: { 'x-csrf-token': csrf },
    });
    expect(logout.statusCode).toBe(204);
  });
});

describe('console login throttling (DECISIONS 47)', () => {
  async function login(name: string, password: string, remoteAddress = '127.0.0.1') {
    return h.app.inject({ method: 'POST', url: '/api/v1/login', remoteAddress, ...json({ name, password }) });
  }

  function expectThrottled(response: LightMyRequestResponse, seconds: number): void {
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe(String(seconds));
    expect(errorOf(response)).toStrictEqual({
      code: 'throttled',
      message: `too many failed logins; try again in ${seconds} s`,
      field: null,
    });
    expect(response.headers['set-cookie']).toBeUndefined();
  }

  async function loginFailures(): Promise<number> {
    return (await h.store.events.list(1000)).filter((event) => event.kind === 'admin_login_failed').length;
  }

  it('the fifth failure starts a back-off in which even the right password is refused; then it works', async () => {
    await h.addAdmin('alice', 'right');
    for (let i = 1; i <= 5; i++) {
      const failed = await login('alice', 'wrong');
      expect(failed.statusCode, `failure ${i}`).toBe(401);
      expect(errorOf(failed), `failure ${i}`).toStrictEqual({
        code: 'invalid_credentials',
        message: 'wrong name or password',
        field: null,
      });
      expect(failed.headers['retry-after']).toBeUndefined();
    }
    expectThrottled(await login('alice', 'right'), 2);
    expectThrottled(await login('ALICE ', 'right'), 2);
    h.clock.advance(1_999);
    expectThrottled(await login('alice', 'right'), 1);
    // Throttled attempts are neither checked nor logged.
    expect(await loginFailures()).toBe(5);

    h.clock.advance(1);
    const success = await login('alice', 'right');
    expect(success.statusCode).toBe(200);
    expect(success.json()).toMatchObject({ name: 'alice', role: 'admin' });

    // The success reset the name: the next failure is an ordinary 401 and the password is checked again.
    expect((await login('alice', 'wrong')).statusCode).toBe(401);
    expect((await login('alice', 'right')).statusCode).toBe(200);
  });

  it('attempts during a back-off do not count: the next back-off is the next doubling', async () => {
    await h.addAdmin('alice', 'right');
    for (let i = 0; i < 5; i++) await login('alice', 'wrong');
    for (let i = 0; i < 3; i++) expectThrottled(await login('alice', 'wrong'), 2);
    h.clock.advance(2_000);
    expect((await login('alice', 'wrong')).statusCode).toBe(401);
    expectThrottled(await login('alice', 'right'), 4);
  });

  it('a name is throttled from any address, and unknown names like known ones', async () => {
    await h.addAdmin('alice', 'right');
    for (let i = 1; i <= 5; i++) {
      expect((await login('alice', 'wrong', `192.0.2.${i}`)).statusCode).toBe(401);
      expect((await login('nobody', 'wrong', `192.0.2.${i}`)).statusCode).toBe(401);
    }
    expectThrottled(await login('alice', 'right', '192.0.2.99'), 2);
    expectThrottled(await login('nobody', 'right', '192.0.2.99'), 2);
    // Another name from those addresses is still checked (each address has only 10 failures).
    await h.addAdmin('bob', 'pw');
    expect((await login('bob', 'pw', '192.0.2.1')).statusCode).toBe(200);
  });

  it('an address is throttled from its twentieth failure, whatever the names', async () => {
    await h.addAdmin('alice', 'right');
    for (let i = 1; i <= 20; i++) {
      expect((await login(`user${i}`, 'wrong', '198.51.100.7')).statusCode, `failure ${i}`).toBe(401);
    }
    expectThrottled(await login('alice', 'right', '198.51.100.7'), 2);
    // Another address is not affected.
    expect((await login('alice', 'right', '198.51.100.8')).statusCode).toBe(200);
    // A success does not reset the address: alice is still refused from the throttled one.
    expectThrottled(await login('alice', 'right', '198.51.100.7'), 2);
  });
});

describe('API tokens', () => {
  it('Bearer requests need no CSRF token', async () => {
    const response = await h.asAdmin({
      method: 'PUT',
      url: '/agent_backend/wireguard/state',
      ...json({ enabled: false }),
    });
    expect(response.statusCode).toBe(200);
    const me = await h.asAdmin({ method: 'GET', url: '/api/v1/me' });
    expect(me.json()).toStrictEqual({
      name: 'test-admin',
      role: 'admin',
      must_change_password: false,
      csrf_token: null,
    });
  });

  it('a viewer token reads (200) and is refused every change (403)', async () => {
    expect((await h.asViewer({ method: 'GET', url: '/agent_backend/wireguard/setting' })).statusCode).toBe(
      200,
    );
    expect((await h.asViewer({ method: 'GET', url: '/api/v1/events' })).statusCode).toBe(200);
    expect((await h.asViewer({ method: 'GET', url: '/api/v1/me' })).json()).toStrictEqual({
      name: 'test-viewer',
      role: 'viewer',
      must_change_password: false,
      csrf_token: null,
    });
    for (const route of protectedRoutes.filter((r) => r.method !== 'GET' && r.url !== '/api/v1/logout')) {
      const response = await h.asViewer({
        method: route.method,
        url: route.url,
        ...(route.body === undefined ? {} : json(route.body)),
      });
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(403);
      expect(errorOf(response).code).toBe('forbidden');
    }
    expect(await h.store.settings.get()).toMatchObject({ enabled: true, local_tunnel: false });
    expect(await h.store.users.list()).toEqual([]);
    expect(await h.store.groups.list()).toEqual([]);
    expect(await h.store.vpnRules.list()).toEqual([]);
  });

  it('a created token is shown once, stored only as its hash, and works', async () => {
    const created = await h.asAdmin({ method: 'POST', url: '/api/v1/tokens', ...json({ name: 'ci' }) });
    expect(created.statusCode).toBe(201);
    const body = created.json<{ id: string; name: string; role: string; token: string }>();
    expect(Object.keys(body)).toEqual(['id', 'name', 'role', 'token']);
    expect(body).toMatchObject({ name: 'ci', role: 'admin' });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const list = await h.asAdmin({ method: 'GET', url: '/api/v1/tokens' });
    expect(list.statusCode).toBe(200);
    const items = list.json<{ items: Record<string, unknown>[] }>().items;
    expect(items.map((item) => Object.keys(item))).toEqual([
      ['id', 'name', 'role', 'created_at'],
      ['id', 'name', 'role', 'created_at'],
      ['id', 'name', 'role', 'created_at'],
    ]);
    expect(items.find((item) => item['id'] === body.id)).toStrictEqual({
      id: body.id,
      name: 'ci',
      role: 'admin',
      created_at: '2026-11-26T10:00:00.000Z',
    });
    expect(list.body).not.toContain(body.token);
    const stored = (await h.store.tokens.list()).find((token) => token.id === body.id);
    expect(stored?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.tokenHash).not.toContain(body.token);

    const me = await h.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(me.json()).toStrictEqual({
      name: 'ci',
      role: 'admin',
      must_change_password: false,
      csrf_token: null,
    });

    const removed = await h.asAdmin({ method: 'DELETE', url: `/api/v1/tokens/${body.id}` });
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    expectUnauthorized(
      await h.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${body.token}` },
      }),
    );
    const again = await h.asAdmin({ method: 'DELETE', url: `/api/v1/tokens/${body.id}` });
    expect(again.statusCode).toBe(404);
    expect(errorOf(again).code).toBe('not_found');
  });

  it('a viewer token made through the API is read-only', async () => {
    const created = await h.asAdmin({
      method: 'POST',
      url: '/api/v1/tokens',
      ...json({ name: 'grafana', role: 'viewer' }),
    });
    const { token, role } = created.json<{ token: string; role: string }>();
    expect(role).toBe('viewer');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/users', headers })).statusCode).toBe(200);
    const put = await h.app.inject({
      method: 'PUT',
      url: '/agent_backend/wireguard/state',
      headers,
      payload: '{"enabled":false}',
    });
    expect(put.statusCode).toBe(403);
  });

  it('token bodies are validated', async () => {
    const badRole = await h.asAdmin({
      method: 'POST',
      url: '/api/v1/tokens',
      ...json({ name: 'x', role: 'root' }),
    });
    expect(badRole.statusCode).toBe(400);
    expect(errorOf(badRole)).toMatchObject({ code: 'invalid_field', field: '/role' });
    expect(errorOf(badRole).message).toContain('"admin", "viewer"');
    const empty = await h.asAdmin({ method: 'POST', url: '/api/v1/tokens', ...json({ name: '' }) });
    expect(errorOf(empty)).toMatchObject({ code: 'invalid_field', field: '/name' });
    const missing = await h.asAdmin({ method: 'POST', url: '/api/v1/tokens', ...json({ role: 'viewer' }) });
    expect(errorOf(missing)).toMatchObject({ code: 'missing_field', field: '/name' });
  });
});

describe('metrics and the OpenAPI document', () => {
  it('GET /metrics needs an API token; a viewer token is enough; a console session is not', async () => {
    expectUnauthorized(await h.app.inject({ method: 'GET', url: '/metrics' }));
    await h.addAdmin('alice', 'pw');
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/login',
      ...json({ name: 'alice', password: 'pw' }),
    });
    const cookies = {
      kordon_session: /^kordon_session=([^;]+)/.exec(String(login.headers['set-cookie']))![1]!,
    };
    const withCookie = await h.app.inject({ method: 'GET', url: '/metrics', cookies });
    expectUnauthorized(withCookie);
    expect(errorOf(withCookie).message).toContain('API token');

    const response = await h.asViewer({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'kordon_client_connections_total',
      'kordon_client_connections_open',
      'kordon_auth_attempts_total',
      'kordon_protocol_errors_total',
      'kordon_sessions_active',
      'process_cpu_user_seconds_total',
    ]) {
      expect(response.body).toContain(`# TYPE ${name} `);
    }
  });

  it('serves the OpenAPI document to an authenticated caller, listing the routes', async () => {
    const response = await h.asViewer({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths['/agent_backend/wireguard/setting'] ?? {}).sort()).toEqual(['get', 'put']);
    expect(Object.keys(doc.paths['/agent_backend/agent-server/setting'] ?? {}).sort()).toEqual([
      'get',
      'patch',
    ]);
    for (const path of [
      '/api/v1/users',
      '/api/v1/sessions',
      '/api/v1/tokens',
      '/api/v1/admins',
      '/api/v1/events',
      '/api/v1/installers/{os}',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    const methods = (path: string) => Object.keys(doc.paths[path] ?? {}).sort();
    expect(methods('/api/v1/groups')).toEqual(['get', 'post']);
    expect(methods('/api/v1/groups/{name}')).toEqual(['delete']);
    expect(methods('/api/v1/groups/{name}/members/{user}')).toEqual(['delete', 'put']);
    expect(methods('/api/v1/vpn-rules')).toEqual(['get', 'post']);
    expect(methods('/api/v1/vpn-rules/{id}')).toEqual(['delete', 'patch']);
    const schemaOf = (content: unknown) =>
      (content as { content: { 'application/json': { schema: Record<string, unknown> } } }).content[
        'application/json'
      ].schema;
    const post = doc.paths['/api/v1/vpn-rules']?.['post'] as {
      requestBody: unknown;
      responses: Record<string, unknown>;
    };
    const body = schemaOf(post.requestBody);
    expect(Object.keys(body['properties'] as object)).toEqual(['action', 'users', 'groups', 'position']);
    expect(body['required']).toEqual(['action']);
    expect(body['additionalProperties']).toBe(false);
    const created = schemaOf(post.responses['201']);
    expect(Object.keys(created['properties'] as object)).toEqual([
      'id',
      'position',
      'action',
      'users',
      'groups',
      'created_at',
    ]);
    const groups = doc.paths['/api/v1/groups']?.['get'] as { responses: Record<string, unknown> };
    const groupList = schemaOf(groups.responses['200']) as {
      properties: { items: { items: { properties: object } } };
    };
    expect(Object.keys(groupList.properties.items.items.properties)).toEqual([
      'name',
      'members',
      'created_at',
    ]);
    const health = doc.paths['/healthz']?.['get'] as { responses: Record<string, unknown> };
    expect(schemaOf(health.responses['200'])['additionalProperties']).toEqual({ type: 'string' });
    expect(doc.paths['/api/v1/openapi.json']).toBeUndefined();
  });
});
