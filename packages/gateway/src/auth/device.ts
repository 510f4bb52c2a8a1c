// Device VPN (DECISIONS 77): a device logs in with the client certificate of its mutual-TLS connection.
// The chain is verified by `openssl verify` (argv only): against `trusted_ca_cert` alone (never the
// system's CAs; an intermediate the administrator uploaded may be the anchor), with validity, key usage
// and extended key usage for TLS clients, strict X.509 rules and, when the administrator gives one, the
// CRL. Nothing named in a certificate is ever fetched. The device's identity is its SAN DNS name.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CertificateAuthenticator,
  type CertificateResult,
  type Identity,
  type PresentedCertificates,
} from '@kordon/core';
import { CommandError, runCommand } from '@kordon/drivers';

/** What the device check needs of the gateway's settings, read at every login. */
interface DeviceTrust {
  deviceVpn: boolean;
  trustedCaCert: string | null;
}

export interface DeviceCertificateOptions {
  trust: () => Promise<DeviceTrust>;
  /** The groups of the device's computer account in the directory (AD computer groups in rules). */
  groups?: (dnsName: string) => Promise<string[]>;
  /** A PEM CRL of the device CA, read at every login so a new one applies at once; null: none. */
  crlFile: string | null;
}

/** openssl's verification errors (X509_V_ERR_*) as the words a device's log shows. */
const verifyWords: Record<number, (depth: number) => string> = {
  2: () => 'it was not issued by a CA this gateway trusts',
  3: () => "the gateway's CRL does not cover the CA that issued it, so it cannot be checked",
  7: (d) =>
    d === 0
      ? 'its signature does not verify: the certificate was altered or forged'
      : 'the signature of a CA certificate in its chain does not verify',
  8: () => "the gateway's CRL has a signature that does not verify",
  9: (d) => (d === 0 ? 'it is not valid yet' : 'a CA certificate in its chain is not valid yet'),
  10: (d) => (d === 0 ? 'it has expired' : 'a CA certificate in its chain has expired'),
  11: () => "the gateway's CRL is not valid yet",
  12: () => "the gateway's CRL has expired; the administrator must give a current one",
  18: () => 'it is self-signed, not issued by a CA this gateway trusts',
  19: () => 'its chain ends in a CA this gateway does not trust',
  20: () => 'it was not issued by a CA this gateway trusts',
  21: () => 'it was not issued by a CA this gateway trusts',
  23: () => "it was revoked (the gateway's CRL lists it)",
  24: () => 'a certificate in its chain is not a CA but issued it',
  26: () => 'it may not be used to log in a TLS client (its key usage or extended key usage)',
};

export class DeviceCertificateAuthenticator implements CertificateAuthenticator {
  readonly method = 'device' as const;

  constructor(private readonly o: DeviceCertificateOptions) {}

  async authenticate(presented: PresentedCertificates | null): Promise<CertificateResult> {
    const trust = await this.o.trust();
    if (!trust.deviceVpn) return refused('Device VPN is turned off on this gateway');
    if (trust.trustedCaCert === null) return refused('this gateway has no trusted CA for devices');
    if (presented === null) {
      return refused('the connection carried no client certificate (Device VPN needs one, over mutual TLS)');
    }
    let leaf: X509Certificate;
    try {
      leaf = new X509Certificate(presented.leaf);
    } catch {
      return refused('it is not a readable X.509 certificate');
    }
    const failure = await this.verify(presented, trust.trustedCaCert, leaf);
    if (failure !== null) return refused(failure);
    const name = dnsNameOf(leaf);
    if (name === null) {
      return refused('it names no device: it has no DNS name among its subject alternative names');
    }
    return { ok: true, identity: deviceIdentity(name, commonNameOf(leaf), await this.groupsOf(name)) };
  }

  /** A device session stands as long as Device VPN is on; its certificate is checked at each connection. */
  async lookup(account: string): Promise<Identity | undefined> {
    if (!(await this.o.trust()).deviceVpn) return undefined;
    return deviceIdentity(account, null, await this.groupsOf(account));
  }

  private groupsOf(name: string): Promise<string[]> {
    return this.o.groups ? this.o.groups(name) : Promise.resolve([]);
  }

  /** Null when the chain verifies; else why not, in words. */
  private async verify(
    presented: PresentedCertificates,
    trustedCaCert: string,
    leaf: X509Certificate,
  ): Promise<string | null> {
    let crl: string | null = null;
    if (this.o.crlFile !== null) {
      try {
        crl = await readFile(this.o.crlFile, 'utf8');
      } catch (e) {
        // Fail closed: a CRL that was meant to be checked and cannot be read lets no device in.
        return `the gateway cannot read its CRL (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
      }
    }
    const dir = await mkdtemp(join(tmpdir(), 'kordon-device-'));
    try {
      const files = {
        trusted: join(dir, 'trusted.pem'),
        leaf: join(dir, 'leaf.pem'),
        chain: join(dir, 'chain.pem'),
        crl: join(dir, 'crl.pem'),
      };
      await writeFile(files.trusted, trustedCaCert, { mode: 0o600 });
      await writeFile(files.leaf, presented.leaf, { mode: 0o600 });
      const args = ['verify', '-no-CAfile', '-no-CApath', '-no-CAstore', '-CAfile', files.trusted];
      args.push('-partial_chain', '-purpose', 'sslclient', '-x509_strict');
      if (presented.chain.length > 0) {
        await writeFile(files.chain, presented.chain.join('\n'), { mode: 0o600 });
        args.push('-untrusted', files.chain);
      }
      if (crl !== null) {
        await writeFile(files.crl, crl, { mode: 0o600 });
        args.push('-crl_check', '-CRLfile', files.crl);
      }
      args.push(files.leaf);
      try {
        await runCommand('openssl', args, { timeoutMs: 10_000 });
        return null;
      } catch (e) {
        return e instanceof CommandError ? wordsOf(e.stderr, leaf) : (e as Error).message;
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

function refused(what: string): CertificateResult {
  return { ok: false, reason: 'certificate', what };
}

function deviceIdentity(name: string, displayName: string | null, groups: string[]): Identity {
  return { account: name, method: 'device', groups, displayName, disabled: false };
}

/** The first openssl error, in words; the leaf's dates where they explain it. */
function wordsOf(output: string, leaf: X509Certificate): string {
  const match = /error (\d+) at (\d+) depth lookup: ([^\n]*)/.exec(output);
  if (!match) return `it could not be verified (${output.trim().split('\n').at(-1) ?? 'openssl failed'})`;
  const code = Number(match[1]);
  const depth = Number(match[2]);
  const words = verifyWords[code]?.(depth) ?? `it could not be verified: ${match[3] ?? ''}`;
  if (depth === 0 && code === 10) return `${words} (on ${leaf.validTo})`;
  if (depth === 0 && code === 9) return `${words} (it is valid from ${leaf.validFrom})`;
  return words;
}

const hostName =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** The certificate's first SAN DNS name, lower case (PROTOCOL.md: the device's user name). */
function dnsNameOf(cert: X509Certificate): string | null {
  for (const entry of (cert.subjectAltName ?? '').split(', ')) {
    if (!entry.startsWith('DNS:')) continue;
    const name = entry.slice(4).replace(/^"|"$/g, '').toLowerCase().replace(/\.$/, '');
    if (hostName.test(name)) return name;
  }
  return null;
}

function commonNameOf(cert: X509Certificate): string | null {
  const line = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  return line === undefined ? null : line.slice(3);
}
