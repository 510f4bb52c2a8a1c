// What every administrative service needs, and the one way a change is written: the change itself,
// its event and its change record in one transaction (DECISIONS 23, 67).
import {
  StoreConflictError,
  type Change,
  type Clock,
  type EventKind,
  type PasswordHasher,
  type Store,
} from '@kordon/core';
import type { AdminError } from './errors.js';

export interface AdminDeps {
  store: Store;
  clock: Clock;
  hasher: PasswordHasher;
  /**
   * Called after a change committed, so this process applies it at once instead of at its next poll of
   * the feed (the gateway's own management API); a CLI process has nothing to apply.
   */
  afterCommit?: () => Promise<void>;
}

/** Who made a change, for the event log: `admin "alice"`, `API token "ci"`, `CLI`. */
export type Actor = string;

export interface Recorded {
  kind: EventKind;
  account: string | null;
  detail: string;
  change?: Change;
}

/** Writes the event and the change record inside the caller's transaction. */
export async function record(tx: Store, deps: AdminDeps, entry: Recorded): Promise<void> {
  const at = deps.clock.now();
  await tx.events.append({
    at,
    kind: entry.kind,
    account: entry.account,
    sourceAddress: null,
    detail: entry.detail,
  });
  if (entry.change) await tx.changes.append(entry.change, at);
}

/** Runs one administrative write, then lets this process apply it. */
export async function commit<T>(deps: AdminDeps, write: (tx: Store) => Promise<T>): Promise<T> {
  const result = await deps.store.transaction(write);
  await deps.afterCommit?.();
  return result;
}

/**
 * Inserts what must be unique: `conflict` when `exists` says so, and also when a concurrent writer won
 * the race (the store's unique constraint).
 */
export async function insertUnique(
  exists: () => Promise<boolean>,
  insert: () => Promise<void>,
  conflict: AdminError,
): Promise<void> {
  if (await exists()) throw conflict;
  try {
    await insert();
  } catch (error) {
    if (error instanceof StoreConflictError) throw conflict;
    throw error;
  }
}
