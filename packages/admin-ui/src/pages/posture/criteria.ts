// The criteria catalogue (docs/posture.md "Posture objects") and the form's drafts of criteria,
// without the DOM: what fields each kind of check has, a draft to the API's criterion and back, and
// which part of which criterion an error's JSON Pointer names. The API judges every value.
import { pointerTokens, type Check, type Criterion } from './model';

/** How a kind of check is edited: its fields besides `check`. */
export type Shape = 'none' | 'days' | 'text' | 'version' | 'list' | 'os' | 'json';

/** Every kind of check, in the order docs/posture.md lists them, with its shape. */
export const catalogue: Readonly<Record<Check, Shape>> = {
  os_type: 'os',
  os_version: 'version',
  domain: 'text',
  kb_list: 'list',
  av_active: 'none',
  av_name: 'text',
  av_version: 'version',
  av_update: 'days',
  av_scan: 'days',
  fw_active: 'none',
  fw_name: 'text',
  fw_version: 'version',
  processes: 'list',
  services: 'list',
  // Keys with value conditions are a JSON editor of the criterion (the API checks it).
  registry: 'json',
};

export const checks = Object.keys(catalogue) as Check[];

type OperatorOf<C extends Check> = Extract<Criterion, { check: C; operator: string }>['operator'];
type ListOperator = OperatorOf<'processes'>;
type VersionOperator = OperatorOf<'os_version'>;
export type OsType = Extract<Criterion, { check: 'os_type' }>['values'][number];

const listOperators = ['contains', 'does_not_contain'] as const satisfies readonly ListOperator[];
const versionOperators = [
  '>=',
  '<=',
  '=',
  'contains',
  'does_not_contain',
] as const satisfies readonly VersionOperator[];
export const osTypes = ['Windows', 'Linux', 'MacOS'] as const satisfies readonly OsType[];

/** The operators a shape offers (none for the shapes without one). */
export function operatorsOf(shape: Shape): readonly string[] {
  if (shape === 'version') return versionOperators;
  if (shape === 'text' || shape === 'list' || shape === 'os') return listOperators;
  return [];
}

/** One criterion as the form holds it: every field of every shape, as typed. */
export interface CriterionDraft {
  /** Stable across edits, for React's keys and the controls' ids. */
  key: number;
  check: Check;
  operator: string;
  /** text and version shapes */
  value: string;
  /** list shape: one item a line (or comma-separated) */
  values: string;
  os: OsType[];
  /** days shape, as typed */
  days: string;
  /** json shape: the criterion's object */
  json: string;
}

let nextKey = 1;

/** A registry criterion to start from: the key's presence as the test. */
const registryExample = { check: 'registry', operator: 'contains', keys: [{ key: 'HKLM\\SOFTWARE\\...' }] };

export function newDraft(check: Check): CriterionDraft {
  const shape = catalogue[check];
  return {
    key: nextKey++,
    check,
    operator: operatorsOf(shape)[0] ?? '',
    value: '',
    values: '',
    os: [],
    days: shape === 'days' ? '7' : '',
    json: shape === 'json' ? JSON.stringify(registryExample, null, 2) : '',
  };
}

/** The same draft with another check: the fields it shares with the old one stay. */
export function withCheck(draft: CriterionDraft, check: Check): CriterionDraft {
  const fresh = newDraft(check);
  const operators = operatorsOf(catalogue[check]);
  return {
    ...draft,
    check,
    operator: operators.includes(draft.operator) ? draft.operator : fresh.operator,
    days: draft.days === '' ? fresh.days : draft.days,
    json: draft.json === '' ? fresh.json : draft.json,
  };
}

/** The first kind no draft checks yet (an object has at most one of each). */
export function unusedCheck(drafts: readonly CriterionDraft[]): Check {
  return checks.find((check) => !drafts.some((d) => d.check === check)) ?? 'av_active';
}

/** A stored criterion as the form edits it. */
export function draftOf(criterion: Criterion): CriterionDraft {
  const draft = newDraft(criterion.check);
  switch (criterion.check) {
    case 'os_type':
      return { ...draft, operator: criterion.operator, os: [...criterion.values] };
    case 'av_update':
    case 'av_scan':
      return { ...draft, days: String(criterion.max_days) };
    case 'av_active':
    case 'fw_active':
      return draft;
    case 'kb_list':
    case 'processes':
    case 'services':
      return { ...draft, operator: criterion.operator, values: criterion.values.join('\n') };
    case 'registry':
      return { ...draft, json: JSON.stringify(criterion, null, 2) };
    default:
      return { ...draft, operator: criterion.operator, value: criterion.value };
  }
}

/** Items of a list field: lines or commas, blanks left out. */
export function splitItems(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export type Built = { ok: true; criterion: Criterion } | { ok: false; reason: 'json'; detail: string };

/**
 * The criterion the API is sent. Values are passed as typed (the API says what is wrong and where):
 * days that are no number go as null, which it refuses at `max_days` in its own words. Only the JSON
 * editor's text must be JSON before anything can be sent.
 */
export function buildCriterion(draft: CriterionDraft): Built {
  const { check, operator } = draft;
  // The operator is one the form offers for this check; the API checks it all the same.
  const op = operator as ListOperator & VersionOperator;
  switch (catalogue[check]) {
    case 'none':
      return { ok: true, criterion: { check } as Criterion };
    case 'days': {
      const text = draft.days.trim();
      const days = text === '' ? Number.NaN : Number(text);
      return { ok: true, criterion: { check, max_days: days } as Criterion };
    }
    case 'text':
    case 'version':
      return { ok: true, criterion: { check, operator: op, value: draft.value } as Criterion };
    case 'list':
      return { ok: true, criterion: { check, operator: op, values: splitItems(draft.values) } as Criterion };
    case 'os':
      return { ok: true, criterion: { check: 'os_type', operator: op, values: [...draft.os] } };
    case 'json': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(draft.json);
      } catch (error) {
        return { ok: false, reason: 'json', detail: error instanceof Error ? error.message : String(error) };
      }
      // The kind is the one chosen above the editor; the rest is the API's to judge.
      const body = typeof parsed === 'object' && parsed !== null ? { ...parsed, check } : parsed;
      return { ok: true, criterion: body as Criterion };
    }
  }
}

/** The part of a criterion's form an error is shown at. */
export type CriterionPart = 'check' | 'operator' | 'value' | 'values' | 'days' | 'whole';

export type Place =
  | { at: 'name' }
  | { at: 'criteria' }
  | { at: 'criterion'; index: number; part: CriterionPart }
  | { at: 'form' };

/**
 * Where an error of the objects' routes belongs: `/name`, `/criteria`, `/criteria/N/<field>/...`.
 * A criterion edited as JSON takes every error of its own at its editor.
 */
export function placeOf(field: string | null, drafts: readonly CriterionDraft[]): Place {
  if (field === null) return { at: 'form' };
  const [first, index, part] = pointerTokens(field);
  if (first === 'name') return { at: 'name' };
  if (first !== 'criteria') return { at: 'form' };
  if (index === undefined) return { at: 'criteria' };
  const n = Number(index);
  const draft = drafts[n];
  if (!Number.isInteger(n) || draft === undefined) return { at: 'criteria' };
  if (catalogue[draft.check] === 'json') return { at: 'criterion', index: n, part: 'whole' };
  const parts: Record<string, CriterionPart> = {
    check: 'check',
    operator: 'operator',
    value: 'value',
    values: 'values',
    max_days: 'days',
  };
  return { at: 'criterion', index: n, part: (part === undefined ? undefined : parts[part]) ?? 'whole' };
}
