// Repositories of the tunnels capability: leases, local groups, VPN-access rules and exemptions.
import type { Kysely } from 'kysely';
import type { ExemptionRepository, GroupRepository, LeaseRepository, VpnRuleRepository } from '@kordon/core';
import type { StoreDialect } from './dialect.js';
import { changed, orConflict } from './repositories.js';
import {
  exemptionFromRow,
  exemptionToRow,
  groupFromRow,
  leaseFromRow,
  leaseToRow,
  vpnRuleFromRow,
  vpnRuleToRow,
} from './rows.js';
import type { Tables } from './schema.js';

type Db = Kysely<Tables>;

export function leaseRepository(db: Db, dialect: StoreDialect): LeaseRepository {
  return {
    async get(device) {
      const row = await db.selectFrom('leases').selectAll().where('device', '=', device).executeTakeFirst();
      return row && leaseFromRow(row);
    },
    async list() {
      const rows = await db.selectFrom('leases').selectAll().orderBy('address').execute();
      return rows.map(leaseFromRow);
    },
    async addressesBetween(first, last) {
      const rows = await db
        .selectFrom('leases')
        .select('address')
        .where('address', '>=', first)
        .where('address', '<=', last)
        .orderBy('address')
        .execute();
      return rows.map((row) => row.address);
    },
    async put(lease) {
      const row = leaseToRow(lease);
      await orConflict(
        dialect,
        db
          .insertInto('leases')
          .values(row)
          .onConflict((oc) =>
            oc.column('device').doUpdateSet({
              address: row.address,
              node: row.node,
              account: row.account,
              last_used: row.last_used,
            }),
          )
          .execute(),
        () => `tunnel address ${lease.address} is leased to another device`,
      );
    },
    async remove(device) {
      const result = await db.deleteFrom('leases').where('device', '=', device).executeTakeFirst();
      return changed(result.numDeletedRows);
    },
    async removeIdle(before) {
      // A subquery, not `NOT IN (...)` of every live key: the parameter count never grows with the data.
      const result = await db
        .deleteFrom('leases')
        .where('last_used', '<', before.getTime())
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('sessions')
                .select('sessions.id')
                .whereRef('sessions.device', '=', 'leases.device')
                .where('sessions.vpn', '=', 1),
            ),
          ),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export function groupRepository(db: Db, dialect: StoreDialect): GroupRepository {
  const exists = async (name: string): Promise<boolean> =>
    (await db.selectFrom('groups').select('name').where('name', '=', name).executeTakeFirst()) !== undefined;
  return {
    async list() {
      const rows = await db.selectFrom('groups').selectAll().orderBy('name').execute();
      return rows.map(groupFromRow);
    },
    async get(name) {
      const row = await db.selectFrom('groups').selectAll().where('name', '=', name).executeTakeFirst();
      return row && groupFromRow(row);
    },
    async create(group) {
      await orConflict(
        dialect,
        db.insertInto('groups').values({ name: group.name, created_at: group.createdAt.getTime() }).execute(),
        () => `group "${group.name}" already exists`,
      );
    },
    async remove(name) {
      await db.deleteFrom('group_members').where('group_name', '=', name).execute();
      const result = await db.deleteFrom('groups').where('name', '=', name).executeTakeFirst();
      return changed(result.numDeletedRows);
    },
    async members(name) {
      const rows = await db
        .selectFrom('group_members')
        .select('user_name')
        .where('group_name', '=', name)
        .orderBy('user_name')
        .execute();
      return rows.map((row) => row.user_name);
    },
    async addMember(name, user) {
      if (!(await exists(name))) return false;
      await db
        .insertInto('group_members')
        .values({ group_name: name, user_name: user })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return true;
    },
    async removeMember(name, user) {
      const result = await db
        .deleteFrom('group_members')
        .where('group_name', '=', name)
        .where('user_name', '=', user)
        .executeTakeFirst();
      return changed(result.numDeletedRows);
    },
    async groupsOf(user) {
      const rows = await db
        .selectFrom('group_members')
        .select('group_name')
        .where('user_name', '=', user)
        .orderBy('group_name')
        .execute();
      return rows.map((row) => row.group_name);
    },
  };
}

export function vpnRuleRepository(db: Db, dialect: StoreDialect): VpnRuleRepository {
  return {
    async list() {
      // Evaluation order: equal positions by age, then id, the same on every engine (as access rules).
      const rows = await db
        .selectFrom('vpn_rules')
        .selectAll()
        .orderBy('position')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(vpnRuleFromRow);
    },
    async create(rule) {
      // A position may repeat (migration 0011); that a new rule takes a free one is the use case's rule.
      await orConflict(
        dialect,
        db.insertInto('vpn_rules').values(vpnRuleToRow(rule)).execute(),
        () => `rule "${rule.id}" already exists`,
      );
    },
    async update(rule) {
      const { id, created_at: _createdAt, ...fields } = vpnRuleToRow(rule);
      const result = await db.updateTable('vpn_rules').set(fields).where('id', '=', id).executeTakeFirst();
      return changed(result.numUpdatedRows);
    },
    async remove(id) {
      const result = await db.deleteFrom('vpn_rules').where('id', '=', id).executeTakeFirst();
      return changed(result.numDeletedRows);
    },
  };
}

export function exemptionRepository(db: Db, dialect: StoreDialect): ExemptionRepository {
  return {
    async list() {
      const rows = await db
        .selectFrom('exemptions')
        .selectAll()
        .orderBy('direction')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(exemptionFromRow);
    },
    async create(exemption) {
      await orConflict(
        dialect,
        db.insertInto('exemptions').values(exemptionToRow(exemption)).execute(),
        () => `an exemption --${exemption.direction} ${exemption.network} exists`,
      );
    },
    async remove(id) {
      const result = await db.deleteFrom('exemptions').where('id', '=', id).executeTakeFirst();
      return changed(result.numDeletedRows);
    },
  };
}
