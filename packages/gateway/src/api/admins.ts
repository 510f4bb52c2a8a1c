// Administrators of the management API: /api/v1/admins. At least one with the admin role always remains.
import { randomUUID } from 'node:crypto';
import Type from 'typebox';
import { StoreConflictError, validateLocalUserName, type Admin, type Role } from '@kordon/core';
import { actorOf, recordChange, type ApiApp, type ApiContext } from './context.js';
import { ApiError, invalidField, notFound } from './errors.js';
import { errorReplies, ItemsOf, noContent, RoleSchema, Timestamp } from './schemas.js';
import { Password } from './users.js';

const tags = ['admins'];

const AdminItem = Type.Object({ name: Type.String(), role: RoleSchema, created_at: Timestamp });
type AdminItem = Type.Static<typeof AdminItem>;

const NameParams = Type.Object({ name: Type.String() }, { additionalProperties: false });

function adminItem(admin: Admin): AdminItem {
  return { name: admin.name, role: admin.role, created_at: admin.createdAt.toISOString() };
}

export function registerAdminRoutes(app: ApiApp, ctx: ApiContext): void {
  const { store, hasher, clock } = ctx.deps;

  app.get(
    '/api/v1/admins',
    {
      schema: {
        summary: 'List administrators',
        tags,
        response: { 200: ItemsOf(AdminItem), ...errorReplies },
      },
    },
    async () => ({ items: (await store.admins.list()).map(adminItem) }),
  );

  app.post(
    '/api/v1/admins',
    {
      schema: {
        summary: 'Create an administrator',
        tags,
        body: Type.Object(
          { name: Type.String(), password: Password, role: Type.Optional(RoleSchema) },
          { additionalProperties: false },
        ),
        response: { 201: AdminItem, ...errorReplies },
      },
    },
    async (request, reply) => {
      const checked = validateLocalUserName(request.body.name);
      if (!checked.ok)
        throw invalidField('/name', checked.message.replace('a user name', 'an administrator name'));
      const conflict = new ApiError('conflict', `an administrator named "${checked.name}" exists`, '/name');
      if ((await store.admins.get(checked.name)) !== undefined) throw conflict;
      const role: Role = request.body.role ?? 'admin';
      const admin: Admin = {
        id: randomUUID(),
        name: checked.name,
        passwordHash: await hasher.hash(request.body.password),
        role,
        createdAt: clock.now(),
      };
      try {
        await store.admins.create(admin);
      } catch (error) {
        if (error instanceof StoreConflictError) throw conflict;
        throw error;
      }
      await recordChange(
        ctx,
        'user_changed',
        null,
        `administrator "${admin.name}" (${role}) created by ${actorOf(ctx.principal(request))}`,
      );
      return reply.status(201).send(adminItem(admin));
    },
  );

  app.put(
    '/api/v1/admins/:name/password',
    {
      schema: {
        summary: "Set an administrator's password",
        tags,
        params: NameParams,
        body: Type.Object({ password: Password }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorReplies },
      },
    },
    async (request, reply) => {
      const name = request.params.name.toLowerCase();
      if ((await store.admins.get(name)) === undefined) throw notFound(`no administrator named "${name}"`);
      if (!(await store.admins.setPassword(name, await hasher.hash(request.body.password)))) {
        throw notFound(`no administrator named "${name}"`);
      }
      await recordChange(
        ctx,
        'user_changed',
        null,
        `password of administrator "${name}" set by ${actorOf(ctx.principal(request))}`,
      );
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
      const name = request.params.name.toLowerCase();
      const actor = actorOf(ctx.principal(request));
      await store.transaction(async (tx) => {
        const admins = await tx.admins.list();
        const target = admins.find((admin) => admin.name === name);
        if (target === undefined) throw notFound(`no administrator named "${name}"`);
        if (target.role === 'admin' && admins.filter((admin) => admin.role === 'admin').length === 1) {
          throw new ApiError(
            'last_admin',
            `"${name}" is the last administrator with the admin role: create another one first`,
          );
        }
        await tx.admins.remove(name);
        await tx.events.append({
          at: clock.now(),
          kind: 'user_changed',
          account: null,
          sourceAddress: null,
          detail: `administrator "${name}" removed by ${actor}`,
        });
      });
      return noContent(reply);
    },
  );
}
