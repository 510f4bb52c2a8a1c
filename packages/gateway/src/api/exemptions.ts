// Exemptions: /api/v1/exemptions (DECISIONS 72). Applied to the nftables table within a second
// through the change feed.
import Type from 'typebox';
import type { Exemption } from '@kordon/core';
import { actorOf, type ApiApp, type ApiContext } from './context.js';
import { errorReplies, ItemsOf, noContent, Timestamp } from './schemas.js';

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
        tags,
        response: { 200: ItemsOf(ExemptionItem), ...errorReplies },
      },
    },
    async () => ({ items: (await exemptions.list()).map(exemptionItem) }),
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
