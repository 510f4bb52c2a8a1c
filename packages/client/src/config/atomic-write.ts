/**
 * Whole-file writes that a crash never leaves half done: a temporary file beside the target, flushed, then
 * renamed over it (rename is atomic within one file system), then the folder flushed so the rename survives.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFileAtomic(path: string, data: string, mode: number): void {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  // 'wx': never follow or reuse something already at the temporary name.
  const fd = openSync(temporary, 'wx', mode);
  try {
    try {
      fchmodSync(fd, mode); // the umask may have taken bits away, or (0644) kept some from being set
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw e;
  }
  syncFolder(dirname(path));
}

function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse to sync a folder; the rename itself has happened.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
