// API tokens: /api/v1/tokens (DECISIONS 45). The token is shown once; only its SHA-256 is stored.
import { randomUUID } from 'node:crypto';
import Type from 'typebox';
import { StoreConflictError, type ApiToken, type Role } from '@kordon/core';
import { randomSecret, sha256Hex } from '../auth/secrets.js';
import { actorOf, recordChange, type ApiApp, type ApiContext } from './context.js';
import { ApiError, notFound } from './errors.js';
import { errorReplies, ItemsOf, noContent, RoleSchema, Timestamp } from './schemas.js';

const tags = ['tokens'];

const TokenItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  created_at: Timestamp,
});

const CreatedToken = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  token: Type.String({ description: 'the secret: shown only in this reply' }),
});

export function registerTokenRoutes(app: ApiApp, ctx: ApiContext): void {
  const { store, clock } = ctx.deps;

  app.get(
    '/api/v1/tokens',
    {
      schema: {
        summary: 'List API tokens (never their secrets)',
        tags,
        response: { 200: ItemsOf(TokenItem), ...errorReplies },
      },
    },
    async () => ({
      items: (await store.tokens.list()).map((token) => ({
        id: token.id,
        name: token.name,
        role: token.role,
        created_at: token.createdAt.toISOString(),
      })),
    }),
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
      const secret = randomSecret();
      const role: Role = request.body.role ?? 'admin';
      const token: ApiToken = {
        id: randomUUID(),
        name: request.body.name,
        role,
        tokenHash: sha256Hex(secret),
        createdAt: clock.now(),
      };
      try {
        await store.tokens.create(token);
      } catch (error) {
        if (error instanceof StoreConflictError) {
          throw new ApiError('conflict', `an API token named "${token.name}" exists`, '/name');
        }
        throw error;
      }
      await recordChange(
        ctx,
        'user_changed',
        null,
        `API token "${token.name}" (${role}) created by ${actorOf(ctx.principal(request))}`,
      );
      return reply.status(201).send({ id: token.id, name: token.name, role, token: secret });
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
      if (!(await store.tokens.remove(request.params.id)))
        throw notFound(`no API token with id "${request.params.id}"`);
      await recordChange(
        ctx,
        'user_changed',
        null,
        `API token ${request.params.id} revoked by ${actorOf(ctx.principal(request))}`,
      );
      return noContent(reply);
    },
  );
}
