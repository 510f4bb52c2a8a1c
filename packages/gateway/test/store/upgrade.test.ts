// Data folders written by earlier releases open with everything in them (DECISIONS 75). The fixtures were
// made by the releases' own store code (fixtures/README.md says how), gzipped: SQLite files are mostly
// empty pages.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPostureSettings, type Store } from '@kordon/core';
import { openSqliteStore } from '../../src/store/index.js';
import { makeTempDir, type TempDir } from './fixtures.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const t0 = new Date('2026-03-01T10:00:00.123Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);

let temp: TempDir;

beforeEach(() => {
  temp = makeTempDir();
});

afterEach(() => {
  temp.remove();
});

function unpack(release: string): void {
  const bytes = zlib.gunzipSync(fs.readFileSync(path.join(fixtures, `kordon-${release}.db.gz`)));
  fs.writeFileSync(temp.file, bytes, { mode: 0o600 });
}

async function open(log: string[] = []): Promise<Store> {
  return openSqliteStore({ file: temp.file, log: (msg) => log.push(msg) });
}

/** Tables, columns, indexes and foreign keys as SQLite reports them, for comparing two files. */
function schemaOf(file: string): unknown {
  const raw = new Database(file, { readonly: true });
  try {
    const tables = raw
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
    return Object.fromEntries(
      tables.map((table) => [
        table,
        {
          columns: (
            raw.pragma(`table_info("${table}")`) as {
              name: string;
              type: string;
              notnull: number;
              pk: number;
              dflt_value: unknown;
            }[]
          ).map((column) => ({ ...column, type: column.type.toLowerCase() })),
          indexes: (
            raw.pragma(`index_list("${table}")`) as { name: string; unique: number; origin: string }[]
          )
            .map((index) => ({
              name: index.name,
              unique: index.unique,
              origin: index.origin,
              columns: (raw.pragma(`index_info("${index.name}")`) as { name: string }[]).map((c) => c.name),
            }))
            .sort((a, b) => a.name.localeCompare(b.name)),
          foreignKeys: (
            raw.pragma(`foreign_key_list("${table}")`) as {
              table: string;
              from: string;
              to: string;
              on_delete: string;
            }[]
          ).map(({ table: parent, from, to, on_delete }) => ({ parent, from, to, on_delete })),
        },
      ]),
    );
  } finally {
    raw.close();
  }
}

function names(file: string, table: string): unknown[] {
  const raw = new Database(file, { readonly: true });
  try {
    return raw.prepare(`SELECT name FROM ${table} ORDER BY name`).pluck().all();
  } finally {
    raw.close();
  }
}

async function freshSchema(): Promise<unknown> {
  const other = makeTempDir();
  try {
    await (await openSqliteStore({ file: other.file })).close();
    return schemaOf(other.file);
  } finally {
    other.remove();
  }
}

const allMigrations = [
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
];

/** What both fixtures hold in the tables of migrations 0001 and 0002. */
async function expectReleasedData(store: Store): Promise<void> {
  expect(await store.settings.get()).toStrictEqual({
    enabled: false,
    auth_domain: 'corp.example',
    local_tunnel: true,
    device_vpn: false,
    trusted_ca_cert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  });
  expect(await store.users.list()).toStrictEqual([
    {
      id: 'u-alice',
      name: 'alice',
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$alice',
      disabled: false,
      createdAt: t0,
    },
    {
      id: 'u-bob',
      name: 'bob',
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$bob',
      disabled: true,
      createdAt: at(1001),
    },
  ]);
  expect(await store.admins.list()).toStrictEqual([
    {
      id: 'a-root',
      name: 'root',
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$root',
      role: 'admin',
      createdAt: t0,
      // Written before the forced change existed: nobody is forced by the upgrade.
      mustChangePassword: false,
    },
  ]);
  expect(await store.tokens.getByHash('c'.repeat(64))).toStrictEqual({
    id: 't-ci',
    name: 'ci',
    role: 'viewer',
    tokenHash: 'c'.repeat(64),
    createdAt: at(2002),
  });
  expect(await store.adminSessions.get('as-1')).toStrictEqual({
    id: 'as-1',
    adminId: 'a-root',
    csrfToken: 'csrf-1',
    expiresAt: at(3_600_000),
  });
  expect(await store.installers.list()).toStrictEqual([
    {
      os: 'linux',
      major: 4,
      minor: 12,
      build: 3071,
      fileName: 'kordon-linux-4.12.3071.deb',
      size: 73_400_320,
      sha256: 'a'.repeat(64),
      policy: 'minimum',
      addedAt: at(5),
    },
  ]);
  expect(await store.groups.list()).toStrictEqual([{ name: 'staff', createdAt: t0 }]);
  expect(await store.groups.members('staff')).toStrictEqual(['alice']);
  expect(await store.vpnRules.list()).toStrictEqual([
    { id: 'r-1', position: 10, action: 'allow', users: ['alice'], groups: ['staff'], createdAt: t0 },
  ]);
  expect(await store.events.list(10)).toStrictEqual([
    { at: at(30), kind: 'login', account: 'alice', sourceAddress: '198.18.0.10', detail: 'password login' },
  ]);
}

const tunnelSession = {
  id: 's-tunnel',
  account: 'alice',
  method: 'password',
  sourceAddress: '198.18.0.10',
  vpn: true,
  tunnelIpv4: '100.64.0.2',
  device: 'wg-key-alice',
  state: 'active',
  since: at(10),
  node: 'node-1',
  resumeNonceHash: 'f'.repeat(64),
};
const localSession = {
  id: 's-local',
  account: 'bob',
  method: 'password',
  sourceAddress: '198.18.0.11',
  vpn: false,
  tunnelIpv4: null,
  device: '198.18.0.11',
  state: 'active',
  since: at(20),
  node: 'node-1',
  resumeNonceHash: null,
};
const noGrace = { holder: null, graceUntil: null, previousNonceHash: null, rotatedAt: null, posture: null };

describe('a data folder of an earlier release', () => {
  it('of c6d9e4c (migrations 0001, 0002) opens with everything in it and takes the newest schema', async () => {
    unpack('c6d9e4c');
    const log: string[] = [];
    const store = await open(log);
    try {
      expect(log).toStrictEqual([
        `adopted migrations 0001_initial, 0002_tunnels of ${temp.file}, applied by an earlier Kordon`,
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
      await expectReleasedData(store);
      // Stored before holders were kept: in grace from the next start (migration 0003).
      expect(await store.sessions.list()).toStrictEqual([
        { ...tunnelSession, ...noGrace },
        { ...localSession, ...noGrace },
      ]);
      expect(await store.leases.list()).toStrictEqual([
        { device: 'wg-key-alice', address: 1_681_915_906, node: 'node-1', account: null, lastUsed: at(10) },
        {
          device: 'wg-key-old',
          address: 4_294_967_294,
          node: 'node-1',
          account: null,
          lastUsed: at(-86_400_000),
        },
      ]);
      // The tables of 0003 work.
      await store.changes.append({ kind: 'vpn_rules' }, at(100));
      expect((await store.changes.after(0, 10)).map((record) => record.change)).toStrictEqual([
        { kind: 'vpn_rules' },
      ]);
      await store.exemptions.create({ id: 'x', direction: 'from', network: '198.18.5.0/24', createdAt: t0 });
      // The tables of 0007 work: empty, with the default settings.
      expect(await store.posture.listObjects()).toStrictEqual([]);
      expect(await store.posture.getSettings()).toStrictEqual(defaultPostureSettings);
      await store.posture.createObject({ id: 'o', name: 'Firewall', criteria: [{ check: 'fw_active' }] });
    } finally {
      await store.close();
    }
    expect(schemaOf(temp.file)).toStrictEqual(await freshSchema());
    expect(names(temp.file, 'kysely_migration')).toStrictEqual(allMigrations);
    // Kept in step: the release itself would now refuse the file as one of a newer Kordon.
    expect(names(temp.file, 'kordon_migrations')).toStrictEqual(allMigrations);
    const again: string[] = [];
    await (await open(again)).close();
    expect(again).toStrictEqual([]);
  });

  it('of a6f276e (the change feed, migration 0003) opens with everything in it', async () => {
    unpack('a6f276e');
    const log: string[] = [];
    const store = await open(log);
    try {
      expect(log).toStrictEqual([
        `adopted migrations 0001_initial, 0002_tunnels, 0003_change_feed of ${temp.file}, applied by an earlier Kordon`,
        `applied migration 0004_shared_throttle to ${temp.file}`,
        `applied migration 0005_directory to ${temp.file}`,
        `applied migration 0006_single_sign_on to ${temp.file}`,
        `applied migration 0007_posture to ${temp.file}`,
        `applied migration 0008_access_rules to ${temp.file}`,
        `applied migration 0009_session_posture to ${temp.file}`,
        `applied migration 0010_admin_must_change_password to ${temp.file}`,
        `applied migration 0011_vpn_rule_positions_repeat to ${temp.file}`,
      ]);
      await expectReleasedData(store);
      expect(await store.sessions.list()).toStrictEqual([
        {
          ...tunnelSession,
          holder: 'node-1/0',
          graceUntil: null,
          previousNonceHash: 'e'.repeat(64),
          rotatedAt: at(15),
          posture: null,
        },
        {
          ...localSession,
          holder: null,
          graceUntil: at(60_000),
          previousNonceHash: null,
          rotatedAt: null,
          posture: null,
        },
      ]);
      expect(await store.leases.get('wg-key-alice')).toMatchObject({ account: 'alice' });
      expect(await store.changes.after(0, 10)).toStrictEqual([
        { id: 1, at: at(40), change: { kind: 'user', account: 'bob', action: 'disabled' } },
        { id: 2, at: at(50), change: { kind: 'session_ended', sessionId: 's-gone' } },
      ]);
      await store.changes.append({ kind: 'vpn_rules' }, at(100));
      expect(await store.changes.lastId()).toBe(3);
      expect(await store.exemptions.list()).toStrictEqual([
        { id: 'x-1', direction: 'to', network: '198.18.9.0/24', createdAt: at(60) },
      ]);
    } finally {
      await store.close();
    }
    expect(schemaOf(temp.file)).toStrictEqual(await freshSchema());
    expect(names(temp.file, 'kordon_migrations')).toStrictEqual(allMigrations);
  });
});
