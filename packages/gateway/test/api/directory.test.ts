// The directory under /api/v1/directory (DECISIONS 14): set, shown without its bind password, removed;
// and VPN-access rules that name its users and groups.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, errorOf, type Harness } from './harness.js';

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

const body = {
  url: 'ldaps://dc1.corp.example',
  domain: 'corp',
  realm: 'corp.example',
  base_dn: 'DC=corp,DC=example',
  bind_dn: 'CN=kordon,CN=Users,DC=corp,DC=example',
  bind_password: 'service-secret',
  ca_cert: null,
  admin_group: 'corp.example\\Kordon-Admins',
  viewer_group: null,
};

describe('the directory', () => {
  it('is set, shown without its password, logged, and removed', async () => {
    expect((await h.asAdmin({ method: 'GET', url: '/api/v1/directory' })).json()).toBeNull();
    const put = await h.asAdmin({ method: 'PUT', url: '/api/v1/directory', ...json(body) });
    expect(put.statusCode).toBe(200);
    const shown = await h.asAdmin({ method: 'GET', url: '/api/v1/directory' });
    expect(shown.json()).toStrictEqual({
      url: 'ldaps://dc1.corp.example',
      domain: 'CORP',
      realm: 'CORP.EXAMPLE',
      base_dn: 'DC=corp,DC=example',
      bind_dn: 'CN=kordon,CN=Users,DC=corp,DC=example',
      ca_cert: null,
      admin_group: 'CORP\\kordon-admins',
      viewer_group: null,
      ntlm: false,
      bind_password_set: true,
      keytab_keys: null,
      kerberos_problem: 'no keytab is set (directory set --keytab FILE)',
      updated_at: '2026-11-26T10:00:00.000Z',
    });
    expect(shown.body).not.toContain('service-secret');
    const events = (await h.store.events.list(10)).filter((e) => e.kind === 'directory_changed');
    expect(events.map((e) => e.detail).join(' ')).not.toContain('service-secret');
    expect((await h.asAdmin({ method: 'DELETE', url: '/api/v1/directory' })).statusCode).toBe(204);
    expect((await h.asAdmin({ method: 'DELETE', url: '/api/v1/directory' })).statusCode).toBe(404);
  });

  it('reads ?limit= of the directory users as text, as every list does', async () => {
    const users = (query: string) => h.asAdmin({ method: 'GET', url: `/api/v1/directory/users?${query}` });
    // No directory yet: the limit is read and the answer is "none configured", not a bad request.
    const none = await users('search=alice&limit=5');
    expect(none.statusCode).toBe(404);
    expect(errorOf(none).code).toBe('not_found');
    const bad = await users('limit=abc');
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad)).toMatchObject({ field: '/limit' });
  });

  it('keeps the bind password set when a change leaves it out, and needs one the first time', async () => {
    const { bind_password: _secret, ...withoutPassword } = body;
    const first = await h.asAdmin({ method: 'PUT', url: '/api/v1/directory', ...json(withoutPassword) });
    expect(first.statusCode).toBe(400);
    expect(errorOf(first)).toMatchObject({ code: 'missing_field', field: '/bind_password' });
    expect(await h.store.directory.get()).toBeUndefined();

    expect((await h.asAdmin({ method: 'PUT', url: '/api/v1/directory', ...json(body) })).statusCode).toBe(
      200,
    );
    const changed = await h.asAdmin({
      method: 'PUT',
      url: '/api/v1/directory',
      ...json({ ...withoutPassword, viewer_group: 'CORP\\helpdesk' }),
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ viewer_group: 'CORP\\helpdesk', bind_password_set: true });
    expect(await h.store.directory.get()).toMatchObject({
      bindPassword: 'service-secret',
      viewerGroup: 'CORP\\helpdesk',
    });
  });

  it('takes its administrators with it when removed, at once, and leaves local ones', async () => {
    expect((await h.asAdmin({ method: 'PUT', url: '/api/v1/directory', ...json(body) })).statusCode).toBe(
      200,
    );
    await h.store.admins.create({
      id: 'a1',
      name: 'alice@corp.example',
      mustChangePassword: false,
      passwordHash: '',
      role: 'admin',
      createdAt: new Date(),
    });
    const before = (await h.store.admins.list()).map((a) => a.name);
    expect(before).toContain('alice@corp.example');
    expect((await h.asAdmin({ method: 'DELETE', url: '/api/v1/directory' })).statusCode).toBe(204);
    const after = (await h.store.admins.list()).map((a) => a.name);
    expect(after).toStrictEqual(before.filter((n) => n !== 'alice@corp.example'));
    const events = (await h.store.events.list(5)).filter((e) => e.kind === 'directory_changed');
    expect(events[0]?.detail).toContain('administrators removed: alice@corp.example');
  });

  it("takes a keytab for Kerberos and shows its keys, never the keys' bytes, with what is missing", async () => {
    // HTTP/gw.corp.example@CORP.EXAMPLE, kvno 2, one AES256 key of 0x5a bytes.
    const keytab =
      'BQIAAABYAAIADENPUlAuRVhBTVBMRQAESFRUUAAPZ3cuY29ycC5leGFtcGxlAAAAAWVT8QACABIAIFpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaAAAAAg==';
    const put = await h.asAdmin({
      method: 'PUT',
      url: '/api/v1/directory',
      ...json({ ...body, keytab, ntlm: true }),
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      ntlm: true,
      keytab_keys: ['HTTP/gw.corp.example@CORP.EXAMPLE (kvno 2, aes256-cts-hmac-sha1-96)'],
      kerberos_problem:
        "auth_domain must be the gateway's DNS name: the service principal is HTTP/<auth_domain>",
    });
    expect(put.body).not.toContain('WlpaWlpa');
    await h.asAdmin({
      method: 'PATCH',
      url: '/agent_backend/agent-server/setting',
      ...json({ auth_domain: 'gw.corp.example' }),
    });
    const shown = (await h.asAdmin({ method: 'GET', url: '/api/v1/directory' })).json<
      Record<string, unknown>
    >();
    expect(shown['kerberos_problem']).toBeNull();
    await h.asAdmin({
      method: 'PATCH',
      url: '/agent_backend/agent-server/setting',
      ...json({ auth_domain: 'vpn.corp.example' }),
    });
    const other = (await h.asAdmin({ method: 'GET', url: '/api/v1/directory' })).json<
      Record<string, unknown>
    >();
    expect(other['kerberos_problem']).toContain('no key for HTTP/vpn.corp.example@CORP.EXAMPLE');
    // Set again without single sign-on's fields (another admin group): the keytab and NTLM stay.
    const again = await h.asAdmin({
      method: 'PUT',
      url: '/api/v1/directory',
      ...json({ ...body, viewer_group: 'CORP\\staff' }),
    });
    expect(again.json()).toMatchObject({
      ntlm: true,
      keytab_keys: [expect.stringContaining('HTTP/gw.corp.example')],
    });
    const removed = await h.asAdmin({
      method: 'PUT',
      url: '/api/v1/directory',
      ...json({ ...body, keytab: null, ntlm: false }),
    });
    expect(removed.json()).toMatchObject({ ntlm: false, keytab_keys: null });
    const bad = await h.asAdmin({
      method: 'PUT',
      url: '/api/v1/directory',
      ...json({ ...body, keytab: 'bm90IGEga2V5dGFi' }),
    });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad)).toMatchObject({ field: '/keytab' });
  });

  it.each([
    [{ url: 'ldap:/nothing' }, '/url'],
    [{ url: 'https://dc1.corp.example' }, '/url'],
    [{ realm: 'corp' }, '/realm'],
    [{ ca_cert: 'not a certificate' }, '/ca_cert'],
    [{ admin_group: 'kordon-admins' }, '/admin_group'],
  ])('refuses %o, naming the field', async (change, field) => {
    const response = await h.asAdmin({
      method: 'PUT',
      url: '/api/v1/directory',
      ...json({ ...body, ...change }),
    });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response)).toMatchObject({ field });
  });

  it('is not for viewers to change', async () => {
    const response = await h.asViewer({ method: 'PUT', url: '/api/v1/directory', ...json(body) });
    expect(response.statusCode).toBe(403);
  });

  it('lets VPN-access rules name its users and groups as its accounts carry them', async () => {
    await h.asAdmin({ method: 'PUT', url: '/api/v1/directory', ...json(body) });
    const rule = await h.asAdmin({
      method: 'POST',
      url: '/api/v1/vpn-rules',
      ...json({
        action: 'allow',
        users: ['CORP\\Alice', 'bob@corp.example', 'carol'],
        groups: ['corp\\VPN-Users', 'CORP.EXAMPLE\\staff', 'local-group'],
      }),
    });
    expect(rule.statusCode).toBe(201);
    expect(rule.json()).toMatchObject({
      users: ['alice@CORP.EXAMPLE', 'bob@CORP.EXAMPLE', 'carol'],
      groups: ['CORP\\vpn-users', 'CORP\\staff', 'local-group'],
    });
  });
});
