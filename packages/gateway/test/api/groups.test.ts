// Local groups under /api/v1/groups (DECISIONS 41), and what removing a user does to them.
import { randomUUID } from 'node:crypto';
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

/** A local user made directly in the store (the password hash is never checked here). */
async function addUser(name: string): Promise<void> {
  await h.store.users.create({
    id: randomUUID(),
    name,
    passwordHash: 'unused',
    disabled: false,
    createdAt: h.clock.now(),
  });
}

async function groupChanges(): Promise<{ account: string | null; detail: string }[]> {
  return (await h.store.events.list(100))
    .filter((event) => event.kind === 'group_changed')
    .map((event) => ({ account: event.account, detail: event.detail }))
    .reverse();
}

describe('groups', () => {
  it('creates (lower-cased), lists with members, and removes; each change is logged with its actor', async () => {
    const created = await h.asAdmin({ method: 'POST', url: '/api/v1/groups', ...json({ name: 'Staff' }) });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toStrictEqual({
      name: 'staff',
      members: [],
      created_at: '2026-11-26T10:00:00.000Z',
    });
    expect(await h.store.groups.get('staff')).toBeDefined();

    h.clock.advance(60_000);
    await h.asAdmin({ method: 'POST', url: '/api/v1/groups', ...json({ name: 'admins' }) });
    await addUser('bob');
    await addUser('alice');
    expect((await h.asAdmin({ method: 'PUT', url: '/api/v1/groups/staff/members/bob' })).statusCode).toBe(
      204,
    );
    expect(
      (await h.asAdmin({ method: 'PUT', url: '/api/v1/groups/STAFF/members/CORP%5CAlice' })).statusCode,
    ).toBe(204);

    const list = await h.asViewer({ method: 'GET', url: '/api/v1/groups' });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toStrictEqual({
      items: [
        { name: 'admins', members: [], created_at: '2026-11-26T10:01:00.000Z' },
        { name: 'staff', members: ['alice', 'bob'], created_at: '2026-11-26T10:00:00.000Z' },
      ],
      total: 2,
      next_cursor: null,
    });

    const removed = await h.asAdmin({ method: 'DELETE', url: '/api/v1/groups/Staff' });
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    expect(await h.store.groups.get('staff')).toBeUndefined();
    expect(await h.store.groups.groupsOf('bob')).toEqual([]);
    const again = await h.asAdmin({ method: 'DELETE', url: '/api/v1/groups/staff' });
    expect(again.statusCode).toBe(404);
    expect(errorOf(again)).toStrictEqual({
      code: 'not_found',
      message: 'no group named "staff"',
      field: null,
    });

    expect(await groupChanges()).toEqual([
      { account: null, detail: 'group "staff" created by API token "test-admin"' },
      { account: null, detail: 'group "admins" created by API token "test-admin"' },
      { account: 'bob', detail: '"bob" added to group "staff" by API token "test-admin"' },
      { account: 'alice', detail: '"alice" added to group "staff" by API token "test-admin"' },
      { account: null, detail: 'group "staff" removed by API token "test-admin"' },
    ]);
  });

  it('a name that exists is 409; names follow the local user name rules', async () => {
    await h.asAdmin({ method: 'POST', url: '/api/v1/groups', ...json({ name: 'staff' }) });
    const conflict = await h.asAdmin({ method: 'POST', url: '/api/v1/groups', ...json({ name: 'STAFF' }) });
    expect(conflict.statusCode).toBe(409);
    expect(errorOf(conflict)).toStrictEqual({
      code: 'conflict',
      message: 'a group named "staff" exists',
      field: '/name',
    });

    const cases: [unknown, string, string, string][] = [
      [{ name: 'CORP\\staff' }, 'invalid_field', '/name', 'no domain part'],
      [{ name: 'staff@corp.example' }, 'invalid_field', '/name', 'no domain part'],
      [{ name: '-staff' }, 'invalid_field', '/name', 'a group name is 1 to 64 characters'],
      [{ name: '' }, 'invalid_field', '/name', 'a group name is 1 to 64 characters'],
      [{ name: 'x'.repeat(65) }, 'invalid_field', '/name', 'a group name is 1 to 64 characters'],
      [{ name: 5 }, 'invalid_field', '/name', 'must be a string'],
      [{}, 'missing_field', '/name', '"name" is required'],
      [{ name: 'ops', members: [] }, 'unknown_field', '/members', 'unknown field "members"'],
    ];
    for (const [body, code, field, message] of cases) {
      const response = await h.asAdmin({ method: 'POST', url: '/api/v1/groups', ...json(body) });
      expect(response.statusCode, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(errorOf(response)).toMatchObject({ code, field });
      expect(errorOf(response).message).toContain(message);
    }
    expect((await h.store.groups.list()).map((group) => group.name)).toEqual(['staff']);
  });

  it('adding a member: 404 for an unknown group or user, idempotent, logged once', async () => {
    await addUser('bob');
    const noGroup = await h.asAdmin({ method: 'PUT', url: '/api/v1/groups/staff/members/bob' });
    expect(noGroup.statusCode).toBe(404);
    expect(errorOf(noGroup)).toStrictEqual({
      code: 'not_found',
      message: 'no group named "staff"',
      field: null,
    });

    await h.asAdmin({ method: 'POST', url: '/api/v1/groups', ...json({ name: 'staff' }) });
    for (const [user, named] of [
      ['carol', 'carol'],
      ['Carol%40corp.example', 'carol'],
      ['not%20a%20name', 'not a name'],
    ] as const) {
      const noUser = await h.asAdmin({ method: 'PUT', url: `/api/v1/groups/staff/members/${user}` });
      expect(noUser.statusCode, user).toBe(404);
      expect(errorOf(noUser)).toStrictEqual({
        code: 'not_found',
        message: `no user named "${named}"`,
        field: null,
      });
    }
    expect(await h.store.groups.members('staff')).toEqual([]);

    for (let i = 0; i < 2; i++) {
      const added = await h.asAdmin({ method: 'PUT', url: '/api/v1/groups/staff/members/Bob' });
      expect(added.statusCode).toBe(204);
    }
    expect(await h.store.groups.members('staff')).toEqual(['bob']);
    expect((await groupChanges()).filter((change) => change.account === 'bob')).toHaveLength(1);
  });

  it('removing a member: 204, then 404; 404 for an unknown group', async () => {
    await addUser('bob');
    await h.asAdmin({ method: 'POST', url: '/api/v1/groups', ...json({ name: 'staff' }) });
    await h.asAdmin({ method: 'PUT', url: '/api/v1/groups/staff/members/bob' });

    const removed = await h.asAdmin({ method: 'DELETE', url: '/api/v1/groups/staff/members/BOB' });
    expect(removed.statusCode).toBe(204);
    expect(await h.store.groups.members('staff')).toEqual([]);
    expect((await groupChanges()).at(-1)).toEqual({
      account: 'bob',
      detail: '"bob" removed from group "staff" by API token "test-admin"',
    });

    const notMember = await h.asAdmin({ method: 'DELETE', url: '/api/v1/groups/staff/members/bob' });
    expect(notMember.statusCode).toBe(404);
    expect(errorOf(notMember)).toStrictEqual({
      code: 'not_found',
      message: '"bob" is not a member of group "staff"',
      field: null,
    });
    const noGroup = await h.asAdmin({ method: 'DELETE', url: '/api/v1/groups/ops/members/bob' });
    expect(noGroup.statusCode).toBe(404);
    expect(errorOf(noGroup).message).toBe('no group named "ops"');
  });
});

describe('removing a user', () => {
  it('removes them from every group, so a new user of the same name inherits no membership', async () => {
    await addUser('bob');
    await addUser('alice');
    for (const group of ['staff', 'vpn']) {
      await h.asAdmin({ method: 'POST', url: '/api/v1/groups', ...json({ name: group }) });
      await h.asAdmin({ method: 'PUT', url: `/api/v1/groups/${group}/members/bob` });
      await h.asAdmin({ method: 'PUT', url: `/api/v1/groups/${group}/members/alice` });
    }
    expect(await h.store.groups.groupsOf('bob')).toEqual(['staff', 'vpn']);

    const removed = await h.asAdmin({ method: 'DELETE', url: '/api/v1/users/bob' });
    expect(removed.statusCode).toBe(204);
    expect(await h.store.groups.groupsOf('bob')).toEqual([]);
    expect(await h.store.groups.groupsOf('alice')).toEqual(['staff', 'vpn']);

    const recreated = await h.asAdmin({
      method: 'POST',
      url: '/api/v1/users',
      ...json({ name: 'bob', password: 'pw' }),
    });
    expect(recreated.statusCode).toBe(201);
    const list = await h.asAdmin({ method: 'GET', url: '/api/v1/groups' });
    expect(list.json<{ items: { name: string; members: string[] }[] }>().items).toEqual([
      { name: 'staff', members: ['alice'], created_at: '2026-11-26T10:00:00.000Z' },
      { name: 'vpn', members: ['alice'], created_at: '2026-11-26T10:00:00.000Z' },
    ]);
  });

  it('an unknown user is 404 and no membership changes', async () => {
    await h.asAdmin({ method: 'POST', url: '/api/v1/groups', ...json({ name: 'staff' }) });
    // A membership left over from elsewhere (the store does not tie members to users).
    await h.store.groups.addMember('staff', 'ghost');
    const response = await h.asAdmin({ method: 'DELETE', url: '/api/v1/users/ghost' });
    expect(response.statusCode).toBe(404);
    expect(errorOf(response).code).toBe('not_found');
    expect(await h.store.groups.members('staff')).toEqual(['ghost']);
    expect(h.control.revoked).toEqual([]);
  });
});
