// Login throttling (DECISIONS 47, 55): per account and per source address, with a growing back-off.
// Pure: time comes in as monotonic milliseconds; state is a plain object the caller keeps.

export interface ThrottlePolicy {
  /** Failures within `windowMs` before the back-off starts (the first `freeFailures - 1` answer 0). */
  freeFailures: number;
  windowMs: number;
  firstBackoffMs: number;
  maxBackoffMs: number;
  /** At most this many failures per `hourMs`; beyond it, blocked until the oldest leaves the hour. */
  maxPerHour: number;
  hourMs: number;
}

/** Per account: the fifth failure within 15 minutes waits 2 s, then 4 s, 8 s ... up to 15 minutes. */
export const accountThrottlePolicy: ThrottlePolicy = {
  freeFailures: 5,
  windowMs: 15 * 60_000,
  firstBackoffMs: 2_000,
  maxBackoffMs: 15 * 60_000,
  maxPerHour: 100,
  hourMs: 60 * 60_000,
};

/** Per source address: the same from the twentieth failure (offices behind one NAT). */
export const addressThrottlePolicy: ThrottlePolicy = { ...accountThrottlePolicy, freeFailures: 20 };

/**
 * One key's throttling state, plain data so it can live in a process's memory or in the store (shared by
 * every worker, DECISIONS 71). Times are milliseconds of one clock (monotonic in memory, wall time in
 * the store, where processes share it).
 */
export interface ThrottleState {
  /** Times of the failures in the last hour, oldest first. */
  failures: number[];
  blockedUntil: number;
  /** Attempts being checked now: when each reservation lapses (a process that died cannot hold one). */
  checking: number[];
}

export const emptyThrottleState: ThrottleState = { failures: [], blockedUntil: 0, checking: [] };

/** How long a reservation holds if its process never releases it. */
export const reservationLapseMs = 60_000;

/** Milliseconds left of a back-off at `now`, 0 when an attempt may be checked. */
export function throttleWaitMs(state: ThrottleState, now: number): number {
  return Math.max(0, state.blockedUntil - now);
}

/**
 * Checks and reserves in one step (DECISIONS 68): `waitMs` 0 when an attempt may be checked now (its
 * reservation is in the new state: release it when done), else the milliseconds to wait. Attempts being
 * checked count as the failures they may become, so of N parallel guesses only as many are checked as
 * the back-off would allow one after another.
 */
export function reserveAttempt(
  state: ThrottleState,
  policy: ThrottlePolicy,
  now: number,
): { state: ThrottleState; waitMs: number; othersFirst: boolean } {
  const remaining = throttleWaitMs(state, now);
  if (remaining > 0) return { state, waitMs: remaining, othersFirst: false };
  const checking = state.checking.filter((lapse) => lapse > now);
  if (checking.length > 0) {
    const windowStart = now - policy.windowMs;
    const recent = state.failures.filter((t) => t > windowStart).length;
    // As many at once as the free failures allow; past them, one at a time: each may start a back-off.
    // `othersFirst`: no back-off yet, only attempts being checked that may start one: wait for them.
    if (recent + checking.length >= policy.freeFailures) {
      return { state, waitMs: policy.firstBackoffMs, othersFirst: true };
    }
  }
  return {
    state: { ...state, checking: [...checking, now + reservationLapseMs] },
    waitMs: 0,
    othersFirst: false,
  };
}

/** Ends one reservation made by `reserveAttempt`. */
export function releaseAttempt(state: ThrottleState): ThrottleState {
  return { ...state, checking: state.checking.slice(1) };
}

/** Records a failed attempt; `backoffMs` is the back-off it starts (0 for none). */
export function recordThrottleFailure(
  state: ThrottleState,
  policy: ThrottlePolicy,
  now: number,
): { state: ThrottleState; backoffMs: number } {
  const hourAgo = now - policy.hourMs;
  const failures = [...state.failures.filter((t) => t > hourAgo), now];
  const windowStart = now - policy.windowMs;
  const inWindow = failures.filter((t) => t > windowStart).length;
  let backoffMs = 0;
  if (inWindow >= policy.freeFailures) {
    const doublings = Math.min(inWindow - policy.freeFailures, 30);
    backoffMs = Math.min(policy.firstBackoffMs * 2 ** doublings, policy.maxBackoffMs);
  }
  if (failures.length >= policy.maxPerHour) {
    const oldest = failures[failures.length - policy.maxPerHour] ?? now;
    backoffMs = Math.max(backoffMs, oldest + policy.hourMs - now);
  }
  return {
    state: { ...state, failures, blockedUntil: Math.max(state.blockedUntil, now + backoffMs) },
    backoffMs,
  };
}

/** Failure counters for one kind of key (accounts or addresses) in this process's memory, bounded in size. */
export class Throttle {
  private readonly entries = new Map<string, ThrottleState>();

  constructor(
    private readonly policy: ThrottlePolicy,
    private readonly maxKeys = 100_000,
  ) {}

  /** Milliseconds left of a back-off for `key` at `now`, 0 when an attempt may be checked. */
  remainingMs(key: string, now: number): number {
    const entry = this.entries.get(key);
    return entry ? throttleWaitMs(entry, now) : 0;
  }

  /** Records a failed attempt; returns the back-off it starts, in milliseconds (0 for none). */
  recordFailure(key: string, now: number): number {
    const { state, backoffMs } = recordThrottleFailure(
      this.entries.get(key) ?? emptyThrottleState,
      this.policy,
      now,
    );
    this.keep(key, state);
    return backoffMs;
  }

  /** A successful login forgets the key's failures. */
  reset(key: string): void {
    this.entries.delete(key);
  }

  /** How many keys are tracked. */
  get size(): number {
    return this.entries.size;
  }

  private keep(key: string, state: ThrottleState): void {
    this.entries.delete(key); // re-insert: the Map's order is the eviction order (oldest first)
    this.entries.set(key, state);
    // Forgets the least recently changed keys first (an attacker cycling names cannot grow memory).
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxKeys) break;
      this.entries.delete(oldest);
    }
  }
}

/** Seconds for the client's `timeout`, rounded up so a client never retries too early. */
export function toTimeoutSeconds(ms: number): number {
  return ms <= 0 ? 0 : Math.ceil(ms / 1000);
}
