// The monitor's model without the DOM (unit-tested in test/monitor.test.ts): the query it asks the
// gateway, the sessions loaded so far (a prefix of all that match), and how the stream's events change them.
import type { SessionItem, SessionPage, SessionQuery } from '../../api/types';

export const pageSize = 200;
/** The API's largest page (limit 1 to 1000). */
const maxPage = 1000;

/** The sessions list's sortable fields (its OpenAPI description names them). */
export type SortField =
  'account' | 'source_address' | 'tunnel_ipv4' | 'method' | 'node' | 'since' | 'rx_bytes' | 'tx_bytes';

export interface Query {
  search: string;
  sort: SortField;
  descending: boolean;
  vpnOnly: boolean;
}

export const initialQuery: Query = { search: '', sort: 'since', descending: false, vpnOnly: false };

/** The sessions loaded so far, in the gateway's order: `rows` is a prefix of the `total` that match. */
export interface Loaded {
  rows: SessionItem[];
  total: number;
  /** The cursor of the page after `rows`, or null when `rows` holds them all. */
  next: string | null;
}

export function queryOf(query: Query, limit: number, cursor: string | null): SessionQuery {
  return {
    limit: String(Math.min(maxPage, Math.max(1, limit))),
    sort: `${query.descending ? '-' : ''}${query.sort}`,
    ...(query.search.trim() === '' ? {} : { search: query.search.trim() }),
    ...(query.vpnOnly ? { vpn_only: 'true' as const } : {}),
    ...(cursor === null ? {} : { cursor }),
  };
}

/** A click on a column's header: that column ascending, or the other way round if it was already. */
export function sortedBy(query: Query, field: SortField): Query {
  return { ...query, sort: field, descending: query.sort === field ? !query.descending : false };
}

export type FetchPage = (query: SessionQuery) => Promise<SessionPage>;

/** The first `count` sessions (at least one page), asked in pages of up to 1000. */
export async function fetchWindow(fetchPage: FetchPage, query: Query, count: number): Promise<Loaded> {
  const wanted = Math.max(pageSize, count);
  const rows: SessionItem[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await fetchPage(queryOf(query, Math.min(maxPage, wanted - rows.length), cursor));
    rows.push(...page.items);
    cursor = page.next_cursor;
    if (cursor === null || rows.length >= wanted || page.items.length === 0) {
      return { rows, total: page.total, next: cursor };
    }
  }
}

/** The next page after the loaded rows, sized to reach `upTo` rows (the user may have scrolled far). */
export async function fetchMore(
  fetchPage: FetchPage,
  query: Query,
  loaded: Loaded,
  upTo: number,
): Promise<Loaded> {
  if (loaded.next === null) return loaded;
  const limit = Math.max(pageSize, Math.ceil((upTo - loaded.rows.length) / pageSize) * pageSize);
  const page = await fetchPage(queryOf(query, limit, loaded.next));
  return { rows: [...loaded.rows, ...page.items], total: page.total, next: page.next_cursor };
}

/** "changed": the row patched in place where it is loaded. */
export function patched(loaded: Loaded, item: SessionItem): Loaded {
  const index = loaded.rows.findIndex((row) => row.id === item.id);
  if (index < 0) return loaded;
  const rows = loaded.rows.slice();
  rows[index] = item;
  return { ...loaded, rows };
}

/**
 * "ended" (or ended here): the row removed and the total one less. Whether a session not loaded
 * was counted is unknown while more pages remain: then `recount` says to ask again.
 */
export function removed(loaded: Loaded, id: string): { loaded: Loaded; recount: boolean } {
  const index = loaded.rows.findIndex((row) => row.id === id);
  if (index < 0) return { loaded, recount: loaded.next !== null };
  const rows = loaded.rows.slice();
  rows.splice(index, 1);
  return { loaded: { ...loaded, rows, total: Math.max(rows.length, loaded.total - 1) }, recount: false };
}

/** The stream's data, read defensively (a malformed event changes nothing). */
export function parseEvent(data: unknown): unknown {
  if (typeof data !== 'string') return null;
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

export function isSessionItem(value: unknown): value is SessionItem {
  return (
    typeof value === 'object' &&
    value !== null &&
    'id' in value &&
    typeof value.id === 'string' &&
    'account' in value &&
    typeof value.account === 'string' &&
    'since' in value &&
    typeof value.since === 'string'
  );
}

export function endedId(value: unknown): string | null {
  return typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string'
    ? value.id
    : null;
}
