// Plain data shared by the core, the store and the edges. No behaviour here.
import type { ZtnaReport } from '@kordon/protocol';
import type { PostureCheck } from './posture/model.js';

export type OsName = 'windows' | 'macos' | 'linux';

/** The vendor's client-authorization settings (PROTOCOL.md, `/agent_backend/wireguard/...`). */
export interface ClientSettings {
  enabled: boolean;
  auth_domain: string | null;
  local_tunnel: boolean;
  device_vpn: boolean;
  trusted_ca_cert: string | null;
}

/** DECISIONS 50: the settings of a fresh gateway. */
export const defaultClientSettings: ClientSettings = {
  enabled: true,
  auth_domain: null,
  local_tunnel: false,
  device_vpn: false,
  trusted_ca_cert: null,
};

/** A local user of the gateway; `name` is the normalized login (DECISIONS 14). */
export interface User {
  id: string;
  name: string;
  passwordHash: string;
  disabled: boolean;
  createdAt: Date;
}

export type Role = 'admin' | 'viewer';

/** An administrator of the management API. */
export interface Admin {
  id: string;
  name: string;
  passwordHash: string;
  role: Role;
  createdAt: Date;
  /**
   * Console sessions may do nothing but change this administrator's password until it is changed
   * (the first administrator's password from its file, DECISIONS 21, or one an administrator reset).
   */
  mustChangePassword: boolean;
}

/** An API token; only the SHA-256 of the secret is kept (DECISIONS 45). */
export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  tokenHash: string;
  createdAt: Date;
}

/** A logged-in administrator's console session (HttpOnly cookie + CSRF token). */
export interface AdminSession {
  id: string;
  adminId: string;
  csrfToken: string;
  expiresAt: Date;
}

export type UpdatePolicy = 'exact' | 'minimum';

/** One registered client installer per OS (DECISIONS 12). */
export interface Installer {
  os: OsName;
  major: number;
  minor: number;
  build: number;
  /** The file's name as served at `:<port>/<fileName>`; unique, no path separators. */
  fileName: string;
  size: number;
  sha256: string;
  policy: UpdatePolicy;
  addedAt: Date;
}

/** How a session's account proved who it is; `device` is Device VPN's certificate (DECISIONS 77). */
export type AuthMethod = 'password' | 'kerberos' | 'ntlm' | 'device';

/**
 * A client session. `pending` is a tunnel session waiting for its `tunnel_wg` (DECISIONS 30):
 * not counted, not listed, no access.
 */
export interface Session {
  id: string;
  /** Normalized account name (DECISIONS 14). */
  account: string;
  method: AuthMethod;
  sourceAddress: string;
  /** Whether the session has (or is waiting for) a tunnel. */
  vpn: boolean;
  tunnelIpv4: string | null;
  /** The WireGuard public key of a tunnel session, else the source address (DECISIONS 1). */
  device: string;
  state: 'pending' | 'active';
  /** When the session was counted toward the device limit (DECISIONS 60). */
  since: Date;
  /** The gateway node that holds the session's connection, or held it last (DECISIONS 71). */
  node: string;
  /**
   * The process that holds its connection now ("<node>/<worker>"), or null while the session waits for
   * its client (grace). A column, not a process's memory (ARCHITECTURE principle 6).
   */
  holder: string | null;
  /** While `holder` is null: when the grace ends and the session with it (wall time, DECISIONS 3). */
  graceUntil: Date | null;
  /** SHA-256 (hex) of the current resume ticket's nonce, or null (DECISIONS 4). */
  resumeNonceHash: string | null;
  /** The ticket the current one replaced, still good from the same device for a while (DECISIONS 79). */
  previousNonceHash: string | null;
  rotatedAt: Date | null;
  /**
   * The session's device posture (docs/posture.md), or null before its first evaluation. Written only
   * by the process holding its connection (`setPosture`), never by `update`, so a lifecycle step that
   * read the session earlier cannot undo a newer evaluation.
   */
  posture: SessionPosture | null;
}

/** A session's last posture report and the evaluation in force (PROTOCOL.md "ZTNA", DECISIONS 11). */
export interface SessionPosture {
  /** The last report, canonical; null when the device has not answered (or did not answer in time). */
  report: ZtnaReport | null;
  reportedAt: Date | null;
  /** The ids of the profiles the evaluation matched; empty: "device without profile". */
  profileIds: string[];
  /** Their names as evaluated, sorted; `["device without profile"]` when none matched. */
  profiles: string[];
  checks: PostureCheck[];
  /** When the evaluation in force was made. */
  checkedAt: Date;
  /** How many times the session's profiles changed since its login. */
  changes: number;
  /** Why the evaluation stands as it does when it is not the report's: "no answer within 60 s". */
  note: string | null;
}

export type EventKind =
  | 'login'
  | 'login_failed'
  | 'session_ended'
  /** A session's posture profiles changed (docs/posture.md). */
  | 'session_posture'
  | 'settings_changed'
  | 'user_changed'
  | 'group_changed'
  | 'vpn_rule_changed'
  | 'exemption_changed'
  | 'token_changed'
  | 'admin_changed'
  | 'admin_login_failed'
  | 'installer_changed'
  | 'directory_changed'
  | 'posture_changed'
  /** An access rule by posture profile was added, changed or removed (docs/posture.md). */
  | 'access_rule_changed';

/** Every kind, for callers that check a kind they were given (the event log's filter). */
export const EVENT_KINDS = [
  'login',
  'login_failed',
  'session_ended',
  'session_posture',
  'settings_changed',
  'user_changed',
  'group_changed',
  'vpn_rule_changed',
  'exemption_changed',
  'token_changed',
  'admin_changed',
  'admin_login_failed',
  'installer_changed',
  'directory_changed',
  'posture_changed',
  'access_rule_changed',
] as const satisfies readonly EventKind[];

/** Fails to compile when a kind above is missing from EVENT_KINDS. */
const _eventKindsComplete: Exclude<EventKind, (typeof EVENT_KINDS)[number]> extends never ? true : never =
  true;

/** An entry of the event log (DECISIONS 23). */
export interface GatewayEvent {
  at: Date;
  kind: EventKind;
  account: string | null;
  sourceAddress: string | null;
  detail: string;
}

/** An event as the store keeps it: its row id orders the events of one instant (the log's paging). */
export interface StoredEvent extends GatewayEvent {
  id: number;
}
