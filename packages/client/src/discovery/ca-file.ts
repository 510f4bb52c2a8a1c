// A profile's `ca_file`, read by the root daemon for the profile's owner (DECISIONS 73): never through a
// link, never from a FIFO or a device, at most 1 MiB, and only what that user could read themselves.
import { X509Certificate } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  type Stats,
  statSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { runCommand } from '@kordon/drivers';
import { badProfile, byteCount, type ClientError } from './errors.js';
import { errorCode } from './resolve.js';

/** The user a root daemon reads a profile's `ca_file` for (DECISIONS 73): uid and every group. */
export interface CaFileOwner {
  uid: number;
  gids: number[];
}

/** DECISIONS 73: a CA certificate, even a bundle, is far smaller; anything bigger is a wrong path. */
const maxCaFileBytes = 1_048_576;
const symbolicLink = 'is a symbolic link; give the path of the file it points to';

function caFileError(caFile: string, why: string): ClientError {
  return badProfile('ca_file', `The profile's ca_file ${caFile} ${why}.`);
}

function refuseCaFile(caFile: string, why: string): never {
  throw caFileError(caFile, why);
}

function unreadableCaFile(caFile: string, error: unknown): never {
  throw caFileError(caFile, `cannot be read (${errorCode(error) ?? 'error'})`);
}

/** What a path is when it is not a regular file, for a person. */
function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isDirectory()) return 'a folder';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a file';
}

function modeText(st: Stats): string {
  return (st.mode & 0o7777).toString(8).padStart(4, '0');
}

/** The kernel's rule on mode bits: owner bits for the owner, else group bits, else the others'. */
function mayAccess(st: Stats, who: CaFileOwner, bit: 4 | 1): boolean {
  const shift = st.uid === who.uid ? 6 : who.gids.includes(st.gid) ? 3 : 0;
  return ((st.mode >> shift) & bit) !== 0;
}

/**
 * Walks the folders of `path` as the kernel would for `who` (symbolic links followed, `..` after
 * them taken from where they led) and refuses the first one `who` could not enter, so nothing below
 * a folder they cannot see is told to them. Returns the real folder that holds the file.
 */
function enterFolders(caFile: string, path: string, who: CaFileOwner): string {
  const cantEnter = (folder: string, st: Stats): never =>
    refuseCaFile(
      caFile,
      `cannot be used: a folder on its path cannot be entered by uid ${who.uid}: ${folder} ` +
        `(it belongs to uid ${st.uid} and group ${st.gid} with mode ${modeText(st)}); ` +
        `kordon's service runs as root and reads a ca_file only where the profile's owner could`,
    );
  const check = (folder: string): void => {
    let st: Stats;
    try {
      st = statSync(folder);
    } catch (e) {
      unreadableCaFile(caFile, e);
    }
    if (!st.isDirectory()) unreadableCaFile(caFile, { code: 'ENOTDIR' });
    if (!mayAccess(st, who, 1)) cantEnter(folder, st);
  };
  const pending = dirname(path).split('/');
  let current = '/';
  let links = 0;
  check(current);
  for (let part = pending.shift(); part !== undefined; part = pending.shift()) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = dirname(current);
      continue;
    }
    const next = join(current, part);
    let st: Stats;
    try {
      st = lstatSync(next);
    } catch (e) {
      unreadableCaFile(caFile, e);
    }
    if (st.isSymbolicLink()) {
      // Linux's own limit on links in one lookup.
      links += 1;
      if (links > 40) unreadableCaFile(caFile, { code: 'ELOOP' });
      let target: string;
      try {
        target = readlinkSync(next);
      } catch (e) {
        unreadableCaFile(caFile, e);
      }
      if (isAbsolute(target)) current = '/';
      pending.unshift(...target.split('/'));
      continue;
    }
    if (!st.isDirectory()) unreadableCaFile(caFile, { code: 'ENOTDIR' });
    if (!mayAccess(st, who, 1)) cantEnter(next, st);
    current = next;
  }
  return current;
}

/**
 * Reads a profile's CA file with the care of DECISIONS 73, since the daemon that reads it is root and
 * the path is the user's: never through a symbolic link, never from a FIFO or a device (which could
 * block or have side effects: checked before opening, and O_NONBLOCK for a swap in between), at most
 * 1 MiB, and with `owner` only what that user could read themselves (mode bits of the file and of
 * every folder on its path). Every refusal is a `bad_profile` that names the rule.
 */
export function readCaFile(caFile: string, owner: CaFileOwner | undefined): string {
  const absolute = isAbsolute(caFile) ? caFile : join(process.cwd(), caFile);
  // Root may read anything: only another user's rights need judging.
  const who = owner !== undefined && owner.uid !== 0 ? owner : null;
  const path = who === null ? absolute : join(enterFolders(caFile, absolute, who), basename(absolute));
  let before: Stats;
  try {
    before = lstatSync(path);
  } catch (e) {
    unreadableCaFile(caFile, e);
  }
  if (before.isSymbolicLink()) refuseCaFile(caFile, symbolicLink);
  if (!before.isFile()) refuseCaFile(caFile, `is not a regular file (${kindOf(before)})`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    // A link put there since the lstat.
    if (errorCode(e) === 'ELOOP') refuseCaFile(caFile, symbolicLink);
    unreadableCaFile(caFile, e);
  }
  let pem: string;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) refuseCaFile(caFile, `is not a regular file (${kindOf(st)})`);
    if (st.dev !== before.dev || st.ino !== before.ino) {
      refuseCaFile(caFile, 'was replaced while kordon opened it');
    }
    if (st.size > maxCaFileBytes) refuseCaFile(caFile, `is larger than 1 MiB (${byteCount(st.size)})`);
    if (who !== null) {
      if (!mayAccess(st, who, 4)) {
        refuseCaFile(
          caFile,
          `cannot be read by the profile's owner (uid ${who.uid}): it belongs to uid ${st.uid} and group ${st.gid} ` +
            `with mode ${modeText(st)}; kordon's service runs as root and reads a ca_file only if the profile's owner could`,
        );
      }
      // The folders were judged by their path; the descriptor must be the file at that path.
      const opened = openedPath(fd);
      if (opened !== null && opened !== path) refuseCaFile(caFile, 'was moved while kordon opened it');
    }
    const content = readAtMost(fd, maxCaFileBytes + 1);
    // A file that grew after fstat.
    if (content.length > maxCaFileBytes) refuseCaFile(caFile, 'is larger than 1 MiB');
    pem = content.toString('utf8');
  } finally {
    closeSync(fd);
  }
  try {
    new X509Certificate(pem);
  } catch {
    refuseCaFile(caFile, 'does not hold a PEM certificate');
  }
  return pem;
}

/** Where the kernel says a descriptor points (Linux's /proc); null where that cannot be told. */
function openedPath(fd: number): string | null {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

function readAtMost(fd: number, limit: number): Buffer {
  const buffer = Buffer.alloc(limit);
  let filled = 0;
  while (filled < limit) {
    const n = readSync(fd, buffer, filled, limit - filled, null);
    if (n === 0) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

/**
 * The groups of a user (`id -G`), for the `owner` of a `ca_file` policy. When they cannot be read the
 * answer is an error, never an empty list: a guess could let the daemon read what the user may not.
 */
export async function userGroups(uid: number): Promise<number[]> {
  const fail = (why: string): ClientError =>
    badProfile(
      'ca_file',
      `kordon could not read the groups of uid ${uid} (${why}), so it does not read the profile's ca_file for that user.`,
    );
  if (!Number.isSafeInteger(uid) || uid < 0) throw fail('not a user id');
  let stdout: string;
  try {
    ({ stdout } = await runCommand('id', ['-G', String(uid)], { timeoutMs: 10_000 }));
  } catch (e) {
    throw fail(e instanceof Error ? e.message.trim() : String(e));
  }
  const words = stdout.trim().split(/\s+/);
  if (!words.every((w) => /^\d+$/.test(w))) throw fail(`id printed ${JSON.stringify(stdout.trim())}`);
  return words.map(Number);
}
