import { describe, expect, it } from 'vitest';
import { evaluateVpnRules, type VpnRule } from './vpn-rules.js';

function rule(
  id: string,
  position: number,
  action: 'allow' | 'deny',
  users: string[],
  groups: string[] = [],
): VpnRule {
  return { id, position, action, users, groups, createdAt: new Date(0) };
}

describe('VPN-access rules (DECISIONS 17)', () => {
  it('denies when nothing matches', () => {
    expect(evaluateVpnRules([], 'alice', [])).toEqual({ allowed: false, ruleId: null });
    expect(evaluateVpnRules([rule('r', 1, 'allow', ['bob'])], 'alice', [])).toEqual({
      allowed: false,
      ruleId: null,
    });
  });

  it('takes the first match in position order', () => {
    const rules = [rule('all', 2, 'allow', ['*']), rule('no-eve', 1, 'deny', ['eve'])];
    expect(evaluateVpnRules(rules, 'eve', [])).toEqual({ allowed: false, ruleId: 'no-eve' });
    expect(evaluateVpnRules(rules, 'alice', [])).toEqual({ allowed: true, ruleId: 'all' });
  });

  it('evaluates rules at one position in the order they were made, whatever order they come in', () => {
    const older = { ...rule('older', 10, 'allow', ['alice']), createdAt: new Date(1000) };
    const newer = { ...rule('newer', 10, 'deny', ['*']), createdAt: new Date(2000) };
    expect(evaluateVpnRules([newer, older], 'alice', [])).toEqual({ allowed: true, ruleId: 'older' });
    expect(evaluateVpnRules([older, newer], 'alice', [])).toEqual({ allowed: true, ruleId: 'older' });
    const twin = { ...older, id: 'a-twin', action: 'deny' as const };
    expect(evaluateVpnRules([older, twin], 'alice', [])).toEqual({ allowed: false, ruleId: 'a-twin' });
  });

  it('matches by group', () => {
    const rules = [rule('staff', 1, 'allow', [], ['staff'])];
    expect(evaluateVpnRules(rules, 'alice', ['staff'])).toEqual({ allowed: true, ruleId: 'staff' });
    expect(evaluateVpnRules(rules, 'alice', ['guests'])).toEqual({ allowed: false, ruleId: null });
  });
});
