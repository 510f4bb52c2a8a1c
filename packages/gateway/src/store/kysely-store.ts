// The Store over one Kysely handle, the same for SQLite and PostgreSQL; the dialect holds the differences.
import type { Kysely } from 'kysely';
import type { Store } from '@kordon/core';
import { accessRuleRepository } from './access-rule-repository.js';
import {
  exemptionRepository,
  groupRepository,
  leaseRepository,
  vpnRuleRepository,
} from './access-repositories.js';
import type { StoreDialect } from './dialect.js';
import { postureRepository } from './posture-repository.js';
import {
  adminRepository,
  adminSessionRepository,
  changeRepository,
  eventRepository,
  installerRepository,
  sessionRepository,
  settingsRepository,
  directoryRepository,
  tokenRepository,
  userRepository,
  throttleRepository,
} from './repositories.js';
import type { Tables } from './schema.js';

export class KyselyStore implements Store {
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
  readonly throttle;
  readonly directory;
  readonly posture;
  readonly accessRules;

  /** `db` is the root database or one transaction; a transaction-bound store never touches the root. */
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: StoreDialect,
  ) {
    this.settings = settingsRepository(db);
    this.users = userRepository(db, dialect);
    this.admins = adminRepository(db, dialect);
    this.tokens = tokenRepository(db, dialect);
    this.adminSessions = adminSessionRepository(db, dialect);
    this.installers = installerRepository(db, dialect);
    this.sessions = sessionRepository(db, dialect);
    this.events = eventRepository(db);
    this.leases = leaseRepository(db, dialect);
    this.groups = groupRepository(db, dialect);
    this.vpnRules = vpnRuleRepository(db, dialect);
    this.changes = changeRepository(db, dialect);
    this.exemptions = exemptionRepository(db, dialect);
    this.throttle = throttleRepository(db);
    this.directory = directoryRepository(db);
    this.posture = postureRepository(db, dialect);
    this.accessRules = accessRuleRepository(db, dialect);
  }

  /**
   * Nested calls join the running transaction. On PostgreSQL `fn` runs again when the transaction lost
   * to a concurrent one (docs/storage.md), so it must do nothing outside the store it is given.
   */
  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return this.dialect.transaction(this.db, (trx) => fn(new KyselyStore(trx, this.dialect)));
  }

  async close(): Promise<void> {
    if (this.db.isTransaction) throw new Error('close() is not available on a transaction-bound store');
    // SQLite: better-sqlite3's close checkpoints the WAL into the file. PostgreSQL: the pool ends.
    await this.db.destroy();
  }
}
