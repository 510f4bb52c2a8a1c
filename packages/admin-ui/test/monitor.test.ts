// The monitor's model (src/pages/monitor/sessions.ts) and the console's routes, without a browser:
// the query it sends, paging into the loaded rows, and the stream's events applied to them.
import { describe, expect, it } from 'vitest';
import type { SessionItem, SessionPage, SessionQuery } from '../src/api/types.js';
import {
  endedId,
  fetchMore,
  fetchWindow,
  initialQuery,
  isSessionItem,
  parseEvent,
  patched,
  queryOf,
  removed,
  sortedBy,
} from '../src/pages/monitor/sessions.js';
import { routeOf } from '../src/router.js';

function session(n: number): SessionItem {
  return {
    id: `s${String(n).padStart(5, '0')}`,
    account: `user${n}`,
    source_address: `10.0.${n >> 8}.${n & 255}`,
    tunnel_ipv4: null,
    vpn: false,
    local: true,
    device: `10.0.${n >> 8}.${n & 255}`,
    method: 'password',
    since: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    node: 'gw',
    worker: '0',
    posture: null,
    rx_bytes: null,
    tx_bytes: null,
  };
}

/** A gateway holding `count` sessions in order, paging by a cursor that is the next index. */
function gateway(count: number) {
  const all = Array.from({ length: count }, (_, n) => session(n));
  const asked: SessionQuery[] = [];
  const fetchPage = (query: SessionQuery): Promise<SessionPage> => {
    asked.push(query);
    const start = query.cursor === undefined ? 0 : Number(query.cursor);
    const end = Math.min(all.length, start + Number(query.limit));
    return Promise.resolve({
      items: all.slice(start, end),
      total: all.length,
      next_cursor: end < all.length ? String(end) : null,
    });
  };
  return { all, asked, fetchPage };
}

describe('queryOf and sortedBy', () => {
  it('sends the sort, the trimmed search, only VPN users and the cursor only when set', () => {
    expect(queryOf(initialQuery, 200, null)).toStrictEqual({ limit: '200', sort: 'since' });
    expect(
      queryOf({ search: ' alice ', sort: 'account', descending: true, vpnOnly: true }, 5000, 'c1'),
    ).toStrictEqual({
      limit: '1000',
      sort: '-account',
      search: 'alice',
      vpn_only: 'true',
      cursor: 'c1',
    });
  });

  it('a second click on the same column turns the order round; another column starts ascending', () => {
    const byAccount = sortedBy(initialQuery, 'account');
    expect(byAccount).toMatchObject({ sort: 'account', descending: false });
    expect(sortedBy(byAccount, 'account')).toMatchObject({ sort: 'account', descending: true });
    expect(sortedBy(sortedBy(byAccount, 'account'), 'node')).toMatchObject({
      sort: 'node',
      descending: false,
    });
  });
});

describe('paging', () => {
  it('fetchWindow loads at least a page, in pages of at most 1000, and stops at the end', async () => {
    const gw = gateway(10_000);
    const first = await fetchWindow(gw.fetchPage, initialQuery, 0);
    expect(first.rows).toHaveLength(200);
    expect(first.total).toBe(10_000);
    expect(first.next).toBe('200');

    gw.asked.length = 0;
    const far = await fetchWindow(gw.fetchPage, initialQuery, 2400);
    expect(far.rows.map((row) => row.id)).toStrictEqual(gw.all.slice(0, 2400).map((row) => row.id));
    expect(gw.asked.map((query) => query.limit)).toStrictEqual(['1000', '1000', '400']);

    const small = gateway(3);
    expect(await fetchWindow(small.fetchPage, initialQuery, 5000)).toMatchObject({ total: 3, next: null });
  });

  it('fetchMore appends the next page, larger when the view is far ahead, and nothing at the end', async () => {
    const gw = gateway(10_000);
    let loaded = await fetchWindow(gw.fetchPage, initialQuery, 200);
    loaded = await fetchMore(gw.fetchPage, initialQuery, loaded, 230);
    expect(loaded.rows).toHaveLength(400);
    loaded = await fetchMore(gw.fetchPage, initialQuery, loaded, 1300);
    expect(loaded.rows).toHaveLength(1400);
    expect(new Set(loaded.rows.map((row) => row.id)).size).toBe(1400);
    const done = { rows: loaded.rows, total: 1400, next: null };
    expect(await fetchMore(gw.fetchPage, initialQuery, done, 5000)).toBe(done);
  });
});

describe('live changes', () => {
  const loaded = { rows: [session(1), session(2), session(3)], total: 10, next: 'more' };

  it('a changed session is patched where it is, and one not loaded changes nothing', () => {
    const changed = { ...session(2), worker: null };
    const after = patched(loaded, changed);
    expect(after.rows[1]).toBe(changed);
    expect(after.rows).toHaveLength(3);
    expect(patched(loaded, session(99))).toBe(loaded);
  });

  it('an ended session is removed with the total; one not loaded asks for a recount while pages remain', () => {
    const after = removed(loaded, 's00002');
    expect(after.loaded.rows.map((row) => row.id)).toStrictEqual(['s00001', 's00003']);
    expect(after.loaded.total).toBe(9);
    expect(after.recount).toBe(false);
    expect(removed(loaded, 's00099')).toStrictEqual({ loaded, recount: true });
    const all = { ...loaded, total: 3, next: null };
    expect(removed(all, 's00099')).toStrictEqual({ loaded: all, recount: false });
  });

  it('reads the events defensively', () => {
    expect(isSessionItem(parseEvent(JSON.stringify(session(1))))).toBe(true);
    expect(isSessionItem(parseEvent('{"id":1}'))).toBe(false);
    expect(parseEvent('not json')).toBeNull();
    expect(endedId(parseEvent('{"id":"s1"}'))).toBe('s1');
    expect(endedId(parseEvent('{}'))).toBeNull();
  });
});

describe('routes', () => {
  it('/admin/ is the monitor; each page has its path; anything else is no page', () => {
    expect(routeOf('/admin/')).toBe('monitor');
    expect(routeOf('/admin')).toBe('monitor');
    expect(routeOf('/admin/settings')).toBe('settings');
    expect(routeOf('/admin/vpn-rules/')).toBe('vpn-rules');
    expect(routeOf('/admin/nothing')).toBe('not-found');
    expect(routeOf('/elsewhere')).toBe('not-found');
  });
});
