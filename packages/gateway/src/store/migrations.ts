// The schema's migrations, written once through Kysely's schema builder; the dialect says the few types
// that differ. SQLite gets what the releases before the Migrator made with hand-written SQL.
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { StoreDialect } from './dialect.js';

type Column = (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;

const required: Column = (column) => column.notNull();
const primaryKey: Column = (column) => column.primaryKey().notNull();
const unique: Column = (column) => column.notNull().unique();
/** Booleans are INTEGER 0/1 on both engines, so rows read the same everywhere. */
const bit =
  (name: string): Column =>
  (column) =>
    column.notNull().check(sql`${sql.ref(name)} IN (0, 1)`);

/** Ordered by name; never rename, reorder or change a released one. */
export function kordonMigrations(dialect: StoreDialect): Record<string, Migration> {
  const big = dialect.bigInteger;
  return {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('settings')
          .addColumn('id', 'integer', (column) =>
            column
              .primaryKey()
              .notNull()
              .check(sql`id = 1`),
          )
          .addColumn('enabled', 'integer', bit('enabled'))
          .addColumn('auth_domain', 'text')
          .addColumn('local_tunnel', 'integer', bit('local_tunnel'))
          .addColumn('device_vpn', 'integer', bit('device_vpn'))
          .addColumn('trusted_ca_cert', 'text')
          .execute();
        // Names arrive normalized (DECISIONS 14), so a plain UNIQUE is case-insensitive in effect.
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', primaryKey)
          .addColumn('name', 'text', unique)
          .addColumn('password_hash', 'text', required)
          .addColumn('disabled', 'integer', bit('disabled'))
          .addColumn('created_at', big, required)
          .execute();
        await db.schema
          .createTable('admins')
          .addColumn('id', 'text', primaryKey)
          .addColumn('name', 'text', unique)
          .addColumn('password_hash', 'text', required)
          .addColumn('role', 'text', required)
          .addColumn('created_at', big, required)
          .execute();
        await db.schema
          .createTable('api_tokens')
          .addColumn('id', 'text', primaryKey)
          .addColumn('name', 'text', required)
          .addColumn('role', 'text', required)
          .addColumn('token_hash', 'text', unique)
          .addColumn('created_at', big, required)
          .execute();
        // Removing an administrator ends their console sessions.
        await db.schema
          .createTable('admin_sessions')
          .addColumn('id', 'text', primaryKey)
          .addColumn('admin_id', 'text', (column) =>
            column.notNull().references('admins.id').onDelete('cascade'),
          )
          .addColumn('csrf_token', 'text', required)
          .addColumn('expires_at', big, required)
          .execute();
        await db.schema
          .createIndex('admin_sessions_expires_at')
          .on('admin_sessions')
          .column('expires_at')
          .execute();
        await db.schema
          .createIndex('admin_sessions_admin_id')
          .on('admin_sessions')
          .column('admin_id')
          .execute();
        await db.schema
          .createTable('installers')
          .addColumn('os', 'text', primaryKey)
          .addColumn('major', 'integer', required)
          .addColumn('minor', 'integer', required)
          .addColumn('build', 'integer', required)
          .addColumn('file_name', 'text', unique)
          .addColumn('size', big, required)
          .addColumn('sha256', 'text', required)
          .addColumn('policy', 'text', required)
          .addColumn('added_at', big, required)
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('id', 'text', primaryKey)
          .addColumn('account', 'text', required)
          .addColumn('method', 'text', required)
          .addColumn('source_address', 'text', required)
          .addColumn('vpn', 'integer', bit('vpn'))
          .addColumn('tunnel_ipv4', 'text')
          .addColumn('device', 'text', required)
          .addColumn('state', 'text', required)
          .addColumn('since', big, required)
          .addColumn('node', 'text', required)
          .addColumn('resume_nonce_hash', 'text')
          .execute();
        // (account, since) serves the per-account device limit (DECISIONS 2) in its order.
        await db.schema
          .createIndex('sessions_account_since')
          .on('sessions')
          .columns(['account', 'since'])
          .execute();
        await db.schema.createIndex('sessions_since').on('sessions').column('since').execute();
        // One account per address for sessions without a tunnel (DECISIONS 1, 3).
        await db.schema
          .createIndex('sessions_source_address')
          .on('sessions')
          .column('source_address')
          .execute();
        await db.schema
          .createTable('events')
          .addColumn('id', dialect.serialType, dialect.serialPrimaryKey)
          .addColumn('at', big, required)
          .addColumn('kind', 'text', required)
          .addColumn('account', 'text')
          .addColumn('source_address', 'text')
          .addColumn('detail', 'text', required)
          .execute();
        await db.schema.createIndex('events_at').on('events').column('at').execute();
      },
    },
    '0002_tunnels': {
      async up(db: Kysely<unknown>) {
        // A device keeps its tunnel address (DECISIONS 5); an address belongs to one device at most.
        // The address is an IPv4 address as a number: beyond 32-bit signed, so BIGINT on PostgreSQL.
        await db.schema
          .createTable('leases')
          .addColumn('device', 'text', primaryKey)
          .addColumn('address', big, unique)
          .addColumn('node', 'text', required)
          .addColumn('last_used', big, required)
          .execute();
        await db.schema.createIndex('leases_last_used').on('leases').column('last_used').execute();
        await db.schema
          .createTable('groups')
          .addColumn('name', 'text', primaryKey)
          .addColumn('created_at', big, required)
          .execute();
        await db.schema
          .createTable('group_members')
          .addColumn('group_name', 'text', (column) =>
            column.notNull().references('groups.name').onDelete('cascade'),
          )
          .addColumn('user_name', 'text', required)
          .addPrimaryKeyConstraint('group_members_pkey', ['group_name', 'user_name'])
          .execute();
        await db.schema.createIndex('group_members_user').on('group_members').column('user_name').execute();
        await db.schema
          .createTable('vpn_rules')
          .addColumn('id', 'text', primaryKey)
          .addColumn('position', 'integer', unique)
          .addColumn('action', 'text', (column) => column.notNull().check(sql`action IN ('allow', 'deny')`))
          .addColumn('users', 'text', required)
          .addColumn('groups', 'text', required)
          .addColumn('created_at', big, required)
          .execute();
      },
    },
    '0003_change_feed': {
      async up(db: Kysely<unknown>) {
        // DECISIONS 67: every administrative change, in order; each process follows the last id it read.
        await db.schema
          .createTable('changes')
          .addColumn('id', dialect.serialType, dialect.serialPrimaryKey)
          .addColumn('at', big, required)
          .addColumn('kind', 'text', required)
          .addColumn('payload', 'text', required)
          .execute();
        await db.schema.createIndex('changes_at').on('changes').column('at').execute();
        // Which process holds a session's connection, and when a session without one ends (DECISIONS 3, 71).
        // Sessions stored before this migration are in grace from the next start. One column per
        // statement: SQLite's ALTER TABLE adds one at a time.
        await db.schema.alterTable('sessions').addColumn('holder', 'text').execute();
        await db.schema.alterTable('sessions').addColumn('grace_until', big).execute();
        await db.schema
          .createIndex('sessions_grace')
          .on('sessions')
          .columns(['node', 'grace_until'])
          .execute();
        // DECISIONS 79: the ticket a resume replaced stays good from the same device for 60 s.
        await db.schema.alterTable('sessions').addColumn('previous_nonce_hash', 'text').execute();
        await db.schema.alterTable('sessions').addColumn('rotated_at', big).execute();
        // DECISIONS 69: a WireGuard key belongs to one account.
        await db.schema.alterTable('leases').addColumn('account', 'text').execute();
        await db.schema.createIndex('sessions_device').on('sessions').column('device').execute();
        // DECISIONS 72: hosts that forward without a session (from) and destinations anyone may reach (to).
        await db.schema
          .createTable('exemptions')
          .addColumn('id', 'text', primaryKey)
          .addColumn('direction', 'text', (column) =>
            column.notNull().check(sql`direction IN ('from', 'to')`),
          )
          .addColumn('network', 'text', required)
          .addColumn('created_at', big, required)
          .addUniqueConstraint('exemptions_direction_network_key', ['direction', 'network'])
          .execute();
      },
    },
    '0004_shared_throttle': {
      async up(db: Kysely<unknown>) {
        // DECISIONS 47, 71: the login back-off is one for every worker, so it lives in the store.
        await db.schema
          .createTable('login_throttle')
          .addColumn('throttle_key', 'text', primaryKey)
          .addColumn('state', 'text', required)
          .addColumn('updated_at', big, required)
          .execute();
        await db.schema
          .createIndex('login_throttle_updated_at')
          .on('login_throttle')
          .column('updated_at')
          .execute();
      },
    },
    '0005_directory': {
      async up(db: Kysely<unknown>) {
        // In the store like the settings, so every worker and node logs in against the same directory.
        await db.schema
          .createTable('directory')
          .addColumn('id', 'integer', (column) =>
            column
              .primaryKey()
              .notNull()
              .check(sql`id = 1`),
          )
          .addColumn('url', 'text', required)
          .addColumn('domain', 'text', required)
          .addColumn('realm', 'text', required)
          .addColumn('base_dn', 'text', required)
          .addColumn('bind_dn', 'text', required)
          .addColumn('bind_password', 'text', required)
          .addColumn('ca_cert', 'text')
          .addColumn('admin_group', 'text')
          .addColumn('viewer_group', 'text')
          .addColumn('updated_at', big, required)
          .execute();
      },
    },
    '0006_single_sign_on': {
      async up(db: Kysely<unknown>) {
        // Kerberos's keytab and NTLM's switch live with the directory they sign users in to.
        await db.schema.alterTable('directory').addColumn('keytab', 'text').execute();
        await db.schema
          .alterTable('directory')
          .addColumn('ntlm', 'integer', (column) => column.notNull().defaultTo(0))
          .execute();
      },
    },
    '0007_posture': {
      async up(db: Kysely<unknown>) {
        // Device posture (docs/posture.md): criteria and expressions are JSON text, as the core's
        // shapes are, checked as they are read. Names are unique without regard to case: `name_key`
        // is the name lowercased. A profile names objects by id inside its expression; that an object
        // in use stays is the administrative transaction's rule (admin/posture.ts).
        await db.schema
          .createTable('posture_objects')
          .addColumn('id', 'text', primaryKey)
          .addColumn('name', 'text', required)
          .addColumn('name_key', 'text', unique)
          .addColumn('criteria', 'text', required)
          .execute();
        await db.schema
          .createTable('posture_profiles')
          .addColumn('id', 'text', primaryKey)
          .addColumn('name', 'text', required)
          .addColumn('name_key', 'text', unique)
          .addColumn('expression', 'text', required)
          .execute();
        // One row (id 1), or none: the defaults.
        await db.schema
          .createTable('posture_settings')
          .addColumn('id', 'integer', (column) =>
            column
              .primaryKey()
              .notNull()
              .check(sql`id = 1`),
          )
          .addColumn('period', 'integer', required)
          .addColumn('recheck_minutes', 'integer', required)
          .addColumn('silent_periods', 'integer', required)
          .execute();
      },
    },
    '0008_access_rules': {
      async up(db: Kysely<unknown>) {
        // Access rules by posture profile (docs/posture.md "Access rules"): evaluated by position, then
        // by when they were made, so a position may repeat. Profiles (ids, or the reserved "device
        // without profile") and destinations (normalized CIDR text) are JSON arrays; that the profiles
        // exist is the administrative transaction's rule (admin/access-rules.ts).
        await db.schema
          .createTable('access_rules')
          .addColumn('id', 'text', primaryKey)
          .addColumn('position', 'integer', required)
          .addColumn('action', 'text', (column) => column.notNull().check(sql`action IN ('allow', 'deny')`))
          .addColumn('profiles', 'text', required)
          .addColumn('destinations', 'text', required)
          .addColumn('created_at', big, required)
          .execute();
      },
    },
    '0009_session_posture': {
      async up(db: Kysely<unknown>) {
        // A session's last posture report and the evaluation in force, as JSON (rows.ts reads it), so any
        // process can show it, and a resume on another worker starts from it (docs/posture.md).
        await db.schema.alterTable('sessions').addColumn('posture', 'text').execute();
      },
    },
    '0010_admin_must_change_password': {
      async up(db: Kysely<unknown>) {
        // Administrators written before it changed no password they were given: none is forced now.
        await db.schema
          .alterTable('admins')
          .addColumn('must_change_password', 'integer', (column) =>
            column
              .notNull()
              .defaultTo(0)
              .check(sql`must_change_password IN (0, 1)`),
          )
          .execute();
      },
    },
    '0011_vpn_rule_positions_repeat': {
      async up(db: Kysely<unknown>) {
        // A VPN-access rule may be moved to the position of another (PATCH /api/v1/vpn-rules/{id}), as an
        // access rule may: equal positions are evaluated by age. The UNIQUE of 0001 goes; SQLite cannot
        // drop a constraint, so on both engines the table is made again with the same columns.
        await db.schema
          .createTable('vpn_rules_next')
          .addColumn('id', 'text', primaryKey)
          .addColumn('position', 'integer', required)
          .addColumn('action', 'text', (column) => column.notNull().check(sql`action IN ('allow', 'deny')`))
          .addColumn('users', 'text', required)
          .addColumn('groups', 'text', required)
          .addColumn('created_at', big, required)
          .execute();
        const columns = sql.join(
          ['id', 'position', 'action', 'users', 'groups', 'created_at'].map((name) => sql.ref(name)),
        );
        await sql`INSERT INTO ${sql.table('vpn_rules_next')} (${columns}) SELECT ${columns} FROM ${sql.table('vpn_rules')}`.execute(
          db,
        );
        await db.schema.dropTable('vpn_rules').execute();
        await db.schema.alterTable('vpn_rules_next').renameTo('vpn_rules').execute();
      },
    },
  };
}
