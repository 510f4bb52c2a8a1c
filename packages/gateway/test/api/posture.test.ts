// Device posture under /api/v1/posture (docs/posture.md): objects, profiles and settings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPostureSettings, type PostureObject, type PostureProfile } from '@kordon/core';
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

const objects = '/api/v1/posture/objects';
const profiles = '/api/v1/posture/profiles';
const settings = '/api/v1/posture/settings';

const antivirusBody = {
  name: 'Antivirus',
  criteria: [
    { check: 'av_active' },
    { check: 'av_update', max_days: 7 },
    { check: 'os_type', operator: 'dont_check' },
  ],
};

async function addObject(body: unknown): Promise<PostureObject> {
  const response = await h.asAdmin({ method: 'POST', url: objects, ...json(body) });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<PostureObject>();
}

async function postureEvents(): Promise<string[]> {
  return (await h.store.events.list(100))
    .filter((event) => event.kind === 'posture_changed')
    .map((event) => event.detail)
    .reverse();
}

const postureChanges = (): number => h.control.all.filter((c) => c.kind === 'posture').length;

describe('posture objects', () => {
  it('creates, lists, shows, replaces and removes; every change is an event and a change record', async () => {
    const created = await addObject(antivirusBody);
    expect(Object.keys(created)).toEqual(['id', 'name', 'criteria']);
    expect(created).toStrictEqual({
      id: created.id,
      name: 'Antivirus',
      // "dont_check" is left out.
      criteria: [{ check: 'av_active' }, { check: 'av_update', max_days: 7 }],
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    const firewall = await addObject({
      name: 'firewall',
      criteria: [
        { check: 'fw_active' },
        { check: 'processes', operator: 'contains', values: ['osqueryd'] },
        {
          check: 'registry',
          operator: 'contains',
          keys: [{ key: 'HKLM\\SOFTWARE\\Kordon\\On', value: { operator: 'equals', text: '1' } }],
        },
      ],
    });

    const list = await h.asViewer({ method: 'GET', url: objects });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(list.json()).toStrictEqual({ items: [created, firewall], total: 2, next_cursor: null });
    const shown = await h.asViewer({ method: 'GET', url: `${objects}/${created.id}` });
    expect(shown.json()).toStrictEqual(created);
    expect(await h.store.posture.getObject(created.id)).toStrictEqual(created);

    // What a GET gave goes back changed: the same id, a new name and criteria.
    const replaced = await h.asAdmin({
      method: 'PUT',
      url: `${objects}/${created.id}`,
      ...json({ ...created, name: 'Antivirus fresh', criteria: [{ check: 'av_update', max_days: 3 }] }),
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toStrictEqual({
      id: created.id,
      name: 'Antivirus fresh',
      criteria: [{ check: 'av_update', max_days: 3 }],
    });
    // The same again writes nothing.
    const same = await h.asAdmin({
      method: 'PUT',
      url: `${objects}/${created.id}`,
      ...json(replaced.json()),
    });
    expect(same.statusCode).toBe(200);

    const removed = await h.asAdmin({ method: 'DELETE', url: `${objects}/${firewall.id}` });
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    const gone = await h.asAdmin({ method: 'GET', url: `${objects}/${firewall.id}` });
    expect(gone.statusCode).toBe(404);
    expect(errorOf(gone)).toStrictEqual({
      code: 'not_found',
      message: `no posture object with id "${firewall.id}"`,
      field: null,
    });
    expect((await h.asAdmin({ method: 'DELETE', url: `${objects}/${firewall.id}` })).statusCode).toBe(404);
    expect(
      (await h.asAdmin({ method: 'PUT', url: `${objects}/nope`, ...json(antivirusBody) })).statusCode,
    ).toBe(404);

    expect(await postureEvents()).toStrictEqual([
      `posture object "Antivirus" (${created.id}) added by API token "test-admin": av_active, av_update`,
      `posture object "firewall" (${firewall.id}) added by API token "test-admin": fw_active, processes, registry`,
      `posture object "Antivirus fresh" (${created.id}) (was "Antivirus") replaced by API token "test-admin": av_update`,
      `posture object "firewall" (${firewall.id}) removed by API token "test-admin"`,
    ]);
    expect(postureChanges()).toBe(4);
  });

  it('refuses a name another object has, whatever its case, with 409', async () => {
    const first = await addObject(antivirusBody);
    const second = await addObject({ name: 'Firewall', criteria: [{ check: 'fw_active' }] });
    const again = await h.asAdmin({
      method: 'POST',
      url: objects,
      ...json({ ...antivirusBody, name: 'ANTIVIRUS' }),
    });
    expect(again.statusCode).toBe(409);
    expect(errorOf(again)).toStrictEqual({
      code: 'conflict',
      message: 'a posture object is named "Antivirus"',
      field: '/name',
    });
    const rename = await h.asAdmin({
      method: 'PUT',
      url: `${objects}/${second.id}`,
      ...json({ name: 'antivirus', criteria: [{ check: 'fw_active' }] }),
    });
    expect(rename.statusCode).toBe(409);
    // An object may keep its own name in another case.
    const own = await h.asAdmin({
      method: 'PUT',
      url: `${objects}/${first.id}`,
      ...json({ ...antivirusBody, name: 'ANTIVIRUS' }),
    });
    expect(own.statusCode).toBe(200);
    expect(await postureEvents()).toHaveLength(3);
  });

  it('validates the body with the core parser, naming the field', async () => {
    const cases: [unknown, string, string | null, string][] = [
      [{ criteria: [{ check: 'av_active' }] }, 'missing_field', '/name', 'expected the name'],
      [{ name: '  ', criteria: [{ check: 'av_active' }] }, 'invalid_field', '/name', 'the name is empty'],
      [{ name: 'A' }, 'missing_field', '/criteria', 'expected a list of criteria'],
      [{ name: 'A', criteria: [] }, 'invalid_field', '/criteria', 'the list of criteria is empty'],
      [
        { name: 'A', criteria: [{ check: 'av_update', max_days: -1 }] },
        'invalid_field',
        '/criteria/0/max_days',
        'an age is 0 days or more',
      ],
      [
        { name: 'A', criteria: [{ check: 'processes', values: ['x'] }] },
        'missing_field',
        '/criteria/0/operator',
        'operator is missing',
      ],
      [
        { name: 'A', criteria: [{ check: 'os_version', operator: '>=', value: 'ten' }] },
        'invalid_field',
        '/criteria/0/value',
        'is not a version',
      ],
      [
        { name: 'A', criteria: [{ check: 'antivirus' }] },
        'invalid_field',
        '/criteria/0/check',
        'unknown check "antivirus"',
      ],
      [
        { name: 'A', criteria: [{ check: 'av_active' }, { check: 'av_active' }] },
        'invalid_field',
        '/criteria/1/check',
        'one criterion per kind',
      ],
      [
        { name: 'A', criteria: [{ check: 'os_type', operator: 'dont_check' }] },
        'invalid_field',
        '/criteria',
        'an object that checks nothing',
      ],
      [
        { name: 'A', criteria: [{ check: 'av_active', operator: 'contains' }] },
        'unknown_field',
        '/criteria/0/operator',
        'unknown field',
      ],
      [
        { name: 'A', criteria: [{ check: 'av_active' }], color: 'red' },
        'unknown_field',
        '/color',
        'unknown field',
      ],
      [{ id: 'mine', ...antivirusBody }, 'invalid_field', '/id', 'leave "id" out'],
      [[antivirusBody], 'invalid_body', null, 'expected a posture object'],
    ];
    for (const [body, code, field, message] of cases) {
      const response = await h.asAdmin({ method: 'POST', url: objects, ...json(body) });
      const what = JSON.stringify(body).slice(0, 80);
      expect(response.statusCode, what).toBe(400);
      expect(errorOf(response), what).toMatchObject({ code, field });
      expect(errorOf(response).message, what).toContain(message);
    }
    const created = await addObject(antivirusBody);
    const otherId = await h.asAdmin({
      method: 'PUT',
      url: `${objects}/${created.id}`,
      ...json({ ...created, id: 'another' }),
    });
    expect(errorOf(otherId)).toMatchObject({ code: 'invalid_field', field: '/id' });
    const duplicateKey = await h.asAdmin({
      method: 'POST',
      url: objects,
      payload: '{"name":"A","name":"B","criteria":[{"check":"av_active"}]}',
      headers: { 'content-type': 'application/json' },
    });
    expect(errorOf(duplicateKey).code).toBe('duplicate_key');
    expect(await h.store.posture.listObjects()).toStrictEqual([created]);
    expect(await postureEvents()).toHaveLength(1);
  });
});

describe('posture profiles', () => {
  it('combine objects with and/or; an object in use cannot go (409 naming the profiles)', async () => {
    const av = await addObject(antivirusBody);
    const fw = await addObject({ name: 'Firewall', criteria: [{ check: 'fw_active' }] });
    const os = await addObject({
      name: 'Updates',
      criteria: [{ check: 'kb_list', operator: 'contains', values: ['kb5034441'] }],
    });
    const compliantBody = {
      name: 'Compliant',
      expression: {
        op: 'and',
        of: [{ object: av.id }, { op: 'or', of: [{ object: fw.id }, { object: os.id }] }],
      },
    };
    const created = await h.asAdmin({ method: 'POST', url: profiles, ...json(compliantBody) });
    expect(created.statusCode).toBe(201);
    const compliant = created.json<PostureProfile>();
    expect(compliant).toStrictEqual({
      id: compliant.id,
      ...compliantBody,
      expression_text: 'Antivirus and (Firewall or Updates)',
    });
    const office = (
      await h.asAdmin({
        method: 'POST',
        url: profiles,
        ...json({ name: 'office', expression: { object: fw.id } }),
      })
    ).json<PostureProfile>();
    expect((await h.asViewer({ method: 'GET', url: profiles })).json()).toStrictEqual({
      items: [compliant, office],
      total: 2,
      next_cursor: null,
    });
    expect((await h.asViewer({ method: 'GET', url: `${profiles}/${office.id}` })).json()).toStrictEqual(
      office,
    );

    const used = await h.asAdmin({ method: 'DELETE', url: `${objects}/${fw.id}` });
    expect(used.statusCode).toBe(409);
    expect(errorOf(used)).toStrictEqual({
      code: 'conflict',
      message:
        'posture object "Firewall" is used by the profiles "Compliant", "office": change or remove them first',
      field: null,
    });
    const usedOnce = await h.asAdmin({ method: 'DELETE', url: `${objects}/${av.id}` });
    expect(errorOf(usedOnce).message).toBe(
      'posture object "Antivirus" is used by the profile "Compliant": change or remove it first',
    );
    expect(await h.store.posture.listObjects()).toHaveLength(3);

    // Once no profile names it, it goes.
    const replaced = await h.asAdmin({
      method: 'PUT',
      url: `${profiles}/${office.id}`,
      ...json({ ...office, expression: { object: os.id } }),
    });
    // What a GET gave goes back as it is (expression_text is read-only, and ignored in a body).
    expect(replaced.json()).toStrictEqual({
      ...office,
      expression: { object: os.id },
      expression_text: 'Updates',
    });
    expect(office).toMatchObject({ expression_text: 'Firewall' });
    expect((await h.asAdmin({ method: 'DELETE', url: `${profiles}/${compliant.id}` })).statusCode).toBe(204);
    expect((await h.asAdmin({ method: 'DELETE', url: `${objects}/${fw.id}` })).statusCode).toBe(204);
    expect((await h.asAdmin({ method: 'DELETE', url: `${profiles}/${compliant.id}` })).statusCode).toBe(404);

    const events = await postureEvents();
    expect(events.slice(3)).toStrictEqual([
      `posture profile "Compliant" (${compliant.id}) added by API token "test-admin": Antivirus and (Firewall or Updates)`,
      `posture profile "office" (${office.id}) added by API token "test-admin": Firewall`,
      `posture profile "office" (${office.id}) replaced by API token "test-admin": Updates`,
      `posture profile "Compliant" (${compliant.id}) removed by API token "test-admin"`,
      `posture object "Firewall" (${fw.id}) removed by API token "test-admin"`,
    ]);
    expect(postureChanges()).toBe(8);
  });

  it('takes the expression as text too, objects by name, and says at /expression what it cannot read', async () => {
    const av = await addObject(antivirusBody);
    const fw = await addObject({ name: 'Firewall on', criteria: [{ check: 'fw_active' }] });
    const created = await h.asAdmin({
      method: 'POST',
      url: profiles,
      ...json({ name: 'Office', expression: 'antivirus and "Firewall on"' }),
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      expression: { op: 'and', of: [{ object: av.id }, { object: fw.id }] },
      expression_text: 'Antivirus and "Firewall on"',
    });
    for (const [text, words] of [
      ['Antivirus and', 'the expression ends where a name was expected'],
      ['Antivirus or Nothing', 'no posture object is named "Nothing"'],
    ] as const) {
      const refused = await h.asAdmin({
        method: 'POST',
        url: profiles,
        ...json({ name: 'Q', expression: text }),
      });
      expect(refused.statusCode, text).toBe(400);
      expect(errorOf(refused), text).toMatchObject({ field: '/expression' });
      expect(errorOf(refused).message, text).toContain(words);
    }
    expect(await h.store.posture.listProfiles()).toHaveLength(1);
  });

  it('validates the body, naming the field; names are unique and the gateway keeps its own', async () => {
    const av = await addObject(antivirusBody);
    await h.asAdmin({
      method: 'POST',
      url: profiles,
      ...json({ name: 'Compliant', expression: { object: av.id } }),
    });
    const cases: [unknown, number, string, string | null, string][] = [
      [{ name: 'P' }, 400, 'missing_field', '/expression', 'the expression is missing'],
      [
        { name: 'P', expression: { object: 'nope' } },
        400,
        'invalid_field',
        '/expression/object',
        'no posture object',
      ],
      [
        { name: 'P', expression: { op: 'xor', of: [{ object: av.id }] } },
        400,
        'invalid_field',
        '/expression/op',
        'unknown operator "xor"',
      ],
      [{ name: 'P', expression: { op: 'and', of: [] } }, 400, 'invalid_field', '/expression/of', 'is empty'],
      [
        { name: 'P', expression: { profile: 'Compliant' } },
        400,
        'invalid_field',
        '/expression/profile',
        'never other profiles',
      ],
      [
        { name: 'Device without profile', expression: { object: av.id } },
        400,
        'invalid_field',
        '/name',
        'the profile of devices that match no profile',
      ],
      [
        { name: 'P', expression: { object: av.id, extra: 1 } },
        400,
        'unknown_field',
        '/expression/extra',
        'unknown field',
      ],
      [
        { name: 'compliant', expression: { object: av.id } },
        409,
        'conflict',
        '/name',
        'is named "Compliant"',
      ],
    ];
    for (const [body, status, code, field, message] of cases) {
      const response = await h.asAdmin({ method: 'POST', url: profiles, ...json(body) });
      const what = JSON.stringify(body).slice(0, 80);
      expect(response.statusCode, what).toBe(status);
      expect(errorOf(response), what).toMatchObject({ code, field });
      expect(errorOf(response).message, what).toContain(message);
    }
    expect(await h.store.posture.listProfiles()).toHaveLength(1);
  });
});

describe('posture settings', () => {
  it('gives the defaults, changes what is given, keeps the rest, and logs the change', async () => {
    const first = await h.asViewer({ method: 'GET', url: settings });
    expect(first.json()).toStrictEqual({ period: 60, recheck_minutes: 15, silent_periods: 3 });
    expect(first.json()).toStrictEqual(defaultPostureSettings);
    const changed = await h.asAdmin({ method: 'PUT', url: settings, ...json({ period: 5 }) });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toStrictEqual({ period: 5, recheck_minutes: 15, silent_periods: 3 });
    const all = await h.asAdmin({
      method: 'PUT',
      url: settings,
      ...json({ period: 0, recheck_minutes: 1, silent_periods: 100 }),
    });
    expect(all.json()).toStrictEqual({ period: 0, recheck_minutes: 1, silent_periods: 100 });
    // Unchanged: nothing written.
    await h.asAdmin({ method: 'PUT', url: settings, ...json({ period: 0 }) });
    expect(await h.store.posture.getSettings()).toStrictEqual({
      period: 0,
      recheck_minutes: 1,
      silent_periods: 100,
    });
    expect(await postureEvents()).toStrictEqual([
      'posture settings changed by API token "test-admin": period 60 -> 5',
      'posture settings changed by API token "test-admin": period 5 -> 0; recheck_minutes 15 -> 1; silent_periods 3 -> 100',
    ]);
    expect(postureChanges()).toBe(2);
  });

  it('refuses values out of range and unknown fields, naming them', async () => {
    const cases: [unknown, string, string, string][] = [
      [{ period: -1 }, 'invalid_field', '/period', 'at least 0'],
      [{ period: 1441 }, 'invalid_field', '/period', 'at most 1440'],
      [{ recheck_minutes: 0 }, 'invalid_field', '/recheck_minutes', 'at least 1'],
      [{ silent_periods: 1.5 }, 'invalid_field', '/silent_periods', 'an integer'],
      [{ silent_periods: '3' }, 'invalid_field', '/silent_periods', 'an integer'],
      [{ periods: 5 }, 'unknown_field', '/periods', 'did you mean "period"'],
    ];
    for (const [body, code, field, message] of cases) {
      const response = await h.asAdmin({ method: 'PUT', url: settings, ...json(body) });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(errorOf(response), JSON.stringify(body)).toMatchObject({ code, field });
      expect(errorOf(response).message).toContain(message);
    }
    expect(await h.store.posture.getSettings()).toStrictEqual(defaultPostureSettings);
  });
});

describe('posture and roles', () => {
  it('a viewer reads and changes nothing (403)', async () => {
    const av = await addObject(antivirusBody);
    const profile = (
      await h.asAdmin({
        method: 'POST',
        url: profiles,
        ...json({ name: 'P', expression: { object: av.id } }),
      })
    ).json<PostureProfile>();
    for (const url of [objects, `${objects}/${av.id}`, profiles, `${profiles}/${profile.id}`, settings]) {
      expect((await h.asViewer({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    const writes: [string, string, unknown][] = [
      ['POST', objects, antivirusBody],
      ['PUT', `${objects}/${av.id}`, antivirusBody],
      ['DELETE', `${objects}/${av.id}`, undefined],
      ['POST', profiles, { name: 'Q', expression: { object: av.id } }],
      ['PUT', `${profiles}/${profile.id}`, { name: 'Q', expression: { object: av.id } }],
      ['DELETE', `${profiles}/${profile.id}`, undefined],
      ['PUT', settings, { period: 1 }],
    ];
    for (const [method, url, body] of writes) {
      const response = await h.asViewer({
        method,
        url,
        ...(body === undefined ? {} : json(body)),
      });
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(errorOf(response).code).toBe('forbidden');
    }
    expect(await h.store.posture.listObjects()).toStrictEqual([av]);
    const { expression_text: _text, ...stored } = profile as PostureProfile & { expression_text: string };
    expect(await h.store.posture.listProfiles()).toStrictEqual([stored]);
    expect(await h.store.posture.getSettings()).toStrictEqual(defaultPostureSettings);
    expect(await postureEvents()).toHaveLength(2);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await h.asViewer({ method: 'GET', url: '/api/v1/openapi.json' })).json<{
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    }>();
    const methods = (path: string) => Object.keys(doc.paths[path] ?? {}).sort();
    expect(methods('/api/v1/posture/objects')).toEqual(['get', 'post']);
    expect(methods('/api/v1/posture/objects/{id}')).toEqual(['delete', 'get', 'put']);
    expect(methods('/api/v1/posture/profiles')).toEqual(['get', 'post']);
    expect(methods('/api/v1/posture/profiles/{id}')).toEqual(['delete', 'get', 'put']);
    expect(methods('/api/v1/posture/settings')).toEqual(['get', 'put']);
    const body = (
      doc.paths['/api/v1/posture/objects']?.['post']?.requestBody as {
        content: { 'application/json': { schema: { properties: Record<string, unknown> } } };
      }
    ).content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(['id', 'name', 'criteria']);
    const criteria = body.properties['criteria'] as {
      items: { anyOf: { properties: { check: { enum: string[] } } }[] };
    };
    expect(criteria.items.anyOf.map((c) => c.properties.check.enum[0])).toEqual([
      'os_type',
      'os_version',
      'domain',
      'kb_list',
      'av_active',
      'av_name',
      'av_version',
      'av_update',
      'av_scan',
      'fw_active',
      'fw_name',
      'fw_version',
      'processes',
      'services',
      'registry',
    ]);
  });
});
