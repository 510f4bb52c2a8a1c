// Row <-> model mapping, in one place. Rows are written only through these functions,
// so the casts of text columns back to their union types are safe.
import type {
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
  UpdatePolicy,
  User,
} from '@kordon/core';
import type {
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
} from './schema.js';

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
});

export const adminFromRow = (r: AdminRow): Admin => ({
  id: r.id,
  name: r.name,
  passwordHash: r.password_hash,
  role: r.role as Role,
  createdAt: date(r.created_at),
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
  role: r.role as Role,
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
  os: r.os as OsName,
  major: r.major,
  minor: r.minor,
  build: r.build,
  fileName: r.file_name,
  size: r.size,
  sha256: r.sha256,
  policy: r.policy as UpdatePolicy,
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
});

export const sessionFromRow = (r: SessionRow): Session => ({
  id: r.id,
  account: r.account,
  method: r.method as AuthMethod,
  sourceAddress: r.source_address,
  vpn: r.vpn === 1,
  tunnelIpv4: r.tunnel_ipv4,
  device: r.device,
  state: r.state as Session['state'],
  since: date(r.since),
  node: r.node,
  holder: r.holder,
  graceUntil: r.grace_until === null ? null : date(r.grace_until),
  resumeNonceHash: r.resume_nonce_hash,
  previousNonceHash: r.previous_nonce_hash,
  rotatedAt: r.rotated_at === null ? null : date(r.rotated_at),
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
  kind: r.kind as EventKind,
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
  action: r.action as VpnRule['action'],
  users: JSON.parse(r.users) as string[],
  groups: JSON.parse(r.groups) as string[],
  createdAt: date(r.created_at),
});
