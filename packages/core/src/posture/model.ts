// Device posture on the gateway ("HIP", PROTOCOL.md): posture objects are named sets of criteria
// over a `ztna` report, posture profiles are AND/OR expressions over objects. Plain data: the
// REST bodies, the store and the evaluation all use these shapes, so keys are the wire's snake_case.

/** The session's profile when no profile's expression holds (PROTOCOL.md "Device posture"). */
export const DEVICE_WITHOUT_PROFILE = 'device without profile';

/** Linux keeps the first 15 characters of a process name (PROTOCOL.md, per-platform posture). */
export const PROCESS_NAME_SIGNIFICANT = 15;

/** The part of a process name that is compared; UTF-16 units, as the client's collector cuts it. */
export function significantProcessName(name: string): string {
  return name.slice(0, PROCESS_NAME_SIGNIFICANT);
}

/** The operating system types the seed names, spelled as the report spells them. */
export const POSTURE_OS_TYPES = ['Windows', 'Linux', 'MacOS'] as const;
export type PostureOsType = (typeof POSTURE_OS_TYPES)[number];

/**
 * The vendor's operators. "Don't check" is no operator of the model: a criterion left out is not
 * checked (the parser accepts `dont_check` from an administrator and leaves the criterion out).
 */
export const LIST_OPERATORS = ['contains', 'does_not_contain'] as const;
export type ListOperator = (typeof LIST_OPERATORS)[number];

/** Over text, the same two operators: a case-insensitive substring, as names and domains vary in case. */
export type TextOperator = ListOperator;

/** Versions compare numerically (see version.ts); a version is also text. */
export const VERSION_OPERATORS = ['>=', '<=', '=', 'contains', 'does_not_contain'] as const;
export type VersionOperator = (typeof VERSION_OPERATORS)[number];

/** How a registry key's value must look; no value condition: the key's presence is the test. */
export const REGISTRY_VALUE_OPERATORS = ['equals', 'contains'] as const;
export type RegistryValueOperator = (typeof REGISTRY_VALUE_OPERATORS)[number];

export interface RegistryKeyCriterion {
  /** `HKLM\SOFTWARE\Policies\...\Name`: the key's path and the value's name, as the request carries it. */
  key: string;
  value?: { operator: RegistryValueOperator; text: string };
}

/**
 * One criterion; `check` is the `ztna` keyword it needs, and names it in `posture_state` checks.
 * `contains` over a list means every listed item is there; `does_not_contain`, none of them is.
 */
export type Criterion =
  | { check: 'os_type'; operator: ListOperator; values: PostureOsType[] }
  | { check: 'os_version'; operator: VersionOperator; value: string }
  | { check: 'domain'; operator: TextOperator; value: string }
  | { check: 'kb_list'; operator: ListOperator; values: string[] }
  | { check: 'av_active' }
  | { check: 'av_name'; operator: TextOperator; value: string }
  | { check: 'av_version'; operator: VersionOperator; value: string }
  | { check: 'av_update'; max_days: number }
  | { check: 'av_scan'; max_days: number }
  | { check: 'fw_active' }
  | { check: 'fw_name'; operator: TextOperator; value: string }
  | { check: 'fw_version'; operator: VersionOperator; value: string }
  | { check: 'processes'; operator: ListOperator; values: string[] }
  | { check: 'services'; operator: ListOperator; values: string[] }
  | { check: 'registry'; operator: ListOperator; keys: RegistryKeyCriterion[] };

/** A criterion's kind is the `ztna` keyword it needs (request.ts fails to compile otherwise). */
export type CriterionCheck = Criterion['check'];

/** A named set of criteria, at most one per kind; true when all of them hold. */
export interface PostureObject {
  id: string;
  name: string;
  criteria: Criterion[];
}

/** Profiles combine objects only, never other profiles: no cycle can be written. */
export type PostureExpression = { op: 'and' | 'or'; of: PostureExpression[] } | { object: string };

export interface PostureProfile {
  id: string;
  name: string;
  expression: PostureExpression;
}

/** One criterion's result, as `posture_state` carries it (DECISIONS 76); `why` is for a person. */
export interface PostureCheck {
  object: string;
  criterion: CriterionCheck;
  passed: boolean;
  why: string;
}

export interface PostureResult {
  /** The names of the matching profiles, sorted; `[DEVICE_WITHOUT_PROFILE]` when none matches. */
  profiles: string[];
  /** Every criterion of every object some profile uses, objects by name, criteria in keyword order. */
  checks: PostureCheck[];
}

/** The ids of the objects an expression names, each once, in order of appearance. */
export function expressionObjects(expression: PostureExpression): string[] {
  const ids: string[] = [];
  const walk = (e: PostureExpression): void => {
    if ('object' in e) {
      if (!ids.includes(e.object)) ids.push(e.object);
    } else {
      for (const child of e.of) walk(child);
    }
  };
  walk(expression);
  return ids;
}

/** The objects some profile uses, in the order given. */
export function objectsInUse(
  objects: readonly PostureObject[],
  profiles: readonly PostureProfile[],
): PostureObject[] {
  const used = new Set(profiles.flatMap((p) => expressionObjects(p.expression)));
  return objects.filter((o) => used.has(o.id));
}
