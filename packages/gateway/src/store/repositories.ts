// The repositories of the Store port over one Kysely handle (the root database or a transaction).
import { sql, type CompiledQuery, type Kysely, type SelectQueryBuilder } from 'kysely';
import {
  decodeChange,
  encodeChange,
  type ChangeRepository,
  defaultClientSettings,
  StoreConflictError,
  type AdminRepository,
  type AdminSessionRepository,
  type EventRepository,
  type InstallerRepository,
  type SessionRepository,
  type SettingsRepository,
  type DirectoryRepository,
  type TokenRepository,
  type UserRepository,
  type ThrottleRepository,
} from '@kordon/core';
import {
  adminFromRow,
  adminSessionFromRow,
  adminSessionToRow,
  adminToRow,
  eventFromRow,
  eventToRow,
  installerFromRow,
  installerToRow,
  sessionFromRow,
  sessionToRow,
  postureToColumn,
  settingsFromRow,
  settingsToRow,
  tokenFromRow,
  tokenToRow,
  userFromRow,
  userToRow,
  throttleStateFromText,
} from './rows.js';
import type { StoreDialect } from './dialect.js';
import type { Tables } from './schema.js';

type Db = Kysely<Tables>;

export const changed = (count: bigint): boolean => count > 0n;

/**
 * Turns a UNIQUE/PRIMARY KEY violation into StoreConflictError; `describe` gets the column that clashed.
 * On PostgreSQL the violation also aborts the running transaction: a caller converts it and lets it end.
 */
export async function orConflict(
  dialect: StoreDialect,
  write: Promise<unknown>,
  describe: (column: string) => string,
): Promise<void> {
  try {
    await write;
  } catch (error) {
    const violation = dialect.uniqueViolation(error);
    if (violation) throw new StoreConflictError(describe(violation.column), { cause: violation.cause });
    throw error;
  }
}

export function settingsRepository(db: Db): SettingsRepository {
  return {
    async get() {
      const row = await db.selectFrom('settings').selectAll().where('id', '=', 1).executeTakeFirst();
      return row ? settingsFromRow(row) : { ...defaultClientSettings };
    },
    async put(settings) {
      const row = settingsToRow(settings);
      await db
        .insertInto('settings')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    },
  };
}

export function directoryRepository(db: Db): DirectoryRepository {
  return {
    async get() {
      const row = await db.selectFrom('directory').selectAll().where('id', '=', 1).executeTakeFirst();
      if (!row) return undefined;
      return {
        url: row.url,
        domain: row.domain,
        realm: row.realm,
        baseDn: row.base_dn,
        bindDn: row.bind_dn,
        bindPassword: row.bind_password,
        caCert: row.ca_cert,
        adminGroup: row.admin_group,
        viewerGroup: row.viewer_group,
        keytab: row.keytab,
        ntlm: row.ntlm === 1,
        updatedAt: new Date(row.updated_at),
      };
    },
    async put(c) {
      const row = {
        id: 1,
        url: c.url,
        domain: c.domain,
        realm: c.realm,
        base_dn: c.baseDn,
        bind_dn: c.bindDn,
        bind_password: c.bindPassword,
        ca_cert: c.caCert,
        admin_group: c.adminGroup,
        viewer_group: c.viewerGroup,
        keytab: c.keytab,
        ntlm: c.ntlm ? 1 : 0,
        updated_at: c.updatedAt.getTime(),
      };
      await db
        .insertInto('directory')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    },
    async clear() {
      const result = await db.deleteFrom('directory').where('id', '=', 1).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export function userRepository(db: Db, dialect: StoreDialect): UserRepository {
  return {
    async list() {
      const rows = await db.selectFrom('users').selectAll().orderBy('name').execute();
      return rows.map(userFromRow);
    },
    async get(name) {
      const row = await db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
      return row && userFromRow(row);
    },
    async create(user) {
      await orConflict(dialect, db.insertInto('users').values(userToRow(user)).execute(), (column) =>
        column === 'id' ? `user id "${user.id}" already exists` : `user "${user.name}" already exists`,
      );
    },
    async setPassword(name, passwordHash) {
      const result = await db
        .updateTable('users')
        .set({ password_hash: passwordHash })
        .where('name', '=', name)
        .executeTakeFirst();
      return changed(result.numUpdatedRows);
    },
    async setDisabled(name, disabled) {
      const result = await db
        .updateTable('users')
        .set({ disabled: disabled ? 1 : 0 })
        .where('name', '=', name)
        .executeTakeFirst();
      return changed(result.numUpdatedRows);
    },
    async remove(name) {
      const result = await db.deleteFrom('users').where('name', '=', name).executeTakeFirst();
      return changed(result.numDeletedRows);
    },
  };
}

export function adminRepository(db: Db, dialect: StoreDialect): AdminRepository {
  return {
    async list() {
      const rows = await db.selectFrom('admins').selectAll().orderBy('name').execute();
      return rows.map(adminFromRow);
    },
    async get(name) {
      const row = await db.selectFrom('admins').selectAll().where('name', '=', name).executeTakeFirst();
      return row && adminFromRow(row);
    },
    async getById(id) {
      const row = await db.selectFrom('admins').selectAll().where('id', '=', id).executeTakeFirst();
      return row && adminFromRow(row);
    },
    async create(admin) {
      await orConflict(dialect, db.insertInto('admins').values(adminToRow(admin)).execute(), (column) =>
        column === 'id'
          ? `administrator id "${admin.id}" already exists`
          : `administrator "${admin.name}" already exists`,
      );
    },
    async setPassword(name, passwordHash, mustChangePassword) {
      const result = await db
        .updateTable('admins')
        .set({ password_hash: passwordHash, must_change_password: mustChangePassword ? 1 : 0 })
        .where('name', '=', name)
        .executeTakeFirst();
      return changed(result.numUpdatedRows);
    },
    async setRole(name, role) {
      const result = await db.updateTable('admins').set({ role }).where('name', '=', name).executeTakeFirst();
      return changed(result.numUpdatedRows);
    },
    async remove(name) {
      const result = await db.deleteFrom('admins').where('name', '=', name).executeTakeFirst();
      return changed(result.numDeletedRows);
    },
    async count() {
      const { n } = await db
        .selectFrom('admins')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return n;
    },
  };
}

export function tokenRepository(db: Db, dialect: StoreDialect): TokenRepository {
  return {
    async list() {
      const rows = await db
        .selectFrom('api_tokens')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(tokenFromRow);
    },
    async getByHash(tokenHash) {
      const row = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row && tokenFromRow(row);
    },
    async create(token) {
      // Never put the hash in the message: it identifies a credential (DECISIONS 45).
      await orConflict(dialect, db.insertInto('api_tokens').values(tokenToRow(token)).execute(), (column) =>
        column === 'id'
          ? `API token id "${token.id}" already exists`
          : `API token "${token.name}" already exists`,
      );
    },
    async remove(id) {
      const result = await db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
      return changed(result.numDeletedRows);
    },
  };
}

export function adminSessionRepository(db: Db, dialect: StoreDialect): AdminSessionRepository {
  return {
    async get(id) {
      const row = await db.selectFrom('admin_sessions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && adminSessionFromRow(row);
    },
    async create(session) {
      // The id is the session cookie's secret: keep it out of the message.
      await orConflict(
        dialect,
        db.insertInto('admin_sessions').values(adminSessionToRow(session)).execute(),
        () => 'administrator session already exists',
      );
    },
    async remove(id) {
      const result = await db.deleteFrom('admin_sessions').where('id', '=', id).executeTakeFirst();
      return changed(result.numDeletedRows);
    },
    async removeExpired(now) {
      const result = await db
        .deleteFrom('admin_sessions')
        .where('expires_at', '<=', now.getTime())
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async removeForAdmin(adminId, except) {
      let query = db.deleteFrom('admin_sessions').where('admin_id', '=', adminId);
      if (except !== undefined) query = query.where('id', '<>', except);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export function installerRepository(db: Db, dialect: StoreDialect): InstallerRepository {
  return {
    async list() {
      const rows = await db.selectFrom('installers').selectAll().orderBy('os').execute();
      return rows.map(installerFromRow);
    },
    async get(os) {
      const row = await db.selectFrom('installers').selectAll().where('os', '=', os).executeTakeFirst();
      return row && installerFromRow(row);
    },
    async getByFileName(fileName) {
      const row = await db
        .selectFrom('installers')
        .selectAll()
        .where('file_name', '=', fileName)
        .executeTakeFirst();
      return row && installerFromRow(row);
    },
    async put(installer) {
      const row = installerToRow(installer);
      await orConflict(
        dialect,
        db
          .insertInto('installers')
          .values(row)
          .onConflict((oc) => oc.column('os').doUpdateSet(row))
          .execute(),
        () => `installer file "${installer.fileName}" is already used by another OS`,
      );
    },
    async remove(os) {
      const result = await db.deleteFrom('installers').where('os', '=', os).executeTakeFirst();
      return changed(result.numDeletedRows);
    },
  };
}

interface SetPostureQuery {
  compiled: CompiledQuery;
  /** Which value each of the compiled query's parameters is, in order. */
  order: ('posture' | 'id')[];
}

const setPostureQueries = new WeakMap<StoreDialect, SetPostureQuery>();

/**
 * `UPDATE sessions SET posture = ? WHERE id = ?` as the dialect compiles it. Kysely's builder and
 * compiler cost a report about as much as SQLite's run of the update (S6's profile); the text never
 * changes, so it is compiled once with markers whose places say where each value goes.
 */
function setPostureQuery(db: Db, dialect: StoreDialect): SetPostureQuery {
  let query = setPostureQueries.get(dialect);
  if (query === undefined) {
    const markers = { posture: '\u0000posture', id: '\u0000id' } as const;
    const compiled = db
      .updateTable('sessions')
      .set({ posture: markers.posture })
      .where('id', '=', markers.id)
      .compile();
    const order = compiled.parameters.map((value) => {
      if (value === markers.posture) return 'posture' as const;
      if (value === markers.id) return 'id' as const;
      throw new Error(`setPosture: unexpected parameter in ${compiled.sql}`);
    });
    query = { compiled, order };
    setPostureQueries.set(dialect, query);
  }
  return query;
}

export function sessionRepository(db: Db, dialect: StoreDialect): SessionRepository {
  return {
    async list() {
      const rows = await db.selectFrom('sessions').selectAll().orderBy('since').orderBy('id').execute();
      return rows.map(sessionFromRow);
    },
    async get(id) {
      const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && sessionFromRow(row);
    },
    async listByAccount(account) {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('account', '=', account)
        .orderBy('since')
        .orderBy('id')
        .execute();
      return rows.map(sessionFromRow);
    },
    async listGraceExpired(node, now) {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('node', '=', node)
        .where('grace_until', '<=', ms(now))
        .where('holder', 'is', null)
        .orderBy('grace_until')
        .execute();
      return rows.map(sessionFromRow);
    },
    async listByDevice(device) {
      const rows = await db.selectFrom('sessions').selectAll().where('device', '=', device).execute();
      return rows.map(sessionFromRow);
    },
    async releaseHolder(holder, graceUntil, sessionId) {
      let query = db
        .updateTable('sessions')
        .set({ holder: null, grace_until: ms(graceUntil) })
        .where('holder', '=', holder);
      if (sessionId !== undefined) query = query.where('id', '=', sessionId);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async releaseNode(node, graceUntil) {
      const result = await db
        .updateTable('sessions')
        .set({ holder: null, grace_until: ms(graceUntil) })
        .where('node', '=', node)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async listBySourceAddress(address) {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('source_address', '=', address)
        .orderBy('since')
        .orderBy('id')
        .execute();
      return rows.map(sessionFromRow);
    },
    async insert(session) {
      await orConflict(
        dialect,
        db.insertInto('sessions').values(sessionToRow(session)).execute(),
        () => `session "${session.id}" already exists`,
      );
    },
    async update(session) {
      // The port returns nothing: updating a session that another caller already removed is a no-op.
      // Posture is left as it is: only `setPosture` writes it.
      const { id, posture: _posture, ...fields } = sessionToRow(session);
      await db.updateTable('sessions').set(fields).where('id', '=', id).execute();
    },
    async setPosture(id, posture) {
      // Every posture report writes this (S6): built and compiled once per dialect, only the values vary.
      const query = setPostureQuery(db, dialect);
      const values = { posture: postureToColumn(posture), id };
      const result = await db.executeQuery({
        ...query.compiled,
        parameters: query.order.map((name) => values[name]),
      });
      return Number(result.numAffectedRows ?? 0n) > 0;
    },
    async remove(id) {
      const result = await db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
      return changed(result.numDeletedRows);
    },
  };
}

export function changeRepository(db: Db, dialect: StoreDialect): ChangeRepository {
  return {
    async append(change, at) {
      const { kind, payload } = encodeChange(change);
      const append = async (trx: Db): Promise<void> => {
        await dialect.lockChangeFeed(trx);
        await trx
          .insertInto('changes')
          .values({ at: ms(at), kind, payload })
          .execute();
        await dialect.announceChange(trx);
      };
      // The lock and the announcement belong to the transaction of the record.
      await (db.isTransaction ? append(db) : dialect.transaction(db, append));
    },
    async after(id, limit) {
      const rows = await db
        .selectFrom('changes')
        .selectAll()
        .where('id', '>', id)
        .orderBy('id')
        .limit(Math.max(1, Math.trunc(limit)))
        .execute();
      return rows.map((row) => ({
        id: row.id,
        at: new Date(row.at),
        change: decodeChange(row.kind, row.payload),
      }));
    },
    async lastId() {
      const row = await db
        .selectFrom('changes')
        .select((eb) => eb.fn.max('id').as('last'))
        .executeTakeFirst();
      return row?.last ?? 0;
    },
    async removeBefore(at) {
      const result = await db.deleteFrom('changes').where('at', '<', ms(at)).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

const ms = (date: Date): number => date.getTime();

export function eventRepository(db: Db): EventRepository {
  return {
    async append(event) {
      await db.insertInto('events').values(eventToRow(event)).execute();
    },
    async list(limit) {
      const rows = await db
        .selectFrom('events')
        .select(['at', 'kind', 'account', 'source_address', 'detail'])
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.max(0, Math.trunc(limit)))
        .execute();
      return rows.map(eventFromRow);
    },
    async page(query) {
      // The filters and the search, shared by the page and its count; the same SQL on SQLite and
      // PostgreSQL (lower() on both sides: PostgreSQL's LIKE minds case, SQLite's does not).
      const filtered = (from: SelectQueryBuilder<Tables, 'events', object>) => {
        let q = from;
        if (query.kinds !== undefined && query.kinds.length > 0) q = q.where('kind', 'in', [...query.kinds]);
        if (query.account !== undefined) q = q.where('account', '=', query.account);
        if (query.since !== undefined) q = q.where('at', '>=', query.since.getTime());
        if (query.until !== undefined) q = q.where('at', '<', query.until.getTime());
        if (query.search !== undefined && query.search !== '') {
          const pattern = `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
          q = q.where((eb) =>
            eb.or(
              (['detail', 'account', 'source_address'] as const).map(
                (column) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`,
              ),
            ),
          );
        }
        return q;
      };
      const direction = query.ascending ? 'asc' : 'desc';
      let rows = filtered(db.selectFrom('events')).select([
        'id',
        'at',
        'kind',
        'account',
        'source_address',
        'detail',
      ]);
      const { after } = query;
      if (after !== undefined) {
        const at = after.at.getTime();
        rows = rows.where((eb) =>
          query.ascending
            ? eb.or([eb('at', '>', at), eb.and([eb('at', '=', at), eb('id', '>', after.id)])])
            : eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', after.id)])]),
        );
      }
      const [found, counted] = await Promise.all([
        rows
          .orderBy('at', direction)
          .orderBy('id', direction)
          .limit(Math.max(0, Math.trunc(query.limit)))
          .execute(),
        filtered(db.selectFrom('events'))
          .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
          .executeTakeFirstOrThrow(),
      ]);
      return {
        events: found.map((row) => ({ ...eventFromRow(row), id: row.id })),
        total: Number(counted.count),
      };
    },
    async removeBefore(before) {
      const result = await db.deleteFrom('events').where('at', '<', before.getTime()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export function throttleRepository(db: Db): ThrottleRepository {
  return {
    async get(key) {
      const row = await db
        .selectFrom('login_throttle')
        .select('state')
        .where('throttle_key', '=', key)
        .executeTakeFirst();
      return row && throttleStateFromText(row.state);
    },
    async put(key, state, at) {
      const values = { throttle_key: key, state: JSON.stringify(state), updated_at: ms(at) };
      await db
        .insertInto('login_throttle')
        .values(values)
        .onConflict((oc) =>
          oc.column('throttle_key').doUpdateSet({ state: values.state, updated_at: values.updated_at }),
        )
        .execute();
    },
    async remove(key) {
      await db.deleteFrom('login_throttle').where('throttle_key', '=', key).execute();
    },
    async removeIdle(before) {
      const result = await db
        .deleteFrom('login_throttle')
        .where('updated_at', '<', ms(before))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
