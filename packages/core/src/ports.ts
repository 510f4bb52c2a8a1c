// The ports: what the core needs from the outside world, implemented at the edges.
import type {
  Admin,
  AdminSession,
  ApiToken,
  ClientSettings,
  GatewayEvent,
  Installer,
  OsName,
  Session,
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
  setPassword(name: string, passwordHash: string): Promise<boolean>;
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
  insert(session: Session): Promise<void>;
  update(session: Session): Promise<void>;
  remove(id: string): Promise<boolean>;
}

export interface EventRepository {
  append(event: GatewayEvent): Promise<void>;
  list(limit: number): Promise<GatewayEvent[]>;
}

export interface SettingsRepository {
  get(): Promise<ClientSettings>;
  put(settings: ClientSettings): Promise<void>;
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
  /** Runs `fn` in one transaction; the `Store` it receives is bound to it. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A unique constraint was violated (a name or id that exists). */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
}
