// Access rules by posture profile under /api/v1/access-rules (docs/posture.md "Access rules").
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_PROFILE_KEY, type PostureProfile } from '@kordon/core';
import { createHarness, errorOf, type Harness } from './harness.js';

let h: Harness;
let compliant: PostureProfile;
let office: PostureProfile;

const json = (body: unknown) => ({
  payload: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
});

const rules = '/api/v1/access-rules';

interface RuleItem {
  id: string;
  position: number;
  action: 'allow' | 'deny';
  profiles: string[];
  profile_names: string[];
  to: string[];
  created_at: string;
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await h.asAdmin({ method: 'POST', url, ...json(body) });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function addRule(body: unknown): Promise<RuleItem> {
  return (await post(rules, body)) as RuleItem;
}

async function ruleEvents(): Promise<string[]> {
  return (await h.store.events.list(100))
    .filter((event) => event.kind === 'access_rule_changed')
    .map((event) => event.detail)
    .reverse();
}

const ruleChanges = (): number => h.control.all.filter((c) => c.kind === 'access_rules').length;

beforeEach(async () => {
  h = await createHarness();
  const av = (await post('/api/v1/posture/objects', {
    name: 'Antivirus',
    criteria: [{ check: 'av_active' }],
  })) as {
    id: string;
  };
  compliant = (await post('/api/v1/posture/profiles', {
    name: 'Compliant',
    expression: { object: av.id },
  })) as PostureProfile;
  office = (await post('/api/v1/posture/profiles', {
    name: 'Office',
    expression: { object: av.id },
  })) as PostureProfile;
});

afterEach(async () => {
  await h.close();
});

describe('access rules', () => {
  it('creates, lists in evaluation order, shows, replaces, patches and removes; each change is logged', async () => {
    expect((await h.asViewer({ method: 'GET', url: rules })).json()).toStrictEqual({
      items: [],
      total: 0,
      next_cursor: null,
    });
    const first = await addRule({
      profiles: [compliant.id, NO_PROFILE_KEY],
      to: ['10.0.0.0/8', '192.168.1.7'],
    });
    expect(Object.keys(first)).toEqual([
      'id',
      'position',
      'action',
      'profiles',
      'profile_names',
      'to',
      'created_at',
    ]);
    expect(first).toStrictEqual({
      id: first.id,
      position: 10,
      action: 'allow',
      profiles: [compliant.id, NO_PROFILE_KEY],
      profile_names: ['Compliant', NO_PROFILE_KEY],
      to: ['10.0.0.0/8', '192.168.1.7/32'],
      created_at: '2026-11-26T10:00:00.000Z',
    });
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    // Default: 10 after the last; a given position is stored as it is, even a taken one.
    const second = await addRule({ action: 'deny', profiles: [office.id], to: ['::/0', '0.0.0.0/0'] });
    expect(second.position).toBe(20);
    h.clock.advance(1000);
    const same = await addRule({ position: 10, profiles: [office.id], to: ['2001:db8::1'] });
    expect(same).toMatchObject({
      position: 10,
      to: ['2001:db8::1/128'],
      created_at: '2026-11-26T10:00:01.000Z',
    });
    const top = await addRule({ position: 0, profiles: [NO_PROFILE_KEY], to: ['198.18.5.0/24'] });

    const list = await h.asViewer({ method: 'GET', url: rules });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-type']).toBe('application/json; charset=utf-8');
    // By position; at one position the older rule first.
    expect(list.json()).toStrictEqual({ items: [top, first, same, second], total: 4, next_cursor: null });
    expect((await h.asViewer({ method: 'GET', url: `${rules}/${second.id}` })).json()).toStrictEqual(second);

    // What a GET gave goes back changed; profile_names and created_at are read-only and ignored.
    const replaced = await h.asAdmin({
      method: 'PUT',
      url: `${rules}/${first.id}`,
      ...json({
        ...first,
        action: 'deny',
        profile_names: ['whatever'],
        created_at: 'never',
        to: ['10.1.0.0/16'],
      }),
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toStrictEqual({ ...first, action: 'deny', to: ['10.1.0.0/16'] });
    // A PUT without action and position: allow, and the position kept.
    const bare = await h.asAdmin({
      method: 'PUT',
      url: `${rules}/${first.id}`,
      ...json({ profiles: [compliant.id], to: ['10.1.0.0/16'] }),
    });
    expect(bare.json()).toStrictEqual({
      ...first,
      profiles: [compliant.id],
      profile_names: ['Compliant'],
      to: ['10.1.0.0/16'],
    });
    // The same again writes nothing.
    expect(
      (await h.asAdmin({ method: 'PUT', url: `${rules}/${first.id}`, ...json(bare.json()) })).statusCode,
    ).toBe(200);

    const patched = await h.asAdmin({
      method: 'PATCH',
      url: `${rules}/${second.id}`,
      ...json({ position: 5 }),
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toStrictEqual({ ...second, position: 5 });
    const patchedMore = await h.asAdmin({
      method: 'PATCH',
      url: `${rules}/${second.id}`,
      ...json({ action: 'allow', profiles: [office.id, compliant.id], to: ['172.16.0.0/12'] }),
    });
    expect(patchedMore.json()).toStrictEqual({
      ...second,
      position: 5,
      action: 'allow',
      profiles: [office.id, compliant.id],
      profile_names: ['Office', 'Compliant'],
      to: ['172.16.0.0/12'],
    });
    expect((await h.asAdmin({ method: 'PATCH', url: `${rules}/${second.id}`, ...json({}) })).statusCode).toBe(
      200,
    );
    expect((await h.store.accessRules.list()).map((r) => r.id)).toStrictEqual([
      top.id,
      second.id,
      first.id,
      same.id,
    ]);

    // A profile's new name shows at once: rules name profiles by id.
    await h.asAdmin({
      method: 'PUT',
      url: `/api/v1/posture/profiles/${office.id}`,
      ...json({ ...office, name: 'Head office' }),
    });
    expect((await h.asViewer({ method: 'GET', url: `${rules}/${same.id}` })).json()).toMatchObject({
      profile_names: ['Head office'],
    });

    const removed = await h.asAdmin({ method: 'DELETE', url: `${rules}/${top.id}` });
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    const gone = await h.asAdmin({ method: 'GET', url: `${rules}/${top.id}` });
    expect(gone.statusCode).toBe(404);
    expect(errorOf(gone)).toStrictEqual({
      code: 'not_found',
      message: `no access rule with id "${top.id}"`,
      field: null,
    });
    for (const [method, body] of [
      ['DELETE', undefined],
      ['PUT', { profiles: [NO_PROFILE_KEY], to: ['::/0'] }],
      ['PATCH', { position: 1 }],
    ] as const) {
      const response = await h.asAdmin({
        method,
        url: `${rules}/${top.id}`,
        ...(body === undefined ? {} : json(body)),
      });
      expect(response.statusCode, method).toBe(404);
      expect(errorOf(response).code).toBe('not_found');
    }

    const by = 'by API token "test-admin"';
    expect(await ruleEvents()).toStrictEqual([
      `access rule ${first.id} (position 10) added ${by}: allow "Compliant", "${NO_PROFILE_KEY}" to 10.0.0.0/8, 192.168.1.7/32`,
      `access rule ${second.id} (position 20) added ${by}: deny "Office" to ::/0, 0.0.0.0/0`,
      `access rule ${same.id} (position 10) added ${by}: allow "Office" to 2001:db8::1/128`,
      `access rule ${top.id} (position 0) added ${by}: allow "${NO_PROFILE_KEY}" to 198.18.5.0/24`,
      `access rule ${first.id} (position 10) changed ${by}: action allow -> deny; to 10.0.0.0/8, 192.168.1.7/32 -> 10.1.0.0/16`,
      `access rule ${first.id} (position 10) changed ${by}: action deny -> allow; profiles "Compliant", "${NO_PROFILE_KEY}" -> "Compliant"`,
      `access rule ${second.id} (position 5) changed ${by}: position 20 -> 5`,
      `access rule ${second.id} (position 5) changed ${by}: action deny -> allow; profiles "Office" -> "Office", "Compliant"; to ::/0, 0.0.0.0/0 -> 172.16.0.0/12`,
      `access rule ${top.id} (position 0) removed ${by}: allow "${NO_PROFILE_KEY}" to 198.18.5.0/24`,
    ]);
    // One change record with each event: the kernel's owner and the sessions follow them.
    expect(ruleChanges()).toBe(9);
    expect((await h.store.events.list(1))[0]).toMatchObject({ kind: 'access_rule_changed', account: null });
  });

  it('refuses each mistake with its code and field, and writes nothing', async () => {
    const base = { profiles: [compliant.id], to: ['10.0.0.0/8'] };
    const cases: [unknown, string, string | null, string][] = [
      [{ to: ['10.0.0.0/8'] }, 'missing_field', '/profiles', '"profiles" is missing'],
      [{ profiles: [compliant.id] }, 'missing_field', '/to', '"to" is missing'],
      [{ ...base, colour: 'red' }, 'unknown_field', '/colour', 'unknown field "colour"'],
      [{ ...base, profile_names: ['Compliant'] }, 'unknown_field', '/profile_names', 'read-only'],
      [{ ...base, id: 'mine' }, 'invalid_field', '/id', 'leave "id" out'],
      [{ ...base, action: 'permit' }, 'invalid_field', '/action', 'the action is "allow" or "deny"'],
      [{ ...base, position: -5 }, 'invalid_field', '/position', 'a whole number from 0 to 999999999'],
      [{ ...base, profiles: [] }, 'invalid_field', '/profiles', 'is empty'],
      [
        { ...base, profiles: [compliant.id, 'nope'] },
        'invalid_field',
        '/profiles/1',
        'no posture profile has the id "nope"',
      ],
      [{ ...base, profiles: ['Compliant'] }, 'invalid_field', '/profiles/0', `has the id "${compliant.id}"`],
      [
        { ...base, profiles: [office.id, office.id] },
        'invalid_field',
        '/profiles/1',
        '"Office" is named twice',
      ],
      [{ ...base, to: [] }, 'invalid_field', '/to', 'is empty'],
      [{ ...base, to: ['10.0.0.0/8', '10.0.0.1/8'] }, 'invalid_field', '/to/1', 'did you mean 10.0.0.0/8?'],
      [{ ...base, to: ['10.0.0.0/8', 'intranet'] }, 'invalid_field', '/to/1', 'is not an IP address'],
      [{ ...base, to: ['::/0', '::0/0'] }, 'invalid_field', '/to/1', '::/0 is named twice'],
      [[base], 'invalid_body', null, 'an access rule is a JSON object'],
    ];
    for (const [body, code, field, message] of cases) {
      const response = await h.asAdmin({ method: 'POST', url: rules, ...json(body) });
      const what = JSON.stringify(body).slice(0, 80);
      expect(response.statusCode, what).toBe(400);
      expect(errorOf(response), what).toMatchObject({ code, field });
      expect(errorOf(response).message, what).toContain(message);
    }
    const duplicateKey = await h.asAdmin({
      method: 'POST',
      url: rules,
      payload: `{"profiles":["${compliant.id}"],"to":["10.0.0.0/8"],"to":["::/0"]}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(errorOf(duplicateKey).code).toBe('duplicate_key');
    expect((await h.asAdmin({ method: 'POST', url: rules })).statusCode).toBe(400);

    const rule = await addRule(base);
    const url = `${rules}/${rule.id}`;
    const changes: [string, unknown, string, string][] = [
      ['PUT', { ...rule, id: 'another' }, 'invalid_field', '/id'],
      ['PUT', { ...rule, colour: 'red' }, 'unknown_field', '/colour'],
      ['PUT', { id: rule.id, to: rule.to }, 'missing_field', '/profiles'],
      ['PATCH', { id: rule.id }, 'unknown_field', '/id'],
      ['PATCH', { to: ['10.0.0.1/8'] }, 'invalid_field', '/to/0'],
      ['PATCH', { profiles: ['nope'] }, 'invalid_field', '/profiles/0'],
      ['PATCH', { position: 1.5 }, 'invalid_field', '/position'],
    ];
    for (const [method, body, code, field] of changes) {
      const response = await h.asAdmin({ method, url, ...json(body) });
      expect(response.statusCode, `${method} ${JSON.stringify(body)}`).toBe(400);
      expect(errorOf(response), `${method} ${JSON.stringify(body)}`).toMatchObject({ code, field });
    }
    expect((await h.store.accessRules.list()).map((r) => r.id)).toStrictEqual([rule.id]);
    expect(await h.store.accessRules.get(rule.id)).toMatchObject({ position: 10, to: ['10.0.0.0/8'] });
    expect(await ruleEvents()).toHaveLength(1);
    expect(ruleChanges()).toBe(1);
  });

  it('keeps a profile that a rule names: its removal is refused (409) naming the rules by position', async () => {
    const a = await addRule({ profiles: [compliant.id, office.id], to: ['10.0.0.0/8'] });
    const b = await addRule({ profiles: [office.id], to: ['::/0'], position: 40 });
    const refused = await h.asAdmin({ method: 'DELETE', url: `/api/v1/posture/profiles/${office.id}` });
    expect(refused.statusCode).toBe(409);
    expect(errorOf(refused)).toStrictEqual({
      code: 'conflict',
      message:
        'posture profile "Office" is named by the access rules at positions 10, 40: change or remove them first',
      field: null,
    });
    const once = await h.asAdmin({ method: 'DELETE', url: `/api/v1/posture/profiles/${compliant.id}` });
    expect(errorOf(once).message).toBe(
      'posture profile "Compliant" is named by the access rule at position 10: change or remove it first',
    );
    expect(await h.store.posture.listProfiles()).toHaveLength(2);

    await h.asAdmin({ method: 'PATCH', url: `${rules}/${a.id}`, ...json({ profiles: [compliant.id] }) });
    await h.asAdmin({ method: 'DELETE', url: `${rules}/${b.id}` });
    expect(
      (await h.asAdmin({ method: 'DELETE', url: `/api/v1/posture/profiles/${office.id}` })).statusCode,
    ).toBe(204);
    expect((await h.store.posture.listProfiles()).map((p) => p.name)).toStrictEqual(['Compliant']);
  });

  it('a viewer reads and changes nothing (403)', async () => {
    const rule = await addRule({ profiles: [compliant.id], to: ['10.0.0.0/8'] });
    for (const url of [rules, `${rules}/${rule.id}`]) {
      expect((await h.asViewer({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    const body = { profiles: [NO_PROFILE_KEY], to: ['::/0'] };
    const writes: [string, string, unknown][] = [
      ['POST', rules, body],
      ['PUT', `${rules}/${rule.id}`, body],
      ['PATCH', `${rules}/${rule.id}`, { position: 1 }],
      ['DELETE', `${rules}/${rule.id}`, undefined],
    ];
    for (const [method, url, payload] of writes) {
      const response = await h.asViewer({ method, url, ...(payload === undefined ? {} : json(payload)) });
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(errorOf(response).code).toBe('forbidden');
    }
    expect(await h.store.accessRules.list()).toHaveLength(1);
    expect(await ruleEvents()).toHaveLength(1);
    const anonymous = await h.app.inject({ method: 'GET', url: rules });
    expect(anonymous.statusCode).toBe(401);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await h.asViewer({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    }>();
    const methods = (path: string) => Object.keys(doc.paths[path] ?? {}).sort();
    expect(methods('/api/v1/access-rules')).toEqual(['get', 'post']);
    expect(methods('/api/v1/access-rules/{id}')).toEqual(['delete', 'get', 'patch', 'put']);
    const schemaOf = (path: string, method: string) =>
      (
        doc.paths[path]?.[method]?.requestBody as {
          content: { 'application/json': { schema: { properties: Record<string, unknown> } } };
        }
      ).content['application/json'].schema;
    expect(Object.keys(schemaOf('/api/v1/access-rules', 'post').properties)).toEqual([
      'position',
      'action',
      'profiles',
      'to',
    ]);
    expect(Object.keys(schemaOf('/api/v1/access-rules/{id}', 'put').properties)).toEqual([
      'id',
      'position',
      'action',
      'profiles',
      'profile_names',
      'to',
      'created_at',
    ]);
  });
});
