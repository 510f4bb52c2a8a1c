// The Store over Kysely + better-sqlite3, and the transaction binding.
import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
} from 'kysely';
import type { Store } from '@kordon/core';
import {
  adminRepository,
  adminSessionRepository,
  changeRepository,
  eventRepository,
  installerRepository,
  sessionRepository,
  settingsRepository,
  tokenRepository,
  userRepository,
} from './repositories.js';
import type { Tables } from './schema.js';
import { exemptionRepository, groupRepository, leaseRepository, vpnRuleRepository } from './access.js';

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

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #database: BetterSqlite3.Database;

  constructor(database: BetterSqlite3.Database) {
    super({ database });
    this.#database = database;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
}

export function createKysely(database: BetterSqlite3.Database): Kysely<Tables> {
  return new Kysely<Tables>({ dialect: new ImmediateSqliteDialect(database) });
}

export class SqliteStore implements Store {
  readonly settings;
  readonly users;
  readonly admins;
  readonly tokens;
  readonly adminSessions;
  readonly installers;
  readonly sessions;
  readonly events;
  readonly leases;
  readonly groups;
  readonly vpnRules;
  readonly changes;
  readonly exemptions;

  /** `db` is the root database or one transaction; a transaction-bound store never touches the root. */
  constructor(private readonly db: Kysely<Tables>) {
    this.settings = settingsRepository(db);
    this.users = userRepository(db);
    this.admins = adminRepository(db);
    this.tokens = tokenRepository(db);
    this.adminSessions = adminSessionRepository(db);
    this.installers = installerRepository(db);
    this.sessions = sessionRepository(db);
    this.events = eventRepository(db);
    this.leases = leaseRepository(db);
    this.groups = groupRepository(db);
    this.vpnRules = vpnRuleRepository(db);
    this.changes = changeRepository(db);
    this.exemptions = exemptionRepository(db);
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    // Nested calls join the running transaction: the one connection cannot start another.
    if (this.db.isTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new SqliteStore(trx)));
  }

  async close(): Promise<void> {
    if (this.db.isTransaction) throw new Error('close() is not available on a transaction-bound store');
    // better-sqlite3's close checkpoints the WAL into the database file.
    await this.db.destroy();
  }
}
