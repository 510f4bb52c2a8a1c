// VPN-access rules under /api/v1/vpn-rules (DECISIONS 17).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluateVpnRules } from '@kordon/core';
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

interface RuleItem {
  id: string;
  position: number;
  action: string;
  users: string[];
  groups: string[];
  created_at: string;
}

async function addRule(body: unknown) {
  return h.asAdmin({ method: 'POST', url: '/api/v1/vpn-rules', ...json(body) });
}

async function ruleChanges(): Promise<string[]> {
  return (await h.store.events.list(100))
    .filter((event) => event.kind === 'vpn_rule_changed')
    .map((event) => event.detail)
    .reverse();
}

describe('VPN-access rules', () => {
  it('creates with normalized names, lists in evaluation order, and removes; changes are logged', async () => {
    const first = await addRule({
      action: 'allow',
      users: ['Alice', 'CORP\\Bob', 'carol@corp.example', '*'],
    });
    expect(first.statusCode).toBe(201);
    const firstItem = first.json<RuleItem>();
    expect(Object.keys(firstItem)).toEqual(['id', 'position', 'action', 'users', 'groups', 'created_at']);
    expect(firstItem).toStrictEqual({
      id: firstItem.id,
      position: 10,
      action: 'allow',
      users: ['alice', 'bob', 'carol', '*'],
      groups: [],
      created_at: '2026-11-26T10:00:00.000Z',
    });
    expect(firstItem.id).toMatch(/^[0-9a-f-]{36}$/);

    // A group may be named before it exists; the default position is 10 after the last rule.
    const second = await addRule({ action: 'deny', groups: ['Contractors', 'contractors'] });
    expect(second.json()).toMatchObject({ position: 20, action: 'deny', users: [], groups: ['contractors'] });
    const third = await addRule({ action: 'deny', users: ['mallory'], position: 5 });
    expect(third.json()).toMatchObject({ position: 5, users: ['mallory'], groups: [] });
    const fourth = await addRule({ action: 'allow', users: ['dave'], groups: ['staff'], position: 0 });
    expect(fourth.json()).toMatchObject({ position: 0 });
    const fifth = await addRule({ action: 'allow', groups: ['ops'] });
    expect(fifth.json()).toMatchObject({ position: 30 });

    const list = await h.asViewer({ method: 'GET', url: '/api/v1/vpn-rules' });
    expect(list.statusCode).toBe(200);
    const items = list.json<{ items: RuleItem[] }>().items;
    expect(items.map((item) => [item.position, item.action])).toEqual([
      [0, 'allow'],
      [5, 'deny'],
      [10, 'allow'],
      [20, 'deny'],
      [30, 'allow'],
    ]);
    expect(items[2]).toStrictEqual(firstItem);

    // What is stored is what the login path evaluates.
    const stored = await h.store.vpnRules.list();
    expect(evaluateVpnRules(stored, 'mallory', []).allowed).toBe(false);
    expect(evaluateVpnRules(stored, 'bob', []).allowed).toBe(true);

    const id = third.json<RuleItem>().id;
    const removed = await h.asAdmin({ method: 'DELETE', url: `/api/v1/vpn-rules/${id}` });
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    expect((await h.store.vpnRules.list()).map((rule) => rule.position)).toEqual([0, 10, 20, 30]);
    const again = await h.asAdmin({ method: 'DELETE', url: `/api/v1/vpn-rules/${id}` });
    expect(again.statusCode).toBe(404);
    expect(errorOf(again)).toStrictEqual({
      code: 'not_found',
      message: `no VPN-access rule with id "${id}"`,
      field: null,
    });

    const changes = await ruleChanges();
    expect(changes).toHaveLength(6);
    expect(changes[0]).toBe(
      `VPN-access rule ${firstItem.id} (allow, position 10) added by API token "test-admin"`,
    );
    expect(changes[5]).toBe(`VPN-access rule ${id} removed by API token "test-admin"`);
  });

  it('a position that is taken is 409 and nothing is added', async () => {
    await addRule({ action: 'allow', users: ['*'], position: 10 });
    const taken = await addRule({ action: 'deny', users: ['bob'], position: 10 });
    expect(taken.statusCode).toBe(409);
    expect(errorOf(taken)).toStrictEqual({
      code: 'conflict',
      message: 'a rule has position 10 already',
      field: '/position',
    });
    expect(await h.store.vpnRules.list()).toHaveLength(1);
    expect(await ruleChanges()).toHaveLength(1);
  });

  it('a rule names at least one user or group', async () => {
    for (const body of [{ action: 'allow' }, { action: 'allow', users: [], groups: [] }]) {
      const response = await addRule(body);
      expect(response.statusCode).toBe(400);
      expect(errorOf(response)).toMatchObject({ code: 'missing_field', field: '/users' });
      expect(errorOf(response).message).toContain('at least one user');
    }
    expect(await h.store.vpnRules.list()).toEqual([]);
  });

  it('validates the body, naming the field at fault', async () => {
    const cases: [unknown, string, string, string][] = [
      [{ action: 'allow', users: ['alice', 'a b'] }, 'invalid_field', '/users/1', 'a user name is 1 to 64'],
      [{ action: 'allow', users: [''] }, 'invalid_field', '/users/0', 'a user name is 1 to 64'],
      [{ action: 'allow', users: ['@corp'] }, 'invalid_field', '/users/0', 'no domain part'],
      [{ action: 'allow', users: ['x'.repeat(65)] }, 'invalid_field', '/users/0', 'a user name is 1 to 64'],
      [
        { action: 'allow', groups: ['staff', 'CORP\\'] },
        'invalid_field',
        '/groups/1',
        'a directory group is written DOMAIN\\group',
      ],
      [{ action: 'allow', groups: ['*'] }, 'invalid_field', '/groups/0', 'a group name is 1 to 64'],
      [{ action: 'allow', users: [5] }, 'invalid_field', '/users/0', 'must be a string'],
      [{ action: 'allow', users: 'alice' }, 'invalid_field', '/users', 'must be an array'],
      [{ action: 'permit', users: ['*'] }, 'invalid_field', '/action', '"allow", "deny"'],
      [{ users: ['*'] }, 'missing_field', '/action', '"action" is required'],
      [{ action: 'allow', users: ['*'], position: 1.5 }, 'invalid_field', '/position', 'an integer'],
      [{ action: 'allow', users: ['*'], position: -1 }, 'invalid_field', '/position', 'at least 0'],
      [{ action: 'allow', users: ['*'], position: '10' }, 'invalid_field', '/position', 'an integer'],
      [
        { action: 'allow', users: ['*'], position: 1_000_000_000 },
        'invalid_field',
        '/position',
        'at most 999999999',
      ],
      [{ action: 'allow', user: ['*'] }, 'unknown_field', '/user', 'did you mean "users"'],
    ];
    for (const [body, code, field, message] of cases) {
      const response = await addRule(body);
      expect(response.statusCode, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(errorOf(response), JSON.stringify(body).slice(0, 60)).toMatchObject({ code, field });
      expect(errorOf(response).message).toContain(message);
    }
    expect(await h.store.vpnRules.list()).toEqual([]);
    expect(await ruleChanges()).toEqual([]);
  });
});

describe('PATCH /api/v1/vpn-rules/{id}', () => {
  const patch = (id: string, body: unknown) =>
    h.asAdmin({ method: 'PATCH', url: `/api/v1/vpn-rules/${id}`, ...json(body) });
  const vpnRuleRecords = (): number => h.control.all.filter((change) => change.kind === 'vpn_rules').length;
  const order = async (): Promise<string[]> =>
    (await h.asViewer({ method: 'GET', url: '/api/v1/vpn-rules' }))
      .json<{ items: RuleItem[] }>()
      .items.map((item) => item.id);

  it('changes the fields given and keeps the others, with an event and a vpn_rules change record', async () => {
    const rule = (await addRule({ action: 'allow', users: ['alice'] })).json<RuleItem>();
    expect(vpnRuleRecords()).toBe(1);

    const changed = await patch(rule.id, { action: 'deny', users: ['Bob', 'CORP\\carol', '*'] });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toStrictEqual({
      ...rule,
      action: 'deny',
      users: ['bob', 'carol', '*'],
    });
    // The same transaction wrote the record every process follows: live sessions are judged again.
    expect(vpnRuleRecords()).toBe(2);
    expect(evaluateVpnRules(await h.store.vpnRules.list(), 'alice', []).allowed).toBe(false);

    const grouped = await patch(rule.id, { groups: ['Staff', 'CORP\\VPN-Users'], users: [] });
    expect(grouped.json()).toMatchObject({ users: [], groups: ['staff', 'CORP\\vpn-users'] });
    expect(vpnRuleRecords()).toBe(3);
    // What the rule already is writes nothing.
    const same = await patch(rule.id, { action: 'deny', position: 10 });
    expect(same.statusCode).toBe(200);
    expect(same.json()).toStrictEqual(grouped.json());
    expect(vpnRuleRecords()).toBe(3);

    expect((await ruleChanges()).slice(1)).toStrictEqual([
      `VPN-access rule ${rule.id} (position 10) changed by API token "test-admin": action allow -> deny; users alice -> bob, carol, *`,
      `VPN-access rule ${rule.id} (position 10) changed by API token "test-admin": users bob, carol, * -> (none); groups (none) -> staff, CORP\\vpn-users`,
    ]);
  });

  it("a rule dragged to another's position goes after the older rules there (as access rules)", async () => {
    const a = (await addRule({ action: 'allow', users: ['alice'] })).json<RuleItem>();
    h.clock.advance(1000);
    const b = (await addRule({ action: 'deny', users: ['*'] })).json<RuleItem>();
    h.clock.advance(1000);
    const c = (await addRule({ action: 'deny', users: ['alice'] })).json<RuleItem>();
    expect(await order()).toStrictEqual([a.id, b.id, c.id]);

    const moved = await patch(c.id, { position: 10 });
    expect(moved.json()).toStrictEqual({ ...c, position: 10 });
    expect(await order()).toStrictEqual([a.id, c.id, b.id]);
    // Older first at one position, in the list and in the login path alike.
    expect(evaluateVpnRules(await h.store.vpnRules.list(), 'alice', [])).toStrictEqual({
      allowed: true,
      ruleId: a.id,
    });
    expect((await patch(b.id, { position: 0 })).json<RuleItem>().position).toBe(0);
    expect(await order()).toStrictEqual([b.id, a.id, c.id]);
    expect((await ruleChanges()).slice(3)).toStrictEqual([
      `VPN-access rule ${c.id} (position 10) changed by API token "test-admin": position 30 -> 10`,
      `VPN-access rule ${b.id} (position 0) changed by API token "test-admin": position 20 -> 0`,
    ]);
  });

  it('refuses an empty body, unknown fields and wrong values as POST does; 404 for an unknown id', async () => {
    const rule = (await addRule({ action: 'allow', users: ['alice'] })).json<RuleItem>();
    const cases: [unknown, string, string | null, string][] = [
      [{}, 'missing_field', null, 'nothing to change: give "position", "action", "users" or "groups"'],
      [{ position: 5, user: ['*'] }, 'unknown_field', '/user', 'did you mean "users"'],
      [{ id: 'other', position: 5 }, 'unknown_field', '/id', 'unknown field "id"'],
      [{ created_at: '2026-11-26T10:00:00.000Z' }, 'unknown_field', '/created_at', 'unknown field'],
      [{ position: 1.5 }, 'invalid_field', '/position', 'an integer'],
      [{ position: -1 }, 'invalid_field', '/position', 'at least 0'],
      [{ position: '10' }, 'invalid_field', '/position', 'an integer'],
      [{ position: 1_000_000_000 }, 'invalid_field', '/position', 'at most 999999999'],
      [{ action: 'permit' }, 'invalid_field', '/action', '"allow", "deny"'],
      [{ action: null }, 'invalid_field', '/action', '"allow", "deny"'],
      [{ users: ['alice', 'a b'] }, 'invalid_field', '/users/1', 'a user name is 1 to 64'],
      [{ users: 'alice' }, 'invalid_field', '/users', 'must be an array'],
      [{ groups: ['staff', 'CORP\\'] }, 'invalid_field', '/groups/1', 'a directory group is written'],
      [{ users: [] }, 'missing_field', '/users', 'at least one user'],
      [{ users: [], groups: [] }, 'missing_field', '/users', 'at least one user'],
      [[{ position: 5 }], 'invalid_body', null, 'the request body must be a JSON object'],
    ];
    for (const [body, code, field, message] of cases) {
      const response = await patch(rule.id, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(errorOf(response), JSON.stringify(body)).toMatchObject({ code, field });
      expect(errorOf(response).message).toContain(message);
    }
    const unknown = await patch('no-such-rule', { position: 5 });
    expect(unknown.statusCode).toBe(404);
    expect(errorOf(unknown)).toStrictEqual({
      code: 'not_found',
      message: 'no VPN-access rule with id "no-such-rule"',
      field: null,
    });
    const viewer = await h.asViewer({
      method: 'PATCH',
      url: `/api/v1/vpn-rules/${rule.id}`,
      ...json({ position: 5 }),
    });
    expect(errorOf(viewer).code).toBe('forbidden');
    expect((await h.store.vpnRules.list()).map((r) => [r.id, r.position, r.action, r.users])).toStrictEqual([
      [rule.id, 10, 'allow', ['alice']],
    ]);
    expect(await ruleChanges()).toHaveLength(1);
    expect(vpnRuleRecords()).toBe(1);
  });
});
