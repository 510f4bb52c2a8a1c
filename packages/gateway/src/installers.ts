// Registering and removing client installers (DECISIONS 12, 48): the bytes go to the installers folder,
// the record to the store. Shared by the management API and the CLI, so nothing here knows about HTTP.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
  let size = 0;
  const hash = createHash('sha256');
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      size += chunk.length;
      if (size > maxSize) {
        callback(
          new InstallerError(
            'too_large',
            'source',
            `the installer is larger than the limit of ${maxSize} bytes`,
          ),
        );
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    const input = typeof source === 'string' ? openSource(source) : source;
    await pipeline(input, measure, createWriteStream(temporary, { flags: 'wx', mode: 0o644, flush: true }));
    if (size === 0) throw new InstallerError('invalid_field', 'source', 'the installer is empty');
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
    size,
    sha256: hash.digest('hex'),
    policy,
    addedAt: clock.now(),
  };
  const actor = options.actor === undefined ? '' : ` by ${options.actor}`;
  try {
    await withFolderLock(dir, async () => {
      // Checked again: another OS may have taken the name while the bytes were streaming.
      await refuseNameOfAnotherOs(store, os, fileName);
      const previous = await store.installers.get(os);
      await rename(temporary, join(dir, fileName));
      try {
        await store.transaction(async (tx) => {
          await tx.installers.put(installer);
          await tx.events.append({
            at: installer.addedAt,
            kind: 'installer_changed',
            account: null,
            sourceAddress: null,
            detail: `${os} installer ${versionText(installer)} registered${actor}: ${fileName}, ${size} bytes, sha256 ${installer.sha256}, policy ${policy}`,
          });
        });
      } catch (error) {
        if (previous?.fileName !== fileName) await unlinkIfPresent(join(dir, fileName));
        if (error instanceof StoreConflictError) {
          throw new InstallerError('conflict', 'file_name', `the file name "${fileName}" is already in use`);
        }
        throw error;
      }
      if (previous !== undefined && previous.fileName !== fileName) {
        await unlinkIfPresent(join(dir, previous.fileName));
      }
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
    if (removed) await unlinkIfPresent(join(dir, previous.fileName));
    return removed;
  });
}

/** "major.minor.build" of an installer. */
export function versionText(installer: Pick<Installer, 'major' | 'minor' | 'build'>): string {
  return `${installer.major}.${installer.minor}.${installer.build}`;
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
