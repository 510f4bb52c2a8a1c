// Exemptions: /api/v1/exemptions (DECISIONS 72). Applied to the nftables table within a second
// through the change feed.
import Type from 'typebox';
import type { Exemption, ListSpec } from '@kordon/core';
import { actorOf, type ApiApp, type ApiContext } from './context.js';
import { page, PageOf, PageQuerystring } from './paging.js';
import { errorReplies, noContent, Timestamp } from './schemas.js';

const tags = ['exemptions'];

const Direction = Type.Enum(['from', 'to'], {
  description: 'from: hosts that forward without a session; to: destinations anyone may reach',
});

const ExemptionItem = Type.Object({
  id: Type.String(),
  direction: Direction,
  network: Type.String({ description: 'a CIDR; a single host is a /32 or /128' }),
  created_at: Timestamp,
});
type ExemptionItem = Type.Static<typeof ExemptionItem>;

const exemptionList: ListSpec<ExemptionItem> = {
  id: (item) => item.id,
  searchText: (item) => [item.network, item.direction],
  sortKeys: {
    created_at: (item) => item.created_at,
    network: (item) => item.network,
    direction: (item) => item.direction,
  },
  defaultSort: 'created_at',
};

function exemptionItem(e: Exemption): ExemptionItem {
  return { id: e.id, direction: e.direction, network: e.network, created_at: e.createdAt.toISOString() };
}

export function registerExemptionRoutes(app: ApiApp, ctx: ApiContext): void {
  const { exemptions } = ctx.deps.admin;

  app.get(
    '/api/v1/exemptions',
    {
      schema: {
        summary: 'List exemptions from enforcement',
        description: 'search: network, direction; sort: created_at (default), network, direction',
        tags,
        querystring: PageQuerystring,
        response: { 200: PageOf(ExemptionItem), ...errorReplies },
      },
    },
    async (request) =>
      page((await exemptions.list()).map(exemptionItem), request.query, exemptionList, (item) => item),
  );

  app.post(
    '/api/v1/exemptions',
    {
      schema: {
        summary: 'Add an exemption (applied within a second)',
        tags,
        body: Type.Object(
          { direction: Direction, network: Type.String({ maxLength: 64 }) },
          { additionalProperties: false },
        ),
        response: { 201: ExemptionItem, ...errorReplies },
      },
    },
    async (request, reply) => {
      const added = await exemptions.add(
        request.body.direction,
        request.body.network,
        actorOf(ctx.principal(request)),
      );
      return reply.status(201).send(exemptionItem(added));
    },
  );

  app.delete(
    '/api/v1/exemptions/:id',
    {
      schema: {
        summary: 'Remove an exemption',
        tags,
        params: Type.Object({ id: Type.String() }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      await exemptions.remove(request.params.id, actorOf(ctx.principal(request)));
      return noContent(reply);
    },
  );
}
