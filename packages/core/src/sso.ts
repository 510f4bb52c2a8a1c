// Single sign-on (PROTOCOL.md `sso`, DECISIONS 13, 61): whether it can be used for a connection, which
// method a client's first token asks for, and which directory account a verified name is. Pure.
import { directoryAccount, type DirectoryConfig } from './directory.js';
import { keytabProblem, parseKeytab } from './keytab.js';

export type SsoMethod = 'kerberos' | 'ntlm';

/** What the gateway can offer now. */
export interface SsoOffer {
  directory: Pick<DirectoryConfig, 'domain' | 'realm' | 'url'> | null;
  /** Kerberos is set up: a keytab with `HTTP/<auth_domain>` and `auth_domain` a DNS name. */
  kerberos: boolean;
  /** NTLM is set up: the gateway is joined and the administrator turned it on. */
  ntlm: boolean;
}

export type SsoAvailability =
  { ok: true; methods: SsoMethod[]; computerName: string } | { ok: false; error: string };

/**
 * DECISIONS 61: single sign-on only from the local networks, only for the directory's domain, and only
 * with a method set up; otherwise the words of a `not_authorized` answer. `computer_name` is the
 * domain controller's name (PROTOCOL.md), which the directory URL holds.
 */
export function ssoAvailability(offer: SsoOffer, local: boolean, domain: string): SsoAvailability {
  const password = 'log in with your login and password';
  if (!local) {
    return {
      ok: false,
      error: `Single sign-on works only from the office network; from outside, ${password}.`,
    };
  }
  const methods: SsoMethod[] = [];
  if (offer.kerberos) methods.push('kerberos');
  if (offer.ntlm) methods.push('ntlm');
  if (offer.directory === null || methods.length === 0) {
    return { ok: false, error: `Single sign-on is not configured on this gateway; ${password}.` };
  }
  if (!sameDomain(domain, offer.directory)) {
    return {
      ok: false,
      error: `Single sign-on is not available for the domain ${domain.trim() || '(none)'}: this gateway serves ${offer.directory.realm}; ${password}.`,
    };
  }
  return { ok: true, methods, computerName: hostOf(offer.directory.url) };
}

/** The realm or the NetBIOS name of the directory, in any case. */
function sameDomain(domain: string, d: Pick<DirectoryConfig, 'domain' | 'realm'>): boolean {
  const wanted = domain.trim().toUpperCase();
  return wanted === d.realm.toUpperCase() || wanted === d.domain.toUpperCase();
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/**
 * Which method a first token is for: raw NTLMSSP (`NTLMSSP\0`), or SPNEGO carrying an NTLMSSP token,
 * is NTLM; any other GSS-API token (0x60) is Kerberos, or SPNEGO offering it. Undefined: neither.
 */
export function firstTokenMethod(token: Uint8Array): SsoMethod | undefined {
  if (startsWith(token, ntlmSignature, 0)) return 'ntlm';
  if (token[0] !== 0x60) return undefined;
  return indexOf(token, ntlmSignature) >= 0 ? 'ntlm' : 'kerberos';
}

const ntlmSignature = new TextEncoder().encode('NTLMSSP\0');

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at: number): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

function indexOf(bytes: Uint8Array, needle: Uint8Array): number {
  for (let i = 0; i + needle.length <= bytes.length; i++) if (startsWith(bytes, needle, i)) return i;
  return -1;
}

/** A name single sign-on verified, as a directory user: the account, or why it is not one. */
export type VerifiedUser = { ok: true; user: string; account: string } | { ok: false; why: string };

/**
 * A Kerberos principal (`alice@CORP.EXAMPLE`) as the directory's account (DECISIONS 14): the realm must
 * be the directory's (in any case: realms are upper case by convention, and AD compares them so), the
 * name a user's, not a service's or a computer's (`HTTP/x`, `WS1$`). The user part keeps its letters and
 * is compared without case, as AD compares `sAMAccountName`.
 */
export function accountOfPrincipal(principal: string, d: Pick<DirectoryConfig, 'realm'>): VerifiedUser {
  const at = principal.lastIndexOf('@');
  if (at <= 0) return { ok: false, why: `"${principal}" names no realm` };
  const realm = principal.slice(at + 1);
  const user = principal.slice(0, at);
  if (realm.toUpperCase() !== d.realm.toUpperCase()) {
    return { ok: false, why: `the principal's realm ${realm} is not the directory's ${d.realm}` };
  }
  return userAccount(user, d.realm);
}

/** An NTLM user as winbind names it (`CORP\alice`, `CORP+alice`), as the directory's account. */
export function accountOfNtlmUser(
  domain: string,
  user: string,
  d: Pick<DirectoryConfig, 'domain' | 'realm'>,
): VerifiedUser {
  if (!sameDomain(domain, d)) {
    return { ok: false, why: `the user's domain ${domain} is not the directory's ${d.domain}` };
  }
  return userAccount(user, d.realm);
}

function userAccount(user: string, realm: string): VerifiedUser {
  if (user === '' || user.includes('/') || user.includes('\\') || user.endsWith('$')) {
    return { ok: false, why: `"${user}" is not a user account` };
  }
  return { ok: true, user, account: directoryAccount(user, realm) };
}

/**
 * Why Kerberos cannot be offered with this keytab and `auth_domain` (DECISIONS 13: the service principal
 * is `HTTP/<auth_domain>`, so `auth_domain` must be a DNS name), in words for the administrator; null
 * when it can. `keytab` is the file's bytes, or null when none was given.
 */
export function kerberosProblem(
  keytab: Uint8Array | null,
  authDomain: string | null,
  realm: string,
): string | null {
  if (keytab === null) return 'no keytab is set (directory set --keytab FILE)';
  const host = authDomain?.trim() ?? '';
  if (host === '' || /^[\d.]+$/.test(host) || host.includes(':')) {
    return "auth_domain must be the gateway's DNS name: the service principal is HTTP/<auth_domain>";
  }
  const parsed = parseKeytab(keytab);
  if (!parsed.ok) return parsed.problem;
  return keytabProblem(parsed.entries, host.toLowerCase(), realm.toUpperCase());
}
