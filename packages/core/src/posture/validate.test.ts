import { describe, expect, it } from 'vitest';
import type { PostureObject, PostureProfile } from './model.js';
import {
  parsePostureObject,
  parsePostureProfile,
  posturePolicyProblem,
  profilesUsingObject,
} from './validate.js';

function problem(input: unknown, others: PostureObject[] = []) {
  const parsed = parsePostureObject(input, others);
  return parsed.ok ? null : parsed.problem;
}

const object = (criteria: unknown[], name = 'Antivirus') => ({ name, criteria });

describe('parsePostureObject', () => {
  it('accepts every kind of criterion and normalizes what compares without case', () => {
    const parsed = parsePostureObject({
      id: 'ignored',
      name: ' Healthy ',
      criteria: [
        { check: 'os_type', operator: 'contains', values: ['windows', 'Linux'] },
        { check: 'os_version', operator: '>=', value: '10.0.19041' },
        { check: 'domain', operator: 'contains', value: 'corp.example' },
        { check: 'kb_list', operator: 'contains', values: ['kb5034441'] },
        { check: 'av_active' },
        { check: 'av_name', operator: 'does_not_contain', value: 'Trial' },
        { check: 'av_version', operator: 'contains', value: 'beta' },
        { check: 'av_update', max_days: 7 },
        { check: 'av_scan', max_days: 0 },
        { check: 'fw_active' },
        { check: 'fw_name', operator: 'contains', value: 'nftables' },
        { check: 'fw_version', operator: '<=', value: '2' },
        { check: 'processes', operator: 'contains', values: ['osqueryd'] },
        { check: 'services', operator: 'does_not_contain', values: ['telnet'] },
        {
          check: 'registry',
          operator: 'contains',
          keys: [
            { key: 'HKLM\\SOFTWARE\\X\\On', value: { operator: 'equals', text: '1' } },
            { key: 'HKCU\\Y' },
          ],
        },
      ],
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.name).toBe('Healthy');
    expect(parsed.value.criteria).toHaveLength(15);
    expect(parsed.value.criteria[0]).toEqual({
      check: 'os_type',
      operator: 'contains',
      values: ['Windows', 'Linux'],
    });
    expect(parsed.value.criteria[3]).toEqual({
      check: 'kb_list',
      operator: 'contains',
      values: ['KB5034441'],
    });
  });

  it('leaves out "dont_check" criteria, and refuses an object that checks nothing', () => {
    const parsed = parsePostureObject(
      object([{ check: 'av_active', operator: 'dont_check' }, { check: 'fw_active' }]),
    );
    expect(parsed).toEqual({ ok: true, value: { name: 'Antivirus', criteria: [{ check: 'fw_active' }] } });
    expect(problem(object([{ check: 'av_update', operator: 'dont_check' }]))).toEqual({
      field: '/criteria',
      message: 'every criterion is "dont_check": an object that checks nothing would match any device',
    });
  });

  it('names the field and says what was expected', () => {
    const cases: [unknown, string, string][] = [
      [[], '', 'expected a posture object: {"name": "Antivirus", "criteria": [...]}'],
      [{ name: '  ', criteria: [] }, '/name', 'the name is empty'],
      [
        { name: 'A', criteria: [], colour: 1 },
        '/colour',
        'unknown field; a posture object has "id", "name", "criteria"',
      ],
      [object([]), '/criteria', 'the list of criteria is empty'],
      [
        object([{ check: 'antivirus' }]),
        '/criteria/0/check',
        'unknown check "antivirus": one of "os_type", "os_version", "domain", "kb_list", "av_active", "av_name", "av_version", "av_update", "av_scan", "fw_active", "fw_name", "fw_version", "processes", "services", "registry"',
      ],
      [
        object([{ check: 'domain', operator: 'equals', value: 'corp' }]),
        '/criteria/0/operator',
        'unknown operator "equals": one of "contains", "does_not_contain"',
      ],
      [
        object([{ check: 'os_version', operator: '>', value: '10' }]),
        '/criteria/0/operator',
        'unknown operator ">": one of ">=", "<=", "=", "contains", "does_not_contain"',
      ],
      [
        object([{ check: 'os_version', value: '10' }]),
        '/criteria/0/operator',
        'operator is missing: one of ">=", "<=", "=", "contains", "does_not_contain"',
      ],
      [
        object([{ check: 'av_version', operator: '>=', value: '4.x' }]),
        '/criteria/0/value',
        '"4.x" is not a version: write dotted numbers such as 10.0.19045',
      ],
      [
        object([{ check: 'av_update', max_days: -1 }]),
        '/criteria/0/max_days',
        'an age is 0 days or more, not -1',
      ],
      [
        object([{ check: 'av_scan', max_days: 1.5 }]),
        '/criteria/0/max_days',
        'expected the most days allowed, a whole number',
      ],
      [
        object([{ check: 'av_active', operator: 'contains' }]),
        '/criteria/0/operator',
        'unknown field; the av_active criterion has "check"',
      ],
      [
        object([{ check: 'fw_active' }, { check: 'fw_active' }]),
        '/criteria/1/check',
        'fw_active is already checked by /criteria/0: one criterion per kind',
      ],
      [
        object([{ check: 'os_type', operator: 'contains', values: ['BeOS'] }]),
        '/criteria/0/values/0',
        'unknown operating system type "BeOS": one of Windows, Linux, MacOS',
      ],
      [
        object([{ check: 'kb_list', operator: 'contains', values: ['5034441'] }]),
        '/criteria/0/values/0',
        '"5034441" is not an update: write KB5034441',
      ],
      [
        object([{ check: 'services', operator: 'contains', values: ['sshd', ''] }]),
        '/criteria/0/values/1',
        'the service name is empty',
      ],
      [
        object([
          { check: 'processes', operator: 'contains', values: ['kordon-posture-a', 'kordon-posture-b'] },
        ]),
        '/criteria/0/values/1',
        'the same as /criteria/0/values/0 (the first 15 characters, all Linux keeps of a process name)',
      ],
      [
        object([{ check: 'registry', operator: 'contains', keys: [{ key: 'SOFTWARE\\X' }] }]),
        '/criteria/0/keys/0/key',
        'a registry key starts with its hive: HKLM\\..., HKCU\\..., HKEY_LOCAL_MACHINE\\...',
      ],
      [
        object([{ check: 'registry', operator: 'contains', keys: [{ key: 'HKLM\\X' }, { key: 'hklm\\x' }] }]),
        '/criteria/0/keys/1',
        'the same as /criteria/0/keys/0 (twice)',
      ],
      [
        object([
          {
            check: 'registry',
            operator: 'contains',
            keys: [{ key: 'HKLM\\X', value: { operator: 'regex', text: '.' } }],
          },
        ]),
        '/criteria/0/keys/0/value/operator',
        'unknown operator "regex": one of "equals", "contains"',
      ],
    ];
    for (const [input, field, message] of cases) expect(problem(input)).toEqual({ field, message });
  });

  it('escapes field names in the pointer (RFC 6901)', () => {
    expect(problem({ name: 'A', criteria: [{ check: 'fw_active' }], 'a/b~c': 1 })?.field).toBe('/a~1b~0c');
  });

  it('refuses a name another object has, ignoring case', () => {
    const others: PostureObject[] = [{ id: 'x', name: 'Antivirus', criteria: [{ check: 'av_active' }] }];
    expect(problem(object([{ check: 'fw_active' }], 'ANTIVIRUS'), others)).toEqual({
      field: '/name',
      message: 'another posture object is named "Antivirus"',
    });
  });
});

describe('parsePostureProfile', () => {
  const objects: PostureObject[] = [
    { id: 'av', name: 'Antivirus', criteria: [{ check: 'av_active' }] },
    { id: 'fw', name: 'Firewall', criteria: [{ check: 'fw_active' }] },
  ];
  const profileProblem = (input: unknown, others: PostureProfile[] = []) => {
    const parsed = parsePostureProfile(input, objects, others);
    return parsed.ok ? null : parsed.problem;
  };

  it('accepts AND/OR trees over object ids', () => {
    const expression = {
      op: 'and',
      of: [{ object: 'av' }, { op: 'or', of: [{ object: 'fw' }, { object: 'av' }] }],
    };
    expect(parsePostureProfile({ name: 'Compliant', expression }, objects)).toEqual({
      ok: true,
      value: { name: 'Compliant', expression },
    });
  });

  it('names the field and says what was expected', () => {
    const cases: [unknown, string, string][] = [
      [
        { name: 'P', expression: { object: 'nope' } },
        '/expression/object',
        'no posture object has the id "nope"',
      ],
      [
        { name: 'P', expression: { op: 'and', of: [{ object: 'av' }, { object: 'gone' }] } },
        '/expression/of/1/object',
        'no posture object has the id "gone"',
      ],
      [
        { name: 'P', expression: { op: 'not', of: [{ object: 'av' }] } },
        '/expression/op',
        'unknown operator "not": one of "and", "or"',
      ],
      [{ name: 'P', expression: { op: 'or', of: [] } }, '/expression/of', 'the list of expressions is empty'],
      [
        { name: 'P', expression: { profile: 'other' } },
        '/expression/profile',
        'a profile combines posture objects, never other profiles',
      ],
      [{ name: 'P' }, '/expression', 'the expression is missing'],
      [{ name: '', expression: { object: 'av' } }, '/name', 'the name is empty'],
      [
        { name: 'Device Without Profile', expression: { object: 'av' } },
        '/name',
        '"device without profile" is the profile of devices that match no profile',
      ],
      [
        { name: 'P', expression: { object: 'av', op: 'and' } },
        '/expression/op',
        'unknown field; an object reference has "object"',
      ],
    ];
    for (const [input, field, message] of cases) expect(profileProblem(input)).toEqual({ field, message });
  });

  it('refuses a duplicate name and an expression nested too deep', () => {
    const others: PostureProfile[] = [{ id: 'c', name: 'Compliant', expression: { object: 'av' } }];
    expect(profileProblem({ name: 'compliant', expression: { object: 'fw' } }, others)).toEqual({
      field: '/name',
      message: 'another posture profile is named "Compliant"',
    });
    let deep: unknown = { object: 'av' };
    for (let i = 0; i < 9; i++) deep = { op: 'and', of: [deep] };
    expect(profileProblem({ name: 'Deep', expression: deep })?.message).toBe(
      'expressions nest at most 8 deep',
    );
  });
});

describe('posturePolicyProblem', () => {
  const objects: PostureObject[] = [
    { id: 'av', name: 'Antivirus', criteria: [{ check: 'av_active' }] },
    { id: 'fw', name: 'Firewall', criteria: [{ check: 'fw_active' }] },
  ];
  const profiles: PostureProfile[] = [{ id: 'p', name: 'P', expression: { object: 'fw' } }];

  it('passes a sound policy and names the first problem of a broken one', () => {
    expect(posturePolicyProblem(objects, profiles)).toBeNull();
    expect(posturePolicyProblem([objects[0]!], profiles)).toEqual({
      field: '/profiles/0/expression/object',
      message: 'no posture object has the id "fw"',
    });
    expect(posturePolicyProblem([...objects, { ...objects[0]!, id: 'av2' }], profiles)).toEqual({
      field: '/objects/2/name',
      message: 'another posture object is named "Antivirus"',
    });
    expect(posturePolicyProblem([objects[0]!, { ...objects[1]!, id: 'av' }], [])).toEqual({
      field: '/objects/1/id',
      message: 'another posture object has the id "av"',
    });
  });

  it('says which profiles hold an object', () => {
    expect(profilesUsingObject('fw', profiles).map((p) => p.name)).toEqual(['P']);
    expect(profilesUsingObject('av', profiles)).toEqual([]);
  });
});
