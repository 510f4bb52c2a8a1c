// Row <-> model mapping, in one place. Text columns that hold one of a few words are checked as they are
// read: a value this version does not know (a newer Kordon, a hand edit) is an error naming where it is.
import type {
  AccessRule,
  Exemption,
  Admin,
  AdminSession,
  ApiToken,
  AuthMethod,
  ClientSettings,
  EventKind,
  GatewayEvent,
  Group,
  Lease,
  VpnRule,
  Installer,
  OsName,
  Role,
  Session,
  SessionPosture,
  UpdatePolicy,
  User,
  ThrottleState,
  PostureObject,
  PostureProfile,
  PostureProblem,
  PostureSettings,
} from '@kordon/core';
import { parseCidr, parsePostureObject, parsePostureProfile } from '@kordon/core';
import type {
  AccessRuleRow,
  ExemptionRow,
  AdminRow,
  AdminSessionRow,
  ApiTokenRow,
  EventRow,
  GroupRow,
  InstallerRow,
  LeaseRow,
  VpnRuleRow,
  SessionRow,
  SettingsRow,
  UserRow,
  PostureObjectRow,
  PostureProfileRow,
  PostureSettingsRow,
} from './schema.js';

/** A stored value that this version cannot read. */
export class StoreDataError extends Error {
  override readonly name = 'StoreDataError';
}

/** The words a column may hold, as an object so that the compiler checks the list is complete. */
type Words<T extends string> = Readonly<Record<T, true>>;

const roles: Words<Role> = { admin: true, viewer: true };
const osNames: Words<OsName> = { windows: true, macos: true, linux: true };
const updatePolicies: Words<UpdatePolicy> = { exact: true, minimum: true };
const authMethods: Words<AuthMethod> = { password: true, kerberos: true, ntlm: true, device: true };
const sessionStates: Words<Session['state']> = { pending: true, active: true };
const ruleActions: Words<VpnRule['action']> = { allow: true, deny: true };
const directions: Words<Exemption['direction']> = { from: true, to: true };
const accessActions: Words<AccessRule['action']> = { allow: true, deny: true };
const eventKinds: Words<EventKind> = {
  login: true,
  login_failed: true,
  session_ended: true,
  session_posture: true,
  settings_changed: true,
  user_changed: true,
  group_changed: true,
  vpn_rule_changed: true,
  exemption_changed: true,
  token_changed: true,
  admin_changed: true,
  admin_login_failed: true,
  installer_changed: true,
  directory_changed: true,
  posture_changed: true,
  access_rule_changed: true,
};

const shown = (value: string): string =>
  JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);

function word<T extends string>(words: Words<T>, table: string, column: string, value: string): T {
  const isWord = (candidate: string): candidate is T => Object.hasOwn(words, candidate);
  if (isWord(value)) return value;
  throw new StoreDataError(
    `${table}.${column} holds ${shown(value)}, which this version does not know ` +
      `(it knows ${Object.keys(words).join(', ')})`,
  );
}

/** A JSON array of strings. */
function names(table: string, column: string, value: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed;
  throw new StoreDataError(`${table}.${column} holds ${shown(value)}, not a JSON array of names`);
}

const bit = (value: boolean): number => (value ? 1 : 0);
const ms = (date: Date): number => date.getTime();
const date = (value: number): Date => new Date(value);

export const settingsToRow = (s: ClientSettings): SettingsRow => ({
  id: 1,
  enabled: bit(s.enabled),
  auth_domain: s.auth_domain,
  local_tunnel: bit(s.local_tunnel),
  device_vpn: bit(s.device_vpn),
  trusted_ca_cert: s.trusted_ca_cert,
});

export const settingsFromRow = (r: SettingsRow): ClientSettings => ({
  enabled: r.enabled === 1,
  auth_domain: r.auth_domain,
  local_tunnel: r.local_tunnel === 1,
  device_vpn: r.device_vpn === 1,
  trusted_ca_cert: r.trusted_ca_cert,
});

export const userToRow = (u: User): UserRow => ({
  id: u.id,
  name: u.name,
  password_hash: u.passwordHash,
  disabled: bit(u.disabled),
  created_at: ms(u.createdAt),
});

export const userFromRow = (r: UserRow): User => ({
  id: r.id,
  name: r.name,
  passwordHash: r.password_hash,
  disabled: r.disabled === 1,
  createdAt: date(r.created_at),
});

export const adminToRow = (a: Admin): AdminRow => ({
  id: a.id,
  name: a.name,
  password_hash: a.passwordHash,
  role: a.role,
  created_at: ms(a.createdAt),
  must_change_password: bit(a.mustChangePassword),
});

export const adminFromRow = (r: AdminRow): Admin => ({
  id: r.id,
  name: r.name,
  passwordHash: r.password_hash,
  role: word(roles, 'admins', 'role', r.role),
  createdAt: date(r.created_at),
  mustChangePassword: r.must_change_password === 1,
});

export const tokenToRow = (t: ApiToken): ApiTokenRow => ({
  id: t.id,
  name: t.name,
  role: t.role,
  token_hash: t.tokenHash,
  created_at: ms(t.createdAt),
});

export const tokenFromRow = (r: ApiTokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  role: word(roles, 'api_tokens', 'role', r.role),
  tokenHash: r.token_hash,
  createdAt: date(r.created_at),
});

export const adminSessionToRow = (s: AdminSession): AdminSessionRow => ({
  id: s.id,
  admin_id: s.adminId,
  csrf_token: s.csrfToken,
  expires_at: ms(s.expiresAt),
});

export const adminSessionFromRow = (r: AdminSessionRow): AdminSession => ({
  id: r.id,
  adminId: r.admin_id,
  csrfToken: r.csrf_token,
  expiresAt: date(r.expires_at),
});

export const installerToRow = (i: Installer): InstallerRow => ({
  os: i.os,
  major: i.major,
  minor: i.minor,
  build: i.build,
  file_name: i.fileName,
  size: i.size,
  sha256: i.sha256,
  policy: i.policy,
  added_at: ms(i.addedAt),
});

export const installerFromRow = (r: InstallerRow): Installer => ({
  os: word(osNames, 'installers', 'os', r.os),
  major: r.major,
  minor: r.minor,
  build: r.build,
  fileName: r.file_name,
  size: r.size,
  sha256: r.sha256,
  policy: word(updatePolicies, 'installers', 'policy', r.policy),
  addedAt: date(r.added_at),
});

export const sessionToRow = (s: Session): SessionRow => ({
  id: s.id,
  account: s.account,
  method: s.method,
  source_address: s.sourceAddress,
  vpn: bit(s.vpn),
  tunnel_ipv4: s.tunnelIpv4,
  device: s.device,
  state: s.state,
  since: ms(s.since),
  node: s.node,
  resume_nonce_hash: s.resumeNonceHash,
  holder: s.holder,
  grace_until: s.graceUntil && ms(s.graceUntil),
  previous_nonce_hash: s.previousNonceHash,
  rotated_at: s.rotatedAt && ms(s.rotatedAt),
  posture: s.posture && postureToColumn(s.posture),
});

/** A session's posture as its JSON column holds it: dates as milliseconds. */
export function postureToColumn(p: SessionPosture): string {
  return JSON.stringify({
    ...p,
    reportedAt: p.reportedAt && ms(p.reportedAt),
    checkedAt: ms(p.checkedAt),
  });
}

function postureFromColumn(value: string): SessionPosture {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const p = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (
    !Array.isArray(p['profileIds']) ||
    !Array.isArray(p['profiles']) ||
    !Array.isArray(p['checks']) ||
    typeof p['checkedAt'] !== 'number' ||
    typeof p['changes'] !== 'number'
  ) {
    throw new StoreDataError(`sessions.posture holds ${shown(value)}, not a posture evaluation`);
  }
  const reportedAt = p['reportedAt'];
  return {
    report: (p['report'] ?? null) as SessionPosture['report'],
    reportedAt: typeof reportedAt === 'number' ? date(reportedAt) : null,
    profileIds: p['profileIds'] as string[],
    profiles: p['profiles'] as string[],
    checks: p['checks'] as SessionPosture['checks'],
    checkedAt: date(p['checkedAt']),
    changes: p['changes'],
    note: typeof p['note'] === 'string' ? p['note'] : null,
  };
}

export const sessionFromRow = (r: SessionRow): Session => ({
  id: r.id,
  account: r.account,
  method: word(authMethods, 'sessions', 'method', r.method),
  sourceAddress: r.source_address,
  vpn: r.vpn === 1,
  tunnelIpv4: r.tunnel_ipv4,
  device: r.device,
  state: word(sessionStates, 'sessions', 'state', r.state),
  since: date(r.since),
  node: r.node,
  holder: r.holder,
  graceUntil: r.grace_until === null ? null : date(r.grace_until),
  resumeNonceHash: r.resume_nonce_hash,
  previousNonceHash: r.previous_nonce_hash,
  rotatedAt: r.rotated_at === null ? null : date(r.rotated_at),
  posture: r.posture === null ? null : postureFromColumn(r.posture),
});

export const eventToRow = (e: GatewayEvent): Omit<EventRow, 'id'> => ({
  at: ms(e.at),
  kind: e.kind,
  account: e.account,
  source_address: e.sourceAddress,
  detail: e.detail,
});

export const eventFromRow = (r: Omit<EventRow, 'id'>): GatewayEvent => ({
  at: date(r.at),
  kind: word(eventKinds, 'events', 'kind', r.kind),
  account: r.account,
  sourceAddress: r.source_address,
  detail: r.detail,
});

export const leaseToRow = (l: Lease): LeaseRow => ({
  device: l.device,
  address: l.address,
  node: l.node,
  account: l.account,
  last_used: ms(l.lastUsed),
});

export const leaseFromRow = (r: LeaseRow): Lease => ({
  device: r.device,
  address: r.address,
  node: r.node,
  account: r.account,
  lastUsed: date(r.last_used),
});

export const groupFromRow = (r: GroupRow): Group => ({ name: r.name, createdAt: date(r.created_at) });

export const vpnRuleToRow = (v: VpnRule): VpnRuleRow => ({
  id: v.id,
  position: v.position,
  action: v.action,
  users: JSON.stringify(v.users),
  groups: JSON.stringify(v.groups),
  created_at: ms(v.createdAt),
});

export const vpnRuleFromRow = (r: VpnRuleRow): VpnRule => ({
  id: r.id,
  position: r.position,
  action: word(ruleActions, 'vpn_rules', 'action', r.action),
  users: names('vpn_rules', 'users', r.users),
  groups: names('vpn_rules', 'groups', r.groups),
  createdAt: date(r.created_at),
});

export const exemptionToRow = (e: Exemption): ExemptionRow => ({
  id: e.id,
  direction: e.direction,
  network: e.network,
  created_at: ms(e.createdAt),
});

export const exemptionFromRow = (r: ExemptionRow): Exemption => ({
  id: r.id,
  direction: word(directions, 'exemptions', 'direction', r.direction),
  network: r.network,
  createdAt: date(r.created_at),
});

/** A stored ThrottleState (JSON), checked. */
export function throttleStateFromText(value: string): ThrottleState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const numbers = (list: unknown): list is number[] =>
    Array.isArray(list) && list.every((item) => typeof item === 'number' && Number.isFinite(item));
  if (typeof parsed === 'object' && parsed !== null) {
    const { failures, blockedUntil, checking } = parsed as Record<string, unknown>;
    if (numbers(failures) && numbers(checking) && typeof blockedUntil === 'number') {
      return { failures, blockedUntil, checking };
    }
  }
  throw new StoreDataError(`login_throttle.state holds ${shown(value)}, not a throttle state`);
}

/** JSON text; undefined when it is not JSON (the parser then says what it expected). */
function jsonOf(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function unreadable(table: string, row: { id: string; name: string }, problem: PostureProblem): never {
  const column = problem.field.split('/')[1] ?? '';
  throw new StoreDataError(
    `${table}.${column === '' ? 'name' : column} of "${row.name}" (${row.id}) holds what this version ` +
      `cannot read: ${problem.field} ${problem.message}`,
  );
}

/** The name's key for uniqueness: the core's parsers compare names without regard to case. */
const postureNameKey = (name: string): string => name.toLowerCase();

export const postureObjectToRow = (o: PostureObject): PostureObjectRow => ({
  id: o.id,
  name: o.name,
  name_key: postureNameKey(o.name),
  criteria: JSON.stringify(o.criteria),
});

/** Checked by the parser an administrator's body goes through: what was stored is read the same way. */
export function postureObjectFromRow(r: PostureObjectRow): PostureObject {
  const parsed = parsePostureObject({ name: r.name, criteria: jsonOf(r.criteria) });
  if (!parsed.ok) unreadable('posture_objects', r, parsed.problem);
  return { id: r.id, ...parsed.value };
}

export const postureProfileToRow = (p: PostureProfile): PostureProfileRow => ({
  id: p.id,
  name: p.name,
  name_key: postureNameKey(p.name),
  expression: JSON.stringify(p.expression),
});

/** Every `"object"` string anywhere in a value: the ids an expression would name, were it well formed. */
function objectIdsIn(value: unknown, ids: Set<string> = new Set()): Set<string> {
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'object' && typeof inner === 'string') ids.add(inner);
      else objectIdsIn(inner, ids);
    }
  }
  return ids;
}

/**
 * The expression's shape is checked by the profile parser; whether its objects exist is not the
 * row's to say (the administrative transaction keeps them), so every id it names is taken as one.
 */
export function postureProfileFromRow(r: PostureProfileRow): PostureProfile {
  const expression = jsonOf(r.expression);
  const named = [...objectIdsIn(expression)].map((id) => ({ id, name: id, criteria: [] }));
  const parsed = parsePostureProfile({ name: r.name, expression }, named);
  if (!parsed.ok) unreadable('posture_profiles', r, parsed.problem);
  return { id: r.id, ...parsed.value };
}

export const postureSettingsToRow = (s: PostureSettings): PostureSettingsRow => ({
  id: 1,
  period: s.period,
  recheck_minutes: s.recheck_minutes,
  silent_periods: s.silent_periods,
});

export const postureSettingsFromRow = (r: PostureSettingsRow): PostureSettings => ({
  period: r.period,
  recheck_minutes: r.recheck_minutes,
  silent_periods: r.silent_periods,
});

export const accessRuleToRow = (r: AccessRule): AccessRuleRow => ({
  id: r.id,
  position: r.position,
  action: r.action,
  profiles: JSON.stringify(r.profiles),
  destinations: JSON.stringify(r.to),
  created_at: ms(r.createdAt),
});

/** A JSON array of networks as the administrative use case wrote them: normalized CIDR text. */
function networks(table: string, column: string, value: string): string[] {
  const parsed = jsonOf(value);
  const normalized = (item: unknown): boolean => {
    if (typeof item !== 'string') return false;
    const cidr = parseCidr(item);
    return cidr.ok && cidr.cidr.text === item;
  };
  if (Array.isArray(parsed) && parsed.every(normalized)) return parsed as string[];
  throw new StoreDataError(`${table}.${column} holds ${shown(value)}, not a JSON array of networks`);
}

export const accessRuleFromRow = (r: AccessRuleRow): AccessRule => ({
  id: r.id,
  position: r.position,
  action: word(accessActions, 'access_rules', 'action', r.action),
  profiles: names('access_rules', 'profiles', r.profiles),
  to: networks('access_rules', 'destinations', r.destinations),
  createdAt: date(r.created_at),
});
