// English and Russian have the same keys, the same {placeholders} in each text, and no empty text.
import { describe, expect, it } from 'vitest';
import { en, messageParts } from '../src/i18n/en.js';
import { fill, formatBytes, formatDateTime, placeholdersOf } from '../src/i18n/format.js';
import { ru } from '../src/i18n/ru.js';

describe('the languages', () => {
  it('have the same keys', () => {
    expect(Object.keys(ru).sort()).toStrictEqual(Object.keys(en).sort());
  });

  it('use the same placeholders in every text, and leave none empty', () => {
    for (const [key, english] of Object.entries(en)) {
      const russian = ru[key as keyof typeof en];
      expect(russian.trim(), key).not.toBe('');
      expect(placeholdersOf(russian), key).toStrictEqual(placeholdersOf(english));
    }
  });

  it('define each key in one part only (a later part would silently replace an earlier one)', () => {
    const owners = new Map<string, string[]>();
    for (const [part, texts] of Object.entries(messageParts)) {
      for (const key of Object.keys(texts)) owners.set(key, [...(owners.get(key) ?? []), part]);
    }
    const twice = [...owners]
      .filter(([, parts]) => parts.length > 1)
      .map(([key, parts]) => `${key}: ${parts.join(', ')}`);
    expect(twice).toStrictEqual([]);
  });

  it('name the same number of byte units', () => {
    expect(ru.byteUnits.split(' ')).toHaveLength(en.byteUnits.split(' ').length);
  });
});

describe('fill, formatBytes and formatDateTime', () => {
  it('fill puts values in and leaves unknown placeholders as written', () => {
    expect(fill(en.throttled, { seconds: 30 })).toBe('Too many failed sign-ins: try again in 30 s.');
    expect(fill('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });

  it('formatBytes uses binary units in the language', () => {
    expect(formatBytes(0, en.byteUnits, 'en')).toBe('0 B');
    expect(formatBytes(1023, en.byteUnits, 'en')).toBe('1,023 B');
    expect(formatBytes(1536, en.byteUnits, 'en')).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 3, en.byteUnits, 'en')).toBe('5 GiB');
    expect(formatBytes(1536, ru.byteUnits, 'ru')).toBe('1,5 КиБ');
    expect(formatBytes(3 * 1024 ** 5, en.byteUnits, 'en')).toBe('3,072 TiB');
  });

  it('formatDateTime writes the local time as 2026-12-01 08:05:09, and a dash for no time', () => {
    expect(formatDateTime(new Date(2026, 11, 1, 8, 5, 9))).toBe('2026-12-01 08:05:09');
    expect(formatDateTime(new Date('not a time'))).toBe('—');
  });
});
