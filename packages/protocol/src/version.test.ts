import { describe, expect, it } from 'vitest';
import { compareVersions, formatVersion, needsUpdate, parseVersionString } from './version.js';

const v = (major: number, minor: number, build: number) => ({ major, minor, build });

describe('compareVersions', () => {
  it.each([
    [v(1, 2, 3), v(1, 2, 3), 0],
    [v(1, 2, 3), v(1, 2, 4), -1],
    [v(1, 3, 0), v(1, 2, 9), 1],
    [v(2, 0, 0), v(1, 99, 99), 1],
    [v(0, 0, 0), v(0, 0, 1), -1],
    [v(2147483647, 0, 0), v(0, 2147483647, 2147483647), 1],
  ])('%j vs %j is %i', (a, b, order) => {
    expect(compareVersions(a, b)).toBe(order);
    expect(compareVersions(b, a)).toBe(order === 0 ? 0 : -order);
  });
});

describe('formatVersion and parseVersionString', () => {
  it('formats as major.minor.build', () => {
    expect(formatVersion(v(1, 2, 3))).toBe('1.2.3');
    expect(formatVersion(v(10, 0, 2147483647))).toBe('10.0.2147483647');
  });

  it.each([
    ['1.2.3', v(1, 2, 3)],
    ['0.0.0', v(0, 0, 0)],
    ['2147483647.2147483647.2147483647', v(2147483647, 2147483647, 2147483647)],
  ])('parses %s', (text, version) => {
    expect(parseVersionString(text)).toEqual(version);
    expect(formatVersion(version)).toBe(text);
  });

  it.each([
    '',
    '1.2',
    '1.2.3.4',
    '+1.2.3',
    '-1.2.3',
    '1.-2.3',
    '01.2.3',
    '1.2.3 ',
    ' 1.2.3',
    '1.2.3a',
    '1..3',
    '1.2.3e0',
    '2147483648.0.0',
    '0.0.99999999999',
    'v1.2.3',
    '١.٢.٣',
  ])('refuses %j', (text) => {
    expect(parseVersionString(text)).toBeUndefined();
  });
});

describe('needsUpdate (DECISIONS 12)', () => {
  it.each([
    ['exact', v(1, 2, 3), v(1, 2, 3), false],
    ['exact', v(1, 2, 2), v(1, 2, 3), true],
    ['exact', v(1, 2, 4), v(1, 2, 3), true],
    ['minimum', v(1, 2, 3), v(1, 2, 3), false],
    ['minimum', v(1, 2, 2), v(1, 2, 3), true],
    ['minimum', v(0, 9, 9), v(1, 0, 0), true],
    ['minimum', v(1, 2, 4), v(1, 2, 3), false],
    ['minimum', v(2, 0, 0), v(1, 9, 9), false],
  ] as const)('%s: client %j, installer %j → %s', (policy, client, installer, expected) => {
    expect(needsUpdate(client, installer, policy)).toBe(expected);
  });
});
