// Shared by the installer tests: checksums, open descriptors, a store that "crashes", a log that records.
import { createHash } from 'node:crypto';
import { readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import type { Store } from '@kordon/core';

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** How many descriptors of this process are open on `file` (the gateway runs in the test's process). */
export function descriptorsOn(file: string): number {
  const target = realpathSync(file);
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === target) count += 1;
    } catch {
      // Closed between the listing and the look-up.
    }
  }
  return count;
}

/** Polls `condition` until it holds or `timeoutMs` passes; returns its last value. */
export async function until(condition: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (condition()) return true;
    await sleep(20);
  }
  return condition();
}

export interface CrashingStore {
  store: Store;
  /** Settles when the registration reached the point where the process "died". */
  crashed: Promise<void>;
}

/**
 * A store whose transactions never finish, like a process killed at that moment: `before_commit` never
 * writes the row, `after_commit` writes it and then stops. Nothing after that point runs.
 */
export function crashingStore(store: Store, when: 'before_commit' | 'after_commit'): CrashingStore {
  const { promise: crashed, resolve: reached } = Promise.withResolvers<undefined>();
  const crashing = Object.create(store) as Store;
  crashing.transaction = async <T>(fn: (tx: Store) => Promise<T>): Promise<T> => {
    if (when === 'after_commit') await store.transaction(fn);
    reached(undefined);
    return new Promise<T>(() => undefined);
  };
  return { store: crashing, crashed };
}

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger (debug and up) that keeps its lines for the test. */
export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as LogLine);
      },
    },
  );
  return { logger, lines };
}

/** pino's numeric levels. */
export const logLevel = { debug: 20, info: 30, warn: 40, error: 50 } as const;
