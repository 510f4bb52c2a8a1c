// What only PostgreSQL has: opening by URL, its refusals, several processes migrating one database at
// once, BIGINT as numbers, and the change feed's LISTEN/NOTIFY wake-up (DECISIONS 67, 75).
import fs from 'node:fs';
import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '@kordon/core';
import {
  describeDatabaseUrl,
  listenForChanges,
  openPostgresStore,
  openStore,
  StoreOpenError,
} from '../../src/store/index.js';
import { postgresMissing, usePostgresDatabase } from '../support/postgres.js';
import { at, makeTempDir, user } from './fixtures.js';

const missing = postgresMissing();

/** Resolves to the StoreOpenError that `opening` fails with. */
async function openFailure(opening: Promise<Store>): Promise<StoreOpenError> {
  const error: unknown = await opening.then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(StoreOpenError);
  return error as StoreOpenError;
}

/** Waits until `condition` holds, checking every 10 ms, for at most `ms`. */
async function eventually(condition: () => boolean, ms = 5000): Promise<void> {
  const until = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > until) throw new Error('the condition did not come true in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(missing !== undefined)(
  `PostgreSQL store${missing === undefined ? '' : ` (${missing})`}`,
  () => {
    const database = usePostgresDatabase();
    /** The URL as the store names it: the password replaced. */
    const named = (): string => database().url.replace(/:[0-9a-f]{24}@/, ':***@');

    beforeEach(async () => {
      await database().reset();
    });

    const tables = async (): Promise<string[]> =>
      (
        await database().query<{ tablename: string }>(
          "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
        )
      ).map((row) => row.tablename);

    describe('opening', () => {
      it('migrates an empty database, naming it without its password, and reopens without migrating', async () => {
        const log: string[] = [];
        await (await openPostgresStore({ url: database().url, log: (msg) => log.push(msg) })).close();
        expect(named()).not.toBe(database().url);
        expect(log).toStrictEqual([
          `applied migration 0001_initial to ${named()}`,
          `applied migration 0002_tunnels to ${named()}`,
          `applied migration 0003_change_feed to ${named()}`,
          `applied migration 0004_shared_throttle to ${named()}`,
          `applied migration 0005_directory to ${named()}`,
          `applied migration 0006_single_sign_on to ${named()}`,
          `applied migration 0007_posture to ${named()}`,
          `applied migration 0008_access_rules to ${named()}`,
          `applied migration 0009_session_posture to ${named()}`,
          `applied migration 0010_admin_must_change_password to ${named()}`,
          `applied migration 0011_vpn_rule_positions_repeat to ${named()}`,
        ]);
        // No release before the Migrator ran on PostgreSQL: no kordon_migrations.
        expect(await tables()).not.toContain('kordon_migrations');
        expect(
          (await database().query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name')).map(
            (row) => row.name,
          ),
        ).toStrictEqual([
          '0001_initial',
          '0002_tunnels',
          '0003_change_feed',
          '0004_shared_throttle',
          '0005_directory',
          '0006_single_sign_on',
          '0007_posture',
          '0008_access_rules',
          '0009_session_posture',
          '0010_admin_must_change_password',
          '0011_vpn_rule_positions_repeat',
        ]);
        const again: string[] = [];
        await (await openPostgresStore({ url: database().url, log: (msg) => again.push(msg) })).close();
        expect(again).toStrictEqual([]);
      });

      it('is what openStore opens when a database URL is given, whatever the data folder', async () => {
        const temp = makeTempDir();
        try {
          const store = await openStore({ file: temp.file, databaseUrl: database().url });
          await store.users.create(user('alice'));
          await store.close();
          expect(await database().query('SELECT name FROM users')).toStrictEqual([{ name: 'alice' }]);
          expect(fs.readdirSync(temp.dir)).toStrictEqual([]);
        } finally {
          temp.remove();
        }
      });

      it('migrates once when four processes open the database at once', async () => {
        const log: string[] = [];
        const stores = await Promise.all(
          Array.from({ length: 4 }, () =>
            openPostgresStore({ url: database().url, log: (msg) => log.push(msg) }),
          ),
        );
        for (const store of stores) await store.close();
        expect(log).toStrictEqual([
          `applied migration 0001_initial to ${named()}`,
          `applied migration 0002_tunnels to ${named()}`,
          `applied migration 0003_change_feed to ${named()}`,
          `applied migration 0004_shared_throttle to ${named()}`,
          `applied migration 0005_directory to ${named()}`,
          `applied migration 0006_single_sign_on to ${named()}`,
          `applied migration 0007_posture to ${named()}`,
          `applied migration 0008_access_rules to ${named()}`,
          `applied migration 0009_session_posture to ${named()}`,
          `applied migration 0010_admin_must_change_password to ${named()}`,
          `applied migration 0011_vpn_rule_positions_repeat to ${named()}`,
        ]);
      });

      it('refuses a database of something else and leaves it untouched', async () => {
        await database().query('CREATE TABLE photos (id integer PRIMARY KEY)');
        const error = await openFailure(openPostgresStore({ url: database().url }));
        expect(error.database).toBe(named());
        expect(error.message).toBe(
          `${named()} is not a readable Kordon database (it holds tables of something else: photos); ` +
            'restore it from a backup or move it away to start empty',
        );
        expect(await tables()).toStrictEqual(['photos']);
      });

      it('refuses a database a newer Kordon migrated and leaves it untouched', async () => {
        await (await openPostgresStore({ url: database().url })).close();
        await database().query("INSERT INTO kysely_migration (name, timestamp) VALUES ('0012_future', $1)", [
          new Date().toISOString(),
        ]);
        const before = await tables();
        const error = await openFailure(openPostgresStore({ url: database().url }));
        expect(error.message).toBe(
          `${named()} was written by a newer Kordon (schema 12, this version knows up to 11); ` +
            'upgrade Kordon or restore a backup',
        );
        expect(await tables()).toStrictEqual(before);
        const recorded = await database().query('SELECT name FROM kysely_migration');
        expect(recorded).toHaveLength(12);
      });

      it('names a database it cannot reach or open without its password', async () => {
        const url = new URL(database().url);
        url.pathname = '/kordon_absent';
        const absent = await openFailure(openPostgresStore({ url: url.toString() }));
        expect(absent.message).toBe(
          `cannot open database ${describeDatabaseUrl(url.toString())}: database "kordon_absent" does not exist`,
        );
        expect(absent.message).toContain(':***@');
        url.pathname = `/${database().name}`;
        url.port = '1';
        const refused = await openFailure(openPostgresStore({ url: url.toString() }));
        expect(refused.message).toMatch(
          /^cannot open database postgresql:\/\/\w+:\*\*\*@127\.0\.0\.1:1\/\w+: .*ECONNREFUSED/,
        );
        expect(refused.message).not.toContain(url.password);
      });

      it('refuses a URL that is not one of PostgreSQL without repeating it', async () => {
        const notUrl = await openFailure(openPostgresStore({ url: 'host=db password=hunter2' }));
        expect(notUrl.message).toBe(
          'the database URL is not a URL; write it as postgresql://USER:PASSWORD@HOST:PORT/DATABASE',
        );
        const mysql = await openFailure(openPostgresStore({ url: 'mysql://kordon:hunter2@db/kordon' }));
        expect(mysql.message).toBe(
          'the database URL starts with "mysql://"; Kordon stores in PostgreSQL: postgresql://USER:PASSWORD@HOST:PORT/DATABASE',
        );
        expect(
          describeDatabaseUrl('postgres://kordon:hunter2@db:5432/kordon?sslmode=require&password=hunter2'),
        ).toBe('postgres://kordon:***@db:5432/kordon?sslmode=require&password=***');
      });
    });

    describe('an open store', () => {
      let store: Store;

      beforeEach(async () => {
        store = await openPostgresStore({ url: database().url });
        return () => store.close();
      });

      it('reads BIGINT as numbers on its own connections only, and refuses one it cannot hold exactly', async () => {
        await store.events.append({
          at: at(0),
          kind: 'login',
          account: null,
          sourceAddress: null,
          detail: 'd',
        });
        expect((await store.events.list(1))[0]?.at).toStrictEqual(at(0));
        // The process-wide parsers are as pg made them: other code in the process sees strings still.
        const processWide = pg.types.getTypeParser(pg.types.builtins.INT8) as (text: string) => unknown;
        expect(processWide('9007199254740993')).toBe('9007199254740993');
        await database().query(
          "INSERT INTO events (at, kind, detail) VALUES (9007199254740993, 'login', 'beyond 2^53')",
        );
        await expect(store.events.list(5)).rejects.toThrow(
          'BIGINT 9007199254740993 is beyond the integers JavaScript holds exactly',
        );
      });

      it('lets a root read see only what committed while a transaction runs', async () => {
        let release = (): void => undefined;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const running = store.transaction(async (tx) => {
          await tx.users.create(user('alice'));
          await gate;
        });
        await pause(50);
        expect(await store.users.list()).toStrictEqual([]);
        release();
        await running;
        expect(await store.users.list()).toStrictEqual([user('alice')]);
      });

      it('commits change records in the order of their ids', async () => {
        let release = (): void => undefined;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const order: string[] = [];
        const first = store.transaction(async (tx) => {
          await tx.changes.append({ kind: 'vpn_rules' }, at(1));
          await gate;
          order.push('first');
        });
        await pause(50);
        const second = store.changes.append({ kind: 'exemptions' }, at(2)).then(() => order.push('second'));
        await pause(200);
        // Without the lock the second would have committed id 2 while id 1 was still invisible.
        expect(order).toStrictEqual([]);
        expect(await store.changes.after(0, 10)).toStrictEqual([]);
        release();
        await Promise.all([first, second]);
        expect(order).toStrictEqual(['first', 'second']);
        const records = await store.changes.after(0, 10);
        expect(records.map((record) => record.change?.kind)).toStrictEqual(['vpn_rules', 'exemptions']);
        expect(records[0]?.id).toBeLessThan(records[1]?.id ?? 0);
      });
    });

    describe('listening for changes', () => {
      let store: Store;

      beforeEach(async () => {
        store = await openPostgresStore({ url: database().url });
        return () => store.close();
      });

      it('wakes when a change record commits: not before, not on rollback', async () => {
        let wakes = 0;
        const listener = await listenForChanges(database().url, () => (wakes += 1));
        try {
          let release = (): void => undefined;
          const gate = new Promise<void>((resolve) => (release = resolve));
          const committing = store.transaction(async (tx) => {
            await tx.changes.append({ kind: 'vpn_rules' }, at(1));
            await tx.changes.append({ kind: 'exemptions' }, at(2));
            await gate;
          });
          await pause(100);
          expect(wakes).toBe(0);
          release();
          await committing;
          // Two records of one transaction: one wake-up.
          await eventually(() => wakes === 1);
          await expect(
            store.transaction(async (tx) => {
              await tx.changes.append({ kind: 'vpn_rules' }, at(3));
              throw new Error('rule broken');
            }),
          ).rejects.toThrow('rule broken');
          await store.changes.append({ kind: 'vpn_rules' }, at(4));
          await eventually(() => wakes === 2);
          await pause(100);
          expect(wakes).toBe(2);
        } finally {
          await listener.close();
        }
        await store.changes.append({ kind: 'vpn_rules' }, at(5));
        await pause(100);
        expect(wakes).toBe(2);
      });

      it('listens again after its connection is lost, and wakes once for what it may have missed', async () => {
        let wakes = 0;
        const log: string[] = [];
        const listener = await listenForChanges(database().url, () => (wakes += 1), {
          log: (msg) => log.push(msg),
        });
        try {
          const ended = await database().query<{ ended: boolean }>(
            "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'",
            [database().name],
          );
          expect(ended).toStrictEqual([{ ended: true }]);
          await eventually(() => wakes === 1);
          expect(log.at(-1)).toBe(`listening for changes on ${named()} again`);
          await store.changes.append({ kind: 'vpn_rules' }, at(1));
          await eventually(() => wakes === 2);
        } finally {
          await listener.close();
        }
        expect(log.join('\n')).not.toContain(new URL(database().url).password);
      });

      it('refuses to start when it cannot connect, naming the database without its password', async () => {
        const url = new URL(database().url);
        url.port = '1';
        const error: unknown = await listenForChanges(url.toString(), () => undefined).catch(
          (failure: unknown) => failure,
        );
        expect(error).toBeInstanceOf(StoreOpenError);
        expect((error as Error).message).toMatch(
          /^cannot listen for changes on postgresql:\/\/\w+:\*\*\*@127\.0\.0\.1:1\/\w+: .*ECONNREFUSED/,
        );
      });
    });
  },
);
