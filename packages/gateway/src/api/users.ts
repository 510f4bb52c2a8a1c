// Local users of the gateway: /api/v1/users. Password hashes never leave the server.
import Type from 'typebox';
import type { User } from '@kordon/core';
import { actorOf, type ApiApp, type ApiContext } from './context.js';
import type { ListSpec } from '@kordon/core';
import { page, PageOf, PageQuerystring } from './paging.js';
import { errorReplies, noContent, Timestamp } from './schemas.js';

const tags = ['users'];

const UserItem = Type.Object({ name: Type.String(), disabled: Type.Boolean(), created_at: Timestamp });
type UserItem = Type.Static<typeof UserItem>;

const userList: ListSpec<UserItem> = {
  id: (item) => item.name,
  searchText: (item) => [item.name],
  sortKeys: { name: (item) => item.name, created_at: (item) => item.created_at },
  defaultSort: 'name',
};

export const Password = Type.String({ minLength: 1, maxLength: 1024 });

const NameParams = Type.Object({ name: Type.String() }, { additionalProperties: false });

function userItem(user: User): UserItem {
  return { name: user.name, disabled: user.disabled, created_at: user.createdAt.toISOString() };
}

export function registerUserRoutes(app: ApiApp, ctx: ApiContext): void {
  const { users } = ctx.deps.admin;
  const actor = (request: Parameters<typeof ctx.principal>[0]): string => actorOf(ctx.principal(request));

  app.get(
    '/api/v1/users',
    {
      schema: {
        summary: 'List local users',
        description: 'search: name; sort: name (default), created_at',
        tags,
        querystring: PageQuerystring,
        response: { 200: PageOf(UserItem), ...errorReplies },
      },
    },
    async (request) => page((await users.list()).map(userItem), request.query, userList, (item) => item),
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
      const user = await users.create(request.body.name, request.body.password, actor(request));
      return reply.status(201).send(userItem(user));
    },
  );

  app.put(
    '/api/v1/users/:name/password',
    {
      schema: {
        summary: "Set a user's password (ends their sessions)",
        tags,
        params: NameParams,
        body: Type.Object({ password: Password }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      await users.setPassword(request.params.name, request.body.password, actor(request));
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
      const { disabled } = request.body;
      if (disabled === undefined) return userItem(await users.get(request.params.name));
      return userItem(await users.setDisabled(request.params.name, disabled, actor(request)));
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
      await users.remove(request.params.name, actor(request));
      return noContent(reply);
    },
  );
}
