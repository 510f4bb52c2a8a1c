// What the Device VPN tests share: the built CLI (test/support/kordon.ts), and device certificates made by
// openssl (argv arrays), written as the one PEM file Device VPN reads.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificateArgs } from '@kordon/drivers';
import type { CertificateFolder, TestCertificate } from '../discovery/servers.js';

export { kordon, kordonBin } from '../support/kordon.js';

export const deviceName = 'ws-042.corp.test';

/** A certificate for client authentication, signed by `issuer` or self-signed; `san` as openssl takes it. */
export function clientCertificate(
  certs: CertificateFolder,
  name: string,
  san: string | null,
  issuer?: TestCertificate,
): TestCertificate {
  const keyFile = join(certs.dir, `${name}.key`);
  const certFile = join(certs.dir, `${name}.pem`);
  const extensions = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=clientAuth',
    ...(san === null ? [] : [`subjectAltName=${san}`]),
  ];
  execFileSync(
    'openssl',
    certificateArgs({
      keyFile,
      certFile,
      days: 2,
      subject: `/CN=${name}`,
      extensions,
      ...(issuer ? { issuer: { certFile: issuer.certFile, keyFile: issuer.keyFile } } : {}),
    }),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const cert = readFileSync(certFile, 'utf8');
  const fingerprint = new X509Certificate(cert).fingerprint256;
  return { key: readFileSync(keyFile, 'utf8'), keyFile, cert, certFile, fingerprint };
}

/** The one file Device VPN reads: the parts in order, with `mode` (root's, as the tests run as root). */
export function deviceFile(path: string, parts: string[], mode = 0o600): string {
  writeFileSync(path, parts.join(''), { mode });
  chmodSync(path, mode);
  return path;
}
