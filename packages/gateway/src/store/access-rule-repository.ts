// The repository of access rules by posture profile (docs/posture.md "Access rules").
import type { Kysely } from 'kysely';
import type { AccessRuleRepository } from '@kordon/core';
import type { StoreDialect } from './dialect.js';
import { changed, orConflict } from './repositories.js';
import { accessRuleFromRow, accessRuleToRow } from './rows.js';
import type { Tables } from './schema.js';

type Db = Kysely<Tables>;

export function accessRuleRepository(db: Db, dialect: StoreDialect): AccessRuleRepository {
  return {
    async list() {
      // Evaluation order: a position may repeat, and then the older rule comes first.
      const rows = await db
        .selectFrom('access_rules')
        .selectAll()
        .orderBy('position')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(accessRuleFromRow);
    },
    async get(id) {
      const row = await db.selectFrom('access_rules').selectAll().where('id', '=', id).executeTakeFirst();
      return row && accessRuleFromRow(row);
    },
    async create(rule) {
      await orConflict(
        dialect,
        db.insertInto('access_rules').values(accessRuleToRow(rule)).execute(),
        () => `access rule "${rule.id}" already exists`,
      );
    },
    async update(rule) {
      const { id, created_at: _createdAt, ...fields } = accessRuleToRow(rule);
      const result = await db.updateTable('access_rules').set(fields).where('id', '=', id).executeTakeFirst();
      return changed(result.numUpdatedRows);
    },
    async remove(id) {
      const result = await db.deleteFrom('access_rules').where('id', '=', id).executeTakeFirst();
      return changed(result.numDeletedRows);
    },
  };
}
