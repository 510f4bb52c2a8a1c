// A login and password go to the local accounts or to the directory (DECISIONS 14): `CORP\alice` and
// `alice@corp.example` are the directory's; a bare `alice` is the local user when one exists, else the
// directory's. One `PasswordAuthenticator` for the session service, so every path asks the same way.
import {
  isDirectoryAccount,
  parseLogin,
  routeLogin,
  type AuthResult,
  type DirectoryConfig,
  type Identity,
  type PasswordAuthenticator,
  type PasswordCredentials,
  type UserRepository,
} from '@kordon/core';
import type { LdapDirectory } from './directory.js';
import type { LocalPasswordAuthenticator } from './local.js';

export interface PasswordRouterParts {
  local: LocalPasswordAuthenticator;
  directory: LdapDirectory;
  /** Read at every login, so a configuration change applies to the next one. */
  directoryConfig: () => Promise<DirectoryConfig | undefined>;
  users: Pick<UserRepository, 'get'>;
}

export class PasswordRouter implements PasswordAuthenticator {
  readonly method = 'password' as const;

  constructor(private readonly p: PasswordRouterParts) {}

  async authenticate(credentials: PasswordCredentials): Promise<AuthResult> {
    const config = (await this.p.directoryConfig()) ?? null;
    const parsed = parseLogin(credentials.login);
    const localExists =
      parsed !== undefined && parsed.domain === null && (await this.p.users.get(parsed.user)) !== undefined;
    const route = routeLogin(credentials.login, config, localExists);
    switch (route.kind) {
      case 'local':
        return this.p.local.authenticate(credentials);
      case 'directory':
        return this.p.directory.authenticate(route.user, credentials.password);
      case 'none':
        // As long as a wrong password takes (DECISIONS 15): the local check of a name no one has.
        await this.p.local.authenticate({ login: '\u0000', password: credentials.password });
        return { ok: false, reason: 'credentials', detail: route.why };
    }
  }

  lookup(account: string): Promise<Identity | undefined> {
    return isDirectoryAccount(account) ? this.p.directory.lookup(account) : this.p.local.lookup(account);
  }
}
