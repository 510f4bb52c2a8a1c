// VPN-access rules (DECISIONS 17): evaluated in order, the first match wins, no match denies external
// access. A rule names local users (or "*": every user) and local groups.

export type VpnRuleAction = 'allow' | 'deny';

export interface VpnRule {
  id: string;
  /** Order of evaluation, ascending; rules at one position are evaluated in the order they were made. */
  position: number;
  action: VpnRuleAction;
  /** Normalized account names; "*" matches every account. */
  users: string[];
  /** Local group names. */
  groups: string[];
  createdAt: Date;
}

export interface VpnDecision {
  allowed: boolean;
  /** The rule that decided, or null when none matched (deny). */
  ruleId: string | null;
}

export function evaluateVpnRules(
  rules: readonly VpnRule[],
  account: string,
  accountGroups: readonly string[],
): VpnDecision {
  // Rules at one position in the order they were made, then by id: the order the store lists them in.
  const ordered = [...rules].sort(
    (a, b) =>
      a.position - b.position ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  for (const rule of ordered) {
    const byUser = rule.users.includes('*') || rule.users.includes(account);
    const byGroup = rule.groups.some((g) => accountGroups.includes(g));
    if (byUser || byGroup) return { allowed: rule.action === 'allow', ruleId: rule.id };
  }
  return { allowed: false, ruleId: null };
}
