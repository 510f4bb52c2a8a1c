import { describe, expect, it } from 'vitest';
import { NO_PROFILE_KEY, profileKeysOf, reachOf, reachWords, type AccessRule } from './access-rules.js';
import { postureStateOf } from './posture/state.js';

const rule = (
  position: number,
  action: AccessRule['action'],
  profiles: string[],
  to: string[],
): AccessRule => ({
  id: `r${position}`,
  position,
  action,
  profiles,
  to,
  createdAt: new Date(0),
});

describe('access rules', () => {
  it('a session that matched no profile, or was not evaluated, has the reserved key', () => {
    expect(profileKeysOf(null)).toEqual([NO_PROFILE_KEY]);
    expect(profileKeysOf([])).toEqual([NO_PROFILE_KEY]);
    expect(profileKeysOf(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('without rules nothing is limited', () => {
    expect(reachOf([NO_PROFILE_KEY], [])).toEqual({ limited: false, rules: [] });
  });

  it('applies the rules naming one of the profiles, by position; the first decides whether it is limited', () => {
    const rules = [
      rule(30, 'allow', [NO_PROFILE_KEY], ['198.18.4.0/24']),
      rule(10, 'allow', ['compliant'], ['0.0.0.0/0']),
      rule(20, 'deny', ['compliant', 'other'], ['10.0.0.0/8']),
    ];
    const compliant = reachOf(['compliant'], rules);
    expect(compliant).toMatchObject({ limited: false });
    expect(compliant.rules.map((r) => r.id)).toEqual(['r10', 'r20']);
    const other = reachOf(['other'], rules);
    expect(other.limited).toBe(true);
    expect(reachWords(other)).toBe('no destination');
    const none = reachOf([NO_PROFILE_KEY], rules);
    expect(none.limited).toBe(true);
    expect(reachWords(none)).toBe('only 198.18.4.0/24');
    // A deny before the allow of everything limits.
    expect(reachOf(['compliant'], [rule(1, 'deny', ['compliant'], ['10.0.0.0/8']), ...rules]).limited).toBe(
      true,
    );
    // A profile no rule names reaches nothing once rules exist.
    expect(reachOf(['unnamed'], rules)).toEqual({ limited: true, rules: [] });
  });

  it('names at most eight destinations', () => {
    const many = Array.from({ length: 10 }, (_, i) => `10.${i}.0.0/16`);
    expect(reachWords(reachOf(['p'], [rule(1, 'allow', ['p'], many)]))).toBe(
      `only ${many.slice(0, 8).join(', ')} and 2 more`,
    );
  });
});

describe('posture_state words', () => {
  const checks = [
    { object: 'Tools', criterion: 'processes' as const, passed: false, why: 'osqueryd is not running' },
    { object: 'AV', criterion: 'av_active' as const, passed: true, why: 'ClamAV is running' },
  ];
  const rules = [
    rule(1, 'allow', ['p-ok'], ['0.0.0.0/0']),
    rule(2, 'allow', [NO_PROFILE_KEY], ['198.18.4.0/24']),
  ];

  it('a limited session is told where it may go and which checks failed', () => {
    expect(
      postureStateOf({ profileIds: [], profiles: ['device without profile'], checks }, rules),
    ).toStrictEqual({
      profiles: ['device without profile'],
      limited: true,
      message:
        'Access is limited to 198.18.4.0/24 (device posture profile: device without profile). Tools: osqueryd is not running',
      checks,
    });
  });

  it('full access names the profiles and leaves failed checks out; a note is always said', () => {
    expect(postureStateOf({ profileIds: ['p-ok'], profiles: ['Compliant'], checks }, rules).message).toBe(
      'Full access (device posture profile: Compliant)',
    );
    expect(
      postureStateOf({ profileIds: [], profiles: ['device without profile'], checks: [] }, [], 'no answer')
        .message,
    ).toBe('Full access (device posture profile: device without profile). no answer');
    expect(
      postureStateOf({ profileIds: ['x'], profiles: ['X'], checks: [] }, [
        rule(1, 'allow', ['p-ok'], ['0.0.0.0/0']),
      ]).message,
    ).toBe('No access through the gateway (device posture profile: X)');
  });
});
