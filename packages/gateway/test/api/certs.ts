// Certificates made by the tests themselves with openssl (argv arrays, no shell): CA chains for
// trusted_ca_cert, and a self-signed TLS server certificate.
// (@peculiar/x509 needs a Reflect metadata polyfill, which the project does not install.)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateArgs } from '@kordon/drivers';

export interface Issued {
  pem: string;
  keyPem: string;
  /** Paths inside the folder of `certificateMaker`, for issuing further certificates. */
  certFile: string;
  keyFile: string;
}

export interface CertificateMaker {
  issue(options: { name: string; ca: boolean; issuer?: Issued; extensions?: string[] }): Issued;
  dispose(): void;
}

export function certificateMaker(): CertificateMaker {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-certs-'));
  return {
    issue({ name, ca, issuer, extensions = [] }) {
      const certFile = join(dir, `${name}.pem`);
      const keyFile = join(dir, `${name}.key`);
      const args = certificateArgs({
        keyFile,
        certFile,
        days: 30,
        subject: `/CN=${name}`,
        extensions: [
          ca ? 'basicConstraints=critical,CA:TRUE' : 'basicConstraints=critical,CA:FALSE',
          ca ? 'keyUsage=critical,keyCertSign,cRLSign' : 'keyUsage=critical,digitalSignature',
          ...extensions,
        ],
        ...(issuer ? { issuer } : {}),
      });
      execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      return {
        pem: readFileSync(certFile, 'utf8'),
        keyPem: readFileSync(keyFile, 'utf8'),
        certFile,
        keyFile,
      };
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A self-signed TLS server certificate for 127.0.0.1, with its PEM private key. */
export function tlsServerCertificate(): { key: string; cert: string } {
  const maker = certificateMaker();
  try {
    const issued = maker.issue({ name: '127.0.0.1', ca: false, extensions: ['subjectAltName=IP:127.0.0.1'] });
    return { key: issued.keyPem, cert: issued.pem };
  } finally {
    maker.dispose();
  }
}
