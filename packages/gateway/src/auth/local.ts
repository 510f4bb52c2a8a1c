// Local accounts: argon2id hashes in the gateway's store. A wrong password and an unknown user
// cost the same time and read the same (DECISIONS 15).
import {
  normalizeLocalLogin,
  type AuthResult,
  type GroupRepository,
  type Identity,
  type PasswordAuthenticator,
  type PasswordCredentials,
  type PasswordHasher,
  type User,
  type UserRepository,
} from '@kordon/core';

export interface LocalAccounts {
  users: Pick<UserRepository, 'get'>;
  groups: Pick<GroupRepository, 'groupsOf'>;
}

export class LocalPasswordAuthenticator implements PasswordAuthenticator {
  readonly method = 'password' as const;
  /** A hash to verify against when the user does not exist, so both cases take the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly accounts: LocalAccounts,
    private readonly hasher: PasswordHasher,
  ) {}

  async authenticate(credentials: PasswordCredentials): Promise<AuthResult> {
    const account = normalizeLocalLogin(credentials.login);
    const user = account === undefined ? undefined : await this.accounts.users.get(account);
    if (user === undefined) {
      await this.hasher.verify(await this.dummy(), credentials.password);
      return { ok: false, reason: 'credentials', detail: 'wrong login or password' };
    }
    if (!(await this.hasher.verify(user.passwordHash, credentials.password))) {
      return { ok: false, reason: 'credentials', detail: 'wrong login or password' };
    }
    return { ok: true, identity: await this.identityOf(user) };
  }

  async lookup(account: string): Promise<Identity | undefined> {
    const user = await this.accounts.users.get(account);
    return user === undefined ? undefined : this.identityOf(user);
  }

  private async identityOf(user: User): Promise<Identity> {
    return {
      account: user.name,
      method: 'password',
      groups: await this.accounts.groups.groupsOf(user.name),
      displayName: null,
      disabled: user.disabled,
    };
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash('kordon-dummy-password');
    return this.dummyHash;
  }
}
