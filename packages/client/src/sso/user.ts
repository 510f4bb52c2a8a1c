// The user's own process (DECISIONS 78): which tokens it can make, for which realm, and where its
// Kerberos credential cache is, so `kordon agent` can connect when the user's ticket appears.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { KRB5_CONF, krb5DefaultRealm } from '../config/index.js';
import { kerberosTokens } from './kerberos.js';
import { ntlmTokens } from './ntlm.js';
import { firstAvailable, type SsoTokens } from './tokens.js';

/** Kerberos from the credential cache first; NTLM through winbind where Kerberos cannot serve. */
export function userSsoTokens(): SsoTokens {
  return firstAvailable([kerberosTokens(), ntlmTokens({ user: userInfo().username })]);
}

/** The default realm of the Kerberos configuration this process uses (KRB5_CONFIG, else /etc/krb5.conf). */
export function userRealm(env: NodeJS.ProcessEnv = process.env): string | null {
  const files = (env['KRB5_CONFIG'] ?? KRB5_CONF).split(':').filter((f) => f !== '');
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const realm = krb5DefaultRealm(text);
    if (realm !== undefined) return realm;
  }
  return null;
}

/**
 * The file of the user's credential cache, when it is a file (`FILE:` or a plain path, MIT's default
 * `/tmp/krb5cc_<uid>`); null for caches that are not files (KEYRING, KCM, DIR), which are not watched.
 */
export function credentialCacheFile(
  env: NodeJS.ProcessEnv = process.env,
  uid = userInfo().uid,
): string | null {
  const name = env['KRB5CCNAME'];
  if (name === undefined || name === '') return `/tmp/krb5cc_${uid}`;
  if (name.startsWith('FILE:')) return name.slice('FILE:'.length);
  if (name.startsWith('/')) return name;
  return null;
}
