// Opens the store on PostgreSQL (a cluster's shared database, DECISIONS 75), and listens for the change
// feed's wake-ups (DECISIONS 67). The URL may hold a password: it is never logged nor put in an error.
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Store } from '@kordon/core';
import { changeChannel, postgresDialect } from './dialect.js';
import { StoreOpenError } from './errors.js';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrate.js';
import type { Tables } from './schema.js';

interface PostgresStoreOptions {
  /** `postgresql://USER:PASSWORD@HOST:PORT/DATABASE`, with libpq's parameters (`?sslmode=...`) if needed. */
  url: string;
  log?: (msg: string) => void;
  /** Connections the store keeps at most; each running transaction holds one. */
  poolSize?: number;
}

const defaultPoolSize = 10;

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const database = describeDatabaseUrl(options.url);
  const log = options.log ?? (() => undefined);
  const pool = new pg.Pool({ ...connectionConfig(options.url), max: options.poolSize ?? defaultPoolSize });
  // Without a listener, an idle connection that the server drops would end the process.
  pool.on('error', (error) => {
    log(`database ${database}: an idle connection failed (${error.message}); the pool replaces it`);
  });
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db, postgresDialect, database, log);
    return new KyselyStore(db, postgresDialect);
  } catch (error) {
    await db.destroy();
    // Kysely ends the pool only if it ever used it.
    if (!pool.ended) await pool.end();
    if (error instanceof StoreOpenError) throw error;
    throw new StoreOpenError(database, `cannot open database ${database}: ${reasonOf(error)}`, {
      cause: error,
    });
  }
}

interface ChangeListener {
  close(): Promise<void>;
}

interface ListenOptions {
  log?: (msg: string) => void;
}

/**
 * Calls `onNotify` whenever a change record commits (`changes.append` notifies in its transaction), on
 * one connection of its own. A lost connection is made again, with waits growing to 10 s, and `onNotify`
 * is called once it is back, for what was announced meanwhile. Rejects if the first connection fails.
 */
export async function listenForChanges(
  url: string,
  onNotify: () => void,
  options: ListenOptions = {},
): Promise<ChangeListener> {
  const database = describeDatabaseUrl(url);
  const log = options.log ?? (() => undefined);
  let current: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;

  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client(connectionConfig(url));
    client.on('notification', (message) => {
      if (message.channel === changeChannel) onNotify();
    });
    client.on('error', (error) => {
      lost(client, error);
    });
    client.on('end', () => {
      lost(client);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${changeChannel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  };

  const lost = (client: pg.Client, error?: Error): void => {
    if (closed || client !== current) return;
    current = undefined;
    client.end().catch(() => undefined);
    log(
      `listening for changes on ${database} stopped${error ? ` (${error.message})` : ''}; connecting again`,
    );
    reconnectLater();
  };

  const reconnectLater = (): void => {
    retry = setTimeout(
      () => {
        retry = undefined;
        connect().then(
          (client) => {
            if (closed) {
              client.end().catch(() => undefined);
              return;
            }
            current = client;
            failures = 0;
            log(`listening for changes on ${database} again`);
            onNotify();
          },
          (error: unknown) => {
            failures += 1;
            if (closed) return;
            log(`listening for changes on ${database}: cannot connect (${reasonOf(error)}); trying again`);
            reconnectLater();
          },
        );
      },
      Math.min(10_000, 250 * 2 ** failures),
    );
  };

  try {
    current = await connect();
  } catch (error) {
    throw new StoreOpenError(database, `cannot listen for changes on ${database}: ${reasonOf(error)}`, {
      cause: error,
    });
  }
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const client = current;
      current = undefined;
      await client?.end();
    },
  };
}

/** The URL to name the database by: its password, in the user part or a parameter, replaced by `***`. */
export function describeDatabaseUrl(url: string): string {
  // The URL is never repeated in these refusals: a malformed one may still hold a password.
  if (!URL.canParse(url)) {
    throw new StoreOpenError(
      'the database URL',
      'the database URL is not a URL; write it as postgresql://USER:PASSWORD@HOST:PORT/DATABASE',
    );
  }
  const parsed = new URL(url);
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new StoreOpenError(
      'the database URL',
      `the database URL starts with "${parsed.protocol}//"; Kordon stores in PostgreSQL: postgresql://USER:PASSWORD@HOST:PORT/DATABASE`,
    );
  }
  if (parsed.password !== '') parsed.password = '***';
  for (const key of [...parsed.searchParams.keys()]) {
    if (/pass/i.test(key)) parsed.searchParams.set(key, '***');
  }
  return parsed.toString();
}

// BIGINT (int8) arrives as a string by default, since it may exceed 2^53. Kordon's BIGINT columns hold
// milliseconds, sizes and IPv4 addresses, all far below; anything beyond is refused, not rounded.
// The parser belongs to Kordon's connections only: `pg.types` stays as other code in the process set it.
const int8Oid = 20;
const kordonTypes = new pg.TypeOverrides();
kordonTypes.setTypeParser(int8Oid, 'text', (text: string): number => {
  const value = Number(text);
  if (!Number.isSafeInteger(value))
    throw new Error(`BIGINT ${text} is beyond the integers JavaScript holds exactly`);
  return value;
});

function connectionConfig(url: string): pg.ClientConfig {
  return {
    connectionString: url,
    types: kordonTypes,
    fallback_application_name: 'kordon-gateway',
    // A server that does not answer fails the start instead of hanging it.
    connectionTimeoutMillis: 10_000,
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    // net's "connect ECONNREFUSED" for each address of the host.
    return error.errors.map((inner: unknown) => reasonOf(inner)).join('; ');
  }
  return error instanceof Error && error.message !== '' ? error.message : String(error);
}
