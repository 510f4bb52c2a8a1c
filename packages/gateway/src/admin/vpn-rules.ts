// VPN-access rules (DECISIONS 17): evaluated by position, the first match wins, no match denies external
// access. A change re-checks every external session through the change feed (DECISIONS 67).
import { randomUUID } from 'node:crypto';
import {
  StoreConflictError,
  normalizeLocalLogin,
  parseDirectoryGroup,
  routeLogin,
  type DirectoryConfig,
  validateLocalUserName,
  type Store,
  type VpnRule,
  type VpnRuleAction,
} from '@kordon/core';
import { commit, record, type Actor, type AdminDeps } from './context.js';
import { AdminError, invalidField, notFound } from './errors.js';
import { checkGroupName } from './groups.js';

/** Room between rules made without a position, so one can be put between them later. */
export const positionStep = 10;

export interface NewVpnRule {
  action: VpnRuleAction;
  users: readonly string[];
  groups: readonly string[];
  position?: number;
}

/**
 * Normalized user names ("*" kept), without repeats. With a directory, `CORP\alice` and
 * `alice@corp.example` name the directory's `alice@CORP.EXAMPLE` (DECISIONS 14); a bare name is local.
 */
function checkUsers(users: readonly string[], directory: DirectoryConfig | undefined): string[] {
  const names = users.map((user, index) => {
    if (user === '*') return user;
    const route = directory === undefined ? undefined : routeLogin(user, directory, true);
    if (route?.kind === 'directory') return route.account;
    const checked = validateLocalUserName(normalizeLocalLogin(user) ?? user);
    if (!checked.ok) throw invalidField(`/users/${index}`, `user "${user}": ${checked.message}`);
    return checked.name;
  });
  return [...new Set(names)];
}

/**
 * Group names without repeats: `CORP\vpn-users` is a directory group (DECISIONS 17), written as the
 * directory's accounts carry it; a bare name is a local group. A group may be named before it exists.
 */
function checkGroups(groups: readonly string[], directory: DirectoryConfig | undefined): string[] {
  const names = groups.map((group, index) => {
    if (!group.includes('\\')) return checkGroupName(group, `/groups/${index}`);
    const parsed = parseDirectoryGroup(group, directory);
    if (parsed === null) {
      throw invalidField(`/groups/${index}`, `group "${group}": a directory group is written DOMAIN\\group`);
    }
    return parsed;
  });
  return [...new Set(names)];
}

export class VpnRuleAdmin {
  constructor(private readonly deps: AdminDeps) {}

  list(): Promise<VpnRule[]> {
    return this.deps.store.vpnRules.list();
  }

  async create(input: NewVpnRule, actor: Actor): Promise<VpnRule> {
    const directory = await this.deps.store.directory.get();
    const users = checkUsers(input.users, directory);
    const groups = checkGroups(input.groups, directory);
    if (users.length === 0 && groups.length === 0) {
      throw new AdminError(
        'missing_field',
        'a rule names at least one user ("*" for every user) or group: give users or groups',
        '/users',
      );
    }
    const taken = (position: number): AdminError =>
      new AdminError('conflict', `a rule has position ${position} already`, '/position');
    return commit(this.deps, async (tx) => {
      const rules = await tx.vpnRules.list();
      const last = rules.reduce((max, r) => Math.max(max, r.position), 0);
      const position = input.position ?? last + positionStep;
      if (rules.some((r) => r.position === position)) throw taken(position);
      const rule: VpnRule = {
        id: randomUUID(),
        position,
        action: input.action,
        users,
        groups,
        createdAt: this.deps.clock.now(),
      };
      try {
        await tx.vpnRules.create(rule);
      } catch (error) {
        if (error instanceof StoreConflictError) throw taken(position);
        throw error;
      }
      await this.record(
        tx,
        `VPN-access rule ${rule.id} (${rule.action}, position ${rule.position}) added by ${actor}`,
      );
      return rule;
    });
  }

  async remove(id: string, actor: Actor): Promise<void> {
    await commit(this.deps, async (tx) => {
      if (!(await tx.vpnRules.remove(id))) throw notFound(`no VPN-access rule with id "${id}"`);
      await this.record(tx, `VPN-access rule ${id} removed by ${actor}`);
    });
  }

  private record(tx: Store, detail: string): Promise<void> {
    return record(tx, this.deps, {
      kind: 'vpn_rule_changed',
      account: null,
      detail,
      change: { kind: 'vpn_rules' },
    });
  }
}
