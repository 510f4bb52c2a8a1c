import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, openStore, StoreOpenError } from '../../src/store/index.js';
import { makeTempDir, session, user, type TempDir } from './fixtures.js';
import { runAtOnce } from './processes.js';

let temp: TempDir;

beforeEach(() => {
  temp = makeTempDir();
});

afterEach(() => {
  temp.remove();
});

/** Resolves to the StoreOpenError that opening `file` fails with. */
async function openFailure(file: string): Promise<StoreOpenError> {
  const error: unknown = await openSqliteStore({ file }).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreOpenError);
  return error as StoreOpenError;
}

async function createDatabase(file: string): Promise<void> {
  const store = await openSqliteStore({ file });
  await store.users.create(user('alice'));
  await store.close();
}

describe('openSqliteStore', () => {
  it('creates the file with mode 0600, in WAL mode, and logs what it did', async () => {
    const messages: string[] = [];
    const store = await openSqliteStore({ file: temp.file, log: (msg) => messages.push(msg) });
    try {
      expect(fs.statSync(temp.file).mode & 0o777).toBe(0o600);
      await store.users.create(user('alice'));
      // SQLite gives its side files the database's own mode.
      expect(fs.statSync(`${temp.file}-wal`).mode & 0o777).toBe(0o600);
      expect(messages).toStrictEqual([
        `created database ${temp.file}`,
        `applied migration 0001_initial to ${temp.file}`,
        `applied migration 0002_tunnels to ${temp.file}`,
        `applied migration 0003_change_feed to ${temp.file}`,
        `applied migration 0004_shared_throttle to ${temp.file}`,
        `applied migration 0005_directory to ${temp.file}`,
        `applied migration 0006_single_sign_on to ${temp.file}`,
        `applied migration 0007_posture to ${temp.file}`,
        `applied migration 0008_access_rules to ${temp.file}`,
        `applied migration 0009_session_posture to ${temp.file}`,
        `applied migration 0010_admin_must_change_password to ${temp.file}`,
        `applied migration 0011_vpn_rule_positions_repeat to ${temp.file}`,
      ]);
    } finally {
      await store.close();
    }
    // close() checkpointed the WAL into the file and removed it.
    expect(fs.readdirSync(temp.dir)).toStrictEqual(['kordon.db']);
    const raw = new Database(temp.file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT name FROM kordon_migrations').pluck().all()).toStrictEqual([
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
    expect(raw.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all()).toStrictEqual([
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
    raw.close();
  });

  it('reopens an existing database without migrating again, and warns about a readable file', async () => {
    await createDatabase(temp.file);
    fs.chmodSync(temp.file, 0o644);
    const messages: string[] = [];
    const store = await openSqliteStore({ file: temp.file, log: (msg) => messages.push(msg) });
    expect(await store.users.get('alice')).toStrictEqual(user('alice'));
    await store.close();
    expect(messages).toStrictEqual([
      `database ${temp.file} is accessible to other users (mode 644); it holds password hashes: chmod 600 it`,
    ]);
    expect(fs.statSync(temp.file).mode & 0o777).toBe(0o644); // reported, not changed
  });

  it('refuses a file of random bytes and leaves it untouched', async () => {
    const bytes = crypto.randomBytes(8192);
    fs.writeFileSync(temp.file, bytes, { mode: 0o600 });
    const error = await openFailure(temp.file);
    expect(error.database).toBe(temp.file);
    expect(error.message).toBe(
      `${temp.file} is not a readable Kordon database (file is not a database); ` +
        'restore it from a backup or move it away to start empty',
    );
    expect(fs.readFileSync(temp.file).equals(bytes)).toBe(true);
    expect(fs.readdirSync(temp.dir)).toStrictEqual(['kordon.db']);
  });

  it('refuses a database with a damaged page and leaves it untouched', async () => {
    await createDatabase(temp.file);
    const bytes = fs.readFileSync(temp.file);
    const pageSize = bytes.readUInt16BE(16);
    expect(bytes.length).toBeGreaterThan(pageSize * 2);
    bytes.fill(0xa5, pageSize, pageSize * 2); // the second page: a table's b-tree
    fs.writeFileSync(temp.file, bytes);
    const error = await openFailure(temp.file);
    expect(error.message).toMatch(
      /^\S+ is not a readable Kordon database \(integrity check: \*\*\* in database main \*\*\* [^\n]+\); restore it from a backup or move it away to start empty$/,
    );
    expect(error.message.startsWith(`${temp.file} `)).toBe(true);
    expect(fs.readFileSync(temp.file).equals(bytes)).toBe(true);
  });

  it('refuses a SQLite database of something else', async () => {
    const raw = new Database(temp.file);
    raw.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY)');
    raw.close();
    const before = fs.readFileSync(temp.file);
    const error = await openFailure(temp.file);
    expect(error.message).toBe(
      `${temp.file} is not a readable Kordon database (it holds tables of something else: photos); ` +
        'restore it from a backup or move it away to start empty',
    );
    expect(fs.readFileSync(temp.file).equals(before)).toBe(true);
  });

  it('refuses a database a newer Kordon migrated, and leaves it untouched', async () => {
    await createDatabase(temp.file);
    const raw = new Database(temp.file);
    raw
      .prepare('INSERT INTO kordon_migrations (name, applied_at) VALUES (?, ?)')
      .run('9999_future', Date.now());
    raw.close();
    const before = fs.readFileSync(temp.file);
    const error = await openFailure(temp.file);
    expect(error.database).toBe(temp.file);
    expect(error.message).toBe(
      `${temp.file} was written by a newer Kordon (schema 9999, this version knows up to 11); ` +
        'upgrade Kordon or restore a backup',
    );
    expect(fs.readFileSync(temp.file).equals(before)).toBe(true);
    expect(fs.readdirSync(temp.dir)).toStrictEqual(['kordon.db']);
  });

  it("refuses a database whose Migrator records a newer Kordon's migration, and leaves it untouched", async () => {
    await createDatabase(temp.file);
    const raw = new Database(temp.file);
    raw
      .prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)')
      .run('0012_future', new Date().toISOString());
    raw.close();
    const before = fs.readFileSync(temp.file);
    const error = await openFailure(temp.file);
    expect(error.message).toBe(
      `${temp.file} was written by a newer Kordon (schema 12, this version knows up to 11); ` +
        'upgrade Kordon or restore a backup',
    );
    expect(fs.readFileSync(temp.file).equals(before)).toBe(true);
  });

  it('refuses a missing folder without creating it', async () => {
    const file = path.join(temp.dir, 'absent', 'kordon.db');
    const error = await openFailure(file);
    expect(error.database).toBe(file);
    expect(error.message).toBe(
      `cannot create database ${file}: the folder ${path.join(temp.dir, 'absent')} does not exist; ` +
        'create it or choose another data folder',
    );
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  it('refuses a place where it may not create the file, naming it', async () => {
    // sysfs refuses new files even to root.
    const error = await openFailure('/sys/kordon.db');
    expect(error.database).toBe('/sys/kordon.db');
    expect(error.message).toMatch(
      /^permission denied on database \/sys\/kordon\.db \((EACCES|EROFS)\); give the gateway's user read and write access to it and its folder \/sys, or choose another data folder$/,
    );
  });

  it('takes the write lock when a transaction begins, so other processes wait rather than fail', async () => {
    const store = await openSqliteStore({ file: temp.file });
    const other = new Database(temp.file, { timeout: 0 });
    try {
      await store.transaction(async (tx) => {
        await tx.users.get('alice'); // a read only, yet the lock is held
        expect(() => other.exec('BEGIN IMMEDIATE')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
      });
      other.exec('BEGIN IMMEDIATE');
      other.exec('ROLLBACK');
    } finally {
      other.close();
      await store.close();
    }
  });

  it('is what openStore opens when no database URL is given', async () => {
    const messages: string[] = [];
    const store = await openStore({
      file: temp.file,
      databaseUrl: undefined,
      log: (msg) => messages.push(msg),
    });
    await store.users.create(user('alice'));
    await store.close();
    expect(messages[0]).toBe(`created database ${temp.file}`);
    const raw = new Database(temp.file, { readonly: true });
    expect(raw.prepare('SELECT name FROM users').pluck().all()).toStrictEqual(['alice']);
    raw.close();
  });

  it('makes root calls wait for a running transaction instead of deadlocking', async () => {
    const store = await openSqliteStore({ file: temp.file });
    try {
      const order: string[] = [];
      let release = (): void => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const running = store.transaction(async (tx) => {
        await tx.users.create(user('alice'));
        order.push('tx wrote');
        await gate;
        order.push('tx done');
      });
      const outside = store.users.list().then((users) => {
        order.push('root read');
        return users;
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(order).toStrictEqual(['tx wrote']);
      release();
      await running;
      expect(await outside).toStrictEqual([user('alice')]);
      expect(order).toStrictEqual(['tx wrote', 'tx done', 'root read']);
    } finally {
      await store.close();
    }
  });
});

describe('several processes on one SQLite file', () => {
  it('migrate a new file once when they start at once', async () => {
    const outcomes = await runAtOnce(temp.file, 'open', 4);
    const messages = outcomes.flatMap((outcome) => outcome.messages);
    // The file is made by the first to get there; the migrations by the first to take the write lock.
    expect(messages.filter((msg) => msg.startsWith('created database'))).toHaveLength(1);
    expect(messages.filter((msg) => msg.startsWith('applied migration'))).toStrictEqual([
      `applied migration 0001_initial to ${temp.file}`,
      `applied migration 0002_tunnels to ${temp.file}`,
      `applied migration 0003_change_feed to ${temp.file}`,
      `applied migration 0004_shared_throttle to ${temp.file}`,
      `applied migration 0005_directory to ${temp.file}`,
      `applied migration 0006_single_sign_on to ${temp.file}`,
      `applied migration 0007_posture to ${temp.file}`,
      `applied migration 0008_access_rules to ${temp.file}`,
      `applied migration 0009_session_posture to ${temp.file}`,
      `applied migration 0010_admin_must_change_password to ${temp.file}`,
      `applied migration 0011_vpn_rule_positions_repeat to ${temp.file}`,
    ]);
    const raw = new Database(temp.file, { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM kysely_migration').pluck().get()).toBe(11);
    raw.close();
  });

  it('let one of them win a compare-and-swap on one session row', async () => {
    const store = await openSqliteStore({ file: temp.file });
    await store.sessions.insert(session('s1', { resumeNonceHash: 'ticket-0' }));
    await store.close();
    const outcomes = await runAtOnce(temp.file, 'claim', 3);
    const winners = outcomes.flatMap((outcome, index) =>
      outcome.won ? [`ticket-${String(index + 1)}`] : [],
    );
    expect(winners).toHaveLength(1);
    const reopened = await openSqliteStore({ file: temp.file });
    expect((await reopened.sessions.get('s1'))?.resumeNonceHash).toBe(winners[0]);
    await reopened.close();
  });
});
