// The posture page's logic without the DOM: criteria drafts to the API's criteria and back, where an
// error's JSON Pointer belongs, the expression's text form, and moving an access rule one place.
import { describe, expect, it } from 'vitest';
import {
  buildCriterion,
  checks,
  draftOf,
  newDraft,
  placeOf,
  splitItems,
  unusedCheck,
  withCheck,
} from '../src/pages/posture/criteria.js';
import { appendName, nameText } from '../src/pages/posture/expression.js';
import type { Criterion } from '../src/pages/posture/model.js';
import { allPages, pointerTokens } from '../src/pages/posture/model.js';
import { compareRules, moveOne, type Placed } from '../src/pages/posture/order.js';

const built = (criterion: ReturnType<typeof buildCriterion>): Criterion => {
  if (!criterion.ok) throw new Error(criterion.detail);
  return criterion.criterion;
};

describe('criteria drafts', () => {
  it('build every shape as the API reads it', () => {
    expect(built(buildCriterion(newDraft('av_active')))).toStrictEqual({ check: 'av_active' });
    expect(built(buildCriterion({ ...newDraft('av_update'), days: '14' }))).toStrictEqual({
      check: 'av_update',
      max_days: 14,
    });
    expect(
      built(buildCriterion({ ...newDraft('os_version'), operator: '>=', value: '10.0.19045' })),
    ).toStrictEqual({ check: 'os_version', operator: '>=', value: '10.0.19045' });
    expect(
      built(buildCriterion({ ...newDraft('processes'), values: 'osqueryd, clamd\n\n sshd ' })),
    ).toStrictEqual({ check: 'processes', operator: 'contains', values: ['osqueryd', 'clamd', 'sshd'] });
    expect(
      built(buildCriterion({ ...newDraft('os_type'), operator: 'does_not_contain', os: ['Linux'] })),
    ).toStrictEqual({ check: 'os_type', operator: 'does_not_contain', values: ['Linux'] });
  });

  it('send days that are no number as null, for the API to refuse in its words', () => {
    expect(JSON.stringify(built(buildCriterion({ ...newDraft('av_scan'), days: '' })))).toBe(
      '{"check":"av_scan","max_days":null}',
    );
    expect(JSON.stringify(built(buildCriterion({ ...newDraft('av_scan'), days: '2.5' })))).toBe(
      '{"check":"av_scan","max_days":2.5}',
    );
  });

  it('take a registry criterion as JSON, its kind from the menu, and refuse text that is not JSON', () => {
    const draft = { ...newDraft('registry'), json: '{"check":"av_active","operator":"contains","keys":[]}' };
    expect(built(buildCriterion(draft))).toStrictEqual({ check: 'registry', operator: 'contains', keys: [] });
    const bad = buildCriterion({ ...draft, json: '{"keys": [' });
    expect(bad.ok).toBe(false);
    expect(JSON.parse(newDraft('registry').json)).toMatchObject({ check: 'registry' });
  });

  it('read every stored criterion back into the same criterion', () => {
    const stored: Criterion[] = [
      { check: 'os_type', operator: 'contains', values: ['Windows', 'MacOS'] },
      { check: 'domain', operator: 'does_not_contain', value: 'guest' },
      { check: 'kb_list', operator: 'contains', values: ['KB5034441', 'KB5034122'] },
      { check: 'av_update', max_days: 7 },
      { check: 'fw_active' },
      {
        check: 'registry',
        operator: 'contains',
        keys: [{ key: 'HKLM\\A\\B', value: { operator: 'equals', text: '1' } }],
      },
    ];
    for (const criterion of stored)
      expect(built(buildCriterion(draftOf(criterion)))).toStrictEqual(criterion);
  });

  it('keep the fields another check shares, and offer the first kind not used yet', () => {
    const text = { ...newDraft('av_name'), operator: 'does_not_contain', value: 'ESET' };
    expect(withCheck(text, 'fw_name')).toMatchObject({ check: 'fw_name', operator: 'does_not_contain' });
    expect(withCheck(text, 'av_update')).toMatchObject({ check: 'av_update', days: '7', operator: '' });
    expect(withCheck({ ...newDraft('os_version'), operator: '>=' }, 'domain').operator).toBe('contains');
    expect(unusedCheck([newDraft('os_type'), newDraft('os_version')])).toBe('domain');
    expect(checks).toHaveLength(15);
  });

  it('split list items on lines and commas', () => {
    expect(splitItems(' a ,b\n\nc,, ')).toStrictEqual(['a', 'b', 'c']);
  });
});

describe('where an error belongs', () => {
  const drafts = [newDraft('av_active'), newDraft('av_update'), newDraft('registry')];

  it('names the criterion and its field from the pointer', () => {
    expect(placeOf('/name', drafts)).toStrictEqual({ at: 'name' });
    expect(placeOf('/criteria', drafts)).toStrictEqual({ at: 'criteria' });
    expect(placeOf('/criteria/1/max_days', drafts)).toStrictEqual({
      at: 'criterion',
      index: 1,
      part: 'days',
    });
    expect(placeOf('/criteria/1/check', drafts)).toStrictEqual({ at: 'criterion', index: 1, part: 'check' });
    expect(placeOf('/criteria/0/colour', drafts)).toStrictEqual({ at: 'criterion', index: 0, part: 'whole' });
    expect(placeOf('/criteria/1', drafts)).toStrictEqual({ at: 'criterion', index: 1, part: 'whole' });
  });

  it('puts every error of a JSON criterion at its editor, and the rest at the form', () => {
    expect(placeOf('/criteria/2/keys/0/key', drafts)).toStrictEqual({
      at: 'criterion',
      index: 2,
      part: 'whole',
    });
    expect(placeOf('/criteria/9/check', drafts)).toStrictEqual({ at: 'criteria' });
    expect(placeOf(null, drafts)).toStrictEqual({ at: 'form' });
    expect(placeOf('/id', drafts)).toStrictEqual({ at: 'form' });
  });

  it('reads JSON Pointer escapes', () => {
    expect(pointerTokens('/a~1b/c~0d')).toStrictEqual(['a/b', 'c~d']);
    expect(pointerTokens('')).toStrictEqual([]);
  });
});

describe('the expression text', () => {
  it('quotes a name where the gateway would not read it bare', () => {
    expect(nameText('Antivirus')).toBe('Antivirus');
    expect(nameText('OS updates')).toBe('"OS updates"');
    expect(nameText('a(b')).toBe('"a(b"');
    expect(nameText('AND')).toBe('"AND"');
  });

  it('appends a name where one is expected, else with and', () => {
    expect(appendName('', 'OS updates')).toBe('"OS updates"');
    expect(appendName('Antivirus', 'Firewall')).toBe('Antivirus and Firewall');
    expect(appendName('Antivirus or ', 'Firewall')).toBe('Antivirus or Firewall');
    expect(appendName('Antivirus AND', 'Firewall')).toBe('Antivirus AND Firewall');
    expect(appendName('Antivirus and (', 'Firewall')).toBe('Antivirus and (Firewall');
    expect(appendName('Brand', 'Firewall')).toBe('Brand and Firewall');
    expect(appendName('"Tor"', 'Firewall')).toBe('"Tor" and Firewall');
  });
});

describe('moving an access rule one place', () => {
  const rule = (id: string, position: number, created = '2026-12-01T08:00:00.000Z'): Placed => ({
    id,
    position,
    created_at: created,
  });
  const order = (rules: Placed[], id: string, position: number): string[] =>
    rules
      .map((r) => (r.id === id ? { ...r, position } : r))
      .sort(compareRules)
      .map((r) => r.id);
  const moved = (rules: Placed[], id: string, direction: -1 | 1): string[] => {
    const move = moveOne(rules, id, direction);
    if (!move.ok) throw new Error(move.reason);
    return order(rules, id, move.position);
  };

  it('takes a position between the new neighbours, moving nothing else', () => {
    const rules = [rule('a', 10), rule('b', 20), rule('c', 30)];
    expect(moveOne(rules, 'c', -1)).toStrictEqual({ ok: true, position: 15 });
    expect(moved(rules, 'c', -1)).toStrictEqual(['a', 'c', 'b']);
    expect(moveOne(rules, 'b', -1)).toStrictEqual({ ok: true, position: 4 });
    expect(moved(rules, 'a', 1)).toStrictEqual(['b', 'a', 'c']);
    expect(moveOne(rules, 'b', 1)).toStrictEqual({ ok: true, position: 40 });
  });

  it('uses equal positions where age still orders the rule right', () => {
    const older = '2026-12-01T08:00:00.000Z';
    const newer = '2026-12-01T09:00:00.000Z';
    // c is newer than b: at b's position it would still come after b; at a's (older than c) it comes after a.
    const rules = [rule('a', 10, older), rule('b', 11, older), rule('c', 12, newer)];
    expect(moved(rules, 'c', -1)).toStrictEqual(['a', 'c', 'b']);
    // Two rules at one position, the newer moved up: the older's position cannot put it first; below it can.
    const tied = [rule('x', 0, older), rule('y', 0, newer)];
    expect(moveOne(tied, 'y', -1)).toStrictEqual({ ok: false, reason: 'noRoom' });
    expect(moved(tied, 'x', 1)).toStrictEqual(['y', 'x']);
  });

  it('refuses at the edges, for unknown rules, and above the largest position', () => {
    const rules = [rule('a', 10), rule('b', 999_999_999)];
    expect(moveOne(rules, 'a', -1)).toStrictEqual({ ok: false, reason: 'edge' });
    expect(moveOne(rules, 'b', 1)).toStrictEqual({ ok: false, reason: 'edge' });
    expect(moveOne(rules, 'zz', 1)).toStrictEqual({ ok: false, reason: 'noRule' });
    // Below b only 999999999 is left, where b's age (here: its id) still comes first.
    expect(moveOne(rules, 'a', 1)).toStrictEqual({ ok: false, reason: 'noRoom' });
  });
});

describe('allPages', () => {
  it('follows next_cursor to the end', async () => {
    const pages: Record<string, { items: number[]; next_cursor: string | null }> = {
      first: { items: [1, 2], next_cursor: 'two' },
      two: { items: [3], next_cursor: null },
    };
    await expect(
      allPages((cursor) => Promise.resolve(pages[cursor ?? 'first'] ?? { items: [], next_cursor: null })),
    ).resolves.toStrictEqual([1, 2, 3]);
  });
});
