// The event log: /api/v1/events (DECISIONS 23).
import Type from 'typebox';
import type { ApiApp, ApiContext } from './context.js';
import { invalidField } from './errors.js';
import { errorReplies, ItemsOf, Timestamp } from './schemas.js';

const EventItem = Type.Object({
  at: Timestamp,
  kind: Type.String(),
  account: Type.Union([Type.String(), Type.Null()]),
  source_address: Type.Union([Type.String(), Type.Null()]),
  detail: Type.String(),
});

const defaultLimit = 100;
const maxLimit = 1000;

export function registerEventRoutes(app: ApiApp, ctx: ApiContext): void {
  const { store } = ctx.deps;
  app.get(
    '/api/v1/events',
    {
      schema: {
        summary: 'The newest events, newest first',
        tags: ['events'],
        querystring: Type.Object(
          { limit: Type.Optional(Type.String({ description: `1 to ${maxLimit}, default ${defaultLimit}` })) },
          { additionalProperties: false },
        ),
        response: { 200: ItemsOf(EventItem), ...errorReplies },
      },
    },
    async (request) => {
      const limit = parseLimit(request.query.limit);
      const events = await store.events.list(limit);
      return {
        items: events.map((event) => ({
          at: event.at.toISOString(),
          kind: event.kind,
          account: event.account,
          source_address: event.sourceAddress,
          detail: event.detail,
        })),
      };
    },
  );
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return defaultLimit;
  const limit = /^[0-9]{1,4}$/.test(text) ? Number(text) : NaN;
  if (!(limit >= 1 && limit <= maxLimit)) {
    throw invalidField('/limit', `query parameter "limit" must be a whole number from 1 to ${maxLimit}`);
  }
  return limit;
}
