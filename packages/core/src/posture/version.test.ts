import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  comparePostureVersions,
  formatPostureVersion,
  parsePostureVersion,
  readPostureVersion,
  type PostureVersion,
} from './version.js';

const read = (text: string): string | null => {
  const v = readPostureVersion(text);
  return v === null ? null : formatPostureVersion(v);
};

describe('posture versions', () => {
  it('an administrator writes plain dotted numbers', () => {
    expect(parsePostureVersion(' 10.0.19041 ')).toEqual(['10', '0', '19041']);
    expect(parsePostureVersion('22.04')).toEqual(['22', '4']);
    for (const bad of ['', '10.', '.1', '1..2', '1.2-beta', 'v1', '1,2', '-1']) {
      expect(parsePostureVersion(bad)).toBeNull();
    }
  });

  it('a report is read as the run of dotted numbers with the most parts', () => {
    expect(read('10.0.19045.3803')).toBe('10.0.19045.3803');
    expect(read('1.2.3-beta')).toBe('1.2.3');
    expect(read('13.6.1 (22G313)')).toBe('13.6.1');
    expect(read('Ubuntu 22.04.3 LTS')).toBe('22.4.3');
    expect(read('Windows 10 Pro 10.0.19045')).toBe('10.0.19045');
    expect(read('Windows 11 23H2')).toBe('11');
    expect(read('rolling')).toBeNull();
  });

  it('parts compare as numbers; missing parts are zeros', () => {
    const cmp = (a: string, b: string) =>
      comparePostureVersions(parsePostureVersion(a)!, parsePostureVersion(b)!);
    expect(cmp('10.0.19045', '10.0.9999')).toBe(1);
    expect(cmp('1.2', '1.2.0.0')).toBe(0);
    expect(cmp('1.02', '1.2')).toBe(0);
    expect(cmp('1.2', '1.10')).toBe(-1);
    expect(cmp('99999999999999999999', '99999999999999999998')).toBe(1);
  });

  const part = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.nat()).map(String);
  const dotted = fc
    .tuple(
      fc.array(part, { minLength: 1, maxLength: 6 }),
      fc.constantFrom('', '-beta', ' (22G313)', 'rc1', ' LTS'),
    )
    .map(([parts, suffix]) => `${parts.join('.')}${suffix}`);
  const version = dotted.map((text) => readPostureVersion(text)!);
  const numeric = (v: PostureVersion): string => formatPostureVersion(v).replace(/(\.0)+$/, '');

  it('is a total preorder: reflexive, transitive, total, antisymmetric up to equal numbers', () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        expect(comparePostureVersions(a, a)).toBe(0);
        expect(comparePostureVersions(a, b)).toBe(-comparePostureVersions(b, a) || 0);
        if (comparePostureVersions(a, b) <= 0 && comparePostureVersions(b, c) <= 0) {
          expect(comparePostureVersions(a, c)).toBeLessThanOrEqual(0);
        }
        const equal = comparePostureVersions(a, b) === 0;
        expect(equal).toBe(numeric(a) === numeric(b));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with numbers on one-part versions', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        expect(comparePostureVersions([String(a)], [String(b)])).toBe(Math.sign(a - b) || 0);
      }),
    );
  });
});
