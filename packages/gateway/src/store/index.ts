// Opens the embedded SQLite store: checks the file, applies migrations, hands back the Store.
// A database that cannot be read, or that a newer Kordon wrote, is refused and left exactly as it is.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { Store } from '@kordon/core';
import { createMigrationTable, migrations, migrationTable, type Tables } from './schema.js';
import { createKysely, SqliteStore } from './sqlite-store.js';

export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';

  constructor(
    readonly file: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface SqliteStoreOptions {
  /** The database file; its folder must exist. */
  file: string;
  log?: (msg: string) => void;
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const { file } = options;
  const log = options.log ?? (() => undefined);
  if (createFileIfMissing(file)) log(`created database ${file}`);
  else warnIfExposed(file, log);

  let database: Database.Database;
  try {
    database = new Database(file, { fileMustExist: true, timeout: 5000 });
  } catch (error) {
    throw openFailure(file, error);
  }
  try {
    // Read-only checks first, so a refused file is never written to.
    database.pragma('busy_timeout = 5000');
    checkReadable(database, file);
    const applied = appliedMigrations(database, file);
    const mode: unknown = database.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      log(`database ${file} stays in journal mode ${String(mode)}: WAL is unavailable here`);
    }
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    const db = createKysely(database);
    await migrate(db, file, applied, log);
    return new SqliteStore(db);
  } catch (error) {
    database.close();
    throw error instanceof StoreOpenError ? error : openFailure(file, error);
  }
}

/** Creates an empty file with mode 0600 (it will hold password hashes); false when it already exists. */
function createFileIfMissing(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') {
      checkAccess(file);
      return false;
    }
    throw openFailure(file, error);
  }
  try {
    fs.fchmodSync(fd, 0o600); // exactly 0600 whatever the umask
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function checkAccess(file: string): void {
  try {
    fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
  } catch (error) {
    throw openFailure(file, error);
  }
}

function warnIfExposed(file: string, log: (msg: string) => void): void {
  const stat = fs.statSync(file);
  const mode = stat.mode & 0o777;
  if (stat.isFile() && (mode & 0o077) !== 0) {
    log(
      `database ${file} is accessible to other users (mode ${mode.toString(8)}); it holds password hashes: chmod 600 it`,
    );
  }
}

function checkReadable(database: Database.Database, file: string): void {
  let result: unknown;
  try {
    result = database.pragma('quick_check', { simple: true });
  } catch (error) {
    if (
      error instanceof Database.SqliteError &&
      (error.code === 'SQLITE_NOTADB' || error.code.startsWith('SQLITE_CORRUPT'))
    ) {
      throw notReadable(file, error.message, error);
    }
    throw error;
  }
  // The first problem found, on one line.
  if (result !== 'ok') throw notReadable(file, `integrity check: ${String(result).replace(/\s+/g, ' ')}`);
}

/** The names of the migrations the database has; refuses a database with names this code does not know. */
function appliedMigrations(database: Database.Database, file: string): Set<string> {
  const tables = database
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  if (!tables.includes(migrationTable)) {
    if (tables.length > 0) throw notReadable(file, `it holds tables of something else: ${tables.join(', ')}`);
    return new Set();
  }
  const applied = database.prepare(`SELECT name FROM ${migrationTable}`).pluck().all() as string[];
  const known = new Set(migrations.map((m) => m.name));
  if (applied.some((name) => !known.has(name))) {
    // Migration names start with their position ("0002_..."), which is the schema number.
    const schema = Math.max(applied.length, ...applied.map((name) => Number.parseInt(name, 10) || 0));
    throw new StoreOpenError(
      file,
      `${file} was written by a newer Kordon (schema ${schema}, this version knows up to ${migrations.length}); ` +
        'upgrade Kordon or restore a backup',
    );
  }
  return new Set(applied);
}

/** Applies the missing migrations in order, one transaction each. */
async function migrate(
  db: Kysely<Tables>,
  file: string,
  applied: ReadonlySet<string>,
  log: (msg: string) => void,
): Promise<void> {
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    const ran = await db.transaction().execute(async (trx) => {
      await sql.raw(createMigrationTable).execute(trx);
      // Another process may have migrated since the check; the transaction holds the write lock now.
      const done = await trx
        .selectFrom(migrationTable)
        .select('name')
        .where('name', '=', migration.name)
        .executeTakeFirst();
      if (done) return false;
      for (const statement of migration.statements) await sql.raw(statement).execute(trx);
      await trx.insertInto(migrationTable).values({ name: migration.name, applied_at: Date.now() }).execute();
      return true;
    });
    if (ran) log(`applied migration ${migration.name} to ${file}`);
  }
}

function notReadable(file: string, reason: string, cause?: unknown): StoreOpenError {
  return new StoreOpenError(
    file,
    `${file} is not a readable Kordon database (${reason}); restore it from a backup or move it away to start empty`,
    { cause },
  );
}

function openFailure(file: string, error: unknown): StoreOpenError {
  const code = errnoCode(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT') {
    return new StoreOpenError(
      file,
      `cannot create database ${file}: the folder ${path.dirname(file)} does not exist; create it or choose another data folder`,
      { cause: error },
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new StoreOpenError(
      file,
      `permission denied on database ${file} (${code}); give the gateway's user read and write access to it ` +
        `and its folder ${path.dirname(file)}, or choose another data folder`,
      { cause: error },
    );
  }
  // SQLite's own refusals are mostly permissions too (the -wal and -shm files need a writable folder).
  if (code?.startsWith('SQLITE_CANTOPEN') === true || code?.startsWith('SQLITE_READONLY') === true) {
    return new StoreOpenError(
      file,
      `cannot open database ${file} (${reason}); check that the gateway's user can read and write it ` +
        `and create files in ${path.dirname(file)}`,
      { cause: error },
    );
  }
  return new StoreOpenError(file, `cannot open database ${file}: ${reason}`, { cause: error });
}

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
