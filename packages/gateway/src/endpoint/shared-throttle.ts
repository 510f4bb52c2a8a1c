// Client login throttling in the store (DECISIONS 47, 68, 71): the back-off of an account or an address
// is one for every worker, checked and reserved in one transaction before any password is hashed.
// Wall-clock milliseconds, since processes share the state.
import {
  accountThrottlePolicy,
  addressThrottlePolicy,
  emptyThrottleState,
  recordThrottleFailure,
  releaseAttempt,
  reserveAttempt,
  type Clock,
  type Store,
} from '@kordon/core';

/** The keys of one attempt: its account (normalized login) and its address group (an IPv6 /64). */
export interface AttemptKeys {
  account: string;
  address: string;
}

/** How long an attempt waits for others being checked before it is answered `throttled`. */
const othersFirstWaitMs = 10_000;
const othersFirstPollMs = 20;

const accountKey = (keys: AttemptKeys): string => `account:${keys.account}`;
const addressKey = (keys: AttemptKeys): string => `address:${keys.address}`;

export class SharedLoginThrottle {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * 0 when the attempt may be checked (then `settle` or `release` it), else the milliseconds to wait. An
   * attempt that only has to wait for others being checked (whose failures may start a back-off) waits
   * for their outcome, so parallel right passwords all get in and parallel guesses do not.
   */
  async reserve(keys: AttemptKeys): Promise<number> {
    const deadline = this.clock.monotonicMs() + othersFirstWaitMs;
    for (;;) {
      const { waitMs, othersFirst } = await this.tryReserve(keys);
      if (!othersFirst || this.clock.monotonicMs() >= deadline) return waitMs;
      await new Promise((resolve) => setTimeout(resolve, othersFirstPollMs));
    }
  }

  private tryReserve(keys: AttemptKeys): Promise<{ waitMs: number; othersFirst: boolean }> {
    const at = this.clock.now();
    const now = at.getTime();
    return this.store.transaction(async (tx) => {
      const account = reserveAttempt(
        (await tx.throttle.get(accountKey(keys))) ?? emptyThrottleState,
        accountThrottlePolicy,
        now,
      );
      const address = reserveAttempt(
        (await tx.throttle.get(addressKey(keys))) ?? emptyThrottleState,
        addressThrottlePolicy,
        now,
      );
      const waitMs = Math.max(account.waitMs, address.waitMs);
      if (waitMs > 0) {
        // A real back-off on either key wins over waiting for others.
        const backedOff =
          (account.waitMs > 0 && !account.othersFirst) || (address.waitMs > 0 && !address.othersFirst);
        return { waitMs, othersFirst: !backedOff };
      }
      await tx.throttle.put(accountKey(keys), account.state, at);
      await tx.throttle.put(addressKey(keys), address.state, at);
      return { waitMs: 0, othersFirst: false };
    });
  }

  /**
   * Ends a reserved attempt with its outcome: a failure counts against both keys and returns the back-off
   * it starts; a success forgets the account's failures (the address keeps its count: one NAT, many people).
   */
  settle(keys: AttemptKeys, failed: boolean): Promise<number> {
    const at = this.clock.now();
    const now = at.getTime();
    return this.store.transaction(async (tx) => {
      const account = releaseAttempt((await tx.throttle.get(accountKey(keys))) ?? emptyThrottleState);
      const address = releaseAttempt((await tx.throttle.get(addressKey(keys))) ?? emptyThrottleState);
      if (!failed) {
        await tx.throttle.remove(accountKey(keys));
        await tx.throttle.put(addressKey(keys), address, at);
        return 0;
      }
      const byAccount = recordThrottleFailure(account, accountThrottlePolicy, now);
      const byAddress = recordThrottleFailure(address, addressThrottlePolicy, now);
      await tx.throttle.put(accountKey(keys), byAccount.state, at);
      await tx.throttle.put(addressKey(keys), byAddress.state, at);
      return Math.max(byAccount.backoffMs, byAddress.backoffMs);
    });
  }

  /** Ends a reserved attempt that was never decided (the check failed). */
  async release(keys: AttemptKeys): Promise<void> {
    const at = this.clock.now();
    await this.store.transaction(async (tx) => {
      for (const key of [accountKey(keys), addressKey(keys)]) {
        const state = await tx.throttle.get(key);
        if (state) await tx.throttle.put(key, releaseAttempt(state), at);
      }
    });
  }
}
