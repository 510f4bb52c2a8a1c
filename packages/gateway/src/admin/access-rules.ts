// Access rules by posture profile (docs/posture.md "Access rules"): which destinations the sessions of
// which posture profiles reach. Evaluated by position (rules at one position in the order they were
// made), the first that matches decides; with rules, what none allows is dropped. Bodies are checked
// here, once, for the API and the CLI alike, with the field as a JSON Pointer; every change is an event
// and an `access_rules` change record in one transaction (DECISIONS 23, 67).
import { randomUUID } from 'node:crypto';
import {
  ACCESS_RULE_ACTIONS,
  NO_PROFILE_KEY,
  parseCidr,
  type AccessRule,
  type AccessRuleAction,
  type PostureProfile,
  type Store,
} from '@kordon/core';
import { commit, record, type Actor, type AdminDeps } from './context.js';
import { AdminError, notFound } from './errors.js';
import { positionStep } from './vpn-rules.js';

/** What a rule may hold; the REST schema says the same. */
export const accessRuleLimits = { profiles: 64, to: 256, position: 999_999_999 } as const;

/** A body refused; `unknownField` when it names a field an access rule does not have. */
export class AccessRuleInputError extends AdminError {
  constructor(
    code: 'invalid_field' | 'missing_field',
    message: string,
    field: string,
    /** The API answers `unknown_field`, as for its other bodies. */
    readonly unknownField = false,
  ) {
    super(code, message, field);
  }
}

const invalid = (field: string, message: string): AccessRuleInputError =>
  new AccessRuleInputError('invalid_field', message, field);

/** What a body gives; a field left out is undefined. */
export interface AccessRuleFields {
  position?: number;
  action?: AccessRuleAction;
  /** Posture profile ids, or NO_PROFILE_KEY. */
  profiles?: string[];
  /** Normalized CIDR text. */
  to?: string[];
}

/**
 * `create`: a POST (the gateway gives the id); `replace`: a PUT, which may repeat what a GET gave (the
 * path's id, the read-only `profile_names` and `created_at`, ignored); `patch`: a PATCH, any of the
 * four fields.
 */
export type AccessRuleBodyKind = 'create' | 'replace' | 'patch';

const writable = ['position', 'action', 'profiles', 'to'] as const;
const readOnly = ['id', 'profile_names', 'created_at'] as const;

const quotedList = (words: readonly string[]): string => words.map((w) => `"${w}"`).join(', ');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks an access rule's body against the posture profiles there are. Throws AccessRuleInputError
 * naming the field: `/profiles/0`, `/to/1`; a body that is no object is named by the empty pointer.
 */
export function parseAccessRuleBody(
  input: unknown,
  kind: AccessRuleBodyKind,
  profiles: readonly PostureProfile[],
  id?: string,
): AccessRuleFields {
  if (!isRecord(input)) {
    throw invalid('', 'an access rule is a JSON object: {"profiles": [...], "to": [...], "action": "allow"}');
  }
  const known: readonly string[] = kind === 'replace' ? [...writable, ...readOnly] : writable;
  for (const key of Object.keys(input)) {
    if (known.includes(key)) continue;
    if (key === 'id' && kind === 'create') throw invalid('/id', 'the gateway gives the id: leave "id" out');
    const extra = (readOnly as readonly string[]).includes(key)
      ? ` ("${key}" is read-only: it may only be sent back in a PUT)`
      : '';
    throw new AccessRuleInputError(
      'invalid_field',
      `unknown field "${key}"${extra}; an access rule has ${quotedList(writable)}`,
      `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`,
      true,
    );
  }
  if (kind === 'replace' && 'id' in input && input['id'] !== id) {
    throw invalid('/id', `the id is the path's, ${JSON.stringify(id)}`);
  }
  const fields: AccessRuleFields = {};
  if (input['position'] !== undefined) fields.position = checkPosition(input['position']);
  if (input['action'] !== undefined) fields.action = checkAction(input['action']);
  if (input['profiles'] !== undefined) fields.profiles = checkProfiles(input['profiles'], profiles);
  else if (kind !== 'patch') {
    throw new AccessRuleInputError(
      'missing_field',
      `"profiles" is missing: the posture profile ids the rule applies to ("${NO_PROFILE_KEY}": devices that match no profile)`,
      '/profiles',
    );
  }
  if (input['to'] !== undefined) fields.to = checkDestinations(input['to']);
  else if (kind !== 'patch') {
    throw new AccessRuleInputError(
      'missing_field',
      '"to" is missing: the destination networks, "10.0.0.0/8" or "2001:db8::/32" ("0.0.0.0/0" and "::/0": everywhere)',
      '/to',
    );
  }
  return fields;
}

function checkPosition(value: unknown): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 0 ||
    value > accessRuleLimits.position
  ) {
    throw invalid(
      '/position',
      `the position is the order of evaluation: a whole number from 0 to ${accessRuleLimits.position}`,
    );
  }
  return value;
}

function checkAction(value: unknown): AccessRuleAction {
  const isAction = (v: unknown): v is AccessRuleAction =>
    (ACCESS_RULE_ACTIONS as readonly unknown[]).includes(v);
  if (!isAction(value)) {
    throw invalid(
      '/action',
      `the action is ${ACCESS_RULE_ACTIONS.map((a) => `"${a}"`).join(' or ')}${typeof value === 'string' ? `, not ${JSON.stringify(value)}` : ''}`,
    );
  }
  return value;
}

/** A list of 1 to `max` items, or the error naming `field`. */
function checkList(value: unknown, field: string, what: string, max: number): unknown[] {
  if (!Array.isArray(value)) throw invalid(field, `"${field.slice(1)}" is a list of 1 to ${max} ${what}`);
  if (value.length === 0) throw invalid(field, `the list of ${what} is empty: give 1 to ${max}`);
  if (value.length > max) throw invalid(field, `${value.length} ${what} are too many: at most ${max}`);
  return value;
}

function checkProfiles(value: unknown, profiles: readonly PostureProfile[]): string[] {
  const list = checkList(value, '/profiles', 'posture profiles', accessRuleLimits.profiles);
  const seen = new Set<string>();
  return list.map((item, index) => {
    const field = `/profiles/${index}`;
    if (typeof item !== 'string') {
      throw invalid(field, `a profile is named by its id (a string), or "${NO_PROFILE_KEY}"`);
    }
    const found = item === NO_PROFILE_KEY ? undefined : profiles.find((p) => p.id === item);
    if (item !== NO_PROFILE_KEY && found === undefined) {
      throw invalid(field, `no posture profile has the id ${JSON.stringify(item)}${idHint(item, profiles)}`);
    }
    if (seen.has(item)) {
      throw invalid(field, `the profile ${JSON.stringify(found?.name ?? item)} is named twice`);
    }
    seen.add(item);
    return item;
  });
}

/** What the administrator may have meant by an id no profile has: a name, or the reserved name. */
function idHint(item: string, profiles: readonly PostureProfile[]): string {
  const key = item.trim().toLowerCase();
  if (key === NO_PROFILE_KEY) return `; the devices that match no profile are "${NO_PROFILE_KEY}", exactly`;
  const named = profiles.find((p) => p.name.toLowerCase() === key);
  if (named) return `; the profile named ${JSON.stringify(named.name)} has the id "${named.id}"`;
  return ` (profiles are named by id; "${NO_PROFILE_KEY}": devices that match no profile)`;
}

function checkDestinations(value: unknown): string[] {
  const list = checkList(value, '/to', 'destinations', accessRuleLimits.to);
  const seen = new Set<string>();
  return list.map((item, index) => {
    const field = `/to/${index}`;
    if (typeof item !== 'string') throw invalid(field, 'a destination is a network as text: "10.0.0.0/8"');
    // An address alone is the network of that one address (/32, /128); host bits set are refused
    // with the network that was likely meant, as exemptions are.
    const parsed = parseCidr(item);
    if (!parsed.ok) throw invalid(field, parsed.message);
    const network = parsed.cidr.text;
    if (seen.has(network)) throw invalid(field, `${network} is named twice`);
    seen.add(network);
    return network;
  });
}

/** A rule's profiles by their current names; the reserved key is its own name, an unknown id itself. */
export function profileNamesOf(keys: readonly string[], profiles: readonly PostureProfile[]): string[] {
  return keys.map((key) =>
    key === NO_PROFILE_KEY ? NO_PROFILE_KEY : (profiles.find((p) => p.id === key)?.name ?? key),
  );
}

/**
 * Profiles as the command line names them (`--profiles Compliant,"device without profile"`): by name
 * without regard to case, by id, or the reserved name. Unknown ones are refused naming the item.
 */
export function profileKeysFromNames(
  names: readonly string[],
  profiles: readonly PostureProfile[],
): string[] {
  return names.map((name, index) => {
    if (name.toLowerCase() === NO_PROFILE_KEY) return NO_PROFILE_KEY;
    const found =
      profiles.find((p) => p.id === name) ??
      profiles.find((p) => p.name.toLowerCase() === name.toLowerCase());
    if (!found) {
      const known =
        profiles.length === 0 ? 'there are none yet' : `they are ${quotedList(profiles.map((p) => p.name))}`;
      throw invalid(
        `/profiles/${index}`,
        `no posture profile is named ${JSON.stringify(name)} (${known}; "${NO_PROFILE_KEY}": devices that match no profile)`,
      );
    }
    return found.id;
  });
}

/** A rule in words, profiles by name: `allow "Compliant", "device without profile" to 10.0.0.0/8`. */
export function accessRuleText(rule: AccessRule, profiles: readonly PostureProfile[]): string {
  return `${rule.action} ${profileWords(rule.profiles, profiles)} to ${rule.to.join(', ')}`;
}

const profileWords = (keys: readonly string[], profiles: readonly PostureProfile[]): string =>
  profileNamesOf(keys, profiles)
    .map((name) => JSON.stringify(name))
    .join(', ');

/** What changed between two versions of a rule: `position 10 -> 20; action allow -> deny`. */
function changes(before: AccessRule, after: AccessRule, profiles: readonly PostureProfile[]): string[] {
  const same = (a: readonly string[], b: readonly string[]): boolean => a.join('\n') === b.join('\n');
  const found: string[] = [];
  if (before.position !== after.position) found.push(`position ${before.position} -> ${after.position}`);
  if (before.action !== after.action) found.push(`action ${before.action} -> ${after.action}`);
  if (!same(before.profiles, after.profiles)) {
    found.push(
      `profiles ${profileWords(before.profiles, profiles)} -> ${profileWords(after.profiles, profiles)}`,
    );
  }
  if (!same(before.to, after.to)) found.push(`to ${before.to.join(', ')} -> ${after.to.join(', ')}`);
  return found;
}

export class AccessRuleAdmin {
  constructor(private readonly deps: AdminDeps) {}

  /** In evaluation order. */
  list(): Promise<AccessRule[]> {
    return this.deps.store.accessRules.list();
  }

  async get(id: string): Promise<AccessRule> {
    const found = await this.deps.store.accessRules.get(id);
    if (!found) throw notFound(`no access rule with id "${id}"`);
    return found;
  }

  /**
   * Without a position the rule goes last (the last position plus 10); with one it is stored there, and
   * rules at the same position are evaluated in the order they were made.
   */
  async create(input: unknown, actor: Actor): Promise<AccessRule> {
    return commit(this.deps, async (tx) => {
      const profiles = await tx.posture.listProfiles();
      const fields = parseAccessRuleBody(input, 'create', profiles);
      const rules = await tx.accessRules.list();
      const last = rules.reduce((max, r) => Math.max(max, r.position), 0);
      const rule: AccessRule = {
        id: randomUUID(),
        position: fields.position ?? Math.min(last + positionStep, accessRuleLimits.position),
        action: fields.action ?? 'allow',
        profiles: fields.profiles ?? [],
        to: fields.to ?? [],
        createdAt: this.deps.clock.now(),
      };
      await tx.accessRules.create(rule);
      await this.record(
        tx,
        `access rule ${rule.id} (position ${rule.position}) added by ${actor}: ${accessRuleText(rule, profiles)}`,
      );
      return rule;
    });
  }

  /** A PUT: action (default allow), profiles and to as given; the position as given, else kept. */
  replace(id: string, input: unknown, actor: Actor): Promise<AccessRule> {
    return this.change(id, input, 'replace', actor);
  }

  /** A PATCH: the fields given change, the others stay. */
  patch(id: string, input: unknown, actor: Actor): Promise<AccessRule> {
    return this.change(id, input, 'patch', actor);
  }

  async remove(id: string, actor: Actor): Promise<void> {
    await commit(this.deps, async (tx) => {
      const found = await tx.accessRules.get(id);
      if (!found || !(await tx.accessRules.remove(id))) throw notFound(`no access rule with id "${id}"`);
      const profiles = await tx.posture.listProfiles();
      await this.record(
        tx,
        `access rule ${id} (position ${found.position}) removed by ${actor}: ${accessRuleText(found, profiles)}`,
      );
    });
  }

  /** An unchanged rule writes nothing. */
  private change(id: string, input: unknown, kind: 'replace' | 'patch', actor: Actor): Promise<AccessRule> {
    return commit(this.deps, async (tx) => {
      const current = await tx.accessRules.get(id);
      if (!current) throw notFound(`no access rule with id "${id}"`);
      const profiles = await tx.posture.listProfiles();
      const fields = parseAccessRuleBody(input, kind, profiles, id);
      const rule: AccessRule = {
        ...current,
        position: fields.position ?? current.position,
        action: fields.action ?? (kind === 'replace' ? 'allow' : current.action),
        profiles: fields.profiles ?? current.profiles,
        to: fields.to ?? current.to,
      };
      const changed = changes(current, rule, profiles);
      if (changed.length === 0) return current;
      if (!(await tx.accessRules.update(rule))) throw notFound(`no access rule with id "${id}"`);
      await this.record(
        tx,
        `access rule ${id} (position ${rule.position}) changed by ${actor}: ${changed.join('; ')}`,
      );
      return rule;
    });
  }

  private record(tx: Store, detail: string): Promise<void> {
    return record(tx, this.deps, {
      kind: 'access_rule_changed',
      account: null,
      detail,
      change: { kind: 'access_rules' },
    });
  }
}

/** A rule as the API and the CLI's --json show it: with the profiles' current names. */
export function accessRuleView(rule: AccessRule, profiles: readonly PostureProfile[]) {
  return {
    id: rule.id,
    position: rule.position,
    action: rule.action,
    profiles: rule.profiles,
    profile_names: profileNamesOf(rule.profiles, profiles),
    to: rule.to,
    created_at: rule.createdAt.toISOString(),
  };
}
