// The one way the project asks `openssl` for an ECDSA P-256 certificate (argv only; the key goes to a
// file, never to a command line): the gateway's self-signed identity and the tests' certificates.

export interface CertificateRequest {
  keyFile: string;
  certFile: string;
  days: number;
  /** e.g. "/CN=gw.corp.example/O=Kordon gateway" */
  subject: string;
  /** `-addext` values, e.g. "subjectAltName=DNS:localhost,IP:127.0.0.1". */
  extensions: readonly string[];
  /** Sign with this CA instead of self-signing. */
  issuer?: { certFile: string; keyFile: string };
}

export function certificateArgs(r: CertificateRequest): string[] {
  return [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    r.keyFile,
    '-out',
    r.certFile,
    '-days',
    String(r.days),
    '-subj',
    r.subject,
    ...r.extensions.flatMap((e) => ['-addext', e]),
    ...(r.issuer ? ['-CA', r.issuer.certFile, '-CAkey', r.issuer.keyFile] : []),
  ];
}
