// Access by posture profile (docs/posture.md "Access rules"): which destinations the sessions of
// which profiles reach. Rules are evaluated by position and the first one that matches a packet
// (its session has one of the rule's profiles, its destination is in the rule's networks) decides.
// With rules, what no rule allows is dropped; with none, every authorized session reaches
// everything, as before posture existed.
import { DEVICE_WITHOUT_PROFILE } from './posture/model.js';

export const ACCESS_RULE_ACTIONS = ['allow', 'deny'] as const;
export type AccessRuleAction = (typeof ACCESS_RULE_ACTIONS)[number];

/**
 * The key a rule names the sessions that match no profile by: the reserved profile name itself,
 * which no posture profile id can be (ids are UUIDs).
 */
export const NO_PROFILE_KEY = DEVICE_WITHOUT_PROFILE;

export interface AccessRule {
  id: string;
  /** Order of evaluation, ascending. */
  position: number;
  action: AccessRuleAction;
  /** Posture profile ids, or NO_PROFILE_KEY; a session with any of them is matched. */
  profiles: string[];
  /** Destination networks, normalized CIDR text ("10.0.0.0/8", "::/0"). */
  to: string[];
  createdAt: Date;
}

/** What a session reaches under the rules, for the words a user and an administrator read. */
export interface SessionReach {
  /** False only when nothing restricts the session: no rules, or its first rule allows everything. */
  limited: boolean;
  /** The rules that apply to the session, in order (empty: no rule names its profiles). */
  rules: AccessRule[];
}

/**
 * The profile keys of a session: the ids of the profiles it matched, or NO_PROFILE_KEY when it
 * matched none or was not evaluated yet (fail closed: until its first report a device has no
 * profile).
 */
export function profileKeysOf(profileIds: readonly string[] | null): string[] {
  return profileIds === null || profileIds.length === 0 ? [NO_PROFILE_KEY] : [...profileIds];
}

/** The rules that apply to a session with these profile keys, and whether it is limited by them. */
export function reachOf(profileKeys: readonly string[], rules: readonly AccessRule[]): SessionReach {
  if (rules.length === 0) return { limited: false, rules: [] };
  const keys = new Set(profileKeys);
  const applying = [...rules]
    .sort((a, b) => a.position - b.position)
    .filter((rule) => rule.profiles.some((p) => keys.has(p)));
  const first = applying[0];
  // The first rule decides every packet it covers: an allow of all of IPv4 leaves nothing to limit
  // that a user would notice.
  const unlimited = first !== undefined && first.action === 'allow' && first.to.includes('0.0.0.0/0');
  return { limited: !unlimited, rules: applying };
}

/** The destinations a limited session still reaches, in words: "10.10.0.0/16 and 198.18.5.0/24". */
export function reachWords(reach: SessionReach): string {
  if (!reach.limited) return 'every destination';
  const allowed = [...new Set(reach.rules.filter((r) => r.action === 'allow').flatMap((r) => r.to))];
  if (allowed.length === 0) return 'no destination';
  const shown = allowed.slice(0, 8);
  const more = allowed.length > shown.length ? ` and ${allowed.length - shown.length} more` : '';
  return `only ${shown.join(', ')}${more}`;
}
