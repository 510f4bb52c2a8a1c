// Administrators of the management API: /api/v1/admins. At least one with the admin role always remains.
import Type from 'typebox';
import { isDirectoryAccount, type Admin, type ListSpec } from '@kordon/core';
import { actorOf, type ApiApp, type ApiContext } from './context.js';
import { page, PageOf, PageQuerystring } from './paging.js';
import { errorReplies, noContent, RoleSchema, Timestamp } from './schemas.js';
import { Password } from './users.js';

const tags = ['admins'];

const MustChange = Type.Boolean({
  description: 'whether they must choose a new password at the next sign-in',
});

const AdminItem = Type.Object({
  name: Type.String(),
  role: RoleSchema,
  created_at: Timestamp,
  must_change_password: MustChange,
  source: Type.Enum(['local', 'directory'], {
    description:
      "local: signs in with the password set here; directory: a member of the directory's admin or viewer group (DECISIONS 14), its password and role are the directory's",
  }),
});
type AdminItem = Type.Static<typeof AdminItem>;

const adminList: ListSpec<AdminItem> = {
  id: (item) => item.name,
  searchText: (item) => [item.name],
  sortKeys: { name: (item) => item.name, role: (item) => item.role, created_at: (item) => item.created_at },
  defaultSort: 'name',
};

const NameParams = Type.Object({ name: Type.String() }, { additionalProperties: false });

function adminItem(admin: Admin): AdminItem {
  return {
    name: admin.name,
    role: admin.role,
    created_at: admin.createdAt.toISOString(),
    must_change_password: admin.mustChangePassword,
    source: isDirectoryAccount(admin.name) ? 'directory' : 'local',
  };
}

export function registerAdminRoutes(app: ApiApp, ctx: ApiContext): void {
  const { administrators } = ctx.deps.admin;
  const actor = (request: Parameters<typeof ctx.principal>[0]): string => actorOf(ctx.principal(request));

  app.get(
    '/api/v1/admins',
    {
      schema: {
        summary: 'List administrators',
        description: 'search: name; sort: name (default), role, created_at',
        tags,
        querystring: PageQuerystring,
        response: { 200: PageOf(AdminItem), ...errorReplies },
      },
    },
    async (request) =>
      page((await administrators.list()).map(adminItem), request.query, adminList, (item) => item),
  );

  app.post(
    '/api/v1/admins',
    {
      schema: {
        summary: 'Create an administrator',
        tags,
        body: Type.Object(
          {
            name: Type.String(),
            password: Password,
            role: Type.Optional(RoleSchema),
            must_change_password: Type.Optional(MustChange),
          },
          { additionalProperties: false },
        ),
        response: { 201: AdminItem, ...errorReplies },
      },
    },
    async (request, reply) => {
      const { name, password, role, must_change_password: mustChange } = request.body;
      const admin = await administrators.create(
        name,
        password,
        role ?? 'admin',
        actor(request),
        mustChange === true,
      );
      return reply.status(201).send(adminItem(admin));
    },
  );

  app.put(
    '/api/v1/admins/:name/password',
    {
      schema: {
        summary: "Set an administrator's password (ends that administrator's console sessions)",
        tags,
        params: NameParams,
        body: Type.Object(
          { password: Password, must_change_password: Type.Optional(MustChange) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      const { password, must_change_password: mustChange } = request.body;
      await administrators.setPassword(request.params.name, password, actor(request), mustChange === true);
      return noContent(reply);
    },
  );

  app.delete(
    '/api/v1/admins/:name',
    {
      schema: {
        summary: 'Remove an administrator (the last one with the admin role cannot be removed)',
        tags,
        params: NameParams,
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      await administrators.remove(request.params.name, actor(request));
      return noContent(reply);
    },
  );
}
