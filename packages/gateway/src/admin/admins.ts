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

  async create(
    name: string,
    password: string,
    role: Role,
    actor: Actor,
    mustChangePassword = false,
  ): Promise<Admin> {
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
      mustChangePassword,
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

  /**
   * A new password ends every console session of that administrator; `mustChangePassword` makes them
   * choose their own at the next sign-in.
   */
  async setPassword(name: string, password: string, actor: Actor, mustChangePassword = false): Promise<void> {
    const account = name.trim().toLowerCase();
    const hash = await this.deps.hasher.hash(password);
    await commit(this.deps, async (tx) => {
      const admin = await tx.admins.get(account);
      if (admin === undefined || !(await tx.admins.setPassword(account, hash, mustChangePassword))) {
        throw missing(account);
      }
      const ended = await tx.adminSessions.removeForAdmin(admin.id);
      await record(tx, this.deps, {
        kind: 'admin_changed',
        account: null,
        detail: `password of administrator "${account}" set by ${actor}; ${ended} console sessions ended`,
      });
    });
  }

  /**
   * An administrator's own new password, the current one proven by the caller (`currentValid`): the
   * forced change is done, and their other console sessions end (this one, `keepSession`, stays).
   * Returns false when the current password is wrong (nothing changes).
   */
  async changeOwnPassword(
    adminId: string,
    current: string,
    password: string,
    keepSession: string,
  ): Promise<boolean> {
    const { store, hasher } = this.deps;
    const admin = await store.admins.getById(adminId);
    if (admin === undefined) throw notFound('this administrator no longer exists');
    if (admin.passwordHash.startsWith('!')) {
      throw new AdminError(
        'conflict',
        `"${admin.name}" signs in with the directory's password: change it in the directory`,
      );
    }
    if (!(await hasher.verify(admin.passwordHash, current))) return false;
    const problem = newPasswordProblem(current, password);
    if (problem !== undefined) throw invalidField('/password', problem);
    const hash = await hasher.hash(password);
    await commit(this.deps, async (tx) => {
      if (!(await tx.admins.setPassword(admin.name, hash, false)))
        throw notFound('this administrator no longer exists');
      const ended = await tx.adminSessions.removeForAdmin(admin.id, keepSession);
      await record(tx, this.deps, {
        kind: 'admin_changed',
        account: null,
        detail: `administrator "${admin.name}" changed their own password; ${ended} other console sessions ended`,
      });
    });
    return true;
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

/** At least 10 characters, and not the password it replaces (the forced first change must change it). */
const minimumOwnPasswordLength = 10;

function newPasswordProblem(current: string, next: string): string | undefined {
  if (Array.from(next).length < minimumOwnPasswordLength) {
    return `the new password must have at least ${minimumOwnPasswordLength} characters`;
  }
  if (next === current) return 'the new password must differ from the current one';
  return undefined;
}
