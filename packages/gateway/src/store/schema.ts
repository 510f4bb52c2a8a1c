// The SQLite schema: row types for Kysely and the ordered migrations that build them.
// Dates are integer milliseconds since the epoch, booleans 0/1.
import type { Generated } from 'kysely';

export interface SettingsRow {
  /** Always 1: the table holds one row. */
  id: number;
  enabled: number;
  auth_domain: string | null;
  local_tunnel: number;
  device_vpn: number;
  trusted_ca_cert: string | null;
}

export interface UserRow {
  id: string;
  name: string;
  password_hash: string;
  disabled: number;
  created_at: number;
}

export interface AdminRow {
  id: string;
  name: string;
  password_hash: string;
  role: string;
  created_at: number;
}

export interface ApiTokenRow {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  created_at: number;
}

export interface AdminSessionRow {
  id: string;
  admin_id: string;
  csrf_token: string;
  expires_at: number;
}

export interface InstallerRow {
  os: string;
  major: number;
  minor: number;
  build: number;
  file_name: string;
  size: number;
  sha256: string;
  policy: string;
  added_at: number;
}

export interface SessionRow {
  id: string;
  account: string;
  method: string;
  source_address: string;
  vpn: number;
  tunnel_ipv4: string | null;
  device: string;
  state: string;
  since: number;
  node: string;
  resume_nonce_hash: string | null;
  holder: string | null;
  grace_until: number | null;
  previous_nonce_hash: string | null;
  rotated_at: number | null;
}

interface ExemptionRow {
  id: string;
  direction: string;
  network: string;
  created_at: number;
}

interface ChangeRow {
  id: Generated<number>;
  at: number;
  kind: string;
  /** JSON of the change without its kind. */
  payload: string;
}

export interface EventRow {
  id: Generated<number>;
  at: number;
  kind: string;
  account: string | null;
  source_address: string | null;
  detail: string;
}

export interface LeaseRow {
  device: string;
  address: number;
  node: string;
  account: string | null;
  last_used: number;
}

export interface GroupRow {
  name: string;
  created_at: number;
}

interface GroupMemberRow {
  group_name: string;
  user_name: string;
}

export interface VpnRuleRow {
  id: string;
  position: number;
  action: string;
  /** JSON arrays of names. */
  users: string;
  groups: string;
  created_at: number;
}

interface MigrationRow {
  name: string;
  applied_at: number;
}

export interface Tables {
  settings: SettingsRow;
  users: UserRow;
  admins: AdminRow;
  api_tokens: ApiTokenRow;
  admin_sessions: AdminSessionRow;
  installers: InstallerRow;
  sessions: SessionRow;
  events: EventRow;
  leases: LeaseRow;
  groups: GroupRow;
  group_members: GroupMemberRow;
  vpn_rules: VpnRuleRow;
  changes: ChangeRow;
  exemptions: ExemptionRow;
  kordon_migrations: MigrationRow;
}

/** Records which migrations a database has; a name this code does not know means a newer Kordon wrote it. */
export const migrationTable = 'kordon_migrations';

export const createMigrationTable = `CREATE TABLE IF NOT EXISTS ${migrationTable} (
  name TEXT PRIMARY KEY NOT NULL,
  applied_at INTEGER NOT NULL
)`;

export interface Migration {
  /** Ordered by position in `migrations`; never rename or reorder a released one. */
  name: string;
  /** One statement each (better-sqlite3 prepares one at a time). */
  statements: readonly string[];
}

export const migrations: readonly Migration[] = [
  {
    name: '0001_initial',
    statements: [
      `CREATE TABLE settings (
        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        auth_domain TEXT,
        local_tunnel INTEGER NOT NULL CHECK (local_tunnel IN (0, 1)),
        device_vpn INTEGER NOT NULL CHECK (device_vpn IN (0, 1)),
        trusted_ca_cert TEXT
      )`,
      // Names arrive normalized (DECISIONS 14), so a plain UNIQUE is case-insensitive in effect.
      `CREATE TABLE users (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL CHECK (disabled IN (0, 1)),
        created_at INTEGER NOT NULL
      )`,
      `CREATE TABLE admins (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        created_at INTEGER NOT NULL
      )`,
      `CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      )`,
      // Removing an administrator ends their console sessions.
      `CREATE TABLE admin_sessions (
        id TEXT PRIMARY KEY NOT NULL,
        admin_id TEXT NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
        csrf_token TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      )`,
      `CREATE INDEX admin_sessions_expires_at ON admin_sessions (expires_at)`,
      `CREATE INDEX admin_sessions_admin_id ON admin_sessions (admin_id)`,
      `CREATE TABLE installers (
        os TEXT PRIMARY KEY NOT NULL,
        major INTEGER NOT NULL,
        minor INTEGER NOT NULL,
        build INTEGER NOT NULL,
        file_name TEXT NOT NULL UNIQUE,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        policy TEXT NOT NULL,
        added_at INTEGER NOT NULL
      )`,
      `CREATE TABLE sessions (
        id TEXT PRIMARY KEY NOT NULL,
        account TEXT NOT NULL,
        method TEXT NOT NULL,
        source_address TEXT NOT NULL,
        vpn INTEGER NOT NULL CHECK (vpn IN (0, 1)),
        tunnel_ipv4 TEXT,
        device TEXT NOT NULL,
        state TEXT NOT NULL,
        since INTEGER NOT NULL,
        node TEXT NOT NULL,
        resume_nonce_hash TEXT
      )`,
      // (account, since) serves the per-account device limit (DECISIONS 2) in its order.
      `CREATE INDEX sessions_account_since ON sessions (account, since)`,
      `CREATE INDEX sessions_since ON sessions (since)`,
      // One account per address for sessions without a tunnel (DECISIONS 1, 3).
      `CREATE INDEX sessions_source_address ON sessions (source_address)`,
      `CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        account TEXT,
        source_address TEXT,
        detail TEXT NOT NULL
      )`,
      `CREATE INDEX events_at ON events (at)`,
    ],
  },
  {
    name: '0002_tunnels',
    statements: [
      // A device keeps its tunnel address (DECISIONS 5); an address belongs to one device at most.
      `CREATE TABLE leases (
        device TEXT PRIMARY KEY NOT NULL,
        address INTEGER NOT NULL UNIQUE,
        node TEXT NOT NULL,
        last_used INTEGER NOT NULL
      )`,
      `CREATE INDEX leases_last_used ON leases (last_used)`,
      `CREATE TABLE groups (
        name TEXT PRIMARY KEY NOT NULL,
        created_at INTEGER NOT NULL
      )`,
      `CREATE TABLE group_members (
        group_name TEXT NOT NULL REFERENCES groups (name) ON DELETE CASCADE,
        user_name TEXT NOT NULL,
        PRIMARY KEY (group_name, user_name)
      )`,
      `CREATE INDEX group_members_user ON group_members (user_name)`,
      `CREATE TABLE vpn_rules (
        id TEXT PRIMARY KEY NOT NULL,
        position INTEGER NOT NULL UNIQUE,
        action TEXT NOT NULL CHECK (action IN ('allow', 'deny')),
        users TEXT NOT NULL,
        groups TEXT NOT NULL,
        created_at INTEGER NOT NULL
      )`,
    ],
  },
  {
    name: '0003_change_feed',
    statements: [
      // DECISIONS 67: every administrative change, in order; each process follows the last id it read.
      `CREATE TABLE changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL
      )`,
      `CREATE INDEX changes_at ON changes (at)`,
      // Which process holds a session's connection, and when a session without one ends (DECISIONS 3, 71).
      // Sessions stored before this migration are in grace from the next start.
      `ALTER TABLE sessions ADD COLUMN holder TEXT`,
      `ALTER TABLE sessions ADD COLUMN grace_until INTEGER`,
      `CREATE INDEX sessions_grace ON sessions (node, grace_until)`,
      // DECISIONS 79: the ticket a resume replaced stays good from the same device for 60 s.
      `ALTER TABLE sessions ADD COLUMN previous_nonce_hash TEXT`,
      `ALTER TABLE sessions ADD COLUMN rotated_at INTEGER`,
      // DECISIONS 69: a WireGuard key belongs to one account.
      `ALTER TABLE leases ADD COLUMN account TEXT`,
      `CREATE INDEX sessions_device ON sessions (device)`,
      // DECISIONS 72: hosts that forward without a session (from) and destinations anyone may reach (to).
      `CREATE TABLE exemptions (
        id TEXT PRIMARY KEY NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('from', 'to')),
        network TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (direction, network)
      )`,
    ],
  },
];
