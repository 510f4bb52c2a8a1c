// Certificates made by the tests themselves: CA chains for trusted_ca_cert, and a TLS server certificate.
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  pem: string;
}

let serial = 1;

async function keyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
}

function validity(): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 30 * 86_400_000) };
}

/** A certificate: a CA when `ca` is true; self-signed when no issuer is given. */
export async function issue(options: {
  subject: string;
  ca: boolean;
  issuer?: Issued;
  extensions?: x509.Extension[];
}): Promise<Issued> {
  const keys = await keyPair();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(options.ca, undefined, true),
    ...(options.extensions ?? []),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    subject: options.subject,
    issuer: options.issuer?.cert.subject ?? options.subject,
    ...validity(),
    signingAlgorithm: algorithm,
    publicKey: keys.publicKey,
    signingKey: options.issuer?.keys.privateKey ?? keys.privateKey,
    extensions,
  });
  return { cert, keys, pem: cert.toString('pem') };
}

/** A self-signed TLS server certificate for 127.0.0.1, with its PEM private key. */
export async function tlsServerCertificate(): Promise<{ key: string; cert: string }> {
  const issued = await issue({
    subject: 'CN=127.0.0.1',
    ca: false,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', issued.keys.privateKey);
  return { key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'), cert: issued.pem };
}
