// Shared by the store tests: a fresh temp folder per test and sample records.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  Admin,
  AdminSession,
  ApiToken,
  GatewayEvent,
  Installer,
  Lease,
  Session,
  User,
} from '@kordon/core';

export interface TempDir {
  dir: string;
  file: string;
  remove(): void;
}

export function makeTempDir(): TempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kordon-store-'));
  return {
    dir,
    file: path.join(dir, 'kordon.db'),
    remove: () => {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Odd milliseconds, so a store that dropped them would be caught.
export const t0 = new Date('2026-03-01T10:00:00.123Z');
export const at = (offsetMs: number): Date => new Date(t0.getTime() + offsetMs);

export const user = (name: string, overrides: Partial<User> = {}): User => ({
  id: `u-${name}`,
  name,
  passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$salt$${name}`,
  disabled: false,
  createdAt: t0,
  ...overrides,
});

export const admin = (name: string, overrides: Partial<Admin> = {}): Admin => ({
  id: `a-${name}`,
  name,
  passwordHash: `hash-${name}`,
  role: 'admin',
  createdAt: t0,
  mustChangePassword: false,
  ...overrides,
});

export const token = (id: string, overrides: Partial<ApiToken> = {}): ApiToken => ({
  id,
  name: `token ${id}`,
  role: 'viewer',
  tokenHash: `sha256-${id}`,
  createdAt: t0,
  ...overrides,
});

export const adminSession = (id: string, adminId: string, expiresAt: Date): AdminSession => ({
  id,
  adminId,
  csrfToken: `csrf-${id}`,
  expiresAt,
});

export const installer = (osName: Installer['os'], overrides: Partial<Installer> = {}): Installer => ({
  os: osName,
  major: 4,
  minor: 12,
  build: 3071,
  fileName: `kordon-${osName}-4.12.3071.bin`,
  size: 73_400_320,
  sha256: 'a'.repeat(64),
  policy: 'minimum',
  addedAt: t0,
  ...overrides,
});

export const session = (id: string, overrides: Partial<Session> = {}): Session => ({
  id,
  account: 'alice',
  method: 'password',
  sourceAddress: '198.18.0.10',
  vpn: true,
  tunnelIpv4: '100.64.0.2',
  device: `wg-key-${id}`,
  state: 'active',
  since: t0,
  node: 'node-1',
  holder: 'node-1/0',
  graceUntil: null,
  resumeNonceHash: 'f'.repeat(64),
  previousNonceHash: null,
  rotatedAt: null,
  posture: null,
  ...overrides,
});

export const event = (detail: string, atDate: Date, overrides: Partial<GatewayEvent> = {}): GatewayEvent => ({
  at: atDate,
  kind: 'login',
  account: 'alice',
  sourceAddress: '198.18.0.10',
  detail,
  ...overrides,
});

export const lease = (device: string, address: number, overrides: Partial<Lease> = {}): Lease => ({
  device,
  address,
  node: 'node-1',
  account: 'alice',
  lastUsed: t0,
  ...overrides,
});
