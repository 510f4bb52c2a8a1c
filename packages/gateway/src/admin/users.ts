// Local users: create, change the password, disable or enable, remove. Shared by the management API
// and the CLI; each change ends what it must through the change feed (DECISIONS 67).
import { randomUUID } from 'node:crypto';
import {
  normalizeLocalLogin,
  validateLocalUserName,
  type UserAction,
  type Store,
  type User,
} from '@kordon/core';
import { commit, insertUnique, record, type Actor, type AdminDeps } from './context.js';
import { AdminError, invalidField, notFound } from './errors.js';

/** A user named in a path or on a command line, in any accepted spelling (DECISIONS 14). */
function accountName(name: string): string {
  return normalizeLocalLogin(name) ?? name.trim().toLowerCase();
}

export class UserAdmin {
  constructor(private readonly deps: AdminDeps) {}

  list(): Promise<User[]> {
    return this.deps.store.users.list();
  }

  async get(name: string): Promise<User> {
    const account = accountName(name);
    const user = await this.deps.store.users.get(account);
    if (user === undefined) throw missingUser(account);
    return user;
  }

  async create(name: string, password: string, actor: Actor): Promise<User> {
    const checked = validateLocalUserName(name);
    if (!checked.ok) throw invalidField('/name', checked.message);
    const conflict = new AdminError('conflict', `a user named "${checked.name}" exists`, '/name');
    const user: User = {
      id: randomUUID(),
      name: checked.name,
      passwordHash: await this.deps.hasher.hash(password),
      disabled: false,
      createdAt: this.deps.clock.now(),
    };
    await commit(this.deps, async (tx) => {
      await insertUnique(
        async () => (await tx.users.get(user.name)) !== undefined,
        () => tx.users.create(user),
        conflict,
      );
      await this.record(tx, user.name, 'created', `user created by ${actor}`);
    });
    return user;
  }

  /** DECISIONS 67: the account's sessions end (4002). */
  async setPassword(name: string, password: string, actor: Actor): Promise<void> {
    const account = accountName(name);
    const hash = await this.deps.hasher.hash(password);
    await commit(this.deps, async (tx) => {
      if (!(await tx.users.setPassword(account, hash))) throw missingUser(account);
      await this.record(tx, account, 'password', `password set by ${actor}`);
    });
  }

  /** Disabling ends the account's sessions (4002, `reason: "disabled"`). */
  async setDisabled(name: string, disabled: boolean, actor: Actor): Promise<User> {
    const account = accountName(name);
    return commit(this.deps, async (tx) => {
      const user = await tx.users.get(account);
      if (user === undefined) throw missingUser(account);
      if (user.disabled === disabled) return user;
      await tx.users.setDisabled(account, disabled);
      await this.record(
        tx,
        account,
        disabled ? 'disabled' : 'enabled',
        `${disabled ? 'disabled' : 'enabled'} by ${actor}`,
      );
      return { ...user, disabled };
    });
  }

  /** Memberships go with the user, so a new user of the same name inherits none (DECISIONS 41). */
  async remove(name: string, actor: Actor): Promise<void> {
    const account = accountName(name);
    await commit(this.deps, async (tx) => {
      if (!(await tx.users.remove(account))) throw missingUser(account);
      for (const group of await tx.groups.groupsOf(account)) await tx.groups.removeMember(group, account);
      await this.record(tx, account, 'removed', `user removed by ${actor}`);
    });
  }

  private record(tx: Store, account: string, action: UserAction, detail: string): Promise<void> {
    return record(tx, this.deps, {
      kind: 'user_changed',
      account,
      detail,
      change: { kind: 'user', account, action },
    });
  }
}

const missingUser = (account: string): AdminError => notFound(`no user named "${account}"`);
