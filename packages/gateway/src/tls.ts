// The gateway's TLS identity: the administrator's certificate, or a self-signed one made at first start.
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { certificateArgs, runCommand } from '@kordon/drivers';

export interface TlsIdentity {
  key: string;
  cert: string;
  /** SHA-256 fingerprint, colon-separated hex (as `openssl x509 -fingerprint -sha256` prints it). */
  fingerprint: string;
  selfSigned: boolean;
}

/** CA/Browser Forum limit, and the vendor's: at most 825 days. */
const validityDays = 825;

export async function loadTlsIdentity(options: {
  dataDir: string;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  authDomain: string | null;
}): Promise<TlsIdentity> {
  if (options.certFile !== undefined || options.keyFile !== undefined) {
    if (options.certFile === undefined || options.keyFile === undefined) {
      throw new Error(
        'give both --tls-cert and --tls-key, or neither (a self-signed certificate is then made)',
      );
    }
    return readIdentity(options.certFile, options.keyFile, false);
  }
  const dir = join(options.dataDir, 'tls');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    await createSelfSigned(dir, certFile, keyFile, subjectAltNames(options.authDomain));
  }
  return readIdentity(certFile, keyFile, true);
}

function readIdentity(certFile: string, keyFile: string, selfSigned: boolean): TlsIdentity {
  const cert = readFileSync(certFile, 'utf8');
  const key = readFileSync(keyFile, 'utf8');
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(cert);
  } catch (e) {
    throw new Error(`${certFile} is not a PEM certificate: ${(e as Error).message}`, { cause: e });
  }
  return { cert, key, fingerprint: parsed.fingerprint256, selfSigned };
}

/** DECISIONS 39: auth_domain (when set), the host name, and the addresses of the interfaces. */
function subjectAltNames(authDomain: string | null): string[] {
  const names = new Set<string>();
  if (authDomain) names.add(authDomain);
  names.add(hostname());
  names.add('localhost');
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) names.add(a.address.split('%')[0] ?? a.address);
  }
  return [...names].map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`));
}

async function createSelfSigned(
  dir: string,
  certFile: string,
  keyFile: string,
  san: string[],
): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmpKey = `${keyFile}.tmp`;
  const tmpCert = `${certFile}.tmp`;
  rmSync(tmpKey, { force: true });
  rmSync(tmpCert, { force: true });
  const cn = san.find((s) => s.startsWith('DNS:'))?.slice(4) ?? 'kordon-gateway';
  await runCommand(
    'openssl',
    certificateArgs({
      keyFile: tmpKey,
      certFile: tmpCert,
      days: validityDays,
      subject: `/CN=${cn.replace(/[/=+,]/g, '_')}/O=Kordon gateway`,
      extensions: [
        `subjectAltName=${san.join(',')}`,
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth',
      ],
    }),
  );
  chmodSync(tmpKey, 0o600);
  renameSync(tmpKey, keyFile);
  renameSync(tmpCert, certFile);
}
