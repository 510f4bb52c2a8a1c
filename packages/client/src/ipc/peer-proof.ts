// Who is calling the daemon, as the kernel says (DECISIONS 40): Node cannot read SO_PEERCRED, so the
// caller proves its user id with a file it creates in a sticky drop folder. The file's owner is set by
// the kernel and cannot be forged; its random token (readable only by its owner and root) binds it to
// this request; the daemon deletes it after one use.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** The drop folder beside the socket: root's, sticky, and others may create but not list (1733). */
export function proofDir(socketPath: string): string {
  return `${socketPath}.d`;
}

export function prepareProofDir(socketPath: string): void {
  const dir = proofDir(socketPath);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o1733);
}

export interface Proof {
  name: string;
  token: string;
}

/** Caller side: a fresh proof file owned by the calling user (0600). */
export function makeProof(socketPath: string): Proof {
  const name = randomBytes(18).toString('base64url');
  const token = randomBytes(32).toString('base64url');
  writeFileSync(join(proofDir(socketPath), name), token, { mode: 0o600, flag: 'wx' });
  return { name, token };
}

export function dropProof(socketPath: string, proof: Proof): void {
  rmSync(join(proofDir(socketPath), proof.name), { force: true });
}

/** Daemon side: the user id the proof shows, or undefined when it shows nothing. Consumes the file. */
export function checkProof(socketPath: string, proof: Proof): number | undefined {
  if (!/^[A-Za-z0-9_-]{24}$/.test(proof.name) || proof.token.length > 100) return undefined;
  const path = join(proofDir(socketPath), proof.name);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    // One link only: nobody can present another user's file under a second name.
    if (!st.isFile() || st.nlink !== 1 || (st.mode & 0o077) !== 0 || st.size > 100) return undefined;
    const buf = Buffer.alloc(100);
    const n = readSync(fd, buf, 0, 100, 0);
    const want = Buffer.from(proof.token, 'utf8');
    const got = buf.subarray(0, n);
    return got.length === want.length && timingSafeEqual(got, want) ? st.uid : undefined;
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
}
