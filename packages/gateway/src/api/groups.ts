// Local groups: /api/v1/groups (DECISIONS 41). VPN-access rules name them (DECISIONS 17); a change
// re-checks external sessions (DECISIONS 67) through admin/groups.ts.
import Type from 'typebox';
import type { Group, ListSpec } from '@kordon/core';
import { actorOf, type ApiApp, type ApiContext } from './context.js';
import { page, PageOf, PageQuerystring } from './paging.js';
import { errorReplies, noContent, Timestamp } from './schemas.js';

const tags = ['groups'];

const GroupItem = Type.Object({
  name: Type.String(),
  members: Type.Array(Type.String(), { description: 'local user names, sorted' }),
  created_at: Timestamp,
});
type GroupItem = Type.Static<typeof GroupItem>;

const groupList: ListSpec<GroupItem> = {
  id: (item) => item.name,
  searchText: (item) => [item.name, ...item.members],
  sortKeys: { name: (item) => item.name, created_at: (item) => item.created_at },
  defaultSort: 'name',
};

const NameParams = Type.Object({ name: Type.String() }, { additionalProperties: false });
const MemberParams = Type.Object(
  { name: Type.String(), user: Type.String() },
  { additionalProperties: false },
);

function groupItem(group: Group, members: string[]): GroupItem {
  return { name: group.name, members, created_at: group.createdAt.toISOString() };
}

export function registerGroupRoutes(app: ApiApp, ctx: ApiContext): void {
  const { groups } = ctx.deps.admin;
  const actor = (request: Parameters<typeof ctx.principal>[0]): string => actorOf(ctx.principal(request));

  app.get(
    '/api/v1/groups',
    {
      schema: {
        summary: 'List local groups with their members',
        description: 'search: name and members; sort: name (default), created_at',
        tags,
        querystring: PageQuerystring,
        response: { 200: PageOf(GroupItem), ...errorReplies },
      },
    },
    async (request) =>
      page(
        (await groups.list()).map(({ group, members }) => groupItem(group, members)),
        request.query,
        groupList,
        (item) => item,
      ),
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
      const group = await groups.create(request.body.name, actor(request));
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
      await groups.remove(request.params.name, actor(request));
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
      await groups.addMember(request.params.name, request.params.user, actor(request));
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
      await groups.removeMember(request.params.name, request.params.user, actor(request));
      return noContent(reply);
    },
  );
}
