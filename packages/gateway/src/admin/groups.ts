// Local groups (DECISIONS 41), named by VPN-access rules (DECISIONS 17). A change re-checks every
// external session through the change feed: a member removed from the group a rule allows loses it.
import { normalizeLocalLogin, validateLocalUserName, type Group, type Store } from '@kordon/core';
import { commit, insertUnique, record, type Actor, type AdminDeps } from './context.js';
import { AdminError, invalidField, notFound } from './errors.js';

export interface GroupWithMembers {
  group: Group;
  members: string[];
}

/** Group names are compared as stored: in lower case. */
function groupName(name: string): string {
  return name.trim().toLowerCase();
}

/** A group name as rules and the store keep it; a malformed one is refused at `field`. */
export function checkGroupName(name: string, field: string): string {
  const checked = validateLocalUserName(name);
  if (!checked.ok) throw invalidField(field, checked.message.replace('user name', 'group name'));
  return checked.name;
}

export class GroupAdmin {
  constructor(private readonly deps: AdminDeps) {}

  async list(): Promise<GroupWithMembers[]> {
    const { store } = this.deps;
    return Promise.all(
      (await store.groups.list()).map(async (group) => ({
        group,
        members: await store.groups.members(group.name),
      })),
    );
  }

  async create(name: string, actor: Actor): Promise<Group> {
    const group: Group = { name: checkGroupName(name, '/name'), createdAt: this.deps.clock.now() };
    const conflict = new AdminError('conflict', `a group named "${group.name}" exists`, '/name');
    await commit(this.deps, async (tx) => {
      await insertUnique(
        async () => (await tx.groups.get(group.name)) !== undefined,
        () => tx.groups.create(group),
        conflict,
      );
      await this.record(tx, group.name, `group "${group.name}" created by ${actor}`);
    });
    return group;
  }

  /** Rules naming it stay, and match nobody. */
  async remove(name: string, actor: Actor): Promise<void> {
    const group = groupName(name);
    await commit(this.deps, async (tx) => {
      if (!(await tx.groups.remove(group))) throw notFound(`no group named "${group}"`);
      await this.record(tx, group, `group "${group}" removed by ${actor}`);
    });
  }

  /** Idempotent; checked and written in one transaction, so a user removed meanwhile is never left a member. */
  async addMember(name: string, user: string, actor: Actor): Promise<void> {
    const group = groupName(name);
    const account = normalizeLocalLogin(user);
    await commit(this.deps, async (tx) => {
      if ((await tx.groups.get(group)) === undefined) throw notFound(`no group named "${group}"`);
      if (account === undefined || (await tx.users.get(account)) === undefined) {
        throw notFound(`no user named "${account ?? user}"`);
      }
      if ((await tx.groups.groupsOf(account)).includes(group)) return;
      await tx.groups.addMember(group, account);
      await this.record(tx, group, `"${account}" added to group "${group}" by ${actor}`, account);
    });
  }

  async removeMember(name: string, user: string, actor: Actor): Promise<void> {
    const group = groupName(name);
    const account = normalizeLocalLogin(user);
    await commit(this.deps, async (tx) => {
      if ((await tx.groups.get(group)) === undefined) throw notFound(`no group named "${group}"`);
      if (account === undefined || !(await tx.groups.removeMember(group, account))) {
        throw notFound(`"${account ?? user}" is not a member of group "${group}"`);
      }
      await this.record(tx, group, `"${account}" removed from group "${group}" by ${actor}`, account);
    });
  }

  private record(tx: Store, group: string, detail: string, account: string | null = null): Promise<void> {
    return record(tx, this.deps, {
      kind: 'group_changed',
      account,
      detail,
      change: { kind: 'group', group },
    });
  }
}
