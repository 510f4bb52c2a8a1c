import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import {
  KRB5_CONF,
  KRB5_KEYTAB,
  SSSD_CONF,
  detectDomain,
  nodeFileReader,
  type FileReader,
} from './domain.js';

function files(contents: Record<string, string>): FileReader {
  const map = new Map(Object.entries(contents));
  return { readText: (path) => map.get(path), exists: (path) => map.has(path) };
}

const KRB5 = `# joined with realm join
[libdefaults]
    dns_lookup_realm = false
    default_realm = CORP.EXAMPLE
    rdns = false

[realms]
    CORP.EXAMPLE = {
        kdc = dc1.corp.example
    }
`;

const SSSD_AD = `[sssd]
domains = corp.example
services = nss, pam

[domain/corp.example]
id_provider = ad
ad_domain = corp.example
`;

describe('detectDomain', () => {
  it('finds a Kerberos realm when the machine has its keytab', () => {
    expect(detectDomain(files({ [KRB5_CONF]: KRB5, [KRB5_KEYTAB]: '\u0005\u0002' }))).toEqual({
      realm: 'CORP.EXAMPLE',
      via: '/etc/krb5.conf',
    });
  });

  it('does not count a krb5.conf without a keytab: a Kerberos client is not a joined machine', () => {
    expect(detectDomain(files({ [KRB5_CONF]: KRB5 }))).toBeUndefined();
  });

  it('needs default_realm in [libdefaults], not elsewhere or commented out', () => {
    const elsewhere =
      '[realms]\n  default_realm = CORP.EXAMPLE\n[libdefaults]\n  # default_realm = OLD.EXAMPLE\n';
    expect(detectDomain(files({ [KRB5_CONF]: elsewhere, [KRB5_KEYTAB]: '' }))).toBeUndefined();
    const empty = '[libdefaults]\n  default_realm =\n';
    expect(detectDomain(files({ [KRB5_CONF]: empty, [KRB5_KEYTAB]: '' }))).toBeUndefined();
  });

  it('finds an SSSD directory domain, the realm being its name in capitals', () => {
    expect(detectDomain(files({ [SSSD_CONF]: SSSD_AD }))).toEqual({
      realm: 'CORP.EXAMPLE',
      via: '/etc/sssd/sssd.conf',
    });
    const plain = '[domain/ipa.example]\nid_provider = ipa\n';
    expect(detectDomain(files({ [SSSD_CONF]: plain }))?.realm).toBe('IPA.EXAMPLE');
  });

  it("takes SSSD's krb5_realm as written when it is given", () => {
    const text = '[domain/LDAP]\nid_provider = ldap\nauth_provider = krb5\nkrb5_realm = Corp.Example\n';
    expect(detectDomain(files({ [SSSD_CONF]: text }))?.realm).toBe('Corp.Example');
  });

  it('keeps to the domains SSSD has turned on, and skips its local "files" domain', () => {
    const text = `[sssd]
domains = local, corp
[domain/old.example]
id_provider = ad
[domain/local]
id_provider = files
[domain/corp]
id_provider = ad
ad_domain = corp.example
`;
    expect(detectDomain(files({ [SSSD_CONF]: text }))?.realm).toBe('CORP.EXAMPLE');
    expect(detectDomain(files({ [SSSD_CONF]: '[domain/local]\nid_provider = files\n' }))).toBeUndefined();
  });

  it('prefers Kerberos with a keytab to SSSD, and falls back to SSSD without one', () => {
    const both = { [KRB5_CONF]: KRB5.replace('CORP.EXAMPLE', 'KRB.EXAMPLE'), [SSSD_CONF]: SSSD_AD };
    expect(detectDomain(files({ ...both, [KRB5_KEYTAB]: '' }))?.realm).toBe('KRB.EXAMPLE');
    expect(detectDomain(files(both))).toEqual({ realm: 'CORP.EXAMPLE', via: '/etc/sssd/sssd.conf' });
  });

  it('finds no domain on a machine without either', () => {
    expect(detectDomain(files({}))).toBeUndefined();
    expect(detectDomain(files({ [SSSD_CONF]: '[sssd]\nservices = nss\n' }))).toBeUndefined();
  });

  it('reads real files through nodeFileReader, and a missing one as undefined', () => {
    const folder = mkdtempSync(join(tmpdir(), 'kordon-domain-'));
    try {
      const path = join(folder, 'krb5.conf');
      writeFileSync(path, KRB5);
      expect(nodeFileReader.readText(path)).toBe(KRB5);
      expect(nodeFileReader.exists(path)).toBe(true);
      expect(nodeFileReader.readText(join(folder, 'missing'))).toBeUndefined();
      expect(nodeFileReader.exists(join(folder, 'missing'))).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
