// The event log page's pure parts (src/pages/events/): the kinds against the core's, the filters in the
// URL and for the API, local datetime-local values as ISO 8601, the CSV and JSON Lines of the export,
// and the export's paging through every page.
import { EVENT_KINDS, type EventKind as CoreKind } from '@kordon/core';
import { describe, expect, it } from 'vitest';
import type { EventItem, EventPage } from '../src/pages/events/api.js';
import { exportAll, type FetchEventPage } from '../src/pages/events/exportAll.js';
import { csvCell, csvHeader, csvRow, guardFormula, jsonLine } from '../src/pages/events/exportFormats.js';
import {
  apiFilters,
  eventKinds,
  exportFileName,
  filterFieldOf,
  filtersFromSearch,
  hasFilters,
  isoToLocalInput,
  kindLabel,
  localInputToIso,
  noFilters,
  searchOfFilters,
  type EventKind,
} from '../src/pages/events/model.js';
import { en } from '../src/i18n/en.js';

// A kind the core adds (or drops) and the console's list does not fails to compile here.
const sameKinds: [Exclude<CoreKind, EventKind>, Exclude<EventKind, CoreKind>] extends [never, never]
  ? true
  : false = true;

describe('event kinds', () => {
  it('are the core’s EVENT_KINDS, each with words', () => {
    expect(sameKinds).toBe(true);
    expect([...eventKinds]).toEqual([...EVENT_KINDS]);
    for (const kind of eventKinds) {
      const key = kindLabel(kind);
      expect(key).not.toBeNull();
      if (key !== null) expect(en[key]).toBeTruthy();
    }
    expect(kindLabel('no_such_kind')).toBeNull();
  });
});

describe('the filters in the URL', () => {
  it('reads and writes ?kind=a,b&account=&since=&until=&search=&sort=at', () => {
    const filters = filtersFromSearch(
      '?kind=login,login_failed&account=alice&since=2026-12-01T08:00:00.000Z&until=2026-12-02T08:00:00.000Z&search=wrong%20pass&sort=at&other=x',
    );
    expect(filters).toEqual({
      kinds: ['login', 'login_failed'],
      account: 'alice',
      since: '2026-12-01T08:00:00.000Z',
      until: '2026-12-02T08:00:00.000Z',
      search: 'wrong pass',
      oldestFirst: true,
    });
    expect(searchOfFilters(filters)).toBe(
      '?kind=login,login_failed&account=alice&since=2026-12-01T08%3A00%3A00.000Z&until=2026-12-02T08%3A00%3A00.000Z&search=wrong+pass&sort=at',
    );
    expect(filtersFromSearch(searchOfFilters(filters))).toEqual(filters);
  });

  it('is empty without filters; newest first is the default; blanks and repeats are dropped', () => {
    expect(searchOfFilters(noFilters)).toBe('');
    expect(filtersFromSearch('')).toEqual(noFilters);
    expect(filtersFromSearch('?kind=,login,,login&sort=-at')).toEqual({ ...noFilters, kinds: ['login'] });
    expect(hasFilters(noFilters)).toBe(false);
    expect(hasFilters({ ...noFilters, oldestFirst: true })).toBe(false);
    expect(hasFilters({ ...noFilters, account: ' alice ' })).toBe(true);
  });

  it('asks the API only what is set, trimmed; keeps a kind it does not know (the API names it)', () => {
    expect(apiFilters(noFilters)).toEqual({});
    expect(
      apiFilters({ ...noFilters, kinds: ['login', 'newer_kind'], account: ' bob ', search: '  ' }),
    ).toEqual({
      kind: 'login,newer_kind',
      account: 'bob',
    });
    expect(filterFieldOf('/kind')).toBe('kinds');
    expect(filterFieldOf('/since')).toBe('since');
    expect(filterFieldOf('/until')).toBe('until');
    expect(filterFieldOf('/account')).toBe('account');
    expect(filterFieldOf('/cursor')).toBeNull();
    expect(filterFieldOf(null)).toBeNull();
  });
});

describe('datetime-local values in the browser’s time zone', () => {
  it('become ISO 8601 UTC of that local moment, and back', () => {
    expect(localInputToIso('2026-12-01T09:00')).toBe(new Date(2026, 11, 1, 9, 0).toISOString());
    expect(localInputToIso('2026-12-01T09:00:05')).toBe(new Date(2026, 11, 1, 9, 0, 5).toISOString());
    expect(localInputToIso('2026-12-01T09:00:05.5')).toBe(new Date(2026, 11, 1, 9, 0, 5, 500).toISOString());
    expect(localInputToIso('2026-12-01T09:00')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(isoToLocalInput(new Date(2026, 11, 1, 9, 0, 5).toISOString())).toBe('2026-12-01T09:00:05');
    const iso = '2026-07-15T23:59:59.000Z';
    expect(localInputToIso(isoToLocalInput(iso))).toBe(iso);
  });

  it('keep years before 100 and after 9999 as written', () => {
    expect(new Date(localInputToIso('0050-01-02T03:04') ?? '').getFullYear()).toBe(50);
    expect(localInputToIso('10000-01-01T00:00')).toMatch(/^\+010000-/);
    expect(isoToLocalInput(localInputToIso('10000-01-01T00:00') ?? '')).toBe('10000-01-01T00:00:00');
  });

  it('refuse what is no such moment; empty stays empty', () => {
    expect(localInputToIso('')).toBe('');
    expect(isoToLocalInput('')).toBe('');
    expect(isoToLocalInput('yesterday')).toBe('');
    for (const bad of [
      '2026-02-31T09:00',
      '2026-12-01T24:00',
      '2026-12-01T09:60',
      '2026-12-01 09:00',
      '2026-13-01T09:00',
      'x',
    ])
      expect(localInputToIso(bad), bad).toBeNull();
  });
});

function item(n: number, detail = `event ${n}`): EventItem {
  return {
    at: new Date(Date.UTC(2026, 11, 1, 9) - n * 1000).toISOString(),
    kind: 'user_changed',
    account: n % 2 === 0 ? `user${n}` : null,
    source_address: n % 3 === 0 ? '192.0.2.7' : null,
    detail,
  };
}

describe('CSV (RFC 4180)', () => {
  it('has a header row and CRLF line ends; times in ISO 8601 UTC; null is empty', () => {
    expect(csvHeader()).toBe('at,kind,account,source_address,detail\r\n');
    expect(csvRow(item(0))).toBe('2026-12-01T09:00:00.000Z,user_changed,user0,192.0.2.7,event 0\r\n');
    expect(csvRow(item(1))).toBe('2026-12-01T08:59:59.000Z,user_changed,,,event 1\r\n');
    expect(csvRow({ ...item(1), at: '2026-12-01T12:00:00+03:00' })).toMatch(/^2026-12-01T09:00:00\.000Z,/);
  });

  it('quotes a field with a comma, a quote, CR or LF, its quotes doubled', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvCell('plain text')).toBe('plain text');
    expect(csvCell(null)).toBe('');
    expect(csvRow(item(1, 'user "a,b" created\nby root'))).toBe(
      '2026-12-01T08:59:59.000Z,user_changed,,,"user ""a,b"" created\nby root"\r\n',
    );
  });

  it('guards a cell a spreadsheet would run as a formula with a leading quote', () => {
    expect(guardFormula('=1+1')).toBe("'=1+1");
    expect(guardFormula('+1')).toBe("'+1");
    expect(guardFormula('-1')).toBe("'-1");
    expect(guardFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(guardFormula('\tx')).toBe("'\tx");
    expect(guardFormula('\rx')).toBe("'\rx");
    expect(guardFormula('a=1')).toBe('a=1');
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
    expect(csvRow({ ...item(0), account: '-x', detail: '@cmd' })).toBe(
      "2026-12-01T09:00:00.000Z,user_changed,'-x,192.0.2.7,'@cmd\r\n",
    );
  });
});

describe('JSON Lines', () => {
  it('is one API item per line, as the API gave it', () => {
    const line = jsonLine(item(0, 'a\nb "c"'));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(item(0, 'a\nb "c"'));
    expect(Object.keys(JSON.parse(line) as object)).toEqual([
      'at',
      'kind',
      'account',
      'source_address',
      'detail',
    ]);
  });
});

describe('the export', () => {
  const all = Array.from({ length: 2500 }, (_, n) => item(n));
  const pages: FetchEventPage = (cursor) => {
    const start = cursor === null ? 0 : Number(cursor);
    const items = all.slice(start, start + 1000);
    const next = start + 1000 < all.length ? String(start + 1000) : null;
    return Promise.resolve<EventPage>({ items, total: all.length, next_cursor: next });
  };

  it('pages until next_cursor is null, telling the count as it goes', async () => {
    const asked: (string | null)[] = [];
    const told: number[] = [];
    const { parts, count } = await exportAll(
      (cursor, signal) => {
        asked.push(cursor);
        return pages(cursor, signal);
      },
      jsonLine,
      ({ done, total }) => {
        told.push(done);
        expect(total).toBe(2500);
      },
      new AbortController().signal,
    );
    expect(asked).toEqual([null, '1000', '2000']);
    expect(told).toEqual([1000, 2000, 2500]);
    expect(count).toBe(2500);
    const lines = parts.join('').split('\n').slice(0, -1);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(all);
  });

  it('stops when cancelled, asking no more pages', async () => {
    const controller = new AbortController();
    let asked = 0;
    const run = exportAll(
      async (cursor, signal) => {
        asked++;
        const page = await pages(cursor, signal);
        if (asked === 2) controller.abort();
        return page;
      },
      csvRow,
      () => undefined,
      controller.signal,
    );
    await expect(run).rejects.toThrow();
    expect(asked).toBe(2);
  });

  it('is named kordon-events-<YYYYMMDD-HHMMSS> in UTC', () => {
    const at = new Date(Date.UTC(2026, 11, 3, 7, 5, 9));
    expect(exportFileName(at, 'csv')).toBe('kordon-events-20261203-070509.csv');
    expect(exportFileName(at, 'jsonl')).toBe('kordon-events-20261203-070509.jsonl');
  });
});
