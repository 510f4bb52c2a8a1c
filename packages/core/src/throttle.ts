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

interface Entry {
  /** Monotonic times of the failures in the last hour, oldest first. */
  failures: number[];
  blockedUntil: number;
}

/** Failure counters for one kind of key (accounts or addresses), bounded in size. */
export class Throttle {
  private readonly entries = new Map<string, Entry>();
  /** Attempts being checked now, per key: counted as failures-to-be when deciding who may start. */
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly policy: ThrottlePolicy,
    private readonly maxKeys = 100_000,
  ) {}

  /** Milliseconds left of a back-off for `key` at `now`, 0 when an attempt may be checked. */
  remainingMs(key: string, now: number): number {
    const entry = this.entries.get(key);
    return entry ? Math.max(0, entry.blockedUntil - now) : 0;
  }

  /** Records a failed attempt; returns the back-off it starts, in milliseconds (0 for none). */
  recordFailure(key: string, now: number): number {
    const entry = this.entries.get(key) ?? { failures: [], blockedUntil: 0 };
    this.entries.delete(key); // re-insert: the Map's order is the eviction order (oldest first)
    const hourAgo = now - this.policy.hourMs;
    while (entry.failures.length > 0 && (entry.failures[0] ?? 0) <= hourAgo) entry.failures.shift();
    entry.failures.push(now);
    const windowStart = now - this.policy.windowMs;
    const inWindow = entry.failures.filter((t) => t > windowStart).length;
    let backoff = 0;
    if (inWindow >= this.policy.freeFailures) {
      const doublings = Math.min(inWindow - this.policy.freeFailures, 30);
      backoff = Math.min(this.policy.firstBackoffMs * 2 ** doublings, this.policy.maxBackoffMs);
    }
    if (entry.failures.length >= this.policy.maxPerHour) {
      const oldest = entry.failures[entry.failures.length - this.policy.maxPerHour] ?? now;
      backoff = Math.max(backoff, oldest + this.policy.hourMs - now);
    }
    entry.blockedUntil = Math.max(entry.blockedUntil, now + backoff);
    this.entries.set(key, entry);
    this.evict();
    return backoff;
  }

  /**
   * Checks and reserves in one step (DECISIONS 68): 0 when an attempt may be checked now (call `release`
   * when it is done), else the milliseconds to wait. Attempts in flight count as the failures they may
   * become, so of N parallel guesses only those the back-off would still allow are checked.
   */
  reserve(key: string, now: number): number {
    const remaining = this.remainingMs(key, now);
    if (remaining > 0) return remaining;
    const running = this.inFlight.get(key) ?? 0;
    if (running > 0) {
      const windowStart = now - this.policy.windowMs;
      const recent = this.entries.get(key)?.failures.filter((t) => t > windowStart).length ?? 0;
      // As many at once as the free failures allow; past them, one at a time: each may start a back-off.
      if (recent + running >= this.policy.freeFailures) return this.policy.firstBackoffMs;
    }
    this.inFlight.set(key, running + 1);
    return 0;
  }

  /** Ends a reservation made by `reserve`. */
  release(key: string): void {
    const running = (this.inFlight.get(key) ?? 1) - 1;
    if (running <= 0) this.inFlight.delete(key);
    else this.inFlight.set(key, running);
  }

  /** A successful login forgets the key's failures. */
  reset(key: string): void {
    this.entries.delete(key);
  }

  /** How many keys are tracked. */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets the least recently failed keys first (an attacker cycling names cannot grow memory). */
  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxKeys) break;
      this.entries.delete(key);
    }
  }
}

/** Seconds for the client's `timeout`, rounded up so a client never retries too early. */
export function toTimeoutSeconds(ms: number): number {
  return ms <= 0 ? 0 : Math.ceil(ms / 1000);
}
