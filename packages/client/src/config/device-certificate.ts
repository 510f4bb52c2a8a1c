// The Device VPN certificate file (PROTOCOL.md "Device VPN"): one PEM file with the device's
// certificate, its chain if any, and its private key. It holds a secret that is the device's identity
// on the gateway, so it must be root's and closed to everyone else; the root daemon reads it without
// following links (DECISIONS 73). Every refusal says which check failed, and never quotes the file.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { isAbsolute } from 'node:path';

/** A certificate, a chain and a key are a few KiB; anything far bigger is the wrong file. */
const maxBytes = 256 * 1024;
const clientAuth = '1.3.6.1.5.5.7.3.2';

export interface DeviceCertificate {
  /** The device's certificate first, then the rest of the chain as the file has it (PEM). */
  chain: string;
  /** The private key (PEM): for the TLS handshake only, never for a log line. */
  key: string;
  /** The first SAN DNS name: the device's identity on the gateway (DECISIONS 77). */
  name: string;
  /** The device certificate's SHA-256 fingerprint, `AA:BB:...`. */
  fingerprint: string;
  /** What the gateway will likely refuse, but is not this file's fault to store (expiry, usage). */
  warnings: string[];
}

class DeviceCertificateError extends Error {
  override readonly name = 'DeviceCertificateError';

  constructor(file: string, what: string) {
    super(`the Device VPN certificate file ${file} ${what}`);
  }
}

/** Reads and checks the file; throws a DeviceCertificateError that says which check failed. */
export function readDeviceCertificate(file: string): DeviceCertificate {
  const refuse = (what: string): DeviceCertificateError => new DeviceCertificateError(file, what);
  // The daemon reads it from its own working folder: a relative path would point anywhere.
  if (!isAbsolute(file)) throw refuse('is not an absolute path');
  const text = readClosedFile(file, refuse);
  const blocks = pemBlocks(text);
  const keys = blocks.filter((b) => b.label.endsWith('PRIVATE KEY'));
  const [keyBlock] = keys;
  if (keyBlock === undefined)
    throw refuse("holds no private key: the device's key must be in the same file as its certificate");
  if (keys.length > 1)
    throw refuse(`holds ${keys.length} private keys; it must hold exactly one, the device's`);
  if (keyBlock.label === 'ENCRYPTED PRIVATE KEY') {
    throw refuse(
      'holds an encrypted private key, which the daemon has no passphrase for; store it unencrypted (the file is root-only)',
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyBlock.pem);
  } catch {
    // Node's message is left out: nothing of the key's text goes into a message.
    throw refuse('holds a private key that cannot be read (damaged, or of a kind Node does not support)');
  }
  const certBlocks = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (certBlocks.length === 0) throw refuse('holds no certificate');
  const certs = certBlocks.map((b, i) => {
    try {
      return { pem: b.pem, x509: new X509Certificate(b.pem) };
    } catch {
      throw refuse(`holds a certificate (number ${i + 1}) that cannot be read`);
    }
  });
  const device = certs.find((c) => matches(c.x509, key));
  if (!device) {
    throw refuse(
      'holds no certificate that matches its private key: it must hold the device certificate issued for this key',
    );
  }
  const name = sanDnsNames(device.x509)[0];
  if (name === undefined) {
    throw refuse(
      "holds a device certificate without a SAN DNS name, which is the device's identity on the gateway (DECISIONS 77)",
    );
  }
  const chain = [device, ...certs.filter((c) => c !== device)].map((c) => c.pem).join('\n');
  return {
    chain,
    key: keyBlock.pem,
    name,
    fingerprint: device.x509.fingerprint256,
    warnings: warningsFor(device.x509),
  };
}

function matches(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.checkPrivateKey(key);
  } catch {
    return false; // a key of another kind than the certificate's
  }
}

/** Opens without following a link or blocking on a FIFO, checks who may read it, and reads it. */
function readClosedFile(file: string, refuse: (what: string) => Error): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw refuse('does not exist');
    if (code === 'ELOOP') throw refuse('is a symbolic link; give the path of the file it points to');
    throw refuse(`cannot be opened (${code ?? 'error'})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw refuse('is not a regular file');
    if (st.uid !== 0) {
      throw refuse(
        `belongs to uid ${st.uid}, not root: it holds the device's private key, so it must be root's (chown root:root)`,
      );
    }
    const open = openTo(st);
    if (open !== null)
      throw refuse(`${open} (mode ${modeText(st)}): it holds the device's private key; chmod 600 it`);
    if (st.size > maxBytes) throw refuse(`is ${st.size} bytes, too big for a certificate and a key`);
    const buffer = Buffer.alloc(maxBytes + 1);
    let filled = 0;
    for (let n = -1; n !== 0 && filled < buffer.length; filled += n) {
      n = readSync(fd, buffer, filled, buffer.length - filled, null);
    }
    if (filled > maxBytes) throw refuse('grew too big for a certificate and a key while it was read');
    return buffer.subarray(0, filled).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Who else the mode lets in, in words; null when only the owner may. */
function openTo(st: Stats): string | null {
  if ((st.mode & 0o004) !== 0) return 'is readable by others';
  if ((st.mode & 0o040) !== 0) return 'is readable by its group';
  if ((st.mode & 0o022) !== 0) return 'is writable by its group or others';
  if ((st.mode & 0o077) !== 0) return 'is open to its group or others';
  return null;
}

function modeText(st: Stats): string {
  return (st.mode & 0o7777).toString(8).padStart(4, '0');
}

interface PemBlock {
  label: string;
  pem: string;
}

function pemBlocks(text: string): PemBlock[] {
  const found: PemBlock[] = [];
  for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g)) {
    found.push({ label: m[1] ?? '', pem: `${m[0]}\n` });
  }
  return found;
}

/** `DNS:` entries of the SAN, as Node prints them (quoted when they hold unusual characters). */
function sanDnsNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4))
    .map((name) => (name.startsWith('"') ? (JSON.parse(name) as string) : name))
    .filter((name) => name !== '');
}

function warningsFor(cert: X509Certificate, now = new Date()): string[] {
  const warnings: string[] = [];
  if (cert.validToDate < now) warnings.push(`the device certificate expired on ${cert.validTo}`);
  if (cert.validFromDate > now) warnings.push(`the device certificate is not valid before ${cert.validFrom}`);
  // Node names the extended key usage `keyUsage`; absent means any use.
  const usage = cert.keyUsage as string[] | undefined;
  if (usage !== undefined && !usage.includes(clientAuth)) {
    warnings.push('the device certificate is not for client authentication (extendedKeyUsage clientAuth)');
  }
  return warnings;
}
