// VPN-access rules (DECISIONS 17): evaluated by position (rules at one position in the order they were
// made), the first match wins, no match denies external access. A change re-checks every external
// session through the change feed (DECISIONS 67).
import { randomUUID } from 'node:crypto';
import {
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

/** A PATCH: what is given replaces what the rule has; what is left out stays. */
export interface VpnRuleChange {
  position?: number;
  action?: VpnRuleAction;
  users?: readonly string[];
  groups?: readonly string[];
}

const namesNobody = (field: '/users' | '/groups'): AdminError =>
  new AdminError(
    'missing_field',
    'a rule names at least one user ("*" for every user) or group: give users or groups',
    field,
  );

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

const missingRule = (id: string): AdminError => notFound(`no VPN-access rule with id "${id}"`);

/** What changed between two versions of a rule: `position 10 -> 20; users alice -> *`. */
function changesOf(before: VpnRule, after: VpnRule): string[] {
  const names = (list: readonly string[]): string => (list.length === 0 ? '(none)' : list.join(', '));
  const found: string[] = [];
  if (before.position !== after.position) found.push(`position ${before.position} -> ${after.position}`);
  if (before.action !== after.action) found.push(`action ${before.action} -> ${after.action}`);
  if (names(before.users) !== names(after.users)) {
    found.push(`users ${names(before.users)} -> ${names(after.users)}`);
  }
  if (names(before.groups) !== names(after.groups)) {
    found.push(`groups ${names(before.groups)} -> ${names(after.groups)}`);
  }
  return found;
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
    if (users.length === 0 && groups.length === 0) throw namesNobody('/users');
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
      // A new rule takes a free position (the store allows equal ones since a PATCH may make them); the
      // transaction is serializable, so two adds cannot both take one.
      await tx.vpnRules.create(rule);
      await this.record(
        tx,
        `VPN-access rule ${rule.id} (${rule.action}, position ${rule.position}) added by ${actor}`,
      );
      return rule;
    });
  }

  /**
   * Changes the fields given, checked as `create` checks them; an unchanged rule writes nothing. A
   * position may be another rule's, as an access rule's may (`access-rule move`): rules at one position
   * are evaluated in the order they were made. The rule, its event and the `vpn_rules` change record
   * are one transaction, so live sessions are judged again (DECISIONS 67).
   */
  async patch(id: string, input: VpnRuleChange, actor: Actor): Promise<VpnRule> {
    const { position, action, users, groups } = input;
    if (position === undefined && action === undefined && users === undefined && groups === undefined) {
      throw new AdminError(
        'missing_field',
        'nothing to change: give "position", "action", "users" or "groups"',
      );
    }
    return commit(this.deps, async (tx) => {
      const current = (await tx.vpnRules.list()).find((rule) => rule.id === id);
      if (current === undefined) throw missingRule(id);
      const directory = await tx.directory.get();
      const rule: VpnRule = {
        ...current,
        position: position ?? current.position,
        action: action ?? current.action,
        users: users === undefined ? current.users : checkUsers(users, directory),
        groups: groups === undefined ? current.groups : checkGroups(groups, directory),
      };
      if (rule.users.length === 0 && rule.groups.length === 0) {
        throw namesNobody(users === undefined ? '/groups' : '/users');
      }
      const changed = changesOf(current, rule);
      if (changed.length === 0) return current;
      if (!(await tx.vpnRules.update(rule))) throw missingRule(id);
      await this.record(
        tx,
        `VPN-access rule ${id} (position ${rule.position}) changed by ${actor}: ${changed.join('; ')}`,
      );
      return rule;
    });
  }

  async remove(id: string, actor: Actor): Promise<void> {
    await commit(this.deps, async (tx) => {
      if (!(await tx.vpnRules.remove(id))) throw missingRule(id);
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
