// The event log: /api/v1/events (DECISIONS 23), paged in the store (it holds 90 days: DECISIONS 44's
// list shape, keyset on the time and the row id).
import Type from 'typebox';
import { EVENT_KINDS, type EventKind, type StoredEvent } from '@kordon/core';
import type { ApiApp, ApiContext } from './context.js';
import { invalidField } from './errors.js';
import { encodeCursor, PageOf, PageQuery, parsePage } from './paging.js';
import { errorReplies, Timestamp } from './schemas.js';

const EventItem = Type.Object({
  at: Timestamp,
  kind: Type.Enum([...EVENT_KINDS]),
  account: Type.Union([Type.String(), Type.Null()]),
  source_address: Type.Union([Type.String(), Type.Null()]),
  detail: Type.String(),
});

/** The spec the shared paging checks the sort against (the store does the rest). */
const eventList = {
  id: (event: StoredEvent) => String(event.id),
  searchText: (event: StoredEvent) => [event.detail, event.account, event.sourceAddress],
  sortKeys: { at: (event: StoredEvent) => event.at.getTime() },
  defaultSort: '-at',
};

export function registerEventRoutes(app: ApiApp, ctx: ApiContext): void {
  const { store } = ctx.deps;
  app.get(
    '/api/v1/events',
    {
      schema: {
        summary: 'The event log, newest first',
        description:
          'search: detail, account, source address; sort: -at (default, newest first) or at; ' +
          'filters: kind (comma-separated), account (exact), since (inclusive) and until (exclusive)',
        tags: ['events'],
        querystring: Type.Object(
          {
            ...PageQuery,
            kind: Type.Optional(Type.String({ description: `comma-separated: ${EVENT_KINDS.join(', ')}` })),
            account: Type.Optional(Type.String({ maxLength: 512 })),
            since: Type.Optional(Type.String({ description: 'ISO 8601' })),
            until: Type.Optional(Type.String({ description: 'ISO 8601' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(EventItem), ...errorReplies },
      },
    },
    async (request) => {
      const { kind, account, since, until } = request.query;
      const kinds = parseKinds(kind);
      const filters = { kinds, account, since: parseTime('since', since), until: parseTime('until', until) };
      const pageRequest = parsePage(request.query, eventList, JSON.stringify([kind, account, since, until]));
      const after = pageRequest.after;
      if (after !== undefined && (typeof after.key !== 'number' || !/^[0-9]{1,15}$/.test(after.id))) {
        throw invalidField(
          '/cursor',
          'cursor is not a next_cursor this gateway gave: start again without it',
        );
      }
      const { events, total } = await store.events.page({
        ...filters,
        search: pageRequest.search,
        ascending: !pageRequest.sort.descending,
        // One more than asked: whether another page follows.
        limit: pageRequest.limit + 1,
        after: after === undefined ? undefined : { at: new Date(Number(after.key)), id: Number(after.id) },
      });
      const items = events.slice(0, pageRequest.limit);
      const last = items.at(-1);
      return {
        items: items.map((event) => ({
          at: event.at.toISOString(),
          kind: event.kind,
          account: event.account,
          source_address: event.sourceAddress,
          detail: event.detail,
        })),
        total,
        next_cursor:
          events.length > pageRequest.limit && last !== undefined
            ? encodeCursor({ key: last.at.getTime(), id: String(last.id) }, pageRequest.context)
            : null,
      };
    },
  );
}

function parseKinds(text: string | undefined): EventKind[] | undefined {
  if (text === undefined || text === '') return undefined;
  const known = new Set<string>(EVENT_KINDS);
  const kinds = text.split(',').map((kind) => kind.trim());
  const unknown = kinds.filter((kind) => !known.has(kind));
  if (unknown.length > 0) {
    throw invalidField(
      '/kind',
      `unknown event kind ${unknown.map((k) => `"${k}"`).join(', ')}: the kinds are ${EVENT_KINDS.join(', ')}`,
    );
  }
  return kinds as EventKind[];
}

function parseTime(field: 'since' | 'until', text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const time = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text) ? new Date(text) : undefined;
  if (time === undefined || Number.isNaN(time.getTime())) {
    throw invalidField(
      `/${field}`,
      `query parameter "${field}" must be an ISO 8601 time, e.g. 2026-12-01T09:00:00Z`,
    );
  }
  return time;
}
