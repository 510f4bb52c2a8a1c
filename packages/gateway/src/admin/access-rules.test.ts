import { describe, expect, it } from 'vitest';
import { NO_PROFILE_KEY, type PostureProfile } from '@kordon/core';
import {
  AccessRuleInputError,
  accessRuleText,
  parseAccessRuleBody,
  profileKeysFromNames,
  profileNamesOf,
  type AccessRuleBodyKind,
} from './access-rules.js';

const compliant: PostureProfile = { id: 'p-ok', name: 'Compliant', expression: { object: 'o-av' } };
const office: PostureProfile = { id: 'p-office', name: 'Office, Berlin', expression: { object: 'o-fw' } };
const profiles = [compliant, office];

function refusal(input: unknown, kind: AccessRuleBodyKind = 'create', id?: string): AccessRuleInputError {
  try {
    parseAccessRuleBody(input, kind, profiles, id);
  } catch (error) {
    if (error instanceof AccessRuleInputError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('an access rule body', () => {
  it('is read with its destinations normalized; what is left out stays undefined', () => {
    expect(
      parseAccessRuleBody(
        { profiles: ['p-ok', NO_PROFILE_KEY], to: ['10.0.0.0/8', '192.168.1.7', ' 2001:DB8::/32 ', '::1'] },
        'create',
        profiles,
      ),
    ).toStrictEqual({
      profiles: ['p-ok', NO_PROFILE_KEY],
      to: ['10.0.0.0/8', '192.168.1.7/32', '2001:db8::/32', '::1/128'],
    });
    expect(
      parseAccessRuleBody(
        { position: 0, action: 'deny', profiles: ['p-office'], to: ['::/0'] },
        'create',
        profiles,
      ),
    ).toStrictEqual({ position: 0, action: 'deny', profiles: ['p-office'], to: ['::/0'] });
    expect(parseAccessRuleBody({}, 'patch', profiles)).toStrictEqual({});
    expect(parseAccessRuleBody({ position: 999_999_999 }, 'patch', profiles)).toStrictEqual({
      position: 999_999_999,
    });
  });

  it('takes back in a PUT what a GET gave: the same id, the read-only fields ignored', () => {
    const item = {
      id: 'r1',
      position: 10,
      action: 'allow',
      profiles: ['p-ok'],
      profile_names: ['Compliant'],
      to: ['10.0.0.0/8'],
      created_at: '2026-11-26T10:00:00.000Z',
    };
    expect(parseAccessRuleBody(item, 'replace', profiles, 'r1')).toStrictEqual({
      position: 10,
      action: 'allow',
      profiles: ['p-ok'],
      to: ['10.0.0.0/8'],
    });
    expect(refusal(item, 'replace', 'r2')).toMatchObject({ code: 'invalid_field', field: '/id' });
    expect(refusal(item, 'create')).toMatchObject({
      code: 'invalid_field',
      field: '/id',
      unknownField: false,
    });
    const { id: _id, ...copy } = item;
    expect(refusal(copy, 'create')).toMatchObject({ field: '/profile_names', unknownField: true });
    expect(refusal({ created_at: 'x' }, 'patch')).toMatchObject({ field: '/created_at', unknownField: true });
  });

  it('refuses each mistake naming its field', () => {
    const base = { profiles: ['p-ok'], to: ['10.0.0.0/8'] };
    const cases: [unknown, string, string, string][] = [
      [[base], 'invalid_field', '', 'an access rule is a JSON object'],
      [null, 'invalid_field', '', 'an access rule is a JSON object'],
      [{ to: ['10.0.0.0/8'] }, 'missing_field', '/profiles', '"profiles" is missing'],
      [{ profiles: ['p-ok'] }, 'missing_field', '/to', '"to" is missing'],
      [{ ...base, color: 'red' }, 'invalid_field', '/color', 'unknown field "color"'],
      [{ ...base, 'a/b': 1 }, 'invalid_field', '/a~1b', 'unknown field "a/b"'],
      [
        { ...base, action: 'permit' },
        'invalid_field',
        '/action',
        'the action is "allow" or "deny", not "permit"',
      ],
      [{ ...base, action: true }, 'invalid_field', '/action', 'the action is "allow" or "deny"'],
      [{ ...base, position: -1 }, 'invalid_field', '/position', 'a whole number from 0 to 999999999'],
      [{ ...base, position: 1.5 }, 'invalid_field', '/position', 'a whole number'],
      [{ ...base, position: '10' }, 'invalid_field', '/position', 'a whole number'],
      [{ ...base, position: 1_000_000_000 }, 'invalid_field', '/position', 'a whole number'],
      [{ ...base, profiles: 'p-ok' }, 'invalid_field', '/profiles', 'a list of 1 to 64 posture profiles'],
      [{ ...base, profiles: [] }, 'invalid_field', '/profiles', 'the list of posture profiles is empty'],
      [
        { ...base, profiles: Array.from({ length: 65 }, () => 'p-ok') },
        'invalid_field',
        '/profiles',
        '65 posture profiles are too many: at most 64',
      ],
      [{ ...base, profiles: ['p-ok', 3] }, 'invalid_field', '/profiles/1', 'named by its id'],
      [
        { ...base, profiles: ['nope'] },
        'invalid_field',
        '/profiles/0',
        'no posture profile has the id "nope"',
      ],
      [
        { ...base, profiles: ['p-ok', 'compliant'] },
        'invalid_field',
        '/profiles/1',
        'the profile named "Compliant" has the id "p-ok"',
      ],
      [
        { ...base, profiles: ['Device without profile'] },
        'invalid_field',
        '/profiles/0',
        `are "${NO_PROFILE_KEY}", exactly`,
      ],
      [
        { ...base, profiles: ['p-office', 'p-ok', 'p-office'] },
        'invalid_field',
        '/profiles/2',
        'the profile "Office, Berlin" is named twice',
      ],
      [
        { ...base, profiles: [NO_PROFILE_KEY, NO_PROFILE_KEY] },
        'invalid_field',
        '/profiles/1',
        `the profile "${NO_PROFILE_KEY}" is named twice`,
      ],
      [{ ...base, to: '10.0.0.0/8' }, 'invalid_field', '/to', 'a list of 1 to 256 destinations'],
      [{ ...base, to: [] }, 'invalid_field', '/to', 'the list of destinations is empty'],
      [
        { ...base, to: Array.from({ length: 257 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`) },
        'invalid_field',
        '/to',
        'at most 256',
      ],
      [{ ...base, to: ['10.0.0.0/8', 7] }, 'invalid_field', '/to/1', 'a destination is a network as text'],
      [
        { ...base, to: ['10.0.0.0/8', '10.0.0.1/8'] },
        'invalid_field',
        '/to/1',
        '"10.0.0.1/8" has host bits set; did you mean 10.0.0.0/8?',
      ],
      [
        { ...base, to: ['2001:db8::1/32'] },
        'invalid_field',
        '/to/0',
        'has host bits set; did you mean 2001:db8::/32?',
      ],
      [
        { ...base, to: ['10.0.0.0/33'] },
        'invalid_field',
        '/to/0',
        'invalid prefix length (0 to 32 for IPv4)',
      ],
      [{ ...base, to: ['intranet'] }, 'invalid_field', '/to/0', '"intranet" is not an IP address'],
      [
        { ...base, to: ['192.168.1.7', '10.0.0.0/8', '192.168.1.7/32'] },
        'invalid_field',
        '/to/2',
        '192.168.1.7/32 is named twice',
      ],
    ];
    for (const [input, code, field, message] of cases) {
      const error = refusal(input);
      const what = JSON.stringify(input).slice(0, 80);
      expect({ code: error.code, field: error.field }, what).toStrictEqual({ code, field });
      expect(error.message, what).toContain(message);
    }
  });

  it('refuses in a PATCH what it refuses in a POST, and a missing field nowhere', () => {
    expect(refusal({ to: ['10.0.0.1/8'] }, 'patch')).toMatchObject({ field: '/to/0' });
    expect(refusal({ profiles: [] }, 'patch')).toMatchObject({ field: '/profiles' });
    expect(refusal({ id: 'r1' }, 'patch')).toMatchObject({ field: '/id', unknownField: true });
    expect(refusal({ to: ['10.0.0.0/8'] }, 'replace', 'r1')).toMatchObject({
      code: 'missing_field',
      field: '/profiles',
    });
  });
});

describe('profiles by name and in words', () => {
  it('resolves names without regard to case, ids, and the reserved name', () => {
    expect(profileKeysFromNames(['compliant', 'p-office', 'Device Without Profile'], profiles)).toStrictEqual(
      ['p-ok', 'p-office', NO_PROFILE_KEY],
    );
    expect(() => profileKeysFromNames(['Compliant', 'Home'], profiles)).toThrow(
      'no posture profile is named "Home" (they are "Compliant", "Office, Berlin"; ' +
        `"${NO_PROFILE_KEY}": devices that match no profile)`,
    );
    expect(() => profileKeysFromNames(['Home'], [])).toThrow('(there are none yet;');
    try {
      profileKeysFromNames(['Compliant', 'Home'], profiles);
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_field', field: '/profiles/1' });
    }
  });

  it("names a rule's profiles as they are now", () => {
    expect(profileNamesOf(['p-office', NO_PROFILE_KEY, 'p-gone'], profiles)).toStrictEqual([
      'Office, Berlin',
      NO_PROFILE_KEY,
      'p-gone',
    ]);
    const rule = {
      id: 'r1',
      position: 10,
      action: 'deny' as const,
      profiles: ['p-ok', NO_PROFILE_KEY],
      to: ['10.0.0.0/8', '::/0'],
      createdAt: new Date(0),
    };
    expect(accessRuleText(rule, profiles)).toBe(`deny "Compliant", "${NO_PROFILE_KEY}" to 10.0.0.0/8, ::/0`);
  });
});
