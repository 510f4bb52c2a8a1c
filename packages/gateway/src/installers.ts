// Registering and removing client installers (DECISIONS 12, 48): the bytes go to the installers folder,
// the record to the store. Shared by the management API and the CLI, so nothing here knows about HTTP.
//
// The folder and the store are committed in an order that a crash at any step cannot turn into bytes
// served under another file's checksum: an upload is written to `.upload-<random>.part` and flushed to
// disk; its size and SHA-256 are read back from the disk; it is renamed to `.staged-<sha256>.<file name>`
// (a name unique to those bytes, never a public name, since those never start with "."); the record is
// written; then the staged file is renamed to the public name. Downloads open the staged file of the
// record's checksum when it exists, else the public name, so they read the recorded bytes before and
// after that last rename. The public name is the admin's (the CLI and API keep it); the staged name is
// derived from the record, so the store's schema is unchanged. At start, removeLeftoverInstallerFiles
// finishes a recorded staged file and removes everything no record names.
import { createHash, randomBytes } from 'node:crypto';
import { constants, createReadStream, createWriteStream, type Dirent } from 'node:fs';
import { mkdir, open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { StoreConflictError } from '@kordon/core';
import type { Clock, Installer, OsName, Store, UpdatePolicy } from '@kordon/core';
import { parseVersionString } from '@kordon/protocol';

export type InstallerField = 'os' | 'version' | 'policy' | 'file_name' | 'source';
export type InstallerErrorCode = 'invalid_field' | 'conflict' | 'too_large';

/** A refused registration; `field` names the input at fault (a query parameter or CLI option of that name). */
export class InstallerError extends Error {
  override readonly name = 'InstallerError';

  constructor(
    readonly code: InstallerErrorCode,
    readonly field: InstallerField,
    message: string,
  ) {
    super(message);
  }
}

export const installerOsNames: readonly OsName[] = ['windows', 'macos', 'linux'];
export const updatePolicies: readonly UpdatePolicy[] = ['exact', 'minimum'];

/** The default and largest accepted installer size: 1 GiB. */
export const maxInstallerSize = 1024 ** 3;

/** The file is served as `:<port>/<file name>` (DECISIONS 48): one path segment, never hidden, never `..`. */
const fileNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface RegisterInstallerOptions {
  store: Store;
  /** The installers folder; created (0755) when missing. */
  dir: string;
  os: string;
  /** "major.minor.build", e.g. "1.2.3". */
  version: string;
  /** Defaults to "exact" (DECISIONS 12: the client updates when its version differs). */
  policy?: string;
  /** Defaults to the base name of `source` when it is a path. */
  fileName?: string;
  /** A path to read, or the bytes themselves. */
  source: string | NodeJS.ReadableStream;
  clock: Clock;
  /** Refuse larger files (default and most: 1 GiB). */
  maxSize?: number;
  /** Who made the change, for the event log (e.g. `admin "alice"`). */
  actor?: string;
}

function parseOsName(os: string): OsName {
  const found = installerOsNames.find((name) => name === os);
  if (found === undefined) {
    throw new InstallerError('invalid_field', 'os', `unknown OS "${os}": use windows, macos or linux`);
  }
  return found;
}

function parsePolicy(policy: string): UpdatePolicy {
  const found = updatePolicies.find((name) => name === policy);
  if (found === undefined) {
    throw new InstallerError(
      'invalid_field',
      'policy',
      `unknown update policy "${policy}": use "exact" (clients update when their version differs) or "minimum" (only older clients update)`,
    );
  }
  return found;
}

/** Checks a file name of an installer; returns it unchanged or throws InstallerError. */
function checkInstallerFileName(fileName: string): string {
  if (!fileNamePattern.test(fileName) || fileName.includes('..')) {
    throw new InstallerError(
      'invalid_field',
      'file_name',
      'an installer file name is 1 to 128 characters: letters, digits, ".", "_" and "-", starting with a letter or digit, without ".." or "/"',
    );
  }
  return fileName;
}

/** Streams the installer into the folder, then records it; replaces the OS's previous installer. */
export async function registerInstaller(options: RegisterInstallerOptions): Promise<Installer> {
  const { store, dir, source, clock } = options;
  const os = parseOsName(options.os);
  const version = parseVersionString(options.version);
  if (version === undefined) {
    throw new InstallerError(
      'invalid_field',
      'version',
      `"${options.version}" is not a version: give major.minor.build, e.g. 1.2.3`,
    );
  }
  const policy = parsePolicy(options.policy ?? 'exact');
  const fileNameGiven = options.fileName ?? (typeof source === 'string' ? basename(source) : undefined);
  if (fileNameGiven === undefined) {
    throw new InstallerError('invalid_field', 'file_name', 'give the installer a file name');
  }
  const fileName = checkInstallerFileName(fileNameGiven);
  const maxSize = Math.min(options.maxSize ?? maxInstallerSize, maxInstallerSize);
  await refuseNameOfAnotherOs(store, os, fileName);

  await mkdir(dir, { recursive: true, mode: 0o755 });
  // Names of installers never start with ".", so the temporary file cannot collide with one.
  const temporary = join(dir, `.upload-${randomBytes(8).toString('hex')}.part`);
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      received += chunk.length;
      if (received > maxSize) {
        callback(
          new InstallerError(
            'too_large',
            'source',
            `the installer is larger than the limit of ${maxSize} bytes`,
          ),
        );
        return;
      }
      callback(null, chunk);
    },
  });
  let written: WrittenFile;
  try {
    const input = typeof source === 'string' ? openSource(source) : source;
    // `flush`: the bytes reach the disk (fsync) before the file is closed.
    await pipeline(input, limit, createWriteStream(temporary, { flags: 'wx', mode: 0o644, flush: true }));
    if (received === 0) throw new InstallerError('invalid_field', 'source', 'the installer is empty');
    // Measured from the disk, not from the stream: these are the bytes that will be served.
    written = await measureFile(temporary);
    if (written.size !== received) {
      throw new Error(`the installer file holds ${written.size} bytes, but ${received} were received`);
    }
  } catch (error) {
    await unlinkIfPresent(temporary);
    if (error instanceof InstallerError) throw error;
    if (typeof source === 'string' && isNodeError(error) && error.path === source) {
      throw new InstallerError(
        'invalid_field',
        'source',
        `cannot read ${source}: ${error.code ?? error.message}`,
      );
    }
    throw error;
  }

  const installer: Installer = {
    os,
    major: version.major,
    minor: version.minor,
    build: version.build,
    fileName,
    size: written.size,
    sha256: written.sha256,
    policy,
    addedAt: clock.now(),
  };
  const actor = options.actor === undefined ? '' : ` by ${options.actor}`;
  const staged = join(dir, stagedFileName(installer));
  try {
    await withFolderLock(dir, async () => {
      // Checked again: another OS may have taken the name while the bytes were streaming.
      await refuseNameOfAnotherOs(store, os, fileName);
      const previous = await store.installers.get(os);
      // The public file is not touched until the record names the new bytes.
      await rename(temporary, staged);
      await syncFolder(dir);
      try {
        await store.transaction(async (tx) => {
          await tx.installers.put(installer);
          await tx.events.append({
            at: installer.addedAt,
            kind: 'installer_changed',
            account: null,
            sourceAddress: null,
            detail: `${os} installer ${versionText(installer)} registered${actor}: ${fileName}, ${installer.size} bytes, sha256 ${installer.sha256}, policy ${policy}`,
          });
        });
      } catch (error) {
        await unlinkIfPresent(staged);
        if (error instanceof StoreConflictError) {
          throw new InstallerError('conflict', 'file_name', `the file name "${fileName}" is already in use`);
        }
        throw error;
      }
      // Recorded: downloads read the staged file until this rename, and the public name after it.
      await rename(staged, join(dir, fileName));
      await syncFolder(dir);
      if (previous !== undefined) await removeReplacedFiles(dir, previous, installer);
    });
  } finally {
    await unlinkIfPresent(temporary);
  }
  return installer;
}

export interface RemoveInstallerOptions {
  store: Store;
  dir: string;
  os: string;
  /** Wall time of the event; the system clock when absent. */
  clock?: Clock;
  actor?: string;
}

/** Removes the OS's installer and its file; false when none was registered. */
export async function removeInstaller(options: RemoveInstallerOptions): Promise<boolean> {
  const { store, dir } = options;
  const os = parseOsName(options.os);
  return withFolderLock(dir, async () => {
    const previous = await store.installers.get(os);
    if (previous === undefined) return false;
    const actor = options.actor === undefined ? '' : ` by ${options.actor}`;
    const removed = await store.transaction(async (tx) => {
      if (!(await tx.installers.remove(os))) return false;
      await tx.events.append({
        at: options.clock?.now() ?? new Date(),
        kind: 'installer_changed',
        account: null,
        sourceAddress: null,
        detail: `${os} installer ${versionText(previous)} (${previous.fileName}) removed${actor}`,
      });
      return true;
    });
    if (removed) {
      await unlinkIfPresent(join(dir, previous.fileName));
      await unlinkIfPresent(join(dir, stagedFileName(previous)));
    }
    return removed;
  });
}

/** "major.minor.build" of an installer. */
export function versionText(installer: Pick<Installer, 'major' | 'minor' | 'build'>): string {
  return `${installer.major}.${installer.minor}.${installer.build}`;
}

/** Where a registration keeps the bytes between writing them and recording them: unique to the bytes. */
function stagedFileName(installer: Pick<Installer, 'fileName' | 'sha256'>): string {
  return `.staged-${installer.sha256}.${installer.fileName}`;
}

const stagedFilePattern = /^\.staged-([0-9a-f]{64})\.(.+)$/;

/**
 * Opens the file holding a record's bytes: its staged file while a registration has not yet moved it
 * to the public name, else the public name. Never follows a link. Undefined when there is no such
 * regular file of the recorded size (a file replaced by something else is not served under the record).
 */
export async function openInstallerFile(
  dir: string,
  installer: Pick<Installer, 'fileName' | 'sha256' | 'size'>,
): Promise<FileHandle | undefined> {
  for (const name of [stagedFileName(installer), installer.fileName]) {
    let file: FileHandle;
    try {
      file = await open(join(dir, name), constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if (isNodeError(error) && error.code === 'ENOENT') continue;
      return undefined;
    }
    try {
      const stat = await file.stat();
      if (stat.isFile() && stat.size === installer.size) return file;
    } catch {
      // Unreadable: treated as absent, like a file of the wrong size.
    }
    await file.close();
    return undefined;
  }
  return undefined;
}

interface LeftoverInstallerFiles {
  /** Removed: partial uploads, staged files of registrations never recorded, files no record names. */
  removed: string[];
  /** Public names whose recorded staged file was moved into place (a registration cut short). */
  completed: string[];
  /** Public names of records whose file is not in the folder. */
  missing: string[];
}

/**
 * Start-up clean-up of the installers folder: finishes registrations that were recorded but not moved
 * to their public name, and removes every other file no record names. Links are removed, never
 * followed; folders are left alone. Call it before the management API accepts uploads: an upload in
 * flight would lose its temporary file.
 */
export async function removeLeftoverInstallerFiles(
  store: Store,
  dir: string,
  logger: Pick<Logger, 'info' | 'warn'>,
): Promise<LeftoverInstallerFiles> {
  const report: LeftoverInstallerFiles = { removed: [], completed: [], missing: [] };
  const records = new Map((await store.installers.list()).map((record) => [record.fileName, record]));
  let entries: Dirent[] = [];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (!(isNodeError(error) && error.code === 'ENOENT')) throw error;
  }
  const inPlace = new Set<string>();
  // Staged names sort first ("."), so a file moved into place is known before its public name is seen.
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const name = entry.name;
    if (entry.isDirectory()) {
      logger.warn({ dir, file: name }, 'a folder inside the installers folder: left alone');
      continue;
    }
    if (records.has(name)) {
      // A link or other non-file under a recorded name is not served; it is reported missing below.
      if (entry.isFile()) inPlace.add(name);
      continue;
    }
    const staged = stagedFilePattern.exec(name);
    const stagedOf = staged?.[2] === undefined ? undefined : records.get(staged[2]);
    if (stagedOf !== undefined && stagedOf.sha256 === staged?.[1]) {
      try {
        await rename(join(dir, name), join(dir, stagedOf.fileName));
        report.completed.push(stagedOf.fileName);
        inPlace.add(stagedOf.fileName);
        logger.info({ os: stagedOf.os, file: stagedOf.fileName }, 'finished an installer registration');
      } catch (err) {
        // Kept: downloads read the staged file meanwhile.
        logger.warn({ err, file: name }, 'could not move a recorded installer to its public name');
        inPlace.add(stagedOf.fileName);
      }
      continue;
    }
    await unlinkIfPresent(join(dir, name));
    report.removed.push(name);
    logger.info({ dir, file: name }, 'removed a leftover file from the installers folder');
  }
  for (const record of records.values()) {
    if (inPlace.has(record.fileName)) continue;
    report.missing.push(record.fileName);
    logger.warn(
      { os: record.os, file: record.fileName },
      'the file of a registered installer is missing from the installers folder: register it again',
    );
  }
  if (report.removed.length > 0 || report.completed.length > 0) await syncFolder(dir);
  return report;
}

/** After a replacement is recorded: the previous record's files, unless the new record uses them. */
async function removeReplacedFiles(dir: string, previous: Installer, current: Installer): Promise<void> {
  if (previous.fileName !== current.fileName) await unlinkIfPresent(join(dir, previous.fileName));
  // Left by an earlier registration that stopped before its last rename.
  if (stagedFileName(previous) !== stagedFileName(current)) {
    await unlinkIfPresent(join(dir, stagedFileName(previous)));
  }
}

interface WrittenFile {
  size: number;
  sha256: string;
}

async function measureFile(path: string): Promise<WrittenFile> {
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    let size = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { size, sha256: hash.digest('hex') };
  } finally {
    await file.close();
  }
}

/** Makes the renames and removals in a folder durable. */
async function syncFolder(dir: string): Promise<void> {
  const folder = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

async function refuseNameOfAnotherOs(store: Store, os: OsName, fileName: string): Promise<void> {
  const holder = await store.installers.getByFileName(fileName);
  if (holder !== undefined && holder.os !== os) {
    throw new InstallerError(
      'conflict',
      'file_name',
      `the file name "${fileName}" is already used by the ${holder.os} installer`,
    );
  }
}

function openSource(path: string): NodeJS.ReadableStream {
  return createReadStream(path);
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!(isNodeError(error) && error.code === 'ENOENT')) throw error;
  }
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}

// One change at a time per folder in this process, so that replacing an OS's file and recording it
// cannot interleave with another change of the same folder.
const folderLocks = new Map<string, Promise<void>>();

async function withFolderLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const key = resolve(dir);
  const before = folderLocks.get(key) ?? Promise.resolve();
  const run = before.then(fn);
  const after = run.then(
    () => undefined,
    () => undefined,
  );
  folderLocks.set(key, after);
  try {
    return await run;
  } finally {
    if (folderLocks.get(key) === after) folderLocks.delete(key);
  }
}
