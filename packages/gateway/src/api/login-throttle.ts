// Throttling of console logins (POST /api/v1/login) with the numbers of client logins (DECISIONS 47):
// per administrator name and per source address, a growing back-off after repeated failures.
import { accountThrottlePolicy, addressThrottlePolicy, Throttle } from '@kordon/core';

export class AdminLoginThrottle {
  private readonly byName = new Throttle(accountThrottlePolicy);
  private readonly byAddress = new Throttle(addressThrottlePolicy);

  /** Milliseconds left of a back-off for this name or address (the longer one), 0 when it may be checked. */
  remainingMs(name: string, address: string, nowMs: number): number {
    return Math.max(this.byName.remainingMs(name, nowMs), this.byAddress.remainingMs(address, nowMs));
  }

  /** Counts a wrong name or password against both keys. */
  recordFailure(name: string, address: string, nowMs: number): void {
    this.byName.recordFailure(name, nowMs);
    this.byAddress.recordFailure(address, nowMs);
  }

  /** A successful login forgets its name's failures (the address keeps its count: one NAT, many people). */
  recordSuccess(name: string): void {
    this.byName.reset(name);
  }
}
