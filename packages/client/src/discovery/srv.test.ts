import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientError } from './errors.js';
import { orderSrvRecords, type SrvRecord } from './srv.js';

/** A seeded PRNG (mulberry32), so statistical checks are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const recordsArbitrary = fc
  .array(
    fc.record({
      priority: fc.integer({ min: 0, max: 4 }),
      weight: fc.integer({ min: 0, max: 100 }),
      port: fc.integer({ min: 1, max: 65535 }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((list) => list.map((r, i): SrvRecord => ({ ...r, name: `node${i}.corp.example` })));

describe('orderSrvRecords', () => {
  it('returns a permutation of the records, with their ports', () => {
    fc.assert(
      fc.property(recordsArbitrary, fc.integer(), (records, seed) => {
        const ordered = orderSrvRecords(records, seeded(seed));
        const key = (r: { name: string; port: number }) => `${r.name}:${r.port}`;
        expect(ordered.map(key).sort()).toEqual(records.map(key).sort());
      }),
    );
  });

  it('never puts a lower priority (higher number) before a higher one', () => {
    fc.assert(
      fc.property(recordsArbitrary, fc.integer(), (records, seed) => {
        const priorityOf = new Map(records.map((r) => [r.name, r.priority]));
        const priorities = orderSrvRecords(records, seeded(seed)).map((r) => priorityOf.get(r.name) ?? -1);
        expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
      }),
    );
  });

  it('picks the first record of a priority in proportion to the RFC 2782 running sum', () => {
    // RFC 2782: r uniform in [0, sum]; the first record whose running sum >= r (weight 0 first).
    // So P(record i first) = (w_i + [i is the first in the running-sum list]) / (sum + 1).
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 2, maxLength: 4 }),
        fc.integer(),
        (weights, seed) => {
          const records = weights.map((weight, i) => ({ name: `n${i}`, port: 1, priority: 1, weight }));
          const listOrder = [
            ...records.filter((r) => r.weight === 0),
            ...records.filter((r) => r.weight !== 0),
          ];
          const sum = weights.reduce((a, b) => a + b, 0);
          const runs = 4000;
          const random = seeded(seed);
          const firsts = new Map<string, number>();
          for (let i = 0; i < runs; i += 1) {
            const first = orderSrvRecords(records, random)[0]!.name;
            firsts.set(first, (firsts.get(first) ?? 0) + 1);
          }
          for (const record of records) {
            const expected =
              sum === 0
                ? record === listOrder[0]
                  ? 1
                  : 0
                : (record.weight + (record === listOrder[0] ? 1 : 0)) / (sum + 1);
            expect(Math.abs((firsts.get(record.name) ?? 0) / runs - expected)).toBeLessThan(0.05);
          }
        },
      ),
      { numRuns: 40, seed: 20261126 },
    );
  });

  it('gives weight 3 about three times the first places of weight 1', () => {
    const random = seeded(7);
    const records: SrvRecord[] = [
      { name: 'light', port: 1, priority: 0, weight: 100 },
      { name: 'heavy', port: 2, priority: 0, weight: 300 },
    ];
    let heavy = 0;
    for (let i = 0; i < 10_000; i += 1) if (orderSrvRecords(records, random)[0]!.name === 'heavy') heavy += 1;
    expect(heavy / 10_000).toBeGreaterThan(0.72);
    expect(heavy / 10_000).toBeLessThan(0.78);
  });

  it('walks the running sum exactly: r = 0 takes weight 0, the top of the range takes the last', () => {
    const records: SrvRecord[] = [
      { name: 'a', port: 1, priority: 5, weight: 10 },
      { name: 'zero', port: 2, priority: 5, weight: 0 },
      { name: 'b', port: 3, priority: 5, weight: 20 },
      { name: 'first', port: 4, priority: 1, weight: 1 },
    ];
    expect(orderSrvRecords(records, () => 0).map((r) => r.name)).toEqual(['first', 'zero', 'a', 'b']);
    expect(orderSrvRecords(records, () => 0.999).map((r) => r.name)).toEqual(['first', 'b', 'a', 'zero']);
    // A random source that returns 1 cannot step past the end.
    expect(orderSrvRecords(records, () => 1).map((r) => r.name)).toEqual(['first', 'b', 'a', 'zero']);
  });

  it('reports a lone "." target as service_unavailable, and skips "." beside real targets', () => {
    const dot = { name: '', port: 0, priority: 0, weight: 0 };
    let error: unknown;
    try {
      orderSrvRecords([dot], Math.random, {
        server: 'gw.corp.example',
        srvName: '_ideco-client._tcp.gw.corp.example',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('service_unavailable');
    expect((error as ClientError).message).toContain('_ideco-client._tcp.gw.corp.example has the target "."');
    expect(() => orderSrvRecords([{ ...dot, name: '.' }], Math.random)).toThrow(ClientError);
    expect(orderSrvRecords([dot, { name: 'gw1', port: 9, priority: 1, weight: 0 }], Math.random)).toEqual([
      { name: 'gw1', port: 9 },
    ]);
    expect(orderSrvRecords([], Math.random)).toEqual([]);
  });
});
