import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageOf, parseSort, type ListSpec, type PagePosition } from './paging.js';

interface Row {
  id: string;
  name: string;
  size: number | null;
}

const spec: ListSpec<Row> = {
  id: (row) => row.id,
  searchText: (row) => [row.name],
  sortKeys: { name: (row) => row.name, size: (row) => row.size },
  defaultSort: 'name',
};

const rows: Row[] = [
  { id: 'c', name: 'Carol', size: 3 },
  { id: 'a', name: 'alice', size: null },
  { id: 'b', name: 'Bob', size: 3 },
  { id: 'd', name: 'alina', size: 1 },
];

function sortOf(text: string | undefined) {
  const parsed = parseSort(text, spec);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.sort;
}

describe('parseSort', () => {
  it('takes a field, "-" for descending, and the default when absent', () => {
    expect(sortOf(undefined)).toStrictEqual({ field: 'name', descending: false });
    expect(sortOf('-size')).toStrictEqual({ field: 'size', descending: true });
  });

  it('names the fields that can be sorted when given another', () => {
    expect(parseSort('colour', spec)).toStrictEqual({
      ok: false,
      message: 'cannot sort by "colour": sort by one of name, size (prefix "-" for descending)',
    });
    expect(parseSort('toString', spec).ok).toBe(false);
  });
});

describe('pageOf', () => {
  it('searches without regard to case, sorts with ties broken by id and nulls last', () => {
    const page = pageOf(rows, { search: 'AL', sort: sortOf('name'), limit: 10 }, spec);
    expect(page.items.map((r) => r.id)).toStrictEqual(['a', 'd']);
    expect(page.total).toBe(2);
    expect(page.last).toBeUndefined();
    const bySize = pageOf(rows, { search: '', sort: sortOf('size'), limit: 10 }, spec);
    expect(bySize.items.map((r) => r.id)).toStrictEqual(['d', 'b', 'c', 'a']);
    const descending = pageOf(rows, { search: '', sort: sortOf('-size'), limit: 10 }, spec);
    expect(descending.items.map((r) => r.id)).toStrictEqual(['a', 'c', 'b', 'd']);
  });

  it('continues after the last position even when that item has gone', () => {
    const first = pageOf(rows, { search: '', sort: sortOf('size'), limit: 2 }, spec);
    expect(first.items.map((r) => r.id)).toStrictEqual(['d', 'b']);
    expect(first.last).toStrictEqual({ key: 3, id: 'b' });
    const without = rows.filter((r) => r.id !== 'b');
    const next = pageOf(without, { search: '', sort: sortOf('size'), limit: 2, after: first.last }, spec);
    expect(next.items.map((r) => r.id)).toStrictEqual(['c', 'a']);
    expect(next.total).toBe(3);
  });

  it('pages through every matching item exactly once, in order, whatever the limit, search and sort', () => {
    const row = fc.record({
      name: fc.string({ maxLength: 4 }),
      size: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.tuple(
            fc.string({ unit: fc.constantFrom('a', 'b', 'c', '1', '2'), minLength: 1, maxLength: 4 }),
            row,
          ),
          {
            selector: ([id]) => id,
            maxLength: 40,
          },
        ),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom('name', '-name', 'size', '-size'),
        fc.string({ maxLength: 2 }),
        (entries, limit, sortText, search) => {
          const all = entries.map(([id, r]) => ({ id, ...r }));
          const sort = sortOf(sortText);
          const whole = pageOf(all, { search, sort, limit: 1000 }, spec);
          const seen: string[] = [];
          let after: PagePosition | undefined;
          for (let guard = 0; guard <= all.length; guard++) {
            const page = pageOf(all, { search, sort, limit, after }, spec);
            expect(page.total).toBe(whole.total);
            seen.push(...page.items.map((r) => r.id));
            if (page.last === undefined) break;
            after = page.last;
          }
          expect(seen).toStrictEqual(whole.items.map((r) => r.id));
        },
      ),
    );
  });
});
