// Local users of the gateway: /api/v1/users. Password hashes never leave the server.
import { randomUUID } from 'node:crypto';
import Type from 'typebox';
import { StoreConflictError, validateLocalUserName, type User } from '@kordon/core';
import { actorOf, recordChange, type ApiApp, type ApiContext } from './context.js';
import { ApiError, invalidField, notFound } from './errors.js';
import { errorReplies, ItemsOf, noContent, Timestamp } from './schemas.js';

const tags = ['users'];

const UserItem = Type.Object({ name: Type.String(), disabled: Type.Boolean(), created_at: Timestamp });
type UserItem = Type.Static<typeof UserItem>;

export const Password = Type.String({ minLength: 1, maxLength: 1024 });

const NameParams = Type.Object({ name: Type.String() }, { additionalProperties: false });

function userItem(user: User): UserItem {
  return { name: user.name, disabled: user.disabled, created_at: user.createdAt.toISOString() };
}

/** Names in paths are compared as stored: in lower case (DECISIONS 14). */
function pathName(name: string): string {
  return name.toLowerCase();
}

export function registerUserRoutes(app: ApiApp, ctx: ApiContext): void {
  const { store, hasher, control, clock } = ctx.deps;

  app.get(
    '/api/v1/users',
    { schema: { summary: 'List local users', tags, response: { 200: ItemsOf(UserItem), ...errorReplies } } },
    async () => ({ items: (await store.users.list()).map(userItem) }),
  );

  app.post(
    '/api/v1/users',
    {
      schema: {
        summary: 'Create a local user',
        tags,
        body: Type.Object({ name: Type.String(), password: Password }, { additionalProperties: false }),
        response: { 201: UserItem, ...errorReplies },
      },
    },
    async (request, reply) => {
      const checked = validateLocalUserName(request.body.name);
      if (!checked.ok) throw invalidField('/name', checked.message);
      const conflict = new ApiError(409, 'conflict', `a user named "${checked.name}" exists`, '/name');
      if ((await store.users.get(checked.name)) !== undefined) throw conflict;
      const user: User = {
        id: randomUUID(),
        name: checked.name,
        passwordHash: await hasher.hash(request.body.password),
        disabled: false,
        createdAt: clock.now(),
      };
      try {
        await store.users.create(user);
      } catch (error) {
        if (error instanceof StoreConflictError) throw conflict;
        throw error;
      }
      await recordChange(
        ctx,
        'user_changed',
        user.name,
        `user created by ${actorOf(ctx.principal(request))}`,
      );
      return reply.status(201).send(userItem(user));
    },
  );

  app.put(
    '/api/v1/users/:name/password',
    {
      schema: {
        summary: "Set a user's password",
        tags,
        params: NameParams,
        body: Type.Object({ password: Password }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      const name = pathName(request.params.name);
      if ((await store.users.get(name)) === undefined) throw notFound(`no user named "${name}"`);
      const changed = await store.users.setPassword(name, await hasher.hash(request.body.password));
      if (!changed) throw notFound(`no user named "${name}"`);
      await recordChange(ctx, 'user_changed', name, `password set by ${actorOf(ctx.principal(request))}`);
      return noContent(reply);
    },
  );

  app.patch(
    '/api/v1/users/:name',
    {
      schema: {
        summary: 'Disable or enable a user (disabling ends their sessions)',
        tags,
        params: NameParams,
        body: Type.Object({ disabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: UserItem, ...errorReplies },
      },
    },
    async (request) => {
      const name = pathName(request.params.name);
      const user = await store.users.get(name);
      if (user === undefined) throw notFound(`no user named "${name}"`);
      const { disabled } = request.body;
      if (disabled === undefined || disabled === user.disabled) return userItem(user);
      if (!(await store.users.setDisabled(name, disabled))) throw notFound(`no user named "${name}"`);
      await recordChange(
        ctx,
        'user_changed',
        name,
        `${disabled ? 'disabled' : 'enabled'} by ${actorOf(ctx.principal(request))}`,
      );
      if (disabled) await control.accountRevoked(name);
      return userItem({ ...user, disabled });
    },
  );

  app.delete(
    '/api/v1/users/:name',
    {
      schema: {
        summary: 'Remove a user (ends their sessions and removes them from every group)',
        tags,
        params: NameParams,
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      const name = pathName(request.params.name);
      // Memberships go with the user, so a new user of the same name inherits none (DECISIONS 41).
      await store.transaction(async (tx) => {
        if (!(await tx.users.remove(name))) throw notFound(`no user named "${name}"`);
        for (const group of await tx.groups.groupsOf(name)) await tx.groups.removeMember(group, name);
      });
      await recordChange(ctx, 'user_changed', name, `user removed by ${actorOf(ctx.principal(request))}`);
      await control.accountRevoked(name);
      return noContent(reply);
    },
  );
}
