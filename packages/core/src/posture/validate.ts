// Validation of posture objects and profiles as an administrator writes them (REST bodies, the
// CLI): the first problem, naming its field as a JSON Pointer into the body and saying what was
// expected. A REST body with an unknown field is refused (DECISIONS 7), except `id`, which the
// store's path gives: a PUT of what a GET returned must pass.
import { ZTNA_KEYWORDS } from '@kordon/protocol';
import {
  DEVICE_WITHOUT_PROFILE,
  LIST_OPERATORS,
  POSTURE_OS_TYPES,
  PROCESS_NAME_SIGNIFICANT,
  REGISTRY_VALUE_OPERATORS,
  VERSION_OPERATORS,
  expressionObjects,
  significantProcessName,
  type Criterion,
  type CriterionCheck,
  type ListOperator,
  type PostureExpression,
  type PostureObject,
  type PostureOsType,
  type PostureProfile,
  type RegistryKeyCriterion,
  type VersionOperator,
} from './model.js';
import { parsePostureVersion } from './version.js';

export interface PostureProblem {
  /** RFC 6901 JSON Pointer into the body: `/criteria/2/max_days`; "" for the body itself. */
  field: string;
  message: string;
}

export type PostureParse<T> = { ok: true; value: T } | { ok: false; problem: PostureProblem };

export type PostureObjectDraft = Omit<PostureObject, 'id'>;
export type PostureProfileDraft = Omit<PostureProfile, 'id'>;

/** The posture_state schema's limit on object and profile names (DECISIONS 76). */
const NAME_MAX = 256;
/** The protocol's limit on a text field of a report: a longer name could never match. */
const TEXT_MAX = 1024;
const ITEMS_MAX = 256;
/** Ages beyond a century are typing mistakes. */
const DAYS_MAX = 36_500;
const EXPRESSION_DEPTH_MAX = 8;
const EXPRESSION_NODES_MAX = 256;

const REGISTRY_KEY =
  /^(HKLM|HKCU|HKCR|HKU|HKCC|HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKEY_CLASSES_ROOT|HKEY_USERS|HKEY_CURRENT_CONFIG)\\./i;
const KB_ID = /^KB\d{1,10}$/i;

/** Thrown inside the parser and caught at its entry: the first problem ends the parse. */
class Refusal extends Error {
  constructor(readonly problem: PostureProblem) {
    super(problem.message);
  }
}

function refuse(field: string, message: string): never {
  throw new Refusal({ field, message });
}

function child(pointer: string, token: string | number): string {
  const text = String(token).replaceAll('~', '~0').replaceAll('/', '~1');
  return `${pointer}/${text}`;
}

function quote(value: unknown): string {
  // JSON.stringify gives undefined for undefined: say "undefined" then.
  const json = JSON.stringify(value) as string | undefined;
  return json ?? String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, at: string, what: string): Record<string, unknown> {
  if (!isRecord(value)) refuse(at, `expected ${what}`);
  return value;
}

function onlyKeys(
  value: Record<string, unknown>,
  at: string,
  allowed: readonly string[],
  what: string,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      refuse(child(at, key), `unknown field; ${what} has ${allowed.map((k) => `"${k}"`).join(', ')}`);
    }
  }
}

function text(value: unknown, at: string, what: string, max = TEXT_MAX): string {
  if (typeof value !== 'string') refuse(at, `expected ${what} (text)`);
  const trimmed = value.trim();
  if (trimmed === '') refuse(at, `${what} is empty`);
  if (trimmed.length > max) refuse(at, `${what} is longer than ${max} characters`);
  return trimmed;
}

function oneOf<T extends string>(value: unknown, at: string, allowed: readonly T[], what: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const list = allowed.map((a) => `"${a}"`).join(', ');
  if (value === undefined) refuse(at, `${what} is missing: one of ${list}`);
  refuse(at, `unknown ${what} ${quote(value)}: one of ${list}`);
}

function list(value: unknown, at: string, what: string): unknown[] {
  if (!Array.isArray(value)) refuse(at, `expected a list of ${what}`);
  if (value.length === 0) refuse(at, `the list of ${what} is empty`);
  if (value.length > ITEMS_MAX) refuse(at, `at most ${ITEMS_MAX} ${what}`);
  return value;
}

/** The items, refused when two have the same `key` (the message names the first one). */
function distinct<T>(items: T[], at: string, key: (item: T) => string, why = 'twice'): T[] {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const k = key(item);
    const first = seen.get(k);
    if (first !== undefined) refuse(child(at, index), `the same as ${child(at, first)} (${why})`);
    seen.set(k, index);
  });
  return items;
}

function operator<T extends string>(c: Record<string, unknown>, at: string, allowed: readonly T[]): T {
  return oneOf(c['operator'], child(at, 'operator'), allowed, 'operator');
}

function names(c: Record<string, unknown>, at: string, plural: string, singular: string): string[] {
  const where = child(at, 'values');
  return list(c['values'], where, plural).map((v, i) => text(v, child(where, i), singular));
}

function versionValue(c: Record<string, unknown>, at: string, op: VersionOperator): string {
  const where = child(at, 'value');
  const value = text(c['value'], where, 'the version');
  if (op !== 'contains' && op !== 'does_not_contain' && parsePostureVersion(value) === null) {
    refuse(where, `${quote(value)} is not a version: write dotted numbers such as 10.0.19045`);
  }
  return value;
}

function days(c: Record<string, unknown>, at: string): number {
  const where = child(at, 'max_days');
  const value = c['max_days'];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    refuse(where, 'expected the most days allowed, a whole number');
  }
  if (value < 0) refuse(where, `an age is 0 days or more, not ${value}`);
  if (value > DAYS_MAX) refuse(where, `at most ${DAYS_MAX} days`);
  return value;
}

function osTypes(c: Record<string, unknown>, at: string): PostureOsType[] {
  const where = child(at, 'values');
  const values = list(c['values'], where, 'operating system types').map((v, i) => {
    const found = POSTURE_OS_TYPES.find(
      (t) => typeof v === 'string' && t.toLowerCase() === v.trim().toLowerCase(),
    );
    if (found === undefined) {
      refuse(
        child(where, i),
        `unknown operating system type ${quote(v)}: one of ${POSTURE_OS_TYPES.join(', ')}`,
      );
    }
    return found;
  });
  return distinct(values, where, (t) => t);
}

function registryKeys(c: Record<string, unknown>, at: string): RegistryKeyCriterion[] {
  const where = child(at, 'keys');
  const keys = list(c['keys'], where, 'registry keys').map((entry, i): RegistryKeyCriterion => {
    const at = child(where, i);
    const r = record(entry, at, 'a registry key: {"key": "HKLM\\\\...\\\\Name", "value": {...}}');
    onlyKeys(r, at, ['key', 'value'], 'a registry key');
    const key = text(r['key'], child(at, 'key'), 'the registry key');
    if (!REGISTRY_KEY.test(key)) {
      refuse(
        child(at, 'key'),
        'a registry key starts with its hive: HKLM\\..., HKCU\\..., HKEY_LOCAL_MACHINE\\...',
      );
    }
    if (r['value'] === undefined) return { key };
    const valueAt = child(at, 'value');
    const v = record(r['value'], valueAt, 'a value condition: {"operator": "equals", "text": "1"}');
    onlyKeys(v, valueAt, ['operator', 'text'], 'a value condition');
    const op = oneOf(v['operator'], child(valueAt, 'operator'), REGISTRY_VALUE_OPERATORS, 'operator');
    const t = v['text'];
    if (typeof t !== 'string') refuse(child(valueAt, 'text'), 'expected the value (text)');
    if (op === 'contains' && t === '')
      refuse(child(valueAt, 'text'), 'every value contains "": give the text');
    if (t.length > 4096) refuse(child(valueAt, 'text'), 'the value is longer than 4096 characters');
    return { key, value: { operator: op, text: t } };
  });
  // Windows compares registry paths without regard to case.
  return distinct(keys, where, (k) => k.key.toLowerCase());
}

/** The fields each kind of criterion has besides `check` and `operator`. */
const CRITERION_FIELDS: Record<CriterionCheck, readonly string[]> = {
  os_type: ['values'],
  os_version: ['value'],
  domain: ['value'],
  kb_list: ['values'],
  av_active: [],
  av_name: ['value'],
  av_version: ['value'],
  av_update: ['max_days'],
  av_scan: ['max_days'],
  fw_active: [],
  fw_name: ['value'],
  fw_version: ['value'],
  processes: ['values'],
  services: ['values'],
  registry: ['keys'],
};

const CHECKS = ZTNA_KEYWORDS.filter((k): k is CriterionCheck => k in CRITERION_FIELDS);

/** One criterion; null for "don't check", which leaves it out. */
function criterion(value: unknown, at: string): Criterion | null {
  const c = record(value, at, 'a criterion: {"check": "av_update", "max_days": 7}');
  const check = oneOf(c['check'], child(at, 'check'), CHECKS, 'check');
  if (c['operator'] === 'dont_check') return null;
  const fields = CRITERION_FIELDS[check];
  const hasOperator = fields.length > 0;
  onlyKeys(c, at, ['check', ...(hasOperator ? ['operator'] : []), ...fields], `the ${check} criterion`);
  switch (check) {
    case 'os_type':
      return { check, operator: operator(c, at, LIST_OPERATORS), values: osTypes(c, at) };
    case 'os_version':
    case 'av_version':
    case 'fw_version': {
      const op = operator(c, at, VERSION_OPERATORS);
      return { check, operator: op, value: versionValue(c, at, op) };
    }
    case 'domain':
    case 'av_name':
    case 'fw_name':
      return {
        check,
        operator: operator(c, at, LIST_OPERATORS),
        value: text(c['value'], child(at, 'value'), 'the text'),
      };
    case 'kb_list': {
      const op: ListOperator = operator(c, at, LIST_OPERATORS);
      const where = child(at, 'values');
      const ids = names(c, at, 'updates', 'the update').map((id, i) => {
        if (!KB_ID.test(id)) refuse(child(where, i), `${quote(id)} is not an update: write KB5034441`);
        return id.toUpperCase();
      });
      return { check, operator: op, values: distinct(ids, where, (id) => id) };
    }
    case 'av_active':
    case 'fw_active':
      return { check };
    case 'av_update':
    case 'av_scan':
      return { check, max_days: days(c, at) };
    case 'processes': {
      const op: ListOperator = operator(c, at, LIST_OPERATORS);
      const values = distinct(
        names(c, at, 'processes', 'the process name'),
        child(at, 'values'),
        significantProcessName,
        `the first ${PROCESS_NAME_SIGNIFICANT} characters, all Linux keeps of a process name`,
      );
      return { check, operator: op, values };
    }
    case 'services': {
      const op: ListOperator = operator(c, at, LIST_OPERATORS);
      return {
        check,
        operator: op,
        values: distinct(names(c, at, 'services', 'the service name'), child(at, 'values'), (n) => n),
      };
    }
    case 'registry':
      return { check, operator: operator(c, at, LIST_OPERATORS), keys: registryKeys(c, at) };
  }
}

function uniqueName(o: Record<string, unknown>, others: readonly { name: string }[], what: string): string {
  const name = text(o['name'], '/name', 'the name', NAME_MAX);
  const taken = others.find((other) => other.name.toLowerCase() === name.toLowerCase());
  if (taken) refuse('/name', `another posture ${what} is named ${quote(taken.name)}`);
  return name;
}

function run<T>(parse: () => T): PostureParse<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, problem: error.problem };
    throw error;
  }
}

/**
 * A posture object from an administrator's body `{"name": ..., "criteria": [...]}`. `others` are the
 * other objects (without the one being replaced): names are unique, ignoring case.
 */
export function parsePostureObject(
  input: unknown,
  others: readonly PostureObject[] = [],
): PostureParse<PostureObjectDraft> {
  return run(() => {
    const o = record(input, '', 'a posture object: {"name": "Antivirus", "criteria": [...]}');
    onlyKeys(o, '', ['id', 'name', 'criteria'], 'a posture object');
    const name = uniqueName(o, others, 'object');
    const criteria: Criterion[] = [];
    const seen = new Map<CriterionCheck, number>();
    list(o['criteria'], '/criteria', 'criteria').forEach((value, i) => {
      const at = child('/criteria', i);
      const c = criterion(value, at);
      if (c === null) return;
      const first = seen.get(c.check);
      if (first !== undefined) {
        refuse(
          child(at, 'check'),
          `${c.check} is already checked by /criteria/${first}: one criterion per kind`,
        );
      }
      seen.set(c.check, i);
      criteria.push(c);
    });
    if (criteria.length === 0) {
      refuse(
        '/criteria',
        'every criterion is "dont_check": an object that checks nothing would match any device',
      );
    }
    return { name, criteria };
  });
}

function expression(
  value: unknown,
  at: string,
  objects: readonly PostureObject[],
  depth: number,
): PostureExpression {
  const e = record(value, at, 'an expression: {"object": "<id>"} or {"op": "and", "of": [...]}');
  if ('profile' in e)
    refuse(child(at, 'profile'), 'a profile combines posture objects, never other profiles');
  if ('object' in e) {
    onlyKeys(e, at, ['object'], 'an object reference');
    const id = e['object'];
    if (typeof id !== 'string' || id === '') refuse(child(at, 'object'), "expected a posture object's id");
    if (!objects.some((o) => o.id === id))
      refuse(child(at, 'object'), `no posture object has the id ${quote(id)}`);
    return { object: id };
  }
  onlyKeys(e, at, ['op', 'of'], 'a combination');
  const op = oneOf(e['op'], child(at, 'op'), ['and', 'or'] as const, 'operator');
  if (depth >= EXPRESSION_DEPTH_MAX) refuse(at, `expressions nest at most ${EXPRESSION_DEPTH_MAX} deep`);
  const of = list(e['of'], child(at, 'of'), 'expressions').map((item, i) =>
    expression(item, child(child(at, 'of'), i), objects, depth + 1),
  );
  return { op, of };
}

function nodes(e: PostureExpression): number {
  return 'object' in e ? 1 : 1 + e.of.reduce((sum, c) => sum + nodes(c), 0);
}

/**
 * A posture profile from an administrator's body `{"name": ..., "expression": ...}` over `objects`.
 * `others` are the other profiles; "device without profile" is the gateway's own name.
 */
export function parsePostureProfile(
  input: unknown,
  objects: readonly PostureObject[],
  others: readonly PostureProfile[] = [],
): PostureParse<PostureProfileDraft> {
  return run(() => {
    const p = record(input, '', 'a posture profile: {"name": "Compliant", "expression": {...}}');
    onlyKeys(p, '', ['id', 'name', 'expression'], 'a posture profile');
    const name = uniqueName(p, others, 'profile');
    if (name.toLowerCase() === DEVICE_WITHOUT_PROFILE) {
      refuse('/name', `"${DEVICE_WITHOUT_PROFILE}" is the profile of devices that match no profile`);
    }
    if (p['expression'] === undefined) refuse('/expression', 'the expression is missing');
    const e = expression(p['expression'], '/expression', objects, 0);
    if (nodes(e) > EXPRESSION_NODES_MAX) refuse('/expression', `at most ${EXPRESSION_NODES_MAX} terms`);
    return { name, expression: e };
  });
}

/**
 * The first problem of a whole policy, fields under `/objects/N` and `/profiles/N`: what the store
 * holds after a change must still pass (an object a profile uses cannot go, ids are unique).
 */
export function posturePolicyProblem(
  objects: readonly PostureObject[],
  profiles: readonly PostureProfile[],
): PostureProblem | null {
  const under = (prefix: string, problem: PostureProblem): PostureProblem => ({
    field: `${prefix}${problem.field}`,
    message: problem.message,
  });
  for (const [i, o] of objects.entries()) {
    if (objects.findIndex((other) => other.id === o.id) !== i) {
      return { field: `/objects/${i}/id`, message: `another posture object has the id ${quote(o.id)}` };
    }
    const parsed = parsePostureObject(o, objects.slice(0, i));
    if (!parsed.ok) return under(`/objects/${i}`, parsed.problem);
  }
  for (const [i, p] of profiles.entries()) {
    if (profiles.findIndex((other) => other.id === p.id) !== i) {
      return { field: `/profiles/${i}/id`, message: `another posture profile has the id ${quote(p.id)}` };
    }
    const parsed = parsePostureProfile(p, objects, profiles.slice(0, i));
    if (!parsed.ok) return under(`/profiles/${i}`, parsed.problem);
  }
  return null;
}

/** The profiles that use an object: it cannot be removed while there are any. */
export function profilesUsingObject(objectId: string, profiles: readonly PostureProfile[]): PostureProfile[] {
  return profiles.filter((p) => expressionObjects(p.expression).includes(objectId));
}
