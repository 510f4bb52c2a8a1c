// DECISIONS 44's list shape through the real API: users (in memory) and the event log (in the store).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, errorOf, type Harness } from './harness.js';

let h: Harness;

beforeEach(async () => {
  h = await createHarness();
});

afterEach(async () => {
  await h.close();
});

interface PageBody<T> {
  items: T[];
  total: number;
  next_cursor: string | null;
}

const get = async <T>(url: string): Promise<PageBody<T>> => {
  const response = await h.asViewer({ method: 'GET', url });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<PageBody<T>>();
};

describe('an administrator-object list: users', () => {
  beforeEach(async () => {
    for (const name of ['dave', 'alice', 'carol', 'bob', 'alina']) {
      await h.store.users.create({
        id: `u-${name}`,
        name,
        passwordHash: 'x',
        disabled: false,
        createdAt: h.clock.now(),
      });
      h.clock.advance(1000);
    }
  });

  it('searches, sorts either way, and pages with next_cursor', async () => {
    const found = await get<{ name: string }>('/api/v1/users?search=AL');
    expect(found.items.map((u) => u.name)).toStrictEqual(['alice', 'alina']);
    expect(found.total).toBe(2);
    expect(found.next_cursor).toBeNull();

    const newest = await get<{ name: string }>('/api/v1/users?sort=-created_at&limit=2');
    expect(newest.items.map((u) => u.name)).toStrictEqual(['alina', 'bob']);
    expect(newest.total).toBe(5);
    const rest = await get<{ name: string }>(
      `/api/v1/users?sort=-created_at&limit=2&cursor=${newest.next_cursor ?? ''}`,
    );
    expect(rest.items.map((u) => u.name)).toStrictEqual(['carol', 'alice']);
    const end = await get<{ name: string }>(
      `/api/v1/users?sort=-created_at&limit=2&cursor=${rest.next_cursor ?? ''}`,
    );
    expect(end.items.map((u) => u.name)).toStrictEqual(['dave']);
    expect(end.next_cursor).toBeNull();
  });

  it('names the fields it sorts by, and refuses a cursor of another search', async () => {
    const bad = await h.asViewer({ method: 'GET', url: '/api/v1/users?sort=disabled' });
    expect(errorOf(bad)).toStrictEqual({
      code: 'invalid_field',
      message: 'cannot sort by "disabled": sort by one of name, created_at (prefix "-" for descending)',
      field: '/sort',
    });
    const first = await get('/api/v1/users?limit=1');
    const other = await h.asViewer({
      method: 'GET',
      url: `/api/v1/users?limit=1&search=a&cursor=${first.next_cursor ?? ''}`,
    });
    expect(errorOf(other).field).toBe('/cursor');
    const unknown = await h.asViewer({ method: 'GET', url: '/api/v1/users?page=2' });
    expect(unknown.statusCode).toBe(400);
  });
});

describe('the event log', () => {
  interface EventItem {
    at: string;
    kind: string;
    account: string | null;
    detail: string;
  }

  beforeEach(async () => {
    const base = new Date('2026-12-01T09:00:00.000Z').getTime();
    for (let i = 0; i < 30; i++) {
      await h.store.events.append({
        at: new Date(base + Math.floor(i / 2) * 60_000),
        kind: i % 3 === 0 ? 'login_failed' : 'login',
        account: i % 5 === 0 ? 'bob' : 'alice',
        sourceAddress: `198.18.0.${i}`,
        detail: `event ${i}`,
      });
    }
  });

  it('pages the newest first by default through every event once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let round = 0; round < 10; round++) {
      const page: PageBody<EventItem> = await get<EventItem>(
        `/api/v1/events?limit=7${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      expect(page.total).toBe(30);
      seen.push(...page.items.map((e) => e.detail));
      cursor = page.next_cursor;
      if (cursor === null) break;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    expect(seen[0]).toBe('event 29');
    expect(seen.at(-1)).toBe('event 0');
  });

  it('filters by kinds, account and a time window, and searches', async () => {
    const failed = await get<EventItem>('/api/v1/events?kind=login_failed&account=bob&sort=at');
    expect(failed.items.map((e) => e.detail)).toStrictEqual(['event 0', 'event 15']);
    const window = await get<EventItem>(
      '/api/v1/events?since=2026-12-01T09:01:00Z&until=2026-12-01T09:02:00Z&sort=at',
    );
    expect(window.items.map((e) => e.detail)).toStrictEqual(['event 2', 'event 3']);
    const both = await get<EventItem>('/api/v1/events?kind=login,login_failed&search=198.18.0.2&sort=at');
    expect(both.items.map((e) => e.detail)).toStrictEqual([
      'event 2',
      ...Array.from({ length: 10 }, (_, i) => `event ${20 + i}`),
    ]);
  });

  it('says what is wrong with a kind, a time or a sort', async () => {
    const kind = await h.asViewer({ method: 'GET', url: '/api/v1/events?kind=login,logon' });
    expect(errorOf(kind).field).toBe('/kind');
    expect(errorOf(kind).message).toMatch(/^unknown event kind "logon": the kinds are login, login_failed, /);
    const since = await h.asViewer({ method: 'GET', url: '/api/v1/events?since=yesterday' });
    expect(errorOf(since)).toStrictEqual({
      code: 'invalid_field',
      message: 'query parameter "since" must be an ISO 8601 time, e.g. 2026-12-01T09:00:00Z',
      field: '/since',
    });
    const sort = await h.asViewer({ method: 'GET', url: '/api/v1/events?sort=kind' });
    expect(errorOf(sort).field).toBe('/sort');
    const first = await get('/api/v1/events?limit=3');
    const other = await h.asViewer({
      method: 'GET',
      url: `/api/v1/events?limit=3&kind=login&cursor=${first.next_cursor ?? ''}`,
    });
    expect(errorOf(other).field).toBe('/cursor');
  });
});
