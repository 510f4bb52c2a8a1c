// The signed-in administrator's own password (PUT /api/v1/me/password) and the forced first change
// (must_change_password, DECISIONS 21), through the real API, hasher and store.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureInitialAdmin } from '../../src/admins.js';
import { createHarness, errorOf, hasher, type Harness } from './harness.js';

let h: Harness;
let passwordFile: string;

beforeEach(async () => {
  // The API knows the first administrator's password file, as the gateway's does.
  passwordFile = join(mkdtempSync(join(tmpdir(), 'kordon-me-')), 'initial-admin-password');
  h = await createHarness({ deps: { initialAdminPasswordFile: passwordFile } });
});

afterEach(async () => {
  await h.close();
  rmSync(dirname(passwordFile), { recursive: true, force: true });
});

const json = (body: unknown) => ({
  payload: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
});

interface Signed {
  cookies: { kordon_session: string };
  csrf: string;
  body: { must_change_password: boolean };
}

async function signIn(name: string, password: string, remoteAddress = '127.0.0.1'): Promise<Signed> {
  const response = await h.app.inject({
    method: 'POST',
    url: '/api/v1/login',
    remoteAddress,
    ...json({ name, password }),
  });
  expect(response.statusCode, response.body).toBe(200);
  const secret = /^kordon_session=([^;]+);/.exec(String(response.headers['set-cookie']))?.[1] ?? '';
  const body = response.json<{ csrf_token: string; must_change_password: boolean }>();
  return { cookies: { kordon_session: secret }, csrf: body.csrf_token, body };
}

function changeOwn(session: Signed, current: string, password: string, remoteAddress = '127.0.0.1') {
  return h.app.inject({
    method: 'PUT',
    url: '/api/v1/me/password',
    cookies: session.cookies,
    remoteAddress,
    headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf },
    payload: JSON.stringify({ current_password: current, password }),
  });
}

describe('the first administrator (DECISIONS 21)', () => {
  it('signs in with the file, may do nothing but change it, and the file goes once it is changed', async () => {
    expect(await ensureInitialAdmin(h.store, hasher, h.clock, passwordFile)).toBe(passwordFile);
    const initial = readFileSync(passwordFile, 'utf8').trim();
    const session = await signIn('admin', initial);
    expect(session.body.must_change_password).toBe(true);

    const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', cookies: session.cookies });
    expect(me.json()).toStrictEqual({
      name: 'admin',
      role: 'admin',
      must_change_password: true,
      csrf_token: session.csrf,
    });
    const users = await h.app.inject({ method: 'GET', url: '/api/v1/users', cookies: session.cookies });
    expect(users.statusCode).toBe(403);
    expect(errorOf(users)).toStrictEqual({
      code: 'password_change_required',
      message: 'change the password first: PUT /api/v1/me/password {"current_password","password"}',
      field: null,
    });

    const tooShort = await changeOwn(session, initial, 'short');
    expect(errorOf(tooShort)).toStrictEqual({
      code: 'invalid_field',
      message: 'the new password must have at least 10 characters',
      field: '/password',
    });
    const same = await changeOwn(session, initial, initial);
    expect(errorOf(same).message).toBe('the new password must differ from the current one');
    expect(existsSync(passwordFile)).toBe(true);

    const changed = await changeOwn(session, initial, 'a much better password');
    expect(changed.statusCode).toBe(204);
    expect(existsSync(passwordFile)).toBe(false);
    const after = await h.app.inject({ method: 'GET', url: '/api/v1/users', cookies: session.cookies });
    expect(after.statusCode).toBe(200);
    expect((await h.store.admins.get('admin'))?.mustChangePassword).toBe(false);
    expect(
      await hasher.verify((await h.store.admins.get('admin'))!.passwordHash, 'a much better password'),
    ).toBe(true);
  });

  it('the forced change: refused elsewhere, a wrong current password counted, then a reloaded page changes it', async () => {
    expect(await ensureInitialAdmin(h.store, hasher, h.clock, passwordFile)).toBe(passwordFile);
    const initial = readFileSync(passwordFile, 'utf8').trim();
    const here = await signIn('admin', initial);
    const elsewhere = await signIn('admin', initial);

    // Reads and changes alike, with the CSRF token; API tokens are not held back.
    const made = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      cookies: here.cookies,
      headers: { 'content-type': 'application/json', 'x-csrf-token': here.csrf },
      payload: JSON.stringify({ name: 'ci' }),
    });
    expect(made.statusCode).toBe(403);
    expect(errorOf(made).code).toBe('password_change_required');
    const third = await signIn('admin', initial);
    const logout = await h.app.inject({
      method: 'POST',
      url: '/api/v1/logout',
      cookies: third.cookies,
      headers: { 'x-csrf-token': third.csrf },
    });
    expect(logout.statusCode).toBe(204);
    expect((await h.asAdmin({ method: 'GET', url: '/api/v1/users' })).statusCode).toBe(200);

    const wrong = await changeOwn(here, 'not the initial one', 'a much better password');
    expect(wrong.statusCode).toBe(403);
    expect(errorOf(wrong).code).toBe('wrong_password');
    const failures = (await h.store.events.list(10)).filter((e) => e.kind === 'admin_login_failed');
    expect(failures.map((e) => e.detail)).toStrictEqual([
      'administrator "admin" gave a wrong current password',
    ]);
    expect((await h.store.admins.get('admin'))?.mustChangePassword).toBe(true);
    expect(existsSync(passwordFile)).toBe(true);

    // The page is reloaded: only the cookie is left, and /me gives the session's CSRF token again.
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', cookies: here.cookies });
    const reloaded: Signed = {
      cookies: here.cookies,
      csrf: me.json<{ csrf_token: string }>().csrf_token,
      body: here.body,
    };
    expect(reloaded.csrf).toBe(here.csrf);
    expect((await changeOwn(reloaded, initial, 'a much better password')).statusCode).toBe(204);
    expect(existsSync(passwordFile)).toBe(false);

    const users = await h.app.inject({ method: 'GET', url: '/api/v1/users', cookies: here.cookies });
    expect(users.statusCode).toBe(200);
    const token = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      cookies: here.cookies,
      headers: { 'content-type': 'application/json', 'x-csrf-token': reloaded.csrf },
      payload: JSON.stringify({ name: 'ci' }),
    });
    expect(token.statusCode).toBe(201);
    const after = await h.app.inject({ method: 'GET', url: '/api/v1/me', cookies: here.cookies });
    expect(after.json()).toStrictEqual({
      name: 'admin',
      role: 'admin',
      must_change_password: false,
      csrf_token: here.csrf,
    });
    // The other sign-in ended with the change.
    const ended = await h.app.inject({ method: 'GET', url: '/api/v1/me', cookies: elsewhere.cookies });
    expect(ended.statusCode).toBe(401);
    const changed = (await h.store.events.list(10)).filter((e) => e.kind === 'admin_changed');
    expect(changed.map((e) => e.detail)).toContain(
      'administrator "admin" changed their own password; 1 other console sessions ended',
    );
  });

  it('leaves a file alone that holds another password', async () => {
    await h.addAdmin('ann', 'the old password', 'admin', true);
    writeFileSync(passwordFile, 'something else\n', { mode: 0o600 });
    const session = await signIn('ann', 'the old password');
    expect((await changeOwn(session, 'the old password', 'the new password!')).statusCode).toBe(204);
    expect(existsSync(passwordFile)).toBe(true);
  });
});

describe('PUT /api/v1/me/password', () => {
  it('ends the other console sessions of that administrator and keeps this one', async () => {
    await h.addAdmin('ann', 'the old password');
    const here = await signIn('ann', 'the old password');
    const elsewhere = await signIn('ann', 'the old password');
    expect((await changeOwn(here, 'the old password', 'the new password!')).statusCode).toBe(204);
    const kept = await h.app.inject({ method: 'GET', url: '/api/v1/users', cookies: here.cookies });
    expect(kept.statusCode).toBe(200);
    const ended = await h.app.inject({ method: 'GET', url: '/api/v1/me', cookies: elsewhere.cookies });
    expect(ended.statusCode).toBe(401);
    // The CSRF token of the session that stayed still works for a change.
    const change = await h.app.inject({
      method: 'PUT',
      url: '/agent_backend/wireguard/state',
      cookies: here.cookies,
      headers: { 'content-type': 'application/json', 'x-csrf-token': here.csrf },
      payload: JSON.stringify({ enabled: false }),
    });
    expect(change.statusCode).toBe(200);
    const events = await h.store.events.list(5);
    expect(events.map((e) => e.detail)).toContain(
      'administrator "ann" changed their own password; 1 other console sessions ended',
    );
  });

  it('refuses a wrong current password, counts it like a failed login, and backs off from the fifth', async () => {
    await h.addAdmin('ann', 'the old password');
    const session = await signIn('ann', 'the old password');
    for (let i = 0; i < 4; i++) {
      const wrong = await changeOwn(session, `guess ${i}`, 'the new password!');
      expect(wrong.statusCode).toBe(403);
      expect(errorOf(wrong)).toStrictEqual({
        code: 'wrong_password',
        message: 'the current password is wrong',
        field: '/current_password',
      });
    }
    const fifth = await changeOwn(session, 'guess 4', 'the new password!');
    expect(fifth.statusCode).toBe(403);
    const backedOff = await changeOwn(session, 'the old password', 'the new password!');
    expect(backedOff.statusCode).toBe(429);
    expect(backedOff.headers['retry-after']).toMatch(/^[0-9]+$/);
    expect(await hasher.verify((await h.store.admins.get('ann'))!.passwordHash, 'the old password')).toBe(
      true,
    );
    const logged = await h.store.events.list(10);
    expect(logged.filter((e) => e.kind === 'admin_login_failed')).toHaveLength(5);
  });

  it('shares the login throttle: wrong current passwords and failed logins count together (DECISIONS 47)', async () => {
    await h.addAdmin('ann', 'the old password');
    const session = await signIn('ann', 'the old password');
    for (let i = 0; i < 4; i++) {
      expect((await changeOwn(session, `guess ${i}`, 'the new password!')).statusCode).toBe(403);
    }
    const fifth = await h.app.inject({
      method: 'POST',
      url: '/api/v1/login',
      ...json({ name: 'ann', password: 'guess 4' }),
    });
    expect(errorOf(fifth).code).toBe('invalid_credentials');
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/login',
      ...json({ name: 'ann', password: 'the old password' }),
    });
    expect(login.statusCode).toBe(429);
    expect(errorOf(login).code).toBe('throttled');
  });

  it('lets a viewer change its own; an API token has none; a directory administrator changes it there', async () => {
    await h.addAdmin('val', 'the old password', 'viewer');
    const viewer = await signIn('val', 'the old password');
    expect((await changeOwn(viewer, 'the old password', 'the new password!')).statusCode).toBe(204);

    const token = await h.asAdmin({
      method: 'PUT',
      url: '/api/v1/me/password',
      ...json({ current_password: 'x', password: 'the new password!' }),
    });
    expect(errorOf(token)).toStrictEqual({
      code: 'forbidden',
      message: 'API tokens have no password: sign in to the console to change one',
      field: null,
    });

    // A directory administrator's record has no password of its own (its hash never verifies).
    const directoryAdmin = await h.store.admins.get('val');
    await h.store.admins.setPassword('val', '!directory', false);
    const refused = await changeOwn(viewer, 'anything', 'the new password!');
    expect(refused.statusCode).toBe(409);
    expect(errorOf(refused).message).toBe(
      '"val" signs in with the directory\'s password: change it in the directory',
    );
    expect(directoryAdmin).toBeDefined();
  });

  it('an administrator can force another to choose a new password at the next sign-in', async () => {
    await h.addAdmin('ann', 'the old password');
    const reset = await h.asAdmin({
      method: 'PUT',
      url: '/api/v1/admins/ann/password',
      ...json({ password: 'temporary one', must_change_password: true }),
    });
    expect(reset.statusCode).toBe(204);
    const session = await signIn('ann', 'temporary one');
    expect(session.body.must_change_password).toBe(true);
    const listed = await h.asAdmin({ method: 'GET', url: '/api/v1/admins?search=ann' });
    expect(listed.json<{ items: { must_change_password: boolean }[] }>().items[0]?.must_change_password).toBe(
      true,
    );
  });
});
