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
