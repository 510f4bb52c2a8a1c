// The repository of device posture: objects, profiles and the posture settings (docs/posture.md).
import type { Kysely } from 'kysely';
import { defaultPostureSettings, type PostureRepository } from '@kordon/core';
import type { StoreDialect } from './dialect.js';
import { changed, orConflict } from './repositories.js';
import {
  postureObjectFromRow,
  postureObjectToRow,
  postureProfileFromRow,
  postureProfileToRow,
  postureSettingsFromRow,
  postureSettingsToRow,
} from './rows.js';
import type { Tables } from './schema.js';

type Db = Kysely<Tables>;

export function postureRepository(db: Db, dialect: StoreDialect): PostureRepository {
  const taken = (what: string, name: string, id: string) => (column: string) =>
    column === 'id' ? `posture ${what} id "${id}" already exists` : `a posture ${what} is named "${name}"`;
  return {
    async listObjects() {
      const rows = await db
        .selectFrom('posture_objects')
        .selectAll()
        .orderBy('name_key')
        .orderBy('id')
        .execute();
      return rows.map(postureObjectFromRow);
    },
    async getObject(id) {
      const row = await db.selectFrom('posture_objects').selectAll().where('id', '=', id).executeTakeFirst();
      return row && postureObjectFromRow(row);
    },
    async createObject(object) {
      await orConflict(
        dialect,
        db.insertInto('posture_objects').values(postureObjectToRow(object)).execute(),
        taken('object', object.name, object.id),
      );
    },
    async updateObject(object) {
      const { id, ...fields } = postureObjectToRow(object);
      const update = db.updateTable('posture_objects').set(fields).where('id', '=', id).executeTakeFirst();
      await orConflict(dialect, update, taken('object', object.name, id));
      return changed((await update).numUpdatedRows);
    },
    async removeObject(id) {
      const result = await db.deleteFrom('posture_objects').where('id', '=', id).executeTakeFirst();
      return changed(result.numDeletedRows);
    },
    async listProfiles() {
      const rows = await db
        .selectFrom('posture_profiles')
        .selectAll()
        .orderBy('name_key')
        .orderBy('id')
        .execute();
      return rows.map(postureProfileFromRow);
    },
    async getProfile(id) {
      const row = await db.selectFrom('posture_profiles').selectAll().where('id', '=', id).executeTakeFirst();
      return row && postureProfileFromRow(row);
    },
    async createProfile(profile) {
      await orConflict(
        dialect,
        db.insertInto('posture_profiles').values(postureProfileToRow(profile)).execute(),
        taken('profile', profile.name, profile.id),
      );
    },
    async updateProfile(profile) {
      const { id, ...fields } = postureProfileToRow(profile);
      const update = db.updateTable('posture_profiles').set(fields).where('id', '=', id).executeTakeFirst();
      await orConflict(dialect, update, taken('profile', profile.name, id));
      return changed((await update).numUpdatedRows);
    },
    async removeProfile(id) {
      const result = await db.deleteFrom('posture_profiles').where('id', '=', id).executeTakeFirst();
      return changed(result.numDeletedRows);
    },
    async getSettings() {
      const row = await db.selectFrom('posture_settings').selectAll().where('id', '=', 1).executeTakeFirst();
      return row ? postureSettingsFromRow(row) : { ...defaultPostureSettings };
    },
    async putSettings(settings) {
      const row = postureSettingsToRow(settings);
      await db
        .insertInto('posture_settings')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    },
  };
}
