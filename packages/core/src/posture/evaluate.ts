// Evaluation of a posture report against the objects and profiles in use (PROTOCOL.md "Device
// posture on the gateway"): which profiles the device matches, and each criterion's result in
// words for a person (`posture_state`, DECISIONS 76).
//
// Missing data never grants. A criterion needs its data: a field absent from the report, an
// empty text ("not checked"), a null age all fail it as "not reported", whatever its operator.
// The one exception is a list the client did report: an empty `proc_list` is "none of them runs",
// so "does not contain" over it passes. There is no NOT in expressions, so a profile can only
// lose by losing data.
import { ZTNA_KEYWORDS, type ZtnaReport } from '@kordon/protocol';
import { canonicalReport } from './canonical.js';
import {
  DEVICE_WITHOUT_PROFILE,
  objectsInUse,
  significantProcessName,
  type Criterion,
  type ListOperator,
  type PostureCheck,
  type PostureExpression,
  type PostureObject,
  type PostureProfile,
  type PostureResult,
  type VersionOperator,
} from './model.js';
import { comparePostureVersions, parsePostureVersion, readPostureVersion } from './version.js';

/** When the report was received: its ages ("whole days since") grow while the device is silent. */
export interface ReportTiming {
  reportedAt: Date;
  now: Date;
}

type Antivirus = NonNullable<ZtnaReport['antivirus']>[number];
type Firewall = NonNullable<ZtnaReport['firewall']>[number];
type Product = Antivirus | Firewall;
type Outcome = { passed: boolean; why: string };

const DAY_MS = 86_400_000;
/** Names and values from a report are clipped in words: a person reads them, the schema caps `why`. */
const SHOWN_MAX = 120;
const LISTED_MAX = 10;
const WHY_MAX = 4096;

function clip(text: string): string {
  return text.length > SHOWN_MAX ? `${text.slice(0, SHOWN_MAX - 1)}…` : text;
}

/** "a", "a and b", "a, b and c"; long lists end "and 5 more". */
function listed(items: readonly string[], last = 'and'): string {
  const shown = items.slice(0, LISTED_MAX).map(clip);
  if (items.length > LISTED_MAX) return `${shown.join(', ')} and ${items.length - LISTED_MAX} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} ${last} ${shown.at(-1) ?? ''}`;
}

function isAre(items: readonly unknown[]): string {
  return items.length === 1 ? 'is' : 'are';
}

function contains(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

const pass = (why: string): Outcome => ({ passed: true, why });
const fail = (why: string): Outcome => ({ passed: false, why });

/** A text compared with contains / does not contain: a case-insensitive substring. */
function judgeText(subject: string, reported: string, op: ListOperator, want: string): Outcome {
  const shown = `${subject} is ${clip(reported)}`;
  const has = contains(reported, want);
  if (op === 'contains') return has ? pass(shown) : fail(`${shown}, which does not contain "${want}"`);
  return has ? fail(`${shown}, which contains "${want}"`) : pass(shown);
}

/** A version under one of the version operators; the rule is in version.ts. */
function judgeVersion(subject: string, reported: string, op: VersionOperator, want: string): Outcome {
  if (op === 'contains' || op === 'does_not_contain') return judgeText(subject, reported, op, want);
  const shown = `${subject} is ${clip(reported)}`;
  const have = readPostureVersion(reported);
  const limit = parsePostureVersion(want);
  if (have === null) return fail(`${shown}, which holds no version number`);
  // A criterion that bypassed validation cannot be met: it asks nothing a device could show.
  if (limit === null) return fail(`the criterion's version "${want}" is not a version`);
  const order = comparePostureVersions(have, limit);
  switch (op) {
    case '>=':
      return order >= 0 ? pass(`${shown}, at least ${want}`) : fail(`${shown}, older than ${want}`);
    case '<=':
      return order <= 0 ? pass(`${shown}, at most ${want}`) : fail(`${shown}, newer than ${want}`);
    case '=':
      return order === 0 ? pass(shown) : fail(`${shown}, not ${want}`);
  }
}

function days(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}

/**
 * How names of processes and services compare. Linux and macOS keep names case-sensitive, Windows
 * does not; the report does not say the system per entry, so its `operation_system.type` decides.
 * When it is not reported, the comparison that grants less is taken: exact for "contains" (a
 * required name must be there as written), case-blind for "does not contain" (a forbidden name in
 * any case counts), so a missing system type never grants a criterion.
 */
function caseBlind(report: ZtnaReport, op: ListOperator): boolean {
  const type = report.operation_system?.type.trim().toLowerCase() ?? '';
  if (type === 'windows') return true;
  if (type === 'linux' || type === 'macos') return false;
  return op === 'does_not_contain';
}

/** Process names compare on their first 15 characters, all a Linux kernel keeps, on every system. */
function processKey(name: string, blind: boolean): string {
  const significant = significantProcessName(name);
  return blind ? significant.toLowerCase() : significant;
}

function judgeNames(
  reported: readonly string[],
  op: ListOperator,
  wanted: readonly string[],
  key: (name: string) => string,
  noun: { one: string; many: string },
): Outcome {
  const present = new Set(reported.map(key));
  const found = wanted.filter((w) => present.has(key(w)));
  const missing = wanted.filter((w) => !present.has(key(w)));
  const named = (items: readonly string[]): string =>
    `${items.length === 1 ? noun.one : noun.many}${listed(items)} ${isAre(items)}`;
  if (op === 'contains') {
    return missing.length === 0 ? pass(`${named(wanted)} running`) : fail(`${named(missing)} not running`);
  }
  return found.length === 0
    ? pass(`${named(wanted)} not running`)
    : fail(`${named(found)} running, which is not allowed`);
}

function judgeUpdates(installed: readonly string[], op: ListOperator, wanted: readonly string[]): Outcome {
  const present = new Set(installed.map((kb) => kb.trim().toUpperCase()));
  const found = wanted.filter((w) => present.has(w.toUpperCase()));
  const missing = wanted.filter((w) => !present.has(w.toUpperCase()));
  if (op === 'contains') {
    return missing.length === 0
      ? pass(`${listed(wanted)} ${isAre(wanted)} installed`)
      : fail(`${listed(missing)} ${isAre(missing)} not installed`);
  }
  return found.length === 0
    ? pass(`${listed(wanted)} ${isAre(wanted)} not installed`)
    : fail(`${listed(found)} ${isAre(found)} installed, which is not allowed`);
}

function judgeRegistry(
  reported: NonNullable<ZtnaReport['reg_key_list']>,
  criterion: Extract<Criterion, { check: 'registry' }>,
): Outcome {
  const passed: string[] = [];
  const failed: string[] = [];
  for (const want of criterion.keys) {
    // Windows compares registry paths without regard to case.
    const values = reported.filter((r) => r.key.toLowerCase() === want.key.toLowerCase()).map((r) => r.value);
    const condition = want.value;
    const matches = (value: string): boolean =>
      condition === undefined ||
      (condition.operator === 'equals' ? value === condition.text : contains(value, condition.text));
    const matching = values.find(matches);
    const key = clip(want.key);
    const state =
      values.length === 0
        ? `${key} is not set`
        : condition === undefined
          ? `${key} is set`
          : `${key} is "${clip(matching ?? values[0] ?? '')}"`;
    const satisfied = matching !== undefined;
    if (criterion.operator === 'contains') {
      if (satisfied) passed.push(state);
      else if (values.length === 0 || condition === undefined) failed.push(state);
      else if (condition.operator === 'equals') failed.push(`${state}, not "${clip(condition.text)}"`);
      else failed.push(`${state}, which does not contain "${clip(condition.text)}"`);
    } else if (satisfied) {
      failed.push(`${state}, which is not allowed`);
    } else {
      passed.push(state);
    }
  }
  return failed.length === 0 ? pass(passed.join('; ')) : fail(failed.join('; '));
}

type ProductCriterion = Extract<
  Criterion,
  {
    check:
      | 'av_active'
      | 'av_name'
      | 'av_version'
      | 'av_update'
      | 'av_scan'
      | 'fw_active'
      | 'fw_name'
      | 'fw_version';
  }
>;

function isProductCriterion(c: Criterion): c is ProductCriterion {
  return c.check.startsWith('av_') || c.check.startsWith('fw_');
}

/** One product against one criterion; `ageDays` is how much older the report's ages are now. */
function judgeProduct(c: ProductCriterion, product: Product, kind: string, ageDays: number): Outcome {
  const name = product.name.trim();
  const label = name === '' ? `the ${kind}` : name;
  const of = name === '' ? '' : ` of ${clip(name)}`;
  switch (c.check) {
    case 'av_active':
      return product.active ? pass(`${clip(label)} is running`) : fail(`${clip(label)} is not running`);
    case 'fw_active':
      return product.active ? pass(`${clip(label)} is on`) : fail(`${clip(label)} is off`);
    case 'av_name':
    case 'fw_name':
      if (name === '') return fail(`the name of the ${kind} is not reported`);
      return judgeText(`the ${kind}`, name, c.operator, c.value);
    case 'av_version':
    case 'fw_version': {
      const subject = `the version of ${clip(label)}`;
      if (product.version.trim() === '') return fail(`${subject} is not reported`);
      return judgeVersion(subject, product.version.trim(), c.operator, c.value);
    }
    case 'av_update': {
      const reported = 'last_update' in product ? product.last_update : null;
      if (reported === null) return fail(`the signature age${of} is not reported`);
      const age = reported + ageDays;
      const old = age === 0 ? 'less than a day old' : `${days(age)} old`;
      const why = `${name === '' ? 'signatures' : `the signatures${of}`} are ${old}; at most ${c.max_days} allowed`;
      return age <= c.max_days ? pass(why) : fail(why);
    }
    case 'av_scan': {
      const reported = 'last_scan' in product ? product.last_scan : null;
      if (reported === null) return fail(`the last scan${of} is not reported (none ran, or not checked)`);
      const age = reported + ageDays;
      const when = age === 0 ? 'less than a day ago' : `${days(age)} ago`;
      const why = `the last scan${of} was ${when}; at most ${c.max_days} allowed`;
      return age <= c.max_days ? pass(why) : fail(why);
    }
  }
}

/**
 * The antivirus (or firewall) criteria of one object, judged together against one product: they
 * hold when ANY reported product meets all of them, since one product must be both running and
 * fresh (one running with stale signatures beside a fresh one that is off protects nothing). The
 * words come from the product that meets the most (the first in canonical order on a tie).
 */
function judgeProducts(
  criteria: readonly ProductCriterion[],
  products: readonly Product[] | undefined,
  kind: string,
  ageDays: number,
): Outcome[] {
  if (products === undefined) return criteria.map(() => fail(`the ${kind} is not reported`));
  if (products.length === 0) return criteria.map(() => fail(`no ${kind} is installed`));
  let best: Outcome[] = [];
  let bestPassed = -1;
  for (const product of products) {
    const outcomes = criteria.map((c) => judgeProduct(c, product, kind, ageDays));
    const passed = outcomes.filter((o) => o.passed).length;
    if (passed > bestPassed) [best, bestPassed] = [outcomes, passed];
  }
  return best;
}

/** One criterion that is not about products. */
function judge(c: Exclude<Criterion, ProductCriterion>, report: ZtnaReport): Outcome {
  const os = report.operation_system;
  switch (c.check) {
    case 'os_type': {
      const type = os?.type.trim() ?? '';
      if (type === '') return fail('the operating system type is not reported');
      const shown = `the operating system is ${clip(type)}`;
      const listedType = c.values.some((v) => v.toLowerCase() === type.toLowerCase());
      if (c.operator === 'contains')
        return listedType ? pass(shown) : fail(`${shown}, not ${listed(c.values, 'or')}`);
      return listedType ? fail(`${shown}, which is not allowed`) : pass(shown);
    }
    case 'os_version': {
      const version = os?.version.trim() ?? '';
      if (version === '') return fail('the operating system version is not reported');
      return judgeVersion('the operating system version', version, c.operator, c.value);
    }
    case 'domain': {
      const domain = os?.domain.trim() ?? '';
      // Empty is both "not checked" and "in no domain": the report cannot tell them apart.
      if (domain === '') return fail('the domain is not reported (not checked, or in no domain)');
      return judgeText('the domain', domain, c.operator, c.value);
    }
    case 'kb_list':
      if (report.kb_list === undefined) return fail('installed updates are not reported');
      return judgeUpdates(report.kb_list, c.operator, c.values);
    case 'processes': {
      if (report.proc_list === undefined) return fail('running processes are not reported');
      const blind = caseBlind(report, c.operator);
      return judgeNames(report.proc_list, c.operator, c.values, (n) => processKey(n, blind), {
        one: '',
        many: '',
      });
    }
    case 'services': {
      if (report.service_list === undefined) return fail('running services are not reported');
      const blind = caseBlind(report, c.operator);
      return judgeNames(report.service_list, c.operator, c.values, (n) => (blind ? n.toLowerCase() : n), {
        one: 'the service ',
        many: 'the services ',
      });
    }
    case 'registry':
      if (report.reg_key_list === undefined) return fail('registry keys are not reported');
      return judgeRegistry(report.reg_key_list, c);
  }
}

const keywordOrder = (c: Criterion): number => (ZTNA_KEYWORDS as readonly string[]).indexOf(c.check);

/** Every criterion of one object, in keyword order. */
function objectChecks(object: PostureObject, report: ZtnaReport, ageDays: number): PostureCheck[] {
  const criteria = [...object.criteria].sort((a, b) => keywordOrder(a) - keywordOrder(b));
  const outcomes = new Map<Criterion, Outcome>();
  const av = criteria.filter(
    (c): c is ProductCriterion => isProductCriterion(c) && c.check.startsWith('av_'),
  );
  const fw = criteria.filter(
    (c): c is ProductCriterion => isProductCriterion(c) && c.check.startsWith('fw_'),
  );
  judgeProducts(av, report.antivirus, 'antivirus', ageDays).forEach((o, i) =>
    outcomes.set(av[i] as Criterion, o),
  );
  judgeProducts(fw, report.firewall, 'firewall', ageDays).forEach((o, i) =>
    outcomes.set(fw[i] as Criterion, o),
  );
  return criteria.map((c) => {
    const outcome = isProductCriterion(c) ? outcomes.get(c) : judge(c, report);
    const { passed, why } = outcome ?? fail('not evaluated');
    return {
      object: object.name,
      criterion: c.check,
      passed,
      why: why.length > WHY_MAX ? `${why.slice(0, WHY_MAX - 1)}…` : why,
    };
  });
}

function holds(e: PostureExpression, passed: ReadonlyMap<string, boolean>): boolean {
  if ('object' in e) return passed.get(e.object) ?? false;
  return e.op === 'and' ? e.of.every((c) => holds(c, passed)) : e.of.some((c) => holds(c, passed));
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The profiles a report matches and every check behind them. No report yet matches no profile:
 * the device is "device without profile" and every check says what is not reported. `timing` ages
 * the report's day counts by the whole days since it came: a silent device is unchanged
 * (DECISIONS 11), but its signatures still grow older. Never throws on a report the protocol accepts.
 */
export function evaluatePosture(
  report: ZtnaReport | null,
  objects: readonly PostureObject[],
  profiles: readonly PostureProfile[],
  timing?: ReportTiming,
): PostureResult {
  // Evaluated in canonical form, so the order of products and lists never changes a result.
  const canonical = report === null ? { type: 'ztna' as const, node_name: '' } : canonicalReport(report);
  const elapsed = timing ? timing.now.getTime() - timing.reportedAt.getTime() : 0;
  const ageDays = Number.isFinite(elapsed) && elapsed > 0 ? Math.floor(elapsed / DAY_MS) : 0;
  const used = objectsInUse(objects, profiles).sort(
    (a, b) => byCodeUnits(a.name, b.name) || byCodeUnits(a.id, b.id),
  );
  const checks: PostureCheck[] = [];
  const passed = new Map<string, boolean>();
  for (const object of used) {
    const own = objectChecks(object, canonical, ageDays);
    checks.push(...own);
    // An object that checks nothing is refused by validation; here it grants nothing either.
    passed.set(object.id, own.length > 0 && own.every((c) => c.passed));
  }
  const matched =
    report === null ? [] : profiles.filter((p) => holds(p.expression, passed)).map((p) => p.name);
  const names = [...new Set(matched)].sort(byCodeUnits);
  return { profiles: names.length > 0 ? names : [DEVICE_WITHOUT_PROFILE], checks };
}
