// Active Directory logins over LDAP (ldapts): the gateway's service account finds the user, an LDAP
// bind as the user checks the password, and the account's state and groups (nested groups included,
// LDAP_MATCHING_RULE_IN_CHAIN) come from the directory at every login, resume and re-check
// (DECISIONS 66, 67). TLS always: ldaps://, or ldap:// upgraded with StartTLS before any bind.
import type { ConnectionOptions } from 'node:tls';
import { Client, InvalidCredentialsError, type Entry } from 'ldapts';
import {
  AuthUnavailable,
  directoryAccount,
  directoryGroupName,
  type AuthResult,
  type DirectoryConfig,
  type Identity,
} from '@kordon/core';

/** userAccountControl and msDS-User-Account-Control-Computed bits (MS-ADTS 2.2.16). */
const accountDisabled = 0x2;
const lockedOut = 0x10;
const passwordExpired = 0x800000;

/** accountExpires: 100 ns intervals since 1601-01-01; 0 and 2^63-1 mean never. */
const windowsEpochMs = Date.UTC(1601, 0, 1);

const userAttributes = [
  'distinguishedName',
  'sAMAccountName',
  'displayName',
  'userAccountControl',
  'msDS-User-Account-Control-Computed',
  'accountExpires',
];

/** What the directory says of a user, as a login judges it. */
export interface DirectoryUser {
  dn: string;
  user: string;
  displayName: string | null;
  /** Why the account may not log in, in words (D15: shown only after a right password); null: it may. */
  restriction: string | null;
}

/** The directory could not be asked: a login answers `internal`, and never falls back to allowing. */
class DirectoryUnavailable extends AuthUnavailable {
  override readonly name = 'DirectoryUnavailable';

  constructor(detail: string) {
    super('the directory (Active Directory) cannot be reached', detail);
  }
}

/** What single sign-on asks of the directory once a method has proven who the user is. */
export interface DirectoryResolver {
  /** The user (the sAMAccountName) as a login admits it: the identity, or why not (D15: after proof). */
  resolve(user: string): Promise<AuthResult>;
  lookup(account: string): Promise<Identity | undefined>;
}

export class LdapDirectory implements DirectoryResolver {
  constructor(
    private readonly config: () => Promise<DirectoryConfig | undefined>,
    private readonly timeoutMs = 5000,
  ) {}

  /** Checks `password` for `user` (the sAMAccountName); the identity, or why not. */
  async authenticate(user: string, password: string): Promise<AuthResult> {
    const c = await this.require();
    // An empty password would be an anonymous ("unauthenticated") bind, which succeeds: never.
    if (password === '') return { ok: false, reason: 'credentials', detail: 'empty password' };
    const found = await this.withService(c, (client) => this.findUser(client, c, user));
    if (found === undefined) {
      return { ok: false, reason: 'credentials', detail: 'no such directory user' };
    }
    const client = this.client(c);
    try {
      await this.secure(client, c);
      try {
        await client.bind(found.dn, password);
      } catch (e) {
        if (e instanceof InvalidCredentialsError) {
          const restriction = restrictionOfBindError(e.message, found);
          if (restriction !== null)
            return { ok: false, reason: 'disabled', detail: e.message, what: restriction };
          return { ok: false, reason: 'credentials', detail: `directory bind refused: ${e.message}` };
        }
        throw e;
      }
      if (found.restriction !== null) {
        return { ok: false, reason: 'disabled', detail: found.restriction, what: found.restriction };
      }
      // The user's own connection reads the user's groups: one connection fewer than the service's.
      return { ok: true, identity: await this.identity(client, c, found) };
    } catch (e) {
      throw unavailable(c, e);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /**
   * The groups of the computer account whose DNS name is `dnsName` (a Device VPN device: DECISIONS
   * 77), as rules name them (`CORP\vpn-computers`); [] without a directory or such an account.
   */
  async computerGroups(dnsName: string): Promise<string[]> {
    const c = await this.config();
    if (c === undefined) return [];
    return this.withService(c, async (client) => {
      const { searchEntries } = await client.search(c.baseDn, {
        scope: 'sub',
        filter: `(&(objectClass=computer)(dNSHostName=${escapeFilter(dnsName)}))`,
        attributes: ['distinguishedName'],
        sizeLimit: 2,
      });
      const [entry] = searchEntries;
      if (entry === undefined || searchEntries.length > 1) return [];
      return this.groupsOf(client, c, first(entry['distinguishedName']) ?? entry.dn);
    });
  }

  /** Directory users whose name, display name or principal name holds `term`, at most `limit`. */
  async searchUsers(term: string, limit: number): Promise<(DirectoryUser & { account: string })[]> {
    const c = await this.require();
    const like = `*${escapeFilter(term.trim())}*`;
    const byName =
      term.trim() === '' ? '' : `(|(sAMAccountName=${like})(displayName=${like})(userPrincipalName=${like}))`;
    const entries = await this.withService(c, async (client) => {
      const { searchEntries } = await client.search(c.baseDn, {
        scope: 'sub',
        filter: `(&(objectCategory=person)(objectClass=user)${byName})`,
        attributes: userAttributes,
        sizeLimit: limit,
      });
      return searchEntries;
    });
    return entries
      .map((e) => userOf(e))
      .filter((u) => u.user !== '')
      .map((u) => ({ ...u, account: directoryAccount(u.user, c.realm) }))
      .sort((a, b) => a.user.localeCompare(b.user));
  }

  async resolve(user: string): Promise<AuthResult> {
    const c = await this.require();
    return this.withService(c, async (client) => {
      const found = await this.findUser(client, c, user);
      if (found === undefined) return { ok: false, reason: 'credentials', detail: 'no such directory user' };
      if (found.restriction !== null) {
        return { ok: false, reason: 'disabled', detail: found.restriction, what: found.restriction };
      }
      return { ok: true, identity: await this.identity(client, c, found) };
    });
  }

  /** The account's current state, for resume and re-checks; undefined when it is gone. */
  async lookup(account: string): Promise<Identity | undefined> {
    const c = await this.config();
    if (c === undefined) return undefined;
    const at = account.lastIndexOf('@');
    if (at < 0 || account.slice(at + 1).toUpperCase() !== c.realm.toUpperCase()) return undefined;
    return this.withService(c, async (client) => {
      const found = await this.findUser(client, c, account.slice(0, at));
      return found === undefined ? undefined : this.identity(client, c, found);
    });
  }

  private async identity(client: Client, c: DirectoryConfig, user: DirectoryUser): Promise<Identity> {
    const groups = await this.groupsOf(client, c, user.dn);
    return {
      account: directoryAccount(user.user, c.realm),
      method: 'password',
      groups,
      displayName: user.displayName,
      disabled: user.restriction !== null,
    };
  }

  private async require(): Promise<DirectoryConfig> {
    const c = await this.config();
    if (c === undefined) throw new DirectoryUnavailable('no directory is configured');
    return c;
  }

  private client(c: DirectoryConfig): Client {
    return new Client({
      url: c.url,
      timeout: this.timeoutMs,
      connectTimeout: this.timeoutMs,
      tlsOptions: this.tls(c),
    });
  }

  private tls(c: DirectoryConfig): ConnectionOptions {
    return {
      minVersion: 'TLSv1.2',
      ...(c.caCert !== null ? { ca: c.caCert } : {}),
      servername: hostOf(c.url),
    };
  }

  /** ldap:// is upgraded before anything else is sent; ldaps:// is TLS from the start. */
  private async secure(client: Client, c: DirectoryConfig): Promise<void> {
    if (c.url.toLowerCase().startsWith('ldap://')) await client.startTLS(this.tls(c));
  }

  /** Runs `work` bound as the service account. */
  private async withService<T>(c: DirectoryConfig, work: (client: Client) => Promise<T>): Promise<T> {
    const client = this.client(c);
    try {
      await this.secure(client, c);
      await client.bind(c.bindDn, c.bindPassword);
      return await work(client);
    } catch (e) {
      throw unavailable(c, e);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  private async findUser(
    client: Client,
    c: DirectoryConfig,
    user: string,
  ): Promise<DirectoryUser | undefined> {
    const { searchEntries } = await client.search(c.baseDn, {
      scope: 'sub',
      filter: `(&(objectCategory=person)(objectClass=user)(sAMAccountName=${escapeFilter(user)}))`,
      attributes: userAttributes,
      sizeLimit: 2,
    });
    const [entry] = searchEntries;
    if (entry === undefined || searchEntries.length > 1) return undefined;
    return userOf(entry);
  }

  /** Every group the user is in, directly or through other groups, as rules name them (`CORP\vpn-users`). */
  private async groupsOf(client: Client, c: DirectoryConfig, dn: string): Promise<string[]> {
    const { searchEntries } = await client.search(c.baseDn, {
      scope: 'sub',
      filter: `(&(objectClass=group)(member:1.2.840.113556.1.4.1941:=${escapeFilter(dn)}))`,
      attributes: ['sAMAccountName'],
    });
    return searchEntries
      .map((e) => first(e['sAMAccountName']))
      .filter((name): name is string => name !== null)
      .map((name) => directoryGroupName(c.domain, name));
  }
}

function unavailable(c: DirectoryConfig, e: unknown): Error {
  if (e instanceof DirectoryUnavailable) return e;
  const why = e instanceof Error ? e.message : String(e);
  return new DirectoryUnavailable(`the directory ${c.url} cannot be used: ${why}`);
}

function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '');
}

function first(value: Entry[string] | undefined): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return null;
  return Buffer.isBuffer(v) ? v.toString('utf8') : v;
}

/** The user as a login judges it; the restriction in the words the user reads. */
export function userOf(entry: Entry, now: Date = new Date()): DirectoryUser {
  const uac = Number(first(entry['userAccountControl']) ?? '0');
  const computed = Number(first(entry['msDS-User-Account-Control-Computed']) ?? '0');
  const expires = first(entry['accountExpires']);
  let restriction: string | null = null;
  if ((uac & accountDisabled) !== 0)
    restriction = 'This directory account is disabled. Ask your network administrator.';
  else if ((computed & lockedOut) !== 0)
    restriction =
      'This directory account is locked after too many wrong passwords. Wait, or ask your network administrator.';
  else if (expires !== null && accountHasExpired(expires, now))
    restriction = 'This directory account has expired. Ask your network administrator.';
  else if ((computed & passwordExpired) !== 0)
    restriction =
      'The password of this directory account has expired. Change it on a domain computer, then log in again.';
  return {
    dn: first(entry['distinguishedName']) ?? entry.dn,
    user: (first(entry['sAMAccountName']) ?? '').toLowerCase(),
    displayName: first(entry['displayName']),
    restriction,
  };
}

/**
 * What an AD bind refusal says of the account. AD and Samba give the sub-codes 532 (password expired),
 * 533 (disabled), 701 (account expired) and 773 (must change the password) only after checking the
 * password, so they may be told (DECISIONS 15); 52e (wrong password) and 775 (locked, said whatever
 * the password) are wrong credentials to the user.
 */
export function restrictionOfBindError(
  message: string,
  user: Pick<DirectoryUser, 'restriction'>,
): string | null {
  const code = /data ([0-9a-f]{3,4})/i.exec(message)?.[1]?.toLowerCase();
  switch (code) {
    case '533':
      return user.restriction ?? 'This directory account is disabled. Ask your network administrator.';
    case '701':
      return 'This directory account has expired. Ask your network administrator.';
    case '532':
    case '773':
      return 'The password of this directory account must be changed. Change it on a domain computer, then log in again.';
    default:
      return null;
  }
}

function accountHasExpired(accountExpires: string, now: Date): boolean {
  if (!/^\d+$/.test(accountExpires)) return false;
  const ticks = BigInt(accountExpires);
  if (ticks === 0n || ticks === 0x7fffffffffffffffn) return false;
  return windowsEpochMs + Number(ticks / 10_000n) <= now.getTime();
}

/** RFC 4515: a value in a search filter, with the characters that would change the filter escaped. */
export function escapeFilter(value: string): string {
  return value.replace(/[\\*()\0]/g, (ch) => `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
