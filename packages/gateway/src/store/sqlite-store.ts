// Opens the embedded SQLite store: checks the file, applies migrations, hands back the Store.
// A database that cannot be read, or that a newer Kordon wrote, is refused and left exactly as it is.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import type { Store } from '@kordon/core';
import { sqliteDialect } from './dialect.js';
import { notReadable, StoreOpenError } from './errors.js';
import { KyselyStore } from './kysely-store.js';
import { inspectSchema, migrateToLatest } from './migrate.js';
import type { Tables } from './schema.js';

interface SqliteStoreOptions {
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
  const db = new Kysely<Tables>({ dialect: new ImmediateSqliteDialect(database) });
  try {
    // Read-only checks first, so a refused file is never written to.
    database.pragma('busy_timeout = 5000');
    checkReadable(database, file);
    await inspectSchema(db, sqliteDialect, file);
    const mode = await switchToWal(database);
    if (mode !== 'wal') {
      log(`database ${file} stays in journal mode ${String(mode)}: WAL is unavailable here`);
    }
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    await migrateToLatest(db, sqliteDialect, file, log);
    return new KyselyStore(db, sqliteDialect);
  } catch (error) {
    await db.destroy();
    // Kysely closes the file only if it ever used it.
    if (database.open) database.close();
    throw error instanceof StoreOpenError ? error : openFailure(file, error);
  }
}

const WAL_SWITCH_DEADLINE_MS = 5000;

/**
 * Switching a new file into WAL needs the file to itself for a moment. SQLite answers SQLITE_BUSY at once,
 * without its busy handler, when another process starting at the same time holds a lock, so the switch is
 * retried with jittered pauses for as long as busy_timeout would have waited.
 */
async function switchToWal(database: Database.Database): Promise<unknown> {
  const deadline = Date.now() + WAL_SWITCH_DEADLINE_MS;
  for (;;) {
    try {
      return database.pragma('journal_mode = WAL', { simple: true });
    } catch (error) {
      if (errnoCode(error) !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
}

/**
 * Transactions take the write lock at BEGIN. With a plain (deferred) BEGIN, a transaction that reads and then
 * writes fails at once with SQLITE_BUSY when another process wrote in between, and busy_timeout cannot help;
 * the rules that span sessions are read-then-write transactions, possibly from several workers.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * SQLite's DDL is transactional, though Kysely's adapter says otherwise to be safe with every driver:
 * saying so lets the Migrator run inside our BEGIN IMMEDIATE transaction, whose write lock makes the
 * processes that start at once migrate one after the other.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;

  constructor(database: Database.Database) {
    const cached = withStatementCache(database);
    super({ database: cached });
    this.#database = cached;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/** Statements kept; a query with a list of values has a text per length, so the cache is bounded. */
const cachedStatements = 512;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing costs about as much as running a
 * small query. Statements are kept by their SQL text, the least recently used dropped past the bound.
 * A statement runs to its end before the next query starts (the driver runs them synchronously), so
 * sharing one is safe; SQLite prepares it again by itself after a schema change.
 */
function withStatementCache(database: Database.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= cachedStatements) {
          const oldest = statements.keys().next();
          if (oldest.done !== true) statements.delete(oldest.value);
        }
      } else {
        statements.delete(sql);
      }
      statements.set(sql, statement);
      return statement;
    },
    close(): void {
      statements.clear();
      database.close();
    },
  };
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
