// DECISIONS 21: the first administrator of a fresh gateway.
import { randomUUID } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import type { Clock, PasswordHasher, Store } from '@kordon/core';
import { randomSecret } from './auth/secrets.js';

/**
 * With no administrator at all, creates `admin` with a random password written to `passwordFile`
 * (0600). Returns the file's path when it made one. The password itself is never logged.
 */
export async function ensureInitialAdmin(
  store: Store,
  hasher: PasswordHasher,
  clock: Clock,
  passwordFile: string,
): Promise<string | undefined> {
  if ((await store.admins.count()) > 0) return undefined;
  const password = randomSecret(18);
  await store.admins.create({
    id: randomUUID(),
    name: 'admin',
    passwordHash: await hasher.hash(password),
    role: 'admin',
    createdAt: clock.now(),
    // DECISIONS 21: the password in the file is for the first sign-in only.
    mustChangePassword: true,
  });
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  return passwordFile;
}
