// Local groups: /api/v1/groups (DECISIONS 41). VPN-access rules name them (DECISIONS 17); rules and
// memberships are read at each login, so a change here needs nothing else.
import Type from 'typebox';
import { normalizeLocalLogin, StoreConflictError, validateLocalUserName, type Group } from '@kordon/core';
import { actorOf, recordChange, type ApiApp, type ApiContext } from './context.js';
import { ApiError, invalidField, notFound } from './errors.js';
import { errorReplies, ItemsOf, noContent, Timestamp } from './schemas.js';

const tags = ['groups'];

const GroupItem = Type.Object({
  name: Type.String(),
  members: Type.Array(Type.String(), { description: 'local user names, sorted' }),
  created_at: Timestamp,
});
type GroupItem = Type.Static<typeof GroupItem>;

const NameParams = Type.Object({ name: Type.String() }, { additionalProperties: false });
const MemberParams = Type.Object(
  { name: Type.String(), user: Type.String() },
  { additionalProperties: false },
);

function groupItem(group: Group, members: string[]): GroupItem {
  return { name: group.name, members, created_at: group.createdAt.toISOString() };
}

/** Group names in paths are compared as stored: in lower case. */
function pathGroup(name: string): string {
  return name.toLowerCase();
}

/** A user in a path, in any accepted spelling (DECISIONS 14); undefined when it names no local user. */
function pathUser(user: string): string | undefined {
  return normalizeLocalLogin(user);
}

export function registerGroupRoutes(app: ApiApp, ctx: ApiContext): void {
  const { store, clock } = ctx.deps;

  app.get(
    '/api/v1/groups',
    {
      schema: {
        summary: 'List local groups with their members',
        tags,
        response: { 200: ItemsOf(GroupItem), ...errorReplies },
      },
    },
    async () => {
      const groups = await store.groups.list();
      const items = await Promise.all(
        groups.map(async (group) => groupItem(group, await store.groups.members(group.name))),
      );
      return { items };
    },
  );

  app.post(
    '/api/v1/groups',
    {
      schema: {
        summary: 'Create a local group',
        tags,
        body: Type.Object({ name: Type.String() }, { additionalProperties: false }),
        response: { 201: GroupItem, ...errorReplies },
      },
    },
    async (request, reply) => {
      const checked = validateLocalUserName(request.body.name);
      if (!checked.ok) throw invalidField('/name', checked.message.replace('user name', 'group name'));
      const conflict = new ApiError(409, 'conflict', `a group named "${checked.name}" exists`, '/name');
      if ((await store.groups.get(checked.name)) !== undefined) throw conflict;
      const group: Group = { name: checked.name, createdAt: clock.now() };
      try {
        await store.groups.create(group);
      } catch (error) {
        if (error instanceof StoreConflictError) throw conflict;
        throw error;
      }
      await recordChange(
        ctx,
        'user_changed',
        null,
        `group "${group.name}" created by ${actorOf(ctx.principal(request))}`,
      );
      return reply.status(201).send(groupItem(group, []));
    },
  );

  app.delete(
    '/api/v1/groups/:name',
    {
      schema: {
        summary: 'Remove a local group and its memberships (rules naming it stay, and match nobody)',
        tags,
        params: NameParams,
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      const name = pathGroup(request.params.name);
      if (!(await store.groups.remove(name))) throw notFound(`no group named "${name}"`);
      await recordChange(
        ctx,
        'user_changed',
        null,
        `group "${name}" removed by ${actorOf(ctx.principal(request))}`,
      );
      return noContent(reply);
    },
  );

  app.put(
    '/api/v1/groups/:name/members/:user',
    {
      schema: {
        summary: 'Add a local user to a group (idempotent)',
        tags,
        params: MemberParams,
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      const name = pathGroup(request.params.name);
      const user = pathUser(request.params.user);
      // Checked and written in one transaction: a user removed meanwhile cannot be left a member.
      const added = await store.transaction(async (tx) => {
        if ((await tx.groups.get(name)) === undefined) throw notFound(`no group named "${name}"`);
        if (user === undefined || (await tx.users.get(user)) === undefined) {
          throw notFound(`no user named "${user ?? request.params.user}"`);
        }
        if ((await tx.groups.groupsOf(user)).includes(name)) return false;
        if (!(await tx.groups.addMember(name, user))) throw notFound(`no group named "${name}"`);
        return true;
      });
      if (added && user !== undefined) {
        await recordChange(
          ctx,
          'user_changed',
          user,
          `"${user}" added to group "${name}" by ${actorOf(ctx.principal(request))}`,
        );
      }
      return noContent(reply);
    },
  );

  app.delete(
    '/api/v1/groups/:name/members/:user',
    {
      schema: {
        summary: 'Remove a user from a group',
        tags,
        params: MemberParams,
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      const name = pathGroup(request.params.name);
      if ((await store.groups.get(name)) === undefined) throw notFound(`no group named "${name}"`);
      const user = pathUser(request.params.user);
      if (user === undefined || !(await store.groups.removeMember(name, user))) {
        throw notFound(`"${user ?? request.params.user}" is not a member of group "${name}"`);
      }
      await recordChange(
        ctx,
        'user_changed',
        user,
        `"${user}" removed from group "${name}" by ${actorOf(ctx.principal(request))}`,
      );
      return noContent(reply);
    },
  );
}
