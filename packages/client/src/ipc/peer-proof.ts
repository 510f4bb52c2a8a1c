// Who is calling the daemon, as the kernel says (DECISIONS 40): Node cannot read SO_PEERCRED, so the
// caller proves its user id with a file it creates in a sticky drop folder. The file's owner is set by
// the kernel and cannot be forged; its random token (readable only by its owner and root) binds it to
// this request; the daemon deletes it after one use. The folder itself is checked on both sides before
// use and never through a link (DECISIONS 73): a folder someone else owns, or a link to one, would let
// them see, remove or redirect the proofs.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname, join } from 'node:path';

/** The drop folder beside the socket: root's, sticky, and others may create but not list (1733). */
export function proofDir(socketPath: string): string {
  return `${socketPath}.d`;
}

const folderMode = 0o1733;

/** The proof folder is not fit for use; the message names the folder and the rule it breaks. */
export class ProofFolderError extends Error {
  override readonly name = 'ProofFolderError';
}

function mode(st: Stats): string {
  return (st.mode & 0o7777).toString(8).padStart(4, '0');
}

function lstatIfAny(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Daemon side, at start: the folder is made, or must already be a real folder of the daemon's user. */
export function prepareProofDir(socketPath: string): void {
  const dir = proofDir(socketPath);
  const euid = process.geteuid?.() ?? 0;
  let st = lstatIfAny(dir);
  if (!st) {
    mkdirSync(dirname(dir), { recursive: true });
    try {
      mkdirSync(dir, { mode: folderMode });
    } catch (e) {
      // Made by someone else since the lstat: checked below like any existing entry.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    st = lstatSync(dir);
  }
  // Refuse rather than repair: a link or a foreign entry here is an attack or a mistake, and chmod or
  // rm through it would act on whatever it points at.
  const refuse = (what: string): never => {
    throw new ProofFolderError(
      `the proof folder ${dir} ${what}; the daemon will not use it (remove it and start the daemon again)`,
    );
  };
  if (st.isSymbolicLink()) refuse('is a symbolic link');
  if (!st.isDirectory()) refuse('is not a directory');
  if (st.uid !== euid) refuse(`belongs to uid ${st.uid}, not uid ${euid} (the daemon's user)`);
  // Set the mode through a descriptor that cannot be a link, and that is the folder just checked.
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (e) {
    return refuse(`cannot be opened as a folder (${(e as Error).message})`);
  }
  try {
    const now = fstatSync(fd);
    if (now.dev !== st.dev || now.ino !== st.ino) refuse('was replaced while it was checked');
    if ((now.mode & 0o7777) !== folderMode) fchmodSync(fd, folderMode);
  } finally {
    closeSync(fd);
  }
}

export interface Proof {
  name: string;
  token: string;
}

/**
 * Caller side: checks the folder (a real folder, root's or the socket owner's, sticky, not listable by
 * others), then creates a fresh proof file owned by the calling user (0600), never through a link.
 */
export function makeProof(socketPath: string): Proof {
  const dir = proofDir(socketPath);
  checkFolderForCaller(socketPath, dir);
  const name = randomBytes(18).toString('base64url');
  const token = randomBytes(32).toString('base64url');
  const path = join(dir, name);
  const fd = openSync(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    writeSync(fd, token);
  } catch (e) {
    rmSync(path, { force: true });
    throw e;
  } finally {
    closeSync(fd);
  }
  return { name, token };
}

function checkFolderForCaller(socketPath: string, dir: string): void {
  const st = lstatIfAny(dir);
  // No folder: most likely no daemon (the caller reports it as unreachable).
  if (!st) throw new Error(`${dir} does not exist`);
  const refuse = (what: string): never => {
    throw new ProofFolderError(`the daemon's proof folder ${dir} ${what}; refusing to use it`);
  };
  if (st.isSymbolicLink()) refuse('is a symbolic link');
  if (!st.isDirectory()) refuse('is not a directory');
  // Root's, or the owner of the socket we are about to talk to (a daemon that is not root, in tests):
  // that one sees our requests anyway. stat, not lstat: a link's owner is whoever made the link.
  const socketOwner = socketOwnerOf(socketPath);
  if (st.uid !== 0 && st.uid !== socketOwner) {
    const also =
      socketOwner !== undefined && socketOwner !== 0 ? ` or uid ${socketOwner} (the socket's owner)` : '';
    refuse(`belongs to uid ${st.uid}, not root${also}`);
  }
  // 0o1000, the sticky bit: only a file's owner (and root) may remove or rename it.
  if ((st.mode & 0o1000) === 0) {
    refuse(`is not sticky (mode ${mode(st)}), so others could remove or replace a proof`);
  }
  if ((st.mode & 0o044) !== 0) refuse(`can be listed by its group or others (mode ${mode(st)})`);
}

function socketOwnerOf(socketPath: string): number | undefined {
  try {
    const st = statSync(socketPath);
    return st.isSocket() ? st.uid : undefined;
  } catch {
    return undefined;
  }
}

export function dropProof(socketPath: string, proof: Proof): void {
  rmSync(join(proofDir(socketPath), proof.name), { force: true });
}

const namePattern = /^[A-Za-z0-9_-]{24}$/;
// Printable ASCII, 1 to 100 bytes: an empty token would match an empty file anyone can make.
const tokenPattern = /^[\x21-\x7e]{1,100}$/;

/**
 * Daemon side: the user id the proof shows, or undefined when it shows nothing. Consumes the file.
 * `proof` is what the request carried, not yet checked to be a Proof.
 */
export function checkProof(socketPath: string, proof: unknown): number | undefined {
  if (typeof proof !== 'object' || proof === null) return undefined;
  const { name, token } = proof as Record<string, unknown>;
  if (typeof name !== 'string' || !namePattern.test(name)) return undefined;
  const path = join(proofDir(socketPath), name);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    if (typeof token !== 'string' || !tokenPattern.test(token)) return undefined;
    const st = fstatSync(fd);
    // One link only: nobody can present another user's file under a second name.
    if (!st.isFile() || st.nlink !== 1 || (st.mode & 0o077) !== 0 || st.size > 100) return undefined;
    const buf = Buffer.alloc(100);
    const n = readSync(fd, buf, 0, 100, 0);
    const want = Buffer.from(token, 'utf8');
    const got = buf.subarray(0, n);
    return got.length === want.length && timingSafeEqual(got, want) ? st.uid : undefined;
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
}
