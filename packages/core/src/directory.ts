// The Active Directory a gateway may log users in against, and which logins are the directory's
// (DECISIONS 14): `CORP\alice`, `alice@corp.example` and `alice@CORP.EXAMPLE` are the directory's
// `alice@CORP.EXAMPLE`; a bare `alice` is the local user when one exists, else the directory's. Pure.
import { parseLogin } from './login.js';

export interface DirectoryConfig {
  /** `ldaps://host[:port]`, or `ldap://host[:port]` with StartTLS: never plain LDAP with a password. */
  url: string;
  /** The NetBIOS domain, upper case: `CORP`. */
  domain: string;
  /** The Kerberos realm, upper case, which is the DNS domain in upper case: `CORP.EXAMPLE`. */
  realm: string;
  /** Where users and groups are searched: `DC=corp,DC=example`. */
  baseDn: string;
  /** The account the gateway searches with (`CN=kordon,CN=Users,DC=corp,DC=example` or `CORP\kordon`). */
  bindDn: string;
  /** Its password: a secret, never returned by the API, never logged. */
  bindPassword: string;
  /** PEM CA(s) that vouch for the directory's TLS certificate; null: the system's CAs. */
  caCert: string | null;
  /** Members (nested too) administer the gateway with their domain password: `CORP\kordon-admins`. */
  adminGroup: string | null;
  /** Members may read the management API. */
  viewerGroup: string | null;
  /**
   * Kerberos single sign-on (DECISIONS 13): the keytab with the key of `HTTP/<auth_domain>`, base64. A
   * secret like the bind password: never returned, never logged. Null: no Kerberos.
   */
  keytab: string | null;
  /** NTLM single sign-on through winbind: the gateway's host is joined to the domain. */
  ntlm: boolean;
  updatedAt: Date;
}

export type LoginRoute =
  | { kind: 'local'; user: string }
  | { kind: 'directory'; user: string; account: string }
  | { kind: 'none'; why: string };

/** `alice@CORP.EXAMPLE`: the normalized account of a directory user (DECISIONS 14). */
export function directoryAccount(user: string, realm: string): string {
  return `${user.toLowerCase()}@${realm.toUpperCase()}`;
}

/** Whether an account (normalized) is a directory user's. */
export function isDirectoryAccount(account: string): boolean {
  return account.includes('@');
}

/**
 * Which store of accounts a login belongs to. `localUserExists` says whether a local user has the
 * login's user part; it decides only for a bare name when a directory is configured.
 */
export function routeLogin(
  login: string,
  directory: Pick<DirectoryConfig, 'domain' | 'realm'> | null,
  localUserExists: boolean,
): LoginRoute {
  const parsed = parseLogin(login);
  if (!parsed) return { kind: 'none', why: 'not a login' };
  if (directory === null) return { kind: 'local', user: parsed.user };
  const toDirectory: LoginRoute = {
    kind: 'directory',
    user: parsed.user,
    account: directoryAccount(parsed.user, directory.realm),
  };
  if (parsed.domain === null) return localUserExists ? { kind: 'local', user: parsed.user } : toDirectory;
  const domain = parsed.domain.toUpperCase();
  if (domain === directory.domain.toUpperCase() || domain === directory.realm.toUpperCase()) {
    return toDirectory;
  }
  return { kind: 'none', why: `the domain ${parsed.domain} is not this gateway's directory` };
}

/** `CORP\vpn-users`: how VPN-access rules name a directory group (DECISIONS 17). */
export function directoryGroupName(domain: string, group: string): string {
  return `${domain.toUpperCase()}\\${group.toLowerCase()}`;
}

/**
 * `CORP\vpn-users` as accounts carry it (`CORP\vpn-users`, the domain in capitals, the group in lower
 * case); the realm may stand for the domain. Null when the text is not DOMAIN\group.
 */
export function parseDirectoryGroup(
  text: string,
  directory: Pick<DirectoryConfig, 'domain' | 'realm'> | undefined,
): string | null {
  const slash = text.indexOf('\\');
  if (slash < 0) return null;
  const domain = text.slice(0, slash).trim().toUpperCase();
  const name = text.slice(slash + 1).trim();
  if (domain === '' || name === '' || name.includes('\\')) return null;
  const sameDirectory = directory !== undefined && domain === directory.realm.toUpperCase();
  return directoryGroupName(sameDirectory ? directory.domain : domain, name);
}

/** The management API role a directory account's groups give it (DECISIONS 45 roles); null: none. */
export function directoryRole(
  groups: readonly string[],
  c: Pick<DirectoryConfig, 'adminGroup' | 'viewerGroup'>,
): 'admin' | 'viewer' | null {
  if (c.adminGroup !== null && groups.includes(c.adminGroup)) return 'admin';
  if (c.viewerGroup !== null && groups.includes(c.viewerGroup)) return 'viewer';
  return null;
}

/** The problem with a directory configuration, in words for the administrator; null when it is sound. */
export function directoryConfigProblem(
  c: Omit<DirectoryConfig, 'updatedAt'>,
): { field: string; message: string } | null {
  let url: URL;
  try {
    url = new URL(c.url);
  } catch {
    return { field: 'url', message: `"${c.url}" is not a URL: give ldaps://dc1.corp.example` };
  }
  if (url.protocol !== 'ldaps:' && url.protocol !== 'ldap:') {
    return {
      field: 'url',
      message: 'the directory URL is ldaps://HOST[:PORT], or ldap://HOST[:PORT] with StartTLS',
    };
  }
  if (url.hostname === '' || url.pathname.length > 1 || url.search !== '') {
    return { field: 'url', message: 'the directory URL names a host and an optional port, nothing else' };
  }
  if (!/^[A-Z0-9][A-Z0-9-]{0,14}$/i.test(c.domain)) {
    return {
      field: 'domain',
      message: 'the domain is the NetBIOS name: CORP (at most 15 letters, digits, "-")',
    };
  }
  if (!/^[A-Z0-9-]+(\.[A-Z0-9-]+)+$/i.test(c.realm)) {
    return { field: 'realm', message: 'the realm is the DNS domain in capitals: CORP.EXAMPLE' };
  }
  if (!/^([A-Za-z]+=[^,]+)(,[A-Za-z]+=[^,]+)*$/.test(c.baseDn)) {
    return { field: 'base_dn', message: 'the base DN is written as DC=corp,DC=example' };
  }
  if (c.bindDn.trim() === '')
    return { field: 'bind_dn', message: 'the bind DN names the account the gateway searches with' };
  if (c.bindPassword === '')
    return { field: 'bind_password', message: 'the bind account needs its password' };
  return null;
}
