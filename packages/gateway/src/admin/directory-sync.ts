// The directory's sync (DECISIONS 67): the directory changes without telling the gateway, so every
// `--directory-sync` seconds each process judges again the directory accounts' sessions it holds, and
// the process that owns the node re-reads the roles of the directory's administrators (an account out
// of the admin and viewer groups is no administrator any more: removed, with its console sessions).
import { AuthUnavailable, directoryRole, isDirectoryAccount, type Store } from '@kordon/core';
import type { Logger } from 'pino';
import type { LdapDirectory } from '../auth/directory.js';

export async function syncDirectoryAdmins(
  store: Store,
  directory: LdapDirectory,
  logger: Logger,
): Promise<void> {
  const config = await store.directory.get();
  const admins = (await store.admins.list()).filter((a) => isDirectoryAccount(a.name));
  for (const admin of admins) {
    let role: 'admin' | 'viewer' | null = null;
    if (config !== undefined) {
      const [user, realm] = admin.name.split('@');
      try {
        const identity = await directory.lookup(`${user ?? ''}@${(realm ?? '').toUpperCase()}`);
        role = identity === undefined || identity.disabled ? null : directoryRole(identity.groups, config);
      } catch (err) {
        // Nobody loses the console while the directory cannot be asked; the next sync decides.
        if (err instanceof AuthUnavailable) return;
        throw err;
      }
    }
    if (role === null) {
      await store.admins.remove(admin.name);
      logger.info({ admin: admin.name }, 'a directory administrator lost the role: removed');
    } else if (role !== admin.role) {
      await store.admins.setRole(admin.name, role);
      logger.info({ admin: admin.name, role }, "a directory administrator's role changed");
    }
  }
}
