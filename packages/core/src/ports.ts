// The ports: what the core needs from the outside world, implemented at the edges.
import type { Change } from './changes.js';
import type { ThrottleState } from './throttle.js';
import type { DirectoryConfig } from './directory.js';
import type { VpnRule } from './vpn-rules.js';
import type { AccessRule } from './access-rules.js';
import type { PostureObject, PostureProfile } from './posture/model.js';
import type {
  Admin,
  AdminSession,
  ApiToken,
  ClientSettings,
  EventKind,
  GatewayEvent,
  Installer,
  OsName,
  Role,
  Session,
  SessionPosture,
  StoredEvent,
  User,
} from './model.js';

/** Monotonic milliseconds for timeouts and windows; wall time only for display. */
export interface Clock {
  monotonicMs(): number;
  now(): Date;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Constant-time comparison inside; false for a malformed hash. */
  verify(hash: string, password: string): Promise<boolean>;
}

export interface UserRepository {
  list(): Promise<User[]>;
  get(name: string): Promise<User | undefined>;
  /** Fails with StoreConflictError when the name exists. */
  create(user: User): Promise<void>;
  setPassword(name: string, passwordHash: string): Promise<boolean>;
  setDisabled(name: string, disabled: boolean): Promise<boolean>;
  remove(name: string): Promise<boolean>;
}

export interface AdminRepository {
  list(): Promise<Admin[]>;
  get(name: string): Promise<Admin | undefined>;
  getById(id: string): Promise<Admin | undefined>;
  create(admin: Admin): Promise<void>;
  /** Sets the hash and whether the administrator must change it at the next sign-in. */
  setPassword(name: string, passwordHash: string, mustChangePassword: boolean): Promise<boolean>;
  setRole(name: string, role: Role): Promise<boolean>;
  remove(name: string): Promise<boolean>;
  count(): Promise<number>;
}

export interface TokenRepository {
  list(): Promise<ApiToken[]>;
  getByHash(tokenHash: string): Promise<ApiToken | undefined>;
  create(token: ApiToken): Promise<void>;
  remove(id: string): Promise<boolean>;
}

export interface AdminSessionRepository {
  get(id: string): Promise<AdminSession | undefined>;
  create(session: AdminSession): Promise<void>;
  remove(id: string): Promise<boolean>;
  removeExpired(now: Date): Promise<number>;
  /** Ends every console session of one administrator (a new password) but `except`; returns how many. */
  removeForAdmin(adminId: string, except?: string): Promise<number>;
}

export interface InstallerRepository {
  list(): Promise<Installer[]>;
  get(os: OsName): Promise<Installer | undefined>;
  getByFileName(fileName: string): Promise<Installer | undefined>;
  /** Replaces the installer of the same OS. */
  put(installer: Installer): Promise<void>;
  remove(os: OsName): Promise<boolean>;
}

export interface SessionRepository {
  list(): Promise<Session[]>;
  get(id: string): Promise<Session | undefined>;
  listByAccount(account: string): Promise<Session[]>;
  listBySourceAddress(address: string): Promise<Session[]>;
  /** Sessions of `node` without a holder whose grace ended by `now` (DECISIONS 3: swept from the store). */
  listGraceExpired(node: string, now: Date): Promise<Session[]>;
  /** Sessions whose device (WireGuard key, or address) is `device`. */
  listByDevice(device: string): Promise<Session[]>;
  /**
   * `holder` stopped holding connections (one session's, or all of them): those sessions wait out the
   * grace until `graceUntil`. Returns how many.
   */
  releaseHolder(holder: string, graceUntil: Date, sessionId?: string): Promise<number>;
  /** At a node's start: every session it held waits out the grace until `graceUntil`. */
  releaseNode(node: string, graceUntil: Date): Promise<number>;
  insert(session: Session): Promise<void>;
  /** Writes everything but `posture`. */
  update(session: Session): Promise<void>;
  /** Writes a session's posture; false when the session is gone. */
  setPosture(id: string, posture: SessionPosture): Promise<boolean>;
  remove(id: string): Promise<boolean>;
}

/** A page of the event log: filters, a search of its texts, and where the previous page ended. */
export interface EventQuery {
  kinds?: readonly EventKind[] | undefined;
  account?: string | undefined;
  /** Inclusive. */
  since?: Date | undefined;
  /** Exclusive. */
  until?: Date | undefined;
  /** A case-insensitive substring of the detail, account or source address. */
  search?: string | undefined;
  /** Oldest first; else newest first. */
  ascending: boolean;
  limit: number;
  after?: { at: Date; id: number } | undefined;
}

export interface EventRepository {
  append(event: GatewayEvent): Promise<void>;
  list(limit: number): Promise<GatewayEvent[]>;
  /** One page, and how many events match the query's filters and search on every page. */
  page(query: EventQuery): Promise<{ events: StoredEvent[]; total: number }>;
  /** Retention (--event-retention-days): removes events older than `before`; returns how many. */
  removeBefore(before: Date): Promise<number>;
}

/** DECISIONS 72: `from` hosts forward without a session; anyone on an enforced interface reaches `to`. */
export interface Exemption {
  id: string;
  direction: 'from' | 'to';
  /** A canonical CIDR ("198.18.5.0/24", "2001:db8::/64"; a single host is a /32 or /128). */
  network: string;
  createdAt: Date;
}

export interface ExemptionRepository {
  list(): Promise<Exemption[]>;
  /** Fails with StoreConflictError when the same direction and network exist. */
  create(exemption: Exemption): Promise<void>;
  remove(id: string): Promise<boolean>;
}

/**
 * Login throttling shared by every process (DECISIONS 47, 68, 71): one state per key, read and written in
 * the transaction that decides an attempt.
 */
export interface ThrottleRepository {
  get(key: string): Promise<ThrottleState | undefined>;
  put(key: string, state: ThrottleState, at: Date): Promise<void>;
  remove(key: string): Promise<void>;
  /** Forgets keys untouched since `before` (their failures have left the hour); returns how many. */
  removeIdle(before: Date): Promise<number>;
}

/** DECISIONS 67: written in the transaction of the change it records; followed by every process. */
export interface ChangeRepository {
  append(change: Change, at: Date): Promise<void>;
  /** Records after `id`, oldest first; `change` is undefined for a kind this version cannot read. */
  after(id: number, limit: number): Promise<{ id: number; at: Date; change: Change | undefined }[]>;
  /** The newest record's id, 0 when there is none. */
  lastId(): Promise<number>;
  removeBefore(at: Date): Promise<number>;
}

export interface SettingsRepository {
  get(): Promise<ClientSettings>;
  put(settings: ClientSettings): Promise<void>;
}

/** The directory logins go to (one, or none). */
export interface DirectoryRepository {
  get(): Promise<DirectoryConfig | undefined>;
  put(config: DirectoryConfig): Promise<void>;
  /** False when there was none. */
  clear(): Promise<boolean>;
}

/** A device's tunnel address (DECISIONS 5); `address` is the IPv4 address as an integer. */
export interface Lease {
  device: string;
  address: number;
  node: string;
  /** The account whose device this is (DECISIONS 69); null for leases stored before it was kept. */
  account: string | null;
  lastUsed: Date;
}

export interface LeaseRepository {
  get(device: string): Promise<Lease | undefined>;
  list(): Promise<Lease[]>;
  /** Leased addresses from `first` to `last`, ascending. */
  addressesBetween(first: number, last: number): Promise<number[]>;
  /** Inserts or replaces the device's lease; an address leased to another device is a StoreConflictError. */
  put(lease: Lease): Promise<void>;
  remove(device: string): Promise<boolean>;
  /** Removes leases unused since `before`, except those of stored tunnel sessions; returns how many. */
  removeIdle(before: Date): Promise<number>;
}

export interface Group {
  name: string;
  createdAt: Date;
}

export interface GroupRepository {
  list(): Promise<Group[]>;
  get(name: string): Promise<Group | undefined>;
  create(group: Group): Promise<void>;
  /** Also removes its memberships. */
  remove(name: string): Promise<boolean>;
  members(name: string): Promise<string[]>;
  /** Idempotent. False when the group does not exist. */
  addMember(name: string, user: string): Promise<boolean>;
  removeMember(name: string, user: string): Promise<boolean>;
  groupsOf(user: string): Promise<string[]>;
}

export interface VpnRuleRepository {
  /** In evaluation order: by position, then by when they were made (then by id). */
  list(): Promise<VpnRule[]>;
  create(rule: VpnRule): Promise<void>;
  /** Replaces the rule of the same id (all but `createdAt`); false when there is none. */
  update(rule: VpnRule): Promise<boolean>;
  remove(id: string): Promise<boolean>;
}

/** How the gateway runs the posture exchange (PUT /api/v1/posture/settings); keys as the REST body's. */
export interface PostureSettings {
  /** Minutes between the client's collections, sent as the `ztna` request's `period`; 0: collect once. */
  period: number;
  /** Minutes between re-evaluations of every session's last report against the current profiles. */
  recheck_minutes: number;
  /** After this many periods without a report the gateway sends its `ztna` request again. */
  silent_periods: number;
}

/** The settings in force until an administrator stores others (docs/posture.md says why). */
export const defaultPostureSettings: Readonly<PostureSettings> = Object.freeze({
  // PROTOCOL.md's own example request: a vendor client expects an hour.
  period: 60,
  // PROTOCOL.md: "The gateway re-checks sessions' profiles every 15 minutes."
  recheck_minutes: 15,
  // Silence means "unchanged" (DECISIONS 11): a full report is asked for again after three silent
  // periods, which tolerates collections that overran their period and still bounds how long a
  // stalled client goes unverified (three hours at the default period).
  silent_periods: 3,
});

/**
 * Posture objects and profiles (docs/posture.md), in the core's own shapes. Names are unique without
 * regard to case (a StoreConflictError otherwise); the rules between rows (a profile names existing
 * objects, an object in use stays) are the caller's, inside one transaction.
 */
export interface PostureRepository {
  /** By name, without regard to case. */
  listObjects(): Promise<PostureObject[]>;
  getObject(id: string): Promise<PostureObject | undefined>;
  createObject(object: PostureObject): Promise<void>;
  /** Replaces the object of the same id; false when there is none. */
  updateObject(object: PostureObject): Promise<boolean>;
  removeObject(id: string): Promise<boolean>;
  /** By name, without regard to case. */
  listProfiles(): Promise<PostureProfile[]>;
  getProfile(id: string): Promise<PostureProfile | undefined>;
  createProfile(profile: PostureProfile): Promise<void>;
  /** Replaces the profile of the same id; false when there is none. */
  updateProfile(profile: PostureProfile): Promise<boolean>;
  removeProfile(id: string): Promise<boolean>;
  /** The defaults when none were stored. */
  getSettings(): Promise<PostureSettings>;
  putSettings(settings: PostureSettings): Promise<void>;
}

/**
 * Access rules by posture profile (access-rules.ts). Positions need not be unique: rules at one
 * position are evaluated in the order they were made. That a rule names existing profiles, and that a
 * profile a rule names stays, is the caller's rule, inside one transaction.
 */
export interface AccessRuleRepository {
  /** In evaluation order: by position, then by when they were made (then by id). */
  list(): Promise<AccessRule[]>;
  get(id: string): Promise<AccessRule | undefined>;
  create(rule: AccessRule): Promise<void>;
  /** Replaces the rule of the same id (all but `createdAt`); false when there is none. */
  update(rule: AccessRule): Promise<boolean>;
  remove(id: string): Promise<boolean>;
}

/** Everything the gateway keeps. Rules that span sessions run inside `transaction`. */
export interface Store {
  readonly settings: SettingsRepository;
  readonly users: UserRepository;
  readonly admins: AdminRepository;
  readonly tokens: TokenRepository;
  readonly adminSessions: AdminSessionRepository;
  readonly installers: InstallerRepository;
  readonly sessions: SessionRepository;
  readonly events: EventRepository;
  readonly leases: LeaseRepository;
  readonly groups: GroupRepository;
  readonly vpnRules: VpnRuleRepository;
  readonly changes: ChangeRepository;
  readonly exemptions: ExemptionRepository;
  readonly throttle: ThrottleRepository;
  readonly directory: DirectoryRepository;
  readonly posture: PostureRepository;
  readonly accessRules: AccessRuleRepository;
  /**
   * Runs `fn` in one transaction; the `Store` it receives is bound to it. On PostgreSQL (SERIALIZABLE) a
   * conflicting transaction is run again, so `fn` does nothing but store work (docs/storage.md).
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A unique constraint was violated (a name or id that exists). */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
}

/** A WireGuard peer as the gateway configures it. Keys are standard base64 (as on the wire). */
export interface TunnelPeer {
  publicKey: string;
  /** CIDRs routed to this peer, e.g. ["100.64.0.2/32"]. */
  allowedIps: string[];
  /** Only clients set these: the gateway's "host:port", and a keepalive in seconds. */
  endpoint?: string;
  persistentKeepalive?: number;
}

/** A peer as the interface reports it. */
export interface TunnelPeerState {
  publicKey: string;
  allowedIps: string[];
  endpoint: string | null;
  lastHandshake: Date | null;
  rxBytes: number;
  txBytes: number;
}

export interface TunnelInterfaceConfig {
  /** The gateway's private key, standard base64. Never logged, never on a command line. */
  privateKey: string;
  listenPort: number;
  /** The gateway's own address in the tunnel network with its prefix, e.g. "100.64.0.1/16". */
  address: string;
}

/** The WireGuard interface the gateway owns (wireguard-go through its UAPI socket, or kernel via `wg`). */
export interface TunnelDriver {
  readonly kind: 'userspace' | 'kernel' | 'none';
  readonly interfaceName: string;
  /** Creates or adopts the interface and sets key, port and address; idempotent. */
  up(config: TunnelInterfaceConfig): Promise<void>;
  /** Adds and removes peers in one operation (removals first). */
  applyPeers(changes: { add: TunnelPeer[]; remove: string[] }): Promise<void>;
  /** Makes the interface's peers exactly `peers` (reconcile at start). */
  replacePeers(peers: TunnelPeer[]): Promise<void>;
  /** The live peers with handshakes and transfer. */
  peers(): Promise<TunnelPeerState[]>;
  /** Removes the interface (and stops wireguard-go). */
  down(): Promise<void>;
}

export interface FirewallConfig {
  /** Interfaces whose entering forwarded traffic is enforced (DECISIONS 37, 53). */
  enforcedInterfaces: string[];
  /** The WireGuard interface (always enforced). */
  tunnelInterface: string;
  /** The tunnel network, masqueraded toward every other interface. */
  tunnelNetwork: string;
  /** The addresses authorized at install time (live sessions). */
  authorized: string[];
  /** Hosts (addresses or CIDRs) that forward without a session, replies included (DECISIONS 72). */
  exemptFrom: string[];
  /** Destinations (addresses or CIDRs) anyone on an enforced interface may reach (DECISIONS 72). */
  exemptTo: string[];
  /**
   * Access rules by posture profile, in order (access-rules.ts): the first that matches a packet of an
   * authorized address decides; with rules, what none allows is dropped; with none, authorized
   * addresses reach everything.
   */
  accessRules: FirewallAccessRule[];
  /** The posture profile keys of authorized addresses (addresses in no profile are left out). */
  profiles: Record<string, readonly string[]>;
}

/** An access rule as the firewall enforces it: profile keys (opaque to the driver) and networks. */
export interface FirewallAccessRule {
  action: 'allow' | 'deny';
  profiles: readonly string[];
  to: readonly string[];
}

/** What the closed table needs (DECISIONS 70): nothing authorized, so no access rules either. */
export type ClosedFirewallConfig = Omit<FirewallConfig, 'authorized' | 'accessRules' | 'profiles'>;

/** Kordon's own nftables table: authorized addresses may forward, nobody else (DECISIONS 51, 53). */
export interface FirewallDriver {
  readonly kind: 'nftables' | 'none';
  /** Replaces Kordon's table atomically with one that authorizes exactly `config.authorized`. */
  install(config: FirewallConfig): Promise<void>;
  /**
   * Adds addresses to the authorized sets in one atomic batch; an address in `profiles` is also made a
   * member of exactly those profiles' sets (of the profiles the installed rules name).
   */
  allow(addresses: string[], profiles?: Record<string, readonly string[]>): Promise<void>;
  /** Removes addresses from the authorized and profile sets in one atomic batch; absent ones are ignored. */
  revoke(addresses: string[]): Promise<void>;
  /** The addresses authorized now, as the kernel has them. */
  authorized(): Promise<string[]>;
  /** Empties the authorized sets and keeps the table: nothing forwards (graceful stop, DECISIONS 3). */
  revokeAll(): Promise<void>;
  /** Deletes Kordon's table. */
  remove(): Promise<void>;
  /** Replaces both exemption lists in one atomic batch; the authorized sets stay (DECISIONS 72). */
  setExemptions(exemptFrom: string[], exemptTo: string[]): Promise<void>;
  /**
   * Replaces the table atomically with the closed one (DECISIONS 70): nothing authorized, the
   * exemptions kept, every interface of `config` enforced; for a stop whose clean-up overran.
   */
  installClosed(config: ClosedFirewallConfig): Promise<void>;
}
