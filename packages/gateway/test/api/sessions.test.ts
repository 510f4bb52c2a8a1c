// The sessions monitor's additions for the console: local or not, tunnel byte counters, and the live
// stream of changes (server-sent events over a real listener).
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCidr, type Session } from '@kordon/core';
import type { PeerTraffic } from '../../src/api/context.js';
import { createHarness, errorOf, type Harness } from './harness.js';

const bobKey = 'kCN1yZ7vW8cJ5qE0yZ3hM1nV2sT4uX6wY8zA0bC2dE4=';

function session(id: string, fields: Partial<Session> = {}): Session {
  return {
    id,
    account: 'alice',
    method: 'password',
    sourceAddress: '192.168.1.10',
    vpn: false,
    tunnelIpv4: null,
    device: '192.168.1.10',
    state: 'active',
    since: new Date('2026-11-26T09:00:00.000Z'),
    node: 'gw-1',
    holder: 'gw-1/0',
    graceUntil: null,
    resumeNonceHash: null,
    previousNonceHash: null,
    rotatedAt: null,
    posture: null,
    ...fields,
  };
}

const bob = (): Session =>
  session('vpn-1', {
    account: 'bob',
    sourceAddress: '198.18.0.20',
    vpn: true,
    tunnelIpv4: '100.64.0.2/32',
    device: bobKey,
    since: new Date('2026-11-26T09:30:00.000Z'),
  });

const parsedLan = parseCidr('192.168.0.0/16');
if (!parsedLan.ok) throw new Error(parsedLan.message);
const lan = parsedLan.cidr;

let h: Harness;
let counters: Map<string, PeerTraffic>;
let trafficReads: number;

beforeEach(async () => {
  counters = new Map([[bobKey, { rxBytes: 1200, txBytes: 34_000 }]]);
  trafficReads = 0;
  h = await createHarness({
    deps: {
      localNetworks: [lan],
      tunnelTraffic: () => {
        trafficReads++;
        return Promise.resolve(counters);
      },
      sessionStreamPollMs: 50,
    },
  });
  await h.store.sessions.insert(session('local-1'));
  await h.store.sessions.insert(bob());
});

afterEach(async () => {
  await h.close();
});

interface Item {
  id: string;
  local: boolean;
  rx_bytes: number | null;
  tx_bytes: number | null;
}

describe('session items', () => {
  it('say whether a session is local and carry the tunnel counters, null without a tunnel', async () => {
    const response = await h.asViewer({ method: 'GET', url: '/api/v1/sessions' });
    const items = response.json<{ items: Item[] }>().items;
    expect(items.map((i) => [i.id, i.local, i.rx_bytes, i.tx_bytes])).toStrictEqual([
      ['local-1', true, null, null],
      ['vpn-1', false, 1200, 34_000],
    ]);
  });

  it('local=true and local=false filter by it; other values are 400', async () => {
    const ids = async (query: string): Promise<string[]> =>
      (await h.asViewer({ method: 'GET', url: `/api/v1/sessions?${query}` }))
        .json<{ items: Item[] }>()
        .items.map((i) => i.id);
    expect(await ids('local=true')).toStrictEqual(['local-1']);
    expect(await ids('local=false')).toStrictEqual(['vpn-1']);
    expect(await ids('local=false&vpn_only=true')).toStrictEqual(['vpn-1']);
    const bad = await h.asViewer({ method: 'GET', url: '/api/v1/sessions?local=yes' });
    expect(bad.statusCode).toBe(400);
  });

  it('reads the counters at most once per two seconds however many lists are asked for', async () => {
    for (let i = 0; i < 5; i++) await h.asViewer({ method: 'GET', url: '/api/v1/sessions' });
    expect(trafficReads).toBe(1);
    h.clock.advance(2001);
    await h.asViewer({ method: 'GET', url: '/api/v1/sessions' });
    expect(trafficReads).toBe(2);
  });
});

/** Server-sent events read from a real connection, one `{event, data}` at a time. */
class EventReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async next(timeoutMs = 3000): Promise<{ event: string; data: unknown }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const lines = block.split('\n').filter((line) => !line.startsWith(':') && !line.startsWith('retry:'));
        if (lines.length === 0) continue;
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
        const data = lines.find((l) => l.startsWith('data: '))?.slice(6) ?? 'null';
        return { event, data: JSON.parse(data) };
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<never>((_resolve, reject) =>
          setTimeout(() => {
            reject(new Error(`no event within ${timeoutMs} ms`));
          }, left),
        ),
      ]);
      if (chunk.done) return { event: 'closed', data: null };
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }
}

async function openStream(
  token: string,
): Promise<{ events: EventReader; response: Response; close: () => void }> {
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as AddressInfo;
  const abort = new AbortController();
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/sessions/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  if (!response.body) throw new Error('no body');
  return {
    events: new EventReader(response.body.getReader()),
    response,
    close: () => {
      abort.abort();
    },
  };
}

describe('GET /api/v1/sessions/stream', () => {
  it('sends added, changed and ended as they happen in the store, not byte counts alone', async () => {
    const { events, response, close } = await openStream(h.viewerToken);
    try {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      // Let the stream take its first look before anything changes.
      await new Promise((resolve) => setTimeout(resolve, 150));
      counters.set(bobKey, { rxBytes: 99_999, txBytes: 99_999 });
      h.clock.advance(5000);
      await h.store.sessions.insert(
        session('local-2', { account: 'carol', sourceAddress: '192.168.1.11', device: '192.168.1.11' }),
      );
      const added = await events.next();
      expect(added.event).toBe('added');
      expect(added.data).toMatchObject({ id: 'local-2', account: 'carol', local: true, worker: '0' });

      await h.store.sessions.update({
        ...bob(),
        holder: null,
        graceUntil: new Date('2026-11-26T10:05:00.000Z'),
      });
      const changed = await events.next();
      expect(changed).toMatchObject({
        event: 'changed',
        data: { id: 'vpn-1', worker: null, rx_bytes: 99_999 },
      });

      await h.store.sessions.remove('local-1');
      expect(await events.next()).toStrictEqual({ event: 'ended', data: { id: 'local-1' } });
    } finally {
      close();
    }
  });

  it('ends the stream with signed_out once the caller may no longer listen', async () => {
    const { events, close } = await openStream(h.viewerToken);
    try {
      const tokens = await h.store.tokens.list();
      const viewer = tokens.find((t) => t.name === 'test-viewer');
      await h.store.tokens.remove(viewer!.id);
      expect(await events.next()).toStrictEqual({ event: 'signed_out', data: {} });
      expect((await events.next()).event).toBe('closed');
    } finally {
      close();
    }
  });

  it('is refused without authentication', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/v1/sessions/stream' });
    expect(response.statusCode).toBe(401);
  });
});

describe('paging, search and sort (DECISIONS 44)', () => {
  interface PageBody {
    items: { id: string; account: string }[];
    total: number;
    next_cursor: string | null;
  }
  const get = async (query: string) => h.asViewer({ method: 'GET', url: `/api/v1/sessions?${query}` });

  beforeEach(async () => {
    for (let i = 0; i < 25; i++) {
      await h.store.sessions.insert(
        session(`s-${String(i).padStart(2, '0')}`, {
          account: i % 2 === 0 ? `even${i}` : `odd${i}`,
          sourceAddress: `192.168.2.${i}`,
          device: `192.168.2.${i}`,
          since: new Date(Date.UTC(2026, 10, 26, 11, 0, i)),
        }),
      );
    }
  });

  it('pages with next_cursor until it is null, every session once, and counts them all', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let round = 0; round < 10; round++) {
      const response = await get(`limit=10${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(response.statusCode).toBe(200);
      const body = response.json<PageBody>();
      expect(body.total).toBe(27);
      seen.push(...body.items.map((i) => i.id));
      cursor = body.next_cursor;
      if (cursor === null) break;
    }
    expect(seen).toHaveLength(27);
    expect(new Set(seen).size).toBe(27);
    expect(seen.slice(0, 2)).toStrictEqual(['local-1', 'vpn-1']);
  });

  it('searches accounts and addresses, and sorts by a field either way', async () => {
    const found = (await get('search=ODD1&sort=-account')).json<PageBody>();
    expect(found.items.map((i) => i.account)).toStrictEqual([
      'odd19',
      'odd17',
      'odd15',
      'odd13',
      'odd11',
      'odd1',
    ]);
    expect(found.total).toBe(6);
    const byAddress = (await get('search=192.168.2.&sort=source_address&limit=3')).json<PageBody>();
    // By number: .0, .1, .2 (not .0, .1, .10).
    expect(byAddress.items.map((i) => i.id)).toStrictEqual(['s-00', 's-01', 's-02']);
  });

  it('refuses an unknown sort field, a bad limit and a cursor made for another sort', async () => {
    const sort = await get('sort=colour');
    expect(sort.statusCode).toBe(400);
    expect(errorOf(sort)).toStrictEqual({
      code: 'invalid_field',
      message:
        'cannot sort by "colour": sort by one of since, account, source_address, tunnel_ipv4, method, node, rx_bytes, tx_bytes (prefix "-" for descending)',
      field: '/sort',
    });
    expect(errorOf(await get('limit=0')).field).toBe('/limit');
    const first = (await get('limit=5')).json<PageBody>();
    const other = await get(`limit=5&sort=account&cursor=${first.next_cursor ?? ''}`);
    expect(errorOf(other)).toStrictEqual({
      code: 'invalid_field',
      message: 'this cursor was made for another sort, search or filter: start again without it',
      field: '/cursor',
    });
    const filtered = await get(`limit=5&vpn_only=true&cursor=${first.next_cursor ?? ''}`);
    expect(errorOf(filtered).field).toBe('/cursor');
    expect(errorOf(await get('cursor=bm90LW91cnM')).message).toBe(
      'cursor is not a next_cursor this gateway gave: start again without it',
    );
  });
});
