// DECISIONS 1: a profile keeps its WireGuard key pair across reconnects and restarts (0600), so its
// device and its tunnel address stay the same; a new key would be a new device. So a key file that is
// there but unusable is an error for someone to look at, never a reason to make a new key; and the
// root daemon reads it without following links (DECISIONS 73).
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
} from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, isValidKey, publicKeyOf } from '@kordon/drivers';
import { writeFileAtomic } from './config/atomic-write.js';

/** A key file holds one base64 key and a newline; anything much bigger is not one. */
const maxKeyFileBytes = 1024;

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

export function profileKeys(userDir: string, profileId: string): KeyPair {
  return keyPairIn(join(userDir, 'keys'), `${profileId.replace(/[^A-Za-z0-9_-]/g, '_')}.key`);
}

/** The device's own pair for Device VPN (DECISIONS 77): `<state-dir>/device/wg.key`, no user's. */
export function deviceKeys(stateDir: string): KeyPair {
  return keyPairIn(join(stateDir, 'device'), 'wg.key');
}

function keyPairIn(dir: string, name: string): KeyPair {
  keysFolder(dir);
  const file = join(dir, name);
  const existing = readKeyFile(file);
  if (existing !== undefined) return { privateKey: existing, publicKey: publicKeyOf(existing) };
  // Temporary file, flush, rename: a crash leaves the old state (no file) or the whole key, never
  // an empty or half-written one that the next start would have to refuse.
  const pair = generateKeyPair();
  writeFileAtomic(file, `${pair.privateKey}\n`, 0o600);
  return pair;
}

function keysFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (st.isSymbolicLink() || !st.isDirectory()) {
    throw new Error(`the key folder ${dir} is not a real folder (a link or a file); the keys are not read`);
  }
  // Ours (the lstat said it is no link): an older or hand-made folder is tightened to 0700.
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** The private key in `file`; undefined only when there is no file at all. Throws for anything else. */
function readKeyFile(file: string): string | undefined {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO put here must not hang the daemon; it fails the regular-file check below.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw keyError(file, 'is a symbolic link');
    throw keyError(file, `cannot be opened (${(e as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw keyError(file, 'is not a regular file');
    if (st.size > maxKeyFileBytes) throw keyError(file, `is ${st.size} bytes, too big for a key`);
    const buf = Buffer.alloc(maxKeyFileBytes + 1);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8').trim();
    if (text === '') throw keyError(file, 'is empty');
    if (!isValidKey(text)) throw keyError(file, 'holds no WireGuard private key (32 bytes in base64)');
    // A valid key with group or other access: tightened rather than refused; refusing would only
    // cost the user their connection, while the key is the same either way.
    if ((st.mode & 0o077) !== 0) fchmodSync(fd, 0o600);
    return text;
  } finally {
    closeSync(fd);
  }
}

function keyError(file: string, what: string): Error {
  return new Error(
    `the WireGuard key file ${file} ${what}; it is left as it is, and no new key is made (a new key ` +
      'would be a new device on the gateway: DECISIONS 1); restore the file, or remove it for a new key',
  );
}
