// Brings a database to the newest schema with Kysely's Migrator, in one transaction that one process at a
// time holds; refuses, and leaves untouched, a database of something else or one a newer Kordon wrote.
import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationResult } from 'kysely/migration';
import type { StoreDialect } from './dialect.js';
import { notReadable, StoreOpenError } from './errors.js';
import { kordonMigrations } from './migrations.js';
import type { Tables } from './schema.js';

/** The bookkeeping of the releases before the Migrator (SQLite only). */
const legacyMigrationTable = 'kordon_migrations';
/** Kysely's defaults: the names any reader of its documentation looks for. */
const migratorTable = 'kysely_migration';

interface AppliedMigrations {
  /** Recorded by the releases before the Migrator. */
  legacy: Set<string>;
  /** Recorded by Kysely's Migrator. */
  migrator: Set<string>;
}

/**
 * Read-only: which migrations the database has. Refuses a database that holds tables but no Kordon
 * bookkeeping, and one with a migration this code does not know (a newer Kordon wrote it).
 */
export async function inspectSchema(
  db: Kysely<Tables>,
  dialect: StoreDialect,
  database: string,
): Promise<AppliedMigrations> {
  const tables = await dialect.listTables(db);
  const hasLegacy = dialect.hasLegacyMigrationTable && tables.includes(legacyMigrationTable);
  const hasMigrator = tables.includes(migratorTable);
  if (!hasLegacy && !hasMigrator) {
    if (tables.length > 0)
      throw notReadable(database, `it holds tables of something else: ${tables.join(', ')}`);
    return { legacy: new Set(), migrator: new Set() };
  }
  const applied: AppliedMigrations = {
    legacy: hasLegacy ? await namesIn(db, legacyMigrationTable) : new Set(),
    migrator: hasMigrator ? await namesIn(db, migratorTable) : new Set(),
  };
  const names = new Set([...applied.legacy, ...applied.migrator]);
  const known = Object.keys(kordonMigrations(dialect));
  if ([...names].some((name) => !known.includes(name))) {
    // Migration names start with their position ("0002_..."), which is the schema number.
    const schema = Math.max(names.size, ...[...names].map((name) => Number.parseInt(name, 10) || 0));
    throw new StoreOpenError(
      database,
      `${database} was written by a newer Kordon (schema ${schema}, this version knows up to ${known.length}); ` +
        'upgrade Kordon or restore a backup',
    );
  }
  return applied;
}

async function namesIn(db: Kysely<Tables>, table: string): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM ${sql.table(table)}`.execute(db);
  return new Set(rows.map((row) => row.name));
}

/**
 * Applies the missing migrations, all in one transaction. Migrations an earlier release recorded in
 * `kordon_migrations` are adopted: the Migrator records them without running them again. On SQLite that
 * table is kept in step, so an older release refuses a newer schema in its own words.
 */
export async function migrateToLatest(
  db: Kysely<Tables>,
  dialect: StoreDialect,
  database: string,
  log: (msg: string) => void,
): Promise<void> {
  const migrations = kordonMigrations(dialect);
  const outcome = await dialect.migrationTransaction(db, async (trx) => {
    // Again under the lock: another process may have migrated since the caller looked.
    const applied = await inspectSchema(trx, dialect, database);
    const adopted = [...applied.legacy].filter((name) => !applied.migrator.has(name));
    const alreadyThere: Migration = { up: () => Promise.resolve() };
    const schema = await dialect.migrationSchema(trx);
    const migrator = new Migrator({
      db: trx,
      provider: {
        getMigrations: () =>
          Promise.resolve(
            Object.fromEntries(
              Object.entries(migrations).map(([name, migration]) => [
                name,
                applied.legacy.has(name) ? alreadyThere : migration,
              ]),
            ),
          ),
      },
      ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    });
    const { error, results = [] } = await migrator.migrateToLatest();
    if (error !== undefined) throw migrationFailure(database, results, error);
    if (dialect.hasLegacyMigrationTable) await keepLegacyInStep(trx, Object.keys(migrations));
    const ran = results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
    return { adopted, ran: ran.filter((name) => !applied.legacy.has(name)) };
  });
  if (outcome.adopted.length > 0) {
    log(`adopted migrations ${outcome.adopted.join(', ')} of ${database}, applied by an earlier Kordon`);
  }
  for (const name of outcome.ran) log(`applied migration ${name} to ${database}`);
}

async function keepLegacyInStep(trx: Kysely<Tables>, names: readonly string[]): Promise<void> {
  await trx.schema
    .createTable(legacyMigrationTable)
    .ifNotExists()
    .addColumn('name', 'text', (column) => column.primaryKey().notNull())
    .addColumn('applied_at', 'integer', (column) => column.notNull())
    .execute();
  const now = Date.now();
  await trx
    .insertInto('kordon_migrations')
    .values(names.map((name) => ({ name, applied_at: now })))
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
}

function migrationFailure(
  database: string,
  results: readonly MigrationResult[],
  error: unknown,
): StoreOpenError {
  const failed = results.find((result) => result.status === 'Error')?.migrationName;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreOpenError(
    database,
    failed === undefined
      ? `cannot migrate ${database}: ${reason}`
      : `migration ${failed} of ${database} failed, nothing was changed: ${reason}`,
    { cause: error },
  );
}
