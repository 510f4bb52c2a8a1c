// The rows of every table, as Kysely sees them on SQLite and PostgreSQL alike (migrations.ts builds them).
// Dates are integer milliseconds since the epoch (BIGINT on PostgreSQL), booleans 0/1.
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

/** The Active Directory the gateway logs users in against (one row, id 1; none: no directory). */
interface DirectoryRow {
  id: number;
  url: string;
  domain: string;
  realm: string;
  base_dn: string;
  bind_dn: string;
  bind_password: string;
  ca_cert: string | null;
  admin_group: string | null;
  viewer_group: string | null;
  keytab: string | null;
  ntlm: number;
  updated_at: number;
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
  must_change_password: number;
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
  /** JSON of the SessionPosture; null before the first evaluation. */
  posture: string | null;
}

export interface ExemptionRow {
  id: string;
  direction: string;
  network: string;
  created_at: number;
}

interface ThrottleRow {
  throttle_key: string;
  /** JSON of the ThrottleState. */
  state: string;
  updated_at: number;
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

export interface PostureObjectRow {
  id: string;
  name: string;
  /** The name lowercased: names are unique without regard to case. */
  name_key: string;
  /** JSON of the object's criteria. */
  criteria: string;
}

export interface PostureProfileRow {
  id: string;
  name: string;
  name_key: string;
  /** JSON of the profile's expression. */
  expression: string;
}

export interface PostureSettingsRow {
  /** Always 1: the table holds one row. */
  id: number;
  period: number;
  recheck_minutes: number;
  silent_periods: number;
}

export interface AccessRuleRow {
  id: string;
  position: number;
  action: string;
  /** JSON array of posture profile ids (or "device without profile"). */
  profiles: string;
  /** JSON array of normalized CIDR text. */
  destinations: string;
  created_at: number;
}

/** The bookkeeping of the releases before Kysely's Migrator (SQLite only); kept in step for them. */
interface LegacyMigrationRow {
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
  login_throttle: ThrottleRow;
  directory: DirectoryRow;
  posture_objects: PostureObjectRow;
  posture_profiles: PostureProfileRow;
  posture_settings: PostureSettingsRow;
  access_rules: AccessRuleRow;
  kordon_migrations: LegacyMigrationRow;
}
