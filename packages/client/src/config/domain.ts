/**
 * Whether this computer is in a directory domain (PROTOCOL.md: then the client makes an SSO profile with
 * auto-connect). Pure over a file reader, so tests hand it files. A machine counts as joined when
 *   - Kerberos is configured with a default realm AND the machine has its own keys (`/etc/krb5.keytab`,
 *     written by `realm join`, `adcli join` or `net ads join`): a krb5.conf alone is only a client set-up; or
 *   - SSSD serves a directory domain (a `[domain/NAME]` section of `/etc/sssd/sssd.conf`, which is root-only:
 *     the daemon reads it).
 */
import { existsSync, readFileSync } from 'node:fs';

export interface DomainMembership {
  /** The Kerberos realm, e.g. "CORP.EXAMPLE": the `domain` of the `sso` message. */
  realm: string;
  /** Which file told: "/etc/krb5.conf" (with the keytab) or "/etc/sssd/sssd.conf". */
  via: string;
}

export interface FileReader {
  /** The file's text, or undefined when it is missing or unreadable. */
  readText(path: string): string | undefined;
  exists(path: string): boolean;
}

export const KRB5_CONF = '/etc/krb5.conf';
export const KRB5_KEYTAB = '/etc/krb5.keytab';
export const SSSD_CONF = '/etc/sssd/sssd.conf';

/** The real file system. */
export const nodeFileReader: FileReader = {
  readText(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  exists: (path) => existsSync(path),
};

export function detectDomain(files: FileReader): DomainMembership | undefined {
  const krb5 = files.readText(KRB5_CONF);
  const realm = krb5 === undefined ? undefined : krb5DefaultRealm(krb5);
  if (realm !== undefined && files.exists(KRB5_KEYTAB)) return { realm, via: KRB5_CONF };
  const sssd = files.readText(SSSD_CONF);
  const sssdRealm = sssd === undefined ? undefined : sssdDomainRealm(sssd);
  if (sssdRealm !== undefined) return { realm: sssdRealm, via: SSSD_CONF };
  return undefined;
}

interface IniSection {
  name: string;
  values: Map<string, string>;
}

/**
 * Sections and `key = value` lines of krb5.conf and sssd.conf; `#` and `;` start comments. krb5.conf's nested
 * `{ ... }` relations (under [realms]) are skipped: only top-level relations of a section are needed here.
 */
function parseIni(text: string): IniSection[] {
  const sections: IniSection[] = [];
  let current: IniSection | undefined;
  let depth = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header !== null) {
      current = { name: (header[1] ?? '').trim(), values: new Map() };
      sections.push(current);
      depth = 0;
      continue;
    }
    if (line.endsWith('{')) {
      depth++;
      continue;
    }
    if (line.startsWith('}')) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    const equals = line.indexOf('=');
    if (current === undefined || depth > 0 || equals === -1) continue;
    const key = line.slice(0, equals).trim().toLowerCase();
    const value = line.slice(equals + 1).trim();
    if (!current.values.has(key)) current.values.set(key, value);
  }
  return sections;
}

export function krb5DefaultRealm(text: string): string | undefined {
  for (const section of parseIni(text)) {
    if (section.name !== 'libdefaults') continue;
    const realm = section.values.get('default_realm');
    if (realm !== undefined && realm !== '') return realm;
  }
  return undefined;
}

/** Providers that are not a directory: SSSD's own local users. */
const LOCAL_PROVIDERS = new Set(['files', 'local', 'proxy']);

function sssdDomainRealm(text: string): string | undefined {
  const sections = parseIni(text);
  const active = sections
    .find((s) => s.name === 'sssd')
    ?.values.get('domains')
    ?.split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  const domains = sections.filter((s) => s.name.startsWith('domain/') && s.name.length > 'domain/'.length);
  const candidates =
    active === undefined || active.length === 0
      ? domains
      : active.flatMap((name) => domains.filter((s) => s.name === `domain/${name}`));
  for (const section of candidates) {
    if (LOCAL_PROVIDERS.has(section.values.get('id_provider')?.toLowerCase() ?? '')) continue;
    // The realm is krb5_realm as written when given (realms are case-sensitive); an AD or IPA domain's realm is
    // otherwise its DNS name in capitals.
    const krb5Realm = section.values.get('krb5_realm');
    if (krb5Realm !== undefined && krb5Realm !== '') return krb5Realm;
    const name =
      section.values.get('ad_domain') ??
      section.values.get('ipa_domain') ??
      section.name.slice('domain/'.length);
    if (name !== '') return name.toUpperCase();
  }
  return undefined;
}
