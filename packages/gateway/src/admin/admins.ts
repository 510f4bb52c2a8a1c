// Administrators of the management API: create, change the password (which ends that administrator's
// console sessions), remove (never the last one with the admin role).
import { randomUUID } from 'node:crypto';
import { validateLocalUserName, type Admin, type Role } from '@kordon/core';
import { commit, insertUnique, record, type Actor, type AdminDeps } from './context.js';
import { AdminError, invalidField, notFound } from './errors.js';

const missing = (name: string): AdminError => notFound(`no administrator named "${name}"`);

export class AdministratorAdmin {
  constructor(private readonly deps: AdminDeps) {}

  list(): Promise<Admin[]> {
    return this.deps.store.admins.list();
  }

  async create(name: string, password: string, role: Role, actor: Actor): Promise<Admin> {
    const checked = validateLocalUserName(name);
    if (!checked.ok)
      throw invalidField('/name', checked.message.replace('a user name', 'an administrator name'));
    const conflict = new AdminError('conflict', `an administrator named "${checked.name}" exists`, '/name');
    const admin: Admin = {
      id: randomUUID(),
      name: checked.name,
      passwordHash: await this.deps.hasher.hash(password),
      role,
      createdAt: this.deps.clock.now(),
    };
    await commit(this.deps, async (tx) => {
      await insertUnique(
        async () => (await tx.admins.get(admin.name)) !== undefined,
        () => tx.admins.create(admin),
        conflict,
      );
      await record(tx, this.deps, {
        kind: 'admin_changed',
        account: null,
        detail: `administrator "${admin.name}" (${role}) created by ${actor}`,
      });
    });
    return admin;
  }

  /** A new password ends every console session of that administrator. */
  async setPassword(name: string, password: string, actor: Actor): Promise<void> {
    const account = name.trim().toLowerCase();
    const hash = await this.deps.hasher.hash(password);
    await commit(this.deps, async (tx) => {
      const admin = await tx.admins.get(account);
      if (admin === undefined || !(await tx.admins.setPassword(account, hash))) throw missing(account);
      const ended = await tx.adminSessions.removeForAdmin(admin.id);
      await record(tx, this.deps, {
        kind: 'admin_changed',
        account: null,
        detail: `password of administrator "${account}" set by ${actor}; ${ended} console sessions ended`,
      });
    });
  }

  async remove(name: string, actor: Actor): Promise<void> {
    const account = name.trim().toLowerCase();
    await commit(this.deps, async (tx) => {
      const admins = await tx.admins.list();
      const target = admins.find((admin) => admin.name === account);
      if (target === undefined) throw missing(account);
      if (target.role === 'admin' && admins.filter((admin) => admin.role === 'admin').length === 1) {
        throw new AdminError(
          'last_admin',
          `"${account}" is the last administrator with the admin role: create another one first`,
        );
      }
      await tx.admins.remove(account);
      await record(tx, this.deps, {
        kind: 'admin_changed',
        account: null,
        detail: `administrator "${account}" removed by ${actor}`,
      });
    });
  }
}
