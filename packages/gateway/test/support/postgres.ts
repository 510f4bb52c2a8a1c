// PostgreSQL for tests (DECISIONS 75): the machine's server when one answers, else a cluster of the test
// file's own in a temporary folder (initdb and postgres as the postgres user). Each test file gets a role
// and a database of its own, both dropped afterwards. Under CI=true a missing PostgreSQL fails the file.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

const installCommand = 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql';
const isRoot = process.getuid?.() === 0;

/** Why these tests cannot have PostgreSQL here, or undefined when they can. Throws under CI=true instead. */
export function postgresMissing(): string | undefined {
  if (machineServer() !== undefined || binDir() !== undefined) return undefined;
  const reason = `PostgreSQL is not installed: ${installCommand} (or run \`npm run setup -- --test\` as root)`;
  if (process.env['CI'] === 'true') throw new Error(reason);
  return reason;
}

export interface TestDatabase {
  /** postgresql://ROLE:PASSWORD@127.0.0.1:PORT/NAME: the role owns the database. */
  readonly url: string;
  readonly name: string;
  readonly role: string;
  /** Empties the database: its public schema is dropped and made again. */
  reset(): Promise<void>;
  /** Empties every table but Kysely's migration records, and restarts the ids: faster than reset(). */
  truncate(): Promise<void>;
  /** Runs SQL in the database as its owner, on a connection of its own. */
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<Row[]>;
}

/** The test file's database: the server is found or started once for the file, and removed after it. */
export function usePostgresDatabase(): () => TestDatabase {
  let server: PostgresServer | undefined;
  let database: (TestDatabase & { drop(): Promise<void> }) | undefined;
  beforeAll(async () => {
    server = await startPostgres();
    database = createDatabase(server);
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
    await server?.stop();
  });
  return () => {
    if (database === undefined)
      throw new Error('the PostgreSQL test database is not ready (beforeAll failed)');
    return database;
  };
}

interface PostgresServer {
  readonly port: number;
  /** Runs SQL as the superuser, through psql as the postgres user. */
  admin(sql: string): void;
  stop(): Promise<void>;
}

interface MachineServer {
  port: number;
}

let machine: MachineServer | null | undefined;

/**
 * The server of the machine, when it answers psql as the postgres user and listens on loopback.
 * KORDON_TEST_OWN_POSTGRES=1 passes it by, to try the cluster of the test's own where a server runs.
 */
function machineServer(): MachineServer | undefined {
  if (process.env['KORDON_TEST_OWN_POSTGRES'] === '1') return undefined;
  if (machine === undefined) {
    const result = asPostgres('psql', [
      '-X',
      '-A',
      '-t',
      '-d',
      'postgres',
      '-c',
      "SELECT current_setting('port') || ' ' || current_setting('listen_addresses')",
    ]);
    const [port, listen = ''] = result.status === 0 ? result.stdout.trim().split(' ') : [];
    const loopback = /(^|,)\s*(\*|localhost|127\.0\.0\.1)\s*(,|$)/.test(listen);
    machine = port !== undefined && loopback ? { port: Number(port) } : null;
  }
  return machine ?? undefined;
}

async function startPostgres(): Promise<PostgresServer> {
  const found = machineServer();
  if (found !== undefined) {
    return {
      port: found.port,
      admin: (sql) => {
        check(asPostgres('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'postgres', '-c', sql]), 'psql');
      },
      stop: () => Promise.resolve(),
    };
  }
  return startOwnCluster();
}

/** A cluster in a temporary folder, on a free port, with its socket in that folder. */
async function startOwnCluster(): Promise<PostgresServer> {
  const bin = binDir();
  if (bin === undefined) throw new Error(postgresMissing() ?? 'PostgreSQL is not installed');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kordon-pg-'));
  const data = path.join(root, 'data');
  const socket = path.join(root, 'socket');
  fs.mkdirSync(socket);
  if (isRoot) {
    const user = check(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }), 'id -u postgres').trim();
    const group = check(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }), 'id -g postgres').trim();
    for (const dir of [root, socket]) fs.chownSync(dir, Number(user), Number(group));
  }
  const pgCtl = path.join(bin, 'pg_ctl');
  const stopNow = (): void => {
    asPostgres(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
    fs.rmSync(root, { recursive: true, force: true });
  };
  // A test run that dies does not leave a server behind.
  process.once('exit', stopNow);
  try {
    check(
      asPostgres(path.join(bin, 'initdb'), [
        '-D',
        data,
        '-U',
        'postgres',
        '-E',
        'UTF8',
        '--no-locale',
        '--no-sync',
        // Peer needs the postgres OS user: as root the admin commands run as it.
        `--auth-local=${isRoot ? 'peer' : 'trust'}`,
        '--auth-host=scram-sha-256',
      ]),
      'initdb',
    );
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      `-k ${socket}`,
      '-c listen_addresses=127.0.0.1',
      // Durability is not under test: a test cluster need not wait for the disk.
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    check(
      asPostgres(pgCtl, [
        '-D',
        data,
        '-l',
        path.join(root, 'postgres.log'),
        '-w',
        '-t',
        '60',
        '-o',
        settings,
        'start',
      ]),
      'pg_ctl start',
    );
    return {
      port,
      admin: (sql) => {
        check(
          asPostgres(path.join(bin, 'psql'), [
            '-X',
            '-q',
            '-v',
            'ON_ERROR_STOP=1',
            '-h',
            socket,
            '-p',
            String(port),
            '-U',
            'postgres',
            '-d',
            'postgres',
            '-c',
            sql,
          ]),
          'psql',
        );
      },
      stop: () => {
        process.removeListener('exit', stopNow);
        check(asPostgres(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']), 'pg_ctl stop');
        fs.rmSync(root, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  } catch (error) {
    process.removeListener('exit', stopNow);
    const log = path.join(root, 'postgres.log');
    const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : '';
    stopNow();
    throw new Error(
      `could not start a PostgreSQL cluster of the test's own${tail ? `; its log ends:\n${tail}` : ''}`,
      {
        cause: error,
      },
    );
  }
}

function createDatabase(server: PostgresServer): TestDatabase & { drop(): Promise<void> } {
  const suffix = randomBytes(6).toString('hex');
  const name = `kordon_test_${suffix}`;
  const role = name;
  const password = randomBytes(12).toString('hex');
  server.admin(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  server.admin(`CREATE DATABASE ${name} OWNER ${role}`);
  const url = `postgresql://${role}:${password}@127.0.0.1:${server.port}/${name}`;
  const query = async <Row extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<Row[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<Row>(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    url,
    name,
    role,
    reset: async () => {
      // PostgreSQL 15 gives the public schema to the database's owner: the role may make it anew.
      await query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public');
    },
    truncate: async () => {
      const tables = await query<{ name: string }>(
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely_%'",
      );
      if (tables.length === 0) return;
      await query(`TRUNCATE ${tables.map((table) => `"${table.name}"`).join(', ')} RESTART IDENTITY CASCADE`);
    },
    query,
    drop: () => {
      server.admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      server.admin(`DROP ROLE IF EXISTS ${role}`);
      return Promise.resolve();
    },
  };
}

/** Debian's server programs (initdb, pg_ctl, postgres) are not on PATH: the newest version's folder. */
function binDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return undefined;
  const versions = fs
    .readdirSync(base)
    .filter((version) => fs.existsSync(path.join(base, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(base, versions[0], 'bin');
}

/** postgres refuses to run as root: as root, its programs run as the postgres user. */
function asPostgres(command: string, args: string[]): SpawnSyncReturns<string> {
  const [program, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  // cwd: the postgres user may not be allowed into the test's working folder.
  return spawnSync(program, argv, { encoding: 'utf8', cwd: '/', timeout: 90_000 });
}

function check(result: SpawnSyncReturns<string>, what: string): string {
  if (result.error) throw new Error(`${what} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(
      `${what} failed (exit ${String(result.status)}): ${`${result.stderr}${result.stdout}`.trim()}`,
    );
  }
  return result.stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}
