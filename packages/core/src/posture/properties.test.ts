// Property-based tests of posture (issue 17, "Done when"): AND/OR semantics, missing data never
// grants, evaluation never throws on what the protocol accepts, the request is never empty, the
// canonical form is idempotent and blind to list order.
import {
  encodeClientMessage,
  encodeServerMessage,
  parseClientMessage,
  parseServerMessage,
  type ZtnaReport,
} from '@kordon/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalReport, reportsEqual } from './canonical.js';
import { evaluatePosture } from './evaluate.js';
import {
  DEVICE_WITHOUT_PROFILE,
  expressionObjects,
  type Criterion,
  type PostureExpression,
  type PostureObject,
  type PostureProfile,
  type PostureResult,
} from './model.js';
import { ztnaRequestFor } from './request.js';
import { parsePostureObject, parsePostureProfile } from './validate.js';

// Reports: values drawn mostly from what criteria name, so criteria both pass and fail.
const PROCESSES = ['osqueryd', 'OSQUERYD', 'sshd', 'torrent', 'kordon-posture-agent', 'kordon-posture-'];
const KBS = ['KB5034441', 'kb5034441', 'KB1', 'KB2'];
const KEYS = ['HKLM\\SOFTWARE\\A', 'hklm\\software\\a', 'HKCU\\B'];
const NAMES = ['ClamAV', 'Windows Defender', 'Kaspersky Endpoint Security', 'ufw', 'nftables', ''];
const VERSIONS = [
  '1.0.3',
  '10.0.19045.3803',
  '13.6.1 (22G313)',
  'Ubuntu 22.04.3 LTS',
  '1.2.3-beta',
  'rolling',
  '',
];

const anyText = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const from = (values: readonly string[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, anyText);
const age = fc.oneof(fc.constant(null), fc.nat({ max: 30 }), fc.constant(2_147_483_647));

const antivirus = fc.record({
  active: fc.boolean(),
  name: from(NAMES),
  version: from(VERSIONS),
  last_update: age,
  last_scan: age,
});
const firewall = fc.record({ active: fc.boolean(), name: from(NAMES), version: from(VERSIONS) });

const reportShape = fc.record(
  {
    type: fc.constant('ztna' as const),
    node_name: anyText,
    operation_system: fc.record({
      type: from(['Windows', 'Linux', 'MacOS', 'windows', '']),
      version: from(VERSIONS),
      domain: from(['corp.example', 'CORP.EXAMPLE', 'home.lan', '']),
    }),
    kb_list: fc.array(from(KBS), { maxLength: 4 }),
    antivirus: fc.array(antivirus, { maxLength: 3 }),
    firewall: fc.array(firewall, { maxLength: 3 }),
    proc_list: fc.array(from(PROCESSES), { maxLength: 4 }),
    service_list: fc.array(from(PROCESSES), { maxLength: 4 }),
    reg_key_list: fc.array(fc.record({ key: from(KEYS), value: from(['1', '0', 'on', '']) }), {
      maxLength: 3,
    }),
  },
  { requiredKeys: ['type', 'node_name'] },
);

/** Only reports the protocol parser accepts: each goes through the wire and back. */
const report: fc.Arbitrary<ZtnaReport> = reportShape.map((shape) => {
  const parsed = parseClientMessage(JSON.stringify(shape));
  if (!parsed.ok || parsed.value.type !== 'ztna')
    throw new Error(`the parser refused ${JSON.stringify(shape)}`);
  return parsed.value;
});

const listOp = fc.constantFrom('contains' as const, 'does_not_contain' as const);
const versionOp = fc.constantFrom(
  '>=' as const,
  '<=' as const,
  '=' as const,
  'contains' as const,
  'does_not_contain' as const,
);
const names = (values: readonly string[]) =>
  fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 3 });
const version = fc.constantFrom('1', '1.0.3', '10.0.19041', '13.6', '22.04');
const days = fc.nat({ max: 14 });

const CRITERIA: Record<Criterion['check'], fc.Arbitrary<Criterion>> = {
  os_type: fc.record({
    check: fc.constant('os_type'),
    operator: listOp,
    values: fc.uniqueArray(fc.constantFrom('Windows' as const, 'Linux' as const, 'MacOS' as const), {
      minLength: 1,
    }),
  }),
  os_version: fc.record({ check: fc.constant('os_version'), operator: versionOp, value: version }),
  domain: fc.record({
    check: fc.constant('domain'),
    operator: listOp,
    value: fc.constantFrom('corp', 'lan'),
  }),
  kb_list: fc.record({
    check: fc.constant('kb_list'),
    operator: listOp,
    values: names(['KB5034441', 'KB1', 'KB3']),
  }),
  av_active: fc.constant({ check: 'av_active' }),
  av_name: fc.record({
    check: fc.constant('av_name'),
    operator: listOp,
    value: fc.constantFrom('clam', 'Defender'),
  }),
  av_version: fc.record({ check: fc.constant('av_version'), operator: versionOp, value: version }),
  av_update: fc.record({ check: fc.constant('av_update'), max_days: days }),
  av_scan: fc.record({ check: fc.constant('av_scan'), max_days: days }),
  fw_active: fc.constant({ check: 'fw_active' }),
  fw_name: fc.record({
    check: fc.constant('fw_name'),
    operator: listOp,
    value: fc.constantFrom('ufw', 'nft'),
  }),
  fw_version: fc.record({ check: fc.constant('fw_version'), operator: versionOp, value: version }),
  processes: fc.record({
    check: fc.constant('processes'),
    operator: listOp,
    values: names(['osqueryd', 'sshd', 'torrent', 'kordon-posture-agent']),
  }),
  services: fc.record({
    check: fc.constant('services'),
    operator: listOp,
    values: names(['sshd', 'torrent']),
  }),
  registry: fc.record({
    check: fc.constant('registry'),
    operator: listOp,
    keys: fc.uniqueArray(
      fc.record(
        {
          key: fc.constantFrom('HKLM\\SOFTWARE\\A', 'HKCU\\B', 'HKLM\\C'),
          value: fc.record({
            operator: fc.constantFrom('equals' as const, 'contains' as const),
            text: fc.constantFrom('1', 'o'),
          }),
        },
        { requiredKeys: ['key'] },
      ),
      { minLength: 1, maxLength: 2, selector: (k) => k.key },
    ),
  }),
};
const CHECKS = Object.keys(CRITERIA) as Criterion['check'][];

const criteria = fc
  .uniqueArray(fc.constantFrom(...CHECKS), { minLength: 1, maxLength: 5 })
  .chain((checks) => fc.tuple(...checks.map((c) => CRITERIA[c])));

const objects: fc.Arbitrary<PostureObject[]> = fc
  .array(criteria, { minLength: 1, maxLength: 4 })
  .map((list) => list.map((c, i) => ({ id: `o${i}`, name: `Object ${i}`, criteria: c })));

function expression(ids: readonly string[]): fc.Arbitrary<PostureExpression> {
  const { tree } = fc.letrec<{ tree: PostureExpression }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(...ids).map((object) => ({ object })),
      fc.record({
        op: fc.constantFrom('and' as const, 'or' as const),
        of: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }),
      }),
    ),
  }));
  return tree;
}

const policy = objects.chain((os) =>
  fc.record({
    objects: fc.constant(os),
    profiles: fc
      .array(expression(os.map((o) => o.id)), { minLength: 0, maxLength: 4 })
      .map((es) => es.map((e, i): PostureProfile => ({ id: `p${i}`, name: `Profile ${i}`, expression: e }))),
  }),
);

function objectResults(result: PostureResult): Map<string, boolean> {
  const passed = new Map<string, boolean>();
  for (const c of result.checks) passed.set(c.object, (passed.get(c.object) ?? true) && c.passed);
  return passed;
}

function holds(e: PostureExpression, byId: (id: string) => boolean): boolean {
  if ('object' in e) return byId(e.object);
  return e.op === 'and' ? e.of.every((c) => holds(c, byId)) : e.of.some((c) => holds(c, byId));
}

function matched(result: PostureResult): Set<string> {
  return new Set(result.profiles.filter((p) => p !== DEVICE_WITHOUT_PROFILE));
}

/** Data removed from a report: a field left out, a text not checked, an age unknown, a product gone. */
type Removal =
  | {
      field:
        | 'operation_system'
        | 'kb_list'
        | 'antivirus'
        | 'firewall'
        | 'proc_list'
        | 'service_list'
        | 'reg_key_list';
    }
  | { os: 'type' | 'version' | 'domain' }
  | {
      product: 'antivirus' | 'firewall';
      index: number;
      blank: 'name' | 'version' | 'last_update' | 'last_scan' | 'drop';
    };

const removal: fc.Arbitrary<Removal> = fc.oneof(
  fc.record({
    field: fc.constantFrom(
      'operation_system' as const,
      'kb_list' as const,
      'antivirus' as const,
      'firewall' as const,
      'proc_list' as const,
      'service_list' as const,
      'reg_key_list' as const,
    ),
  }),
  fc.record({ os: fc.constantFrom('type' as const, 'version' as const, 'domain' as const) }),
  fc.record({
    product: fc.constantFrom('antivirus' as const, 'firewall' as const),
    index: fc.nat({ max: 2 }),
    blank: fc.constantFrom(
      'name' as const,
      'version' as const,
      'last_update' as const,
      'last_scan' as const,
      'drop' as const,
    ),
  }),
);

function remove(report: ZtnaReport, r: Removal): ZtnaReport {
  if ('field' in r) {
    const { [r.field]: _, ...rest } = report;
    return rest;
  }
  const out: ZtnaReport = structuredClone(report);
  if ('os' in r) {
    if (out.operation_system) out.operation_system[r.os] = '';
  } else {
    const list:
      | { name: string; version: string; last_update?: number | null; last_scan?: number | null }[]
      | undefined = out[r.product];
    const product = list?.[r.index];
    if (list && product) {
      if (r.blank === 'drop') list.splice(r.index, 1);
      else if (r.blank === 'name' || r.blank === 'version') product[r.blank] = '';
      else if (r.blank in product) product[r.blank] = null;
    }
  }
  return out;
}

/** A reordering of every list of a report (the keys pick each item's place). */
function shuffled(report: ZtnaReport, keys: readonly number[]): ZtnaReport {
  const permute = <T>(items: readonly T[] | undefined): T[] | undefined =>
    items
      ?.map((item, i) => ({ item, key: keys[i % Math.max(keys.length, 1)] ?? 0, i }))
      .sort((a, b) => a.key - b.key || b.i - a.i)
      .map((e) => e.item);
  const out: ZtnaReport = structuredClone(report);
  const lists = ['kb_list', 'antivirus', 'firewall', 'proc_list', 'service_list', 'reg_key_list'] as const;
  for (const name of lists) {
    const reordered = permute<unknown>(report[name]);
    if (reordered) (out as Record<string, unknown>)[name] = reordered;
  }
  return out;
}

const RUNS = { numRuns: 400 };

describe('posture properties', () => {
  it('the generated policies are valid ones', () => {
    fc.assert(
      fc.property(policy, ({ objects, profiles }) => {
        for (const o of objects) expect(parsePostureObject(o).ok).toBe(true);
        for (const p of profiles) expect(parsePostureProfile(p, objects).ok).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('the generators reach matching and failing profiles, and removals that change results', () => {
    const samples = fc.sample(
      fc.tuple(report, policy, fc.array(removal, { minLength: 1, maxLength: 4 })),
      400,
    );
    let matching = 0;
    let failing = 0;
    let lost = 0;
    for (const [r, { objects, profiles }, removals] of samples) {
      const before = matched(evaluatePosture(r, objects, profiles));
      const after = matched(evaluatePosture(removals.reduce(remove, r), objects, profiles));
      matching += before.size;
      failing += profiles.length - before.size;
      lost += before.size - after.size;
    }
    expect(matching).toBeGreaterThan(20);
    expect(failing).toBeGreaterThan(20);
    expect(lost).toBeGreaterThan(2);
  });

  it('never throws on a report the protocol accepts, and every criterion in use is checked', () => {
    fc.assert(
      fc.property(
        report,
        policy,
        fc.option(fc.integer({ min: -1e12, max: 1e12 })),
        (r, { objects, profiles }, shift) => {
          const timing = shift === null ? undefined : { reportedAt: new Date(0), now: new Date(shift) };
          const result = evaluatePosture(r, objects, profiles, timing);
          expect(result.profiles.length).toBeGreaterThan(0);
          expect([...result.profiles].sort()).toEqual(result.profiles);
          const used = new Set(profiles.flatMap((p) => expressionObjects(p.expression)));
          const expected = objects.filter((o) => used.has(o.id)).reduce((n, o) => n + o.criteria.length, 0);
          expect(result.checks).toHaveLength(expected);
          for (const c of result.checks) expect(c.why.length).toBeGreaterThan(0);
          // What posture_state carries passes the protocol's own schema.
          const state = {
            type: 'posture_state' as const,
            profiles: result.profiles,
            limited: false,
            message: '',
            checks: result.checks,
          };
          expect(parseServerMessage(encodeServerMessage(state)).ok).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it("a profile matches exactly when its AND/OR expression over its objects' results holds", () => {
    fc.assert(
      fc.property(report, policy, (r, { objects, profiles }) => {
        const result = evaluatePosture(r, objects, profiles);
        const byName = objectResults(result);
        const byId = (id: string): boolean => byName.get(objects.find((o) => o.id === id)!.name)!;
        const expected = profiles.filter((p) => holds(p.expression, byId)).map((p) => p.name);
        expect(result.profiles).toEqual(expected.length > 0 ? expected.sort() : [DEVICE_WITHOUT_PROFILE]);
      }),
      RUNS,
    );
  });

  it('removing data never turns a failing object or profile into a matching one', () => {
    fc.assert(
      fc.property(
        report,
        policy,
        fc.array(removal, { minLength: 1, maxLength: 4 }),
        (r, { objects, profiles }, removals) => {
          const before = evaluatePosture(r, objects, profiles);
          const after = evaluatePosture(removals.reduce(remove, r), objects, profiles);
          const was = objectResults(before);
          for (const [object, passed] of objectResults(after)) if (passed) expect(was.get(object)).toBe(true);
          const matchedBefore = matched(before);
          for (const profile of matched(after)) expect(matchedBefore.has(profile)).toBe(true);
          // No report at all grants nothing.
          expect(evaluatePosture(null, objects, profiles).profiles).toEqual([DEVICE_WITHOUT_PROFILE]);
        },
      ),
      RUNS,
    );
  });

  it("the order of a report's lists changes no result", () => {
    fc.assert(
      fc.property(report, policy, fc.array(fc.nat()), (r, { objects, profiles }, keys) => {
        expect(evaluatePosture(shuffled(r, keys), objects, profiles)).toEqual(
          evaluatePosture(r, objects, profiles),
        );
      }),
      RUNS,
    );
  });

  it('ztnaRequestFor is null or asks for something, covers every criterion in use, and is a valid request', () => {
    fc.assert(
      fc.property(policy, fc.nat({ max: 1440 }), ({ objects, profiles }, period) => {
        const request = ztnaRequestFor(objects, profiles, period);
        const used = objects.filter((o) =>
          profiles.some((p) => expressionObjects(p.expression).includes(o.id)),
        );
        if (used.length === 0) {
          expect(request).toBeNull();
          return;
        }
        expect(request).not.toBeNull();
        expect(request!.test_list.length).toBeGreaterThan(0);
        for (const c of used.flatMap((o) => o.criteria)) expect(request!.test_list).toContain(c.check);
        for (const list of [
          request!.kb_list,
          request!.proc_list,
          request!.service_list,
          request!.reg_key_list,
        ]) {
          expect(new Set(list).size).toBe(list.length);
        }
        const wire = parseServerMessage(encodeServerMessage(request!));
        expect(wire.ok && wire.value).toEqual(request);
      }),
      RUNS,
    );
  });

  it('canonicalReport is idempotent, blind to list order, and keeps what the wire carries', () => {
    fc.assert(
      fc.property(report, fc.array(fc.nat()), (r, keys) => {
        const canonical = canonicalReport(r);
        expect(canonicalReport(canonical)).toEqual(canonical);
        expect(JSON.stringify(canonicalReport(shuffled(r, keys)))).toBe(JSON.stringify(canonical));
        expect(reportsEqual(r, shuffled(r, keys))).toBe(true);
        // The canonical text is the protocol's own encoding of it: key order is the schema's.
        expect(encodeClientMessage(canonical)).toBe(JSON.stringify(canonical));
      }),
      RUNS,
    );
  });

  it('reportsEqual sees any change: a process more, a product switched off, a day older', () => {
    fc.assert(
      fc.property(report, (r) => {
        expect(reportsEqual(r, { ...r, proc_list: [...(r.proc_list ?? []), 'new-process'] })).toBe(false);
        const [first, ...rest] = r.antivirus ?? [];
        if (first) {
          expect(reportsEqual(r, { ...r, antivirus: [{ ...first, active: !first.active }, ...rest] })).toBe(
            false,
          );
          const older = first.last_update === null ? 0 : first.last_update + 1;
          expect(reportsEqual(r, { ...r, antivirus: [{ ...first, last_update: older }, ...rest] })).toBe(
            false,
          );
        }
      }),
      RUNS,
    );
  });
});
