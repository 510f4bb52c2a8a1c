// The store: one code path over Kysely, on SQLite (the embedded default) or PostgreSQL (DECISIONS 75).
import type { Store } from '@kordon/core';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';

export { StoreOpenError } from './errors.js';
export { StoreDataError } from './rows.js';
export { openSqliteStore } from './sqlite-store.js';
export { describeDatabaseUrl, listenForChanges, openPostgresStore } from './postgres-store.js';

interface StoreLocation {
  /** The SQLite file of the data folder, used when there is no `databaseUrl`. */
  file: string;
  /** A PostgreSQL URL (`--database-url-file`, `KORDON_DATABASE_URL`): the store is there instead. */
  databaseUrl?: string | undefined;
  log?: (msg: string) => void;
}

/** Opens the store where the configuration says: PostgreSQL when a database URL is given, else SQLite. */
export function openStore(location: StoreLocation): Promise<Store> {
  const log = location.log ?? (() => undefined);
  return location.databaseUrl === undefined
    ? openSqliteStore({ file: location.file, log })
    : openPostgresStore({ url: location.databaseUrl, log });
}
