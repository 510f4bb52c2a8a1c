// The event log page in a real browser: events made through the API first (users, a group, a bulk of
// membership changes, a failed console sign-in from another browser context), then the page's rows,
// filters (also after a reload: they live in the URL), time window and exports compared with what
// GET /api/v1/events answers for the same query. Screenshots: test-results/console/events-NN-*.png.
import { readFile } from 'node:fs/promises';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { adminName, consoleUrl, viewerName, viewerPassword, type ConsoleEnv } from './env.js';

/** GET /api/v1/events's item and page (the shapes the test reads; the console's come from the schema). */
interface EventItem {
  at: string;
  kind: string;
  account: string | null;
  source_address: string | null;
  detail: string;
}
interface EventPage {
  items: EventItem[];
  total: number;
  next_cursor: string | null;
}

const heading = 'Event log';
// Unique per run: the gateway is shared by every console page's tests.
const tag = `ev${Date.now().toString(36).slice(-5)}`;
const alice = `${tag}alice`;
const bob = `${tag}bob`;
const team = `${tag}team`;
/** More membership changes than one export page (limit=1000) and than the page shows (100). */
const bulk = 1050;
/** How event details name the administrator acting through the console. */
const by = `admin "${adminName}"`;

async function eventsOf(env: ConsoleEnv, query: string): Promise<EventPage> {
  const reply = await env.rest<EventPage>('GET', `/api/v1/events${query}`);
  expect(reply.status).toBe(200);
  return reply.body;
}

/** Every item the query matches, paged with limit=1000 as the export does. */
async function allEventsOf(env: ConsoleEnv, query: string): Promise<EventItem[]> {
  const items: EventItem[] = [];
  let cursor: string | null = null;
  for (;;) {
    const params = new URLSearchParams(query);
    params.set('limit', '1000');
    if (cursor !== null) params.set('cursor', cursor);
    const page = await eventsOf(env, `?${params.toString()}`);
    items.push(...page.items);
    if (page.next_cursor === null) return items;
    cursor = page.next_cursor;
  }
}

const table = (page: Page) => page.getByRole('table', { name: 'Events' });
const countOf = (page: Page) => page.getByTestId('events-count');

/** The detail column of the rows shown. */
const detailsShown = (page: Page) => table(page).locator('tbody tr td:nth-child(5)').allTextContents();

/** Waits until the page shows the API's items for `query` (its total, and the rows' details in order). */
async function showsApi(env: ConsoleEnv, page: Page, query: string): Promise<EventPage> {
  const expected = await eventsOf(env, query);
  const count =
    expected.next_cursor === null
      ? `${expected.total} events`
      : `${expected.items.length} of ${expected.total} events shown`;
  await expect.poll(() => countOf(page).textContent()).toBe(count);
  await expect.poll(() => detailsShown(page)).toEqual(expected.items.map((item) => item.detail));
  return expected;
}

const queryOfUrl = (page: Page) => new URL(page.url()).search;

/** RFC 4180 records (quoted fields, doubled quotes, CRLF line ends). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += char;
  }
  expect(field, 'the file ends with CRLF').toBe('');
  return records;
}

const csvOf = (items: EventItem[]) =>
  items.map((item) => [item.at, item.kind, item.account ?? '', item.source_address ?? '', item.detail]);

async function exported(page: Page, button: string): Promise<{ download: Download; text: string }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  const path = await download.path();
  return { download, text: await readFile(path, 'utf8') };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function eventsPage(env: () => ConsoleEnv): void {
  describe('event log page', () => {
    it('makes events through the API: users, a group, many membership changes, a failed sign-in', async () => {
      const e = env();
      // The bulk in one page script: a thousand calls through env.rest would each ask /me first.
      expect(
        (await e.rest('POST', '/api/v1/users', { name: bob, password: 'bob password 123' })).status,
      ).toBe(201);
      expect((await e.rest('POST', '/api/v1/groups', { name: team })).status).toBe(201);
      const statuses = await e.page.evaluate(
        async ({ team, bob, bulk }) => {
          const me = (await (await fetch('/api/v1/me')).json()) as { csrf_token: string };
          const seen = new Set<number>();
          for (let n = 0; n < bulk; n++) {
            const reply = await fetch(`/api/v1/groups/${team}/members/${bob}`, {
              method: n % 2 === 0 ? 'PUT' : 'DELETE',
              headers: { 'x-csrf-token': me.csrf_token },
            });
            seen.add(reply.status);
          }
          return [...seen];
        },
        { team, bob, bulk },
      );
      expect(statuses).toEqual([204]);
      expect(
        (await e.rest('POST', '/api/v1/users', { name: alice, password: 'alice password 123' })).status,
      ).toBe(201);
      expect((await e.rest('PUT', `/api/v1/groups/${team}/members/${alice}`)).status).toBe(204);
      // A wrong password at the console's sign-in, from another browser: admin_login_failed.
      const other = await e.browser.newContext({ ignoreHTTPSErrors: true });
      const stranger = await other.newPage();
      await stranger.goto(consoleUrl);
      const refused = await stranger.evaluate(async (name) => {
        const reply = await fetch('/api/v1/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name, password: 'not the password 1' }),
        });
        return reply.status;
      }, adminName);
      expect(refused).toBe(401);
      await other.close();
      // The window's events, a second apart from those before and after (the time filter's test).
      await pause(1100);
      expect((await e.rest('PATCH', `/api/v1/users/${bob}`, { disabled: true })).status).toBe(200);
      expect((await e.rest('DELETE', `/api/v1/groups/${team}/members/${alice}`)).status).toBe(204);
      await pause(1100);
      expect((await e.rest('PATCH', `/api/v1/users/${bob}`, { disabled: false })).status).toBe(200);

      const failed = await eventsOf(e, '?kind=admin_login_failed');
      expect(failed.items[0]?.detail).toBe(`management API login failed for administrator "${adminName}"`);
      expect((await eventsOf(e, `?kind=group_changed&account=${bob}`)).total).toBe(bulk);
      expect((await eventsOf(e, `?kind=user_changed&account=${bob}`)).total).toBe(3);
    });

    it('shows the newest events first, a page at a time, with the total the API gives', async () => {
      const e = env();
      await e.open('events', heading);
      const first = await showsApi(e, e.page, '?limit=100');
      expect(first.items[0]?.detail).toBe(`enabled by ${by}`);
      // Shown as YYYY-MM-DD HH:MM:SS, which sorts as the moments do.
      const times = await table(e.page).locator('tbody tr td:nth-child(1)').allTextContents();
      expect(times).toEqual([...times].sort().reverse());
      // The kind in words, the account and the time in the browser's zone.
      const top = table(e.page).locator('tbody tr').first();
      await expect
        .poll(() => top.locator('td').allTextContents())
        .toEqual([
          await e.page.evaluate((at) => {
            const two = (n: number) => String(n).padStart(2, '0');
            const d = new Date(at);
            return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
          }, first.items[0]?.at ?? ''),
          'User changed',
          bob,
          '—',
          `enabled by ${by}`,
        ]);
      await e.shot('events-01-newest-first');
      await e.page.getByRole('button', { name: 'Show more' }).click();
      await expect.poll(() => table(e.page).locator('tbody tr').count()).toBe(Math.min(200, first.total));
      await e.shot('events-02-more');
    });

    it('filters by kind and account exactly as the API does, in the URL', async () => {
      const e = env();
      await e.open('events', heading);
      await e.page.getByLabel('User changed', { exact: true }).check();
      await e.page.getByLabel('Account', { exact: true }).fill(bob);
      await expect.poll(() => queryOfUrl(e.page)).toBe(`?kind=user_changed&account=${bob}`);
      const shown = await showsApi(e, e.page, `?kind=user_changed&account=${bob}`);
      expect(shown.items.map((item) => item.detail)).toEqual([
        `enabled by ${by}`,
        `disabled by ${by}`,
        `user created by ${by}`,
      ]);
      await e.shot('events-03-kind-and-account');
      // Oldest first is sort=at.
      await e.page.getByLabel('Order').selectOption({ label: 'Oldest first' });
      await expect.poll(() => queryOfUrl(e.page)).toBe(`?kind=user_changed&account=${bob}&sort=at`);
      await showsApi(e, e.page, `?kind=user_changed&account=${bob}&sort=at`);
      // A second kind: both, as the API's kind=a,b.
      await e.page.getByLabel('Account', { exact: true }).fill('');
      await e.page.getByLabel('Console sign-in refused', { exact: true }).check();
      await expect.poll(() => queryOfUrl(e.page)).toBe('?kind=user_changed,admin_login_failed&sort=at');
      await showsApi(e, e.page, '?kind=user_changed,admin_login_failed&sort=at');
      await e.shot('events-04-two-kinds');
    });

    it('keeps the filters through a reload (the URL), and clears them', async () => {
      const e = env();
      await e.open(`events?kind=user_changed&account=${bob}`, heading);
      await showsApi(e, e.page, `?kind=user_changed&account=${bob}`);
      await e.page.reload();
      await e.page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await expect(e.page.getByLabel('User changed', { exact: true }).isChecked()).resolves.toBe(true);
      await expect(e.page.getByLabel('Account', { exact: true }).inputValue()).resolves.toBe(bob);
      await showsApi(e, e.page, `?kind=user_changed&account=${bob}`);
      await e.shot('events-05-after-reload');
      await e.page.getByRole('button', { name: 'Clear filters' }).click();
      await expect.poll(() => queryOfUrl(e.page)).toBe('');
      await expect(e.page.getByLabel('User changed', { exact: true }).isChecked()).resolves.toBe(false);
      await showsApi(e, e.page, '?limit=100');
    });

    it('narrows the log to a time window (since inclusive, until exclusive) in local time', async () => {
      const e = env();
      const bobs = (await eventsOf(e, `?kind=user_changed&account=${bob}&sort=at`)).items;
      const [, disabled, enabled] = bobs;
      if (disabled === undefined || enabled === undefined) throw new Error('bob’s events are missing');
      // Whole seconds, as the inputs take them: the window's events are a second from the others.
      const floor = (at: string) => new Date(Math.floor(Date.parse(at) / 1000) * 1000).toISOString();
      const since = floor(disabled.at);
      const until = floor(enabled.at);
      await e.open('events', heading);
      const local = (iso: string) =>
        e.page.evaluate((at) => {
          const two = (n: number) => String(n).padStart(2, '0');
          const d = new Date(at);
          return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
        }, iso);
      await e.page.getByLabel('From', { exact: true }).fill(await local(since));
      await e.page.getByLabel('Until', { exact: true }).fill(await local(until));
      await expect
        .poll(() => {
          const params = new URL(e.page.url()).searchParams;
          return [params.get('since'), params.get('until')];
        })
        .toEqual([since, until]);
      const query = `?${new URLSearchParams({ since, until }).toString()}`;
      const window = await showsApi(e, e.page, query);
      expect(window.items.map((item) => item.detail)).toEqual([
        `"${alice}" removed from group "${team}" by ${by}`,
        `disabled by ${by}`,
      ]);
      expect(window.total).toBeLessThan((await eventsOf(e, '')).total);
      await e.shot('events-06-time-window');
      await e.page.reload();
      await e.page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await expect(e.page.getByLabel('From', { exact: true }).inputValue()).resolves.toBe(await local(since));
      await showsApi(e, e.page, query);
    });

    it('exports everything the filters match as CSV, not only the rows shown', async () => {
      const e = env();
      const query = `?kind=group_changed&account=${bob}`;
      await e.open(`events${query}`, heading);
      await showsApi(e, e.page, query);
      await expect(table(e.page).locator('tbody tr').count()).resolves.toBe(100);
      const { download, text } = await exported(e.page, 'Export CSV');
      expect(download.suggestedFilename()).toMatch(/^kordon-events-\d{8}-\d{6}\.csv$/);
      const records = parseCsv(text);
      expect(records[0]).toEqual(['at', 'kind', 'account', 'source_address', 'detail']);
      const items = await allEventsOf(e, query);
      expect(items).toHaveLength(bulk);
      expect(records.slice(1)).toEqual(csvOf(items));
      // The details start with a quote: the field quoted, its quotes doubled.
      const newest = items[0];
      if (newest === undefined) throw new Error('no items');
      expect(text.split('\r\n')[1]).toBe(
        `${newest.at},group_changed,${bob},,"${newest.detail.replaceAll('"', '""')}"`,
      );
      expect(newest.detail.startsWith(`"${bob}" `)).toBe(true);
      await expect
        .poll(() => e.page.getByText(`Exported ${bulk} events to ${download.suggestedFilename()}.`).count())
        .toBe(1);
      await e.shot('events-07-exported-csv');
    });

    it('counts the export as it goes, and Cancel stops it with no file', async () => {
      const e = env();
      const query = `?kind=group_changed&account=${bob}`;
      await e.open(`events${query}`, heading);
      await showsApi(e, e.page, query);
      // The export's second page (the one with a cursor) is held until the test has cancelled.
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const secondPage = (url: URL) => url.pathname === '/api/v1/events' && url.searchParams.has('cursor');
      await e.page.route(secondPage, async (route) => {
        await held;
        await route.abort().catch(() => undefined);
      });
      let downloads = 0;
      const counted = () => {
        downloads++;
      };
      e.page.on('download', counted);
      try {
        await e.page.getByRole('button', { name: 'Export CSV' }).click();
        await expect.poll(() => e.page.getByText(`Exporting: 1000 of ${bulk} events…`).count()).toBe(1);
        await expect(e.page.getByRole('button', { name: 'Export CSV' }).isDisabled()).resolves.toBe(true);
        await e.shot('events-08-export-counting');
        await e.page.getByRole('button', { name: 'Cancel' }).click();
        await expect.poll(() => e.page.getByText('Export cancelled.').count()).toBe(1);
        release();
        await pause(500);
        expect(downloads).toBe(0);
        await expect(e.page.getByRole('button', { name: 'Export CSV' }).isEnabled()).resolves.toBe(true);
      } finally {
        release();
        e.page.off('download', counted);
        await e.page.unroute(secondPage);
      }
    });

    it('exports JSON Lines: one API item per line, as the API gave it', async () => {
      const e = env();
      const query = `?kind=group_changed,user_changed&account=${bob}&sort=at`;
      await e.open(`events${query}`, heading);
      await showsApi(e, e.page, query);
      const { download, text } = await exported(e.page, 'Export JSON Lines');
      expect(download.suggestedFilename()).toMatch(/^kordon-events-\d{8}-\d{6}\.jsonl$/);
      const items = await allEventsOf(e, query);
      expect(items).toHaveLength(bulk + 3);
      expect(text).toBe(items.map((item) => `${JSON.stringify(item)}\n`).join(''));
      await e.shot('events-09-exported-jsonl');
    });

    it('guards CSV cells a spreadsheet would run as formulas', async () => {
      // No detail or name the gateway writes can start with "=" (names start with a letter or digit),
      // so the API's reply is replaced here by one that does; the unit test covers every case.
      const e = env();
      const crafted: EventItem[] = [
        {
          at: '2026-12-01T09:00:00.000Z',
          kind: 'user_changed',
          account: '+cmd',
          source_address: null,
          detail: '=HYPERLINK("http://example.invalid","click")',
        },
        {
          at: '2026-12-01T08:00:00.000Z',
          kind: 'login',
          account: '@x',
          source_address: '-1',
          detail: 'plain',
        },
      ];
      const isEvents = (url: URL) => url.pathname === '/api/v1/events';
      await e.page.route(isEvents, (route) =>
        route.fulfill({ json: { items: crafted, total: crafted.length, next_cursor: null } }),
      );
      try {
        await e.open('events?account=crafted', heading);
        await expect.poll(() => detailsShown(e.page)).toEqual(crafted.map((item) => item.detail));
        const { text } = await exported(e.page, 'Export CSV');
        expect(text).toBe(
          'at,kind,account,source_address,detail\r\n' +
            `2026-12-01T09:00:00.000Z,user_changed,'+cmd,,"'=HYPERLINK(""http://example.invalid"",""click"")"\r\n` +
            "2026-12-01T08:00:00.000Z,login,'@x,'-1,plain\r\n",
        );
        await e.shot('events-10-formula-guarded');
      } finally {
        await e.page.unroute(isEvents);
      }
    });

    it('shows an API error at its filter: a shared link naming an unknown kind', async () => {
      const e = env();
      const refused = await e.rest<{ error: { code: string; message: string; field: string } }>(
        'GET',
        '/api/v1/events?kind=user_changed,no_such_kind&limit=100',
      );
      expect(refused.status).toBe(400);
      expect(refused.body.error.field).toBe('/kind');
      await e.open('events?kind=user_changed,no_such_kind', heading);
      const kinds = e.page.getByRole('group', { name: 'Kinds' });
      await expect.poll(() => kinds.getByRole('alert').textContent()).toBe(refused.body.error.message);
      await expect(kinds.getAttribute('aria-describedby')).resolves.toBe('events-kinds-error');
      await e.shot('events-11-unknown-kind');
      await e.page.getByLabel('no_such_kind (unknown)').uncheck();
      await expect.poll(() => kinds.getByRole('alert').count()).toBe(0);
      await expect.poll(() => queryOfUrl(e.page)).toBe('?kind=user_changed');
      await showsApi(e, e.page, '?kind=user_changed');
      // A year the API cannot take (after 9999) is refused at "From".
      await e.page.getByLabel('From', { exact: true }).fill('10000-01-01T00:00:00');
      const sinceRefused = 'query parameter "since" must be an ISO 8601 time, e.g. 2026-12-01T09:00:00Z';
      await expect.poll(() => e.page.getByRole('alert').filter({ hasText: sinceRefused }).count()).toBe(1);
      await expect(e.page.getByLabel('From', { exact: true }).getAttribute('aria-describedby')).resolves.toBe(
        'events-since-error',
      );
      await e.shot('events-12-since-refused');
    });

    it('shows the viewer the same log and exports, with nothing to change; reading changes nothing', async () => {
      const e = env();
      const viewer = await e.signedIn(viewerName, viewerPassword);
      try {
        const before = (await eventsOf(e, '')).total;
        await e.open(`events?kind=user_changed&account=${bob}`, heading, viewer);
        await showsApi(e, viewer, `?kind=user_changed&account=${bob}`);
        await expect(viewer.getByText('You have the viewer role').count()).resolves.toBe(1);
        const { text } = await exported(viewer, 'Export CSV');
        expect(parseCsv(text).slice(1)).toEqual(
          csvOf(await allEventsOf(e, `?kind=user_changed&account=${bob}`)),
        );
        const buttons = await viewer.getByRole('main').getByRole('button').allTextContents();
        expect(buttons).toEqual(['Clear filters', 'Export CSV', 'Export JSON Lines']);
        await e.shot('events-13-viewer', viewer);
        expect((await eventsOf(e, '')).total).toBe(before);
      } finally {
        await viewer.context().close();
      }
    });
  });
}
