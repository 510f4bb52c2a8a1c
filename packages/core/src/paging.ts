// Lists of the management API (DECISIONS 44): search, sort and keyset paging over items in memory.
// The order is total, (sort key, id), so a page boundary never splits or repeats an item even while
// items come and go between pages.

export type SortKey = string | number | null;

export interface ListSpec<T> {
  id: (item: T) => string;
  /** The texts a search looks in (lower-cased substring match). */
  searchText: (item: T) => readonly (string | null)[];
  /** The fields that can be sorted on, and each one's key. */
  sortKeys: Readonly<Record<string, (item: T) => SortKey>>;
  /** `field` or `-field`. */
  defaultSort: string;
}

export interface Sort {
  field: string;
  descending: boolean;
}

/** Where the previous page ended. */
export interface PagePosition {
  key: SortKey;
  id: string;
}

export interface PageRequest {
  search: string;
  sort: Sort;
  limit: number;
  after?: PagePosition | undefined;
}

export interface Page<T> {
  items: T[];
  /** Items matching the search, on every page. */
  total: number;
  /** The last item's position when more follow, else undefined. */
  last: PagePosition | undefined;
}

/** `field` or `-field` against the spec's fields; an error in words when it names none of them. */
/**
 * A key that orders rules as they are evaluated: by position, equal positions by age (the id breaks
 * what is left, as pageOf always does).
 */
export function evaluationOrderKey(position: number, createdAt: string): string {
  const offset = position + 2 ** 52;
  return `${String(offset).padStart(17, '0')} ${createdAt}`;
}

export function parseSort<T>(
  text: string | undefined,
  spec: ListSpec<T>,
): { ok: true; sort: Sort } | { ok: false; message: string } {
  const value = text === undefined || text === '' ? spec.defaultSort : text;
  const descending = value.startsWith('-');
  const field = descending ? value.slice(1) : value;
  if (!Object.hasOwn(spec.sortKeys, field)) {
    const fields = Object.keys(spec.sortKeys).join(', ');
    return {
      ok: false,
      message: `cannot sort by "${field}": sort by one of ${fields} (prefix "-" for descending)`,
    };
  }
  return { ok: true, sort: { field, descending } };
}

/** Ascending: nulls last; numbers before strings never meet (a field has one type). */
function compareKeys(a: SortKey, b: SortKey): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function pageOf<T>(all: readonly T[], request: PageRequest, spec: ListSpec<T>): Page<T> {
  const keyOf = spec.sortKeys[request.sort.field];
  if (keyOf === undefined) throw new Error(`no sort key ${request.sort.field}`);
  const direction = request.sort.descending ? -1 : 1;
  const needle = request.search.toLowerCase();
  const matching =
    needle === ''
      ? [...all]
      : all.filter((item) =>
          spec.searchText(item).some((text) => text?.toLowerCase().includes(needle) === true),
        );
  const keyed = matching.map((item) => ({ item, key: keyOf(item), id: spec.id(item) }));
  const order = (a: PagePosition, b: PagePosition): number =>
    direction * compareKeys(a.key, b.key) || direction * compareIds(a.id, b.id);
  keyed.sort(order);
  const { after } = request;
  const start = after === undefined ? 0 : firstAfter(keyed, after, order);
  const slice = keyed.slice(start, start + request.limit);
  const more = start + slice.length < keyed.length;
  const end = slice.at(-1);
  return {
    items: slice.map((entry) => entry.item),
    total: keyed.length,
    last: more && end !== undefined ? { key: end.key, id: end.id } : undefined,
  };
}

/** The index of the first entry ordered strictly after `position` (binary search). */
function firstAfter(
  sorted: readonly PagePosition[],
  position: PagePosition,
  order: (a: PagePosition, b: PagePosition) => number,
): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const entry = sorted[middle];
    if (entry !== undefined && order(entry, position) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
