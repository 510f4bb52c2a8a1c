// Everything that differs between SQLite and PostgreSQL, in one place. The repositories, the migrations
// and the store are written once over Kysely and ask the dialect of their database for the rest.
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import pg from 'pg';
import { sql, type ColumnDefinitionBuilder, type Kysely, type Transaction } from 'kysely';
import type { Tables } from './schema.js';

interface UniqueViolation {
  /** The (first) column of the constraint that clashed; '' when the engine does not say. */
  column: string;
  /** What to keep as the conflict's cause: never the clashing value (it may identify a credential). */
  cause: Error;
}

export interface StoreDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Integers beyond 32 bits (milliseconds, byte sizes, IPv4 addresses as numbers). */
  readonly bigInteger: 'integer' | 'bigint';
  /** The type of an id the database counts up (events, changes). */
  readonly serialType: 'integer' | 'bigint';
  /** Makes `column` (of `serialType`) the primary key, numbered by the database. */
  readonly serialPrimaryKey: (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  /** Whether a database may hold `kordon_migrations`, the bookkeeping of releases before the Migrator. */
  readonly hasLegacyMigrationTable: boolean;
  /** A UNIQUE or PRIMARY KEY violation, or undefined for any other error. */
  uniqueViolation(error: unknown): UniqueViolation | undefined;
  /** Runs `work` in one transaction begun on the root handle, so that the rules that span rows hold. */
  transaction<T>(db: Kysely<Tables>, work: (trx: Transaction<Tables>) => Promise<T>): Promise<T>;
  /** In a change record's transaction, before its insert: records commit in the order of their ids. */
  lockChangeFeed(trx: Kysely<Tables>): Promise<void>;
  /** In a change record's transaction, after its insert: wakes every follower when it commits. */
  announceChange(trx: Kysely<Tables>): Promise<void>;
  /** Runs the migrations' transaction, holding a lock that lets one process migrate at a time. */
  migrationTransaction<T>(db: Kysely<Tables>, work: (trx: Transaction<Tables>) => Promise<T>): Promise<T>;
  /** The schema that holds the Migrator's tables; undefined where there are no schemas. */
  migrationSchema(trx: Kysely<Tables>): Promise<string | undefined>;
  /** The names of the tables in the database (in its current schema on PostgreSQL). */
  listTables(db: Kysely<Tables>): Promise<string[]>;
}

export const sqliteDialect: StoreDialect = {
  name: 'sqlite',
  bigInteger: 'integer',
  // INTEGER PRIMARY KEY AUTOINCREMENT: an id is never reused, even after the newest row is deleted.
  serialType: 'integer',
  serialPrimaryKey: (column) => column.primaryKey().autoIncrement(),
  hasLegacyMigrationTable: true,
  uniqueViolation(error) {
    if (
      !(error instanceof Database.SqliteError) ||
      (error.code !== 'SQLITE_CONSTRAINT_UNIQUE' && error.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY')
    ) {
      return undefined;
    }
    // "UNIQUE constraint failed: users.name": names only, never the value.
    const column = /constraint failed: \w+\.(\w+)/.exec(error.message)?.[1] ?? '';
    return { column, cause: error };
  },
  // The driver begins with BEGIN IMMEDIATE (sqlite-store.ts): SQLite runs one writer at a time, so every
  // transaction is serializable and a read-then-write rule cannot interleave with another process's.
  transaction: (db, work) => db.transaction().execute(work),
  lockChangeFeed: () => Promise.resolve(),
  // Followers poll the last id (DECISIONS 67): nothing to announce.
  announceChange: () => Promise.resolve(),
  // BEGIN IMMEDIATE holds the database's write lock.
  migrationTransaction: (db, work) => db.transaction().execute(work),
  migrationSchema: () => Promise.resolve(undefined),
  async listTables(db) {
    const { rows } = await sql<{ name: string }>`
      SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
    `.execute(db);
    return rows.map((row) => row.name);
  },
};

// Two-key advisory locks (class, object): Kordon's own space, apart from Kysely's one-key migration lock.
const advisoryLockClass = 0x4b6f7264; // "Kord"
const changeFeedLock = 1;
const migrationLock = 2;

/** The channel `changes.append` notifies and `listenForChanges` listens to. */
export const changeChannel = 'kordon_changes';

/** Attempts of one transaction that keeps losing to concurrent ones, before its error is given up. */
const serializableAttempts = 10;

export const postgresDialect: StoreDialect = {
  name: 'postgres',
  bigInteger: 'bigint',
  serialType: 'bigint',
  serialPrimaryKey: (column) => column.primaryKey().generatedAlwaysAsIdentity(),
  hasLegacyMigrationTable: false,
  uniqueViolation(error) {
    if (!(error instanceof pg.DatabaseError) || error.code !== '23505') return undefined;
    // The detail, 'Key (name)=(alice) already exists.', holds the value: take the column, drop the rest.
    // A column named by a keyword comes quoted: 'Key ("position")=(10)'.
    const column = /^Key \("?([^",)]+)/.exec(error.detail ?? '')?.[1] ?? '';
    const constraint = error.constraint ?? 'a unique constraint';
    return { column, cause: new Error(`duplicate key value violates ${constraint}`) };
  },
  // SERIALIZABLE, retried when PostgreSQL aborts it for a concurrent one (40001, or a deadlock 40P01):
  // the rules written for SQLite's one writer keep their meaning, phantoms included (docs/storage.md).
  async transaction(db, work) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await db.transaction().setIsolationLevel('serializable').execute(work);
      } catch (error) {
        if (attempt >= serializableAttempts || !isSerializationFailure(error)) throw error;
        // Jittered and growing, so the transactions that collided do not collide again in step.
        await delay(Math.random() * Math.min(100, 2 ** attempt));
      }
    }
  },
  async lockChangeFeed(trx) {
    // Ids are taken at insert and become visible at commit: without this, a follower that read id 8
    // could miss id 7 committing after it. Held to the commit, so change records commit in id order.
    await sql`SELECT pg_advisory_xact_lock(${advisoryLockClass}, ${changeFeedLock})`.execute(trx);
  },
  async announceChange(trx) {
    // Delivered at commit, and not at all on rollback; equal notifications of one transaction fold into one.
    await sql`SELECT pg_notify(${changeChannel}, '')`.execute(trx);
  },
  // READ COMMITTED whatever the server's default: each statement then sees what the process that held the
  // lock before committed (a SERIALIZABLE snapshot would be taken before the wait for the lock).
  migrationTransaction: (db, work) =>
    db
      .transaction()
      .setIsolationLevel('read committed')
      .execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(${advisoryLockClass}, ${migrationLock})`.execute(trx);
        return work(trx);
      }),
  async migrationSchema(trx) {
    const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(trx);
    return rows[0]?.schema;
  },
  async listTables(db) {
    const { rows } = await sql<{ name: string }>`
      SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename
    `.execute(db);
    return rows.map((row) => row.name);
  },
};

/** PostgreSQL gave up the transaction for a concurrent one; found through wrapping errors' causes too. */
function isSerializationFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (current instanceof pg.DatabaseError && (current.code === '40001' || current.code === '40P01')) {
      return true;
    }
    current = current.cause;
  }
  return false;
}
