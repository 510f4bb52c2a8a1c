// Hands a secret to a program that only reads files (`wg set ... private-key FILE`, `wg syncconf IF FILE`)
// without writing it to disk or argv. `/dev/stdin` does not work from Node: its child stdio are
// socketpairs, and opening /dev/stdin on a socket fails (ENXIO). A named pipe does: the data only
// passes through the kernel's pipe buffer.
import { constants } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../process.js';

/** Runs `use` with the path of a FIFO (in a fresh 0700 folder) that yields `data` once, then removes it. */
export async function withSecretPipe<T>(data: string, use: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'kordon-wg-'));
  const path = join(dir, 'secret');
  try {
    await runCommand('mkfifo', ['-m', '0600', path]);
    let finished = false;
    const feeding = feed(path, Buffer.from(data, 'utf8'), () => finished);
    try {
      return await use(path);
    } finally {
      finished = true;
      await feeding;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes `data` into the FIFO once a reader opens it. Non-blocking throughout, so a reader that
 * fails before opening (or stops reading) never leaves a thread blocked: `stop` ends the wait.
 */
async function feed(path: string, data: Buffer, stop: () => boolean): Promise<void> {
  let handle: FileHandle | undefined;
  while (handle === undefined) {
    try {
      handle = await open(path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (e) {
      // ENXIO: nobody has opened it for reading yet.
      if ((e as NodeJS.ErrnoException).code !== 'ENXIO' || stop()) return;
      await sleep(2);
    }
  }
  try {
    let offset = 0;
    while (offset < data.length) {
      try {
        offset += (await handle.write(data, offset)).bytesWritten;
      } catch (e) {
        // EAGAIN: the pipe is full until the reader catches up; EPIPE: the reader is gone.
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || stop()) return;
        await sleep(1);
      }
    }
  } finally {
    await handle.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
