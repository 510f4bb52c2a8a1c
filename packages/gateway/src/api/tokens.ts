// API tokens: /api/v1/tokens (DECISIONS 45). The token is shown once; only its SHA-256 is stored.
import Type from 'typebox';
import { actorOf, type ApiApp, type ApiContext } from './context.js';
import type { ListSpec } from '@kordon/core';
import { page, PageOf, PageQuerystring } from './paging.js';
import { errorReplies, noContent, RoleSchema, Timestamp } from './schemas.js';

const tags = ['tokens'];

const TokenItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  created_at: Timestamp,
});
type TokenItem = Type.Static<typeof TokenItem>;

const tokenList: ListSpec<TokenItem> = {
  id: (item) => item.id,
  searchText: (item) => [item.name],
  sortKeys: { name: (item) => item.name, role: (item) => item.role, created_at: (item) => item.created_at },
  defaultSort: 'name',
};

const CreatedToken = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  token: Type.String({ description: 'the secret: shown only in this reply' }),
});

export function registerTokenRoutes(app: ApiApp, ctx: ApiContext): void {
  const { tokens } = ctx.deps.admin;

  app.get(
    '/api/v1/tokens',
    {
      schema: {
        summary: 'List API tokens (never their secrets)',
        description: 'search: name; sort: name (default), role, created_at',
        tags,
        querystring: PageQuerystring,
        response: { 200: PageOf(TokenItem), ...errorReplies },
      },
    },
    async (request) =>
      page(
        (await tokens.list()).map((token) => ({
          id: token.id,
          name: token.name,
          role: token.role,
          created_at: token.createdAt.toISOString(),
        })),
        request.query,
        tokenList,
        (item) => item,
      ),
  );

  app.post(
    '/api/v1/tokens',
    {
      schema: {
        summary: 'Create an API token; the reply is the only time its secret is shown',
        tags,
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 128 }), role: Type.Optional(RoleSchema) },
          { additionalProperties: false },
        ),
        response: { 201: CreatedToken, ...errorReplies },
      },
    },
    async (request, reply) => {
      const { token, secret } = await tokens.create(
        request.body.name,
        request.body.role ?? 'admin',
        actorOf(ctx.principal(request)),
      );
      return reply.status(201).send({ id: token.id, name: token.name, role: token.role, token: secret });
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      schema: {
        summary: 'Revoke an API token',
        tags,
        params: Type.Object({ id: Type.String() }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      await tokens.remove(request.params.id, actorOf(ctx.principal(request)));
      return noContent(reply);
    },
  );
}
