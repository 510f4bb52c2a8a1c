import { describe, expect, it } from 'vitest';
import {
  Throttle,
  accountThrottlePolicy,
  addressThrottlePolicy,
  emptyThrottleState,
  recordThrottleFailure,
  releaseAttempt,
  reservationLapseMs,
  reserveAttempt,
  toTimeoutSeconds,
  type ThrottleState,
} from './throttle.js';

describe('Throttle (DECISIONS 47)', () => {
  it('answers 0 for the first four failures, then doubles from 2 s', () => {
    const t = new Throttle(accountThrottlePolicy);
    const got: number[] = [];
    let now = 0;
    for (let i = 0; i < 8; i++) {
      now += t.remainingMs('alice', now); // a well-behaved client waits out each back-off
      got.push(t.recordFailure('alice', now));
    }
    expect(got).toEqual([0, 0, 0, 0, 2_000, 4_000, 8_000, 16_000]);
  });

  it('blocks attempts during the back-off and says how long remains', () => {
    const t = new Throttle(accountThrottlePolicy);
    for (let i = 0; i < 5; i++) t.recordFailure('bob', 1000);
    expect(t.remainingMs('bob', 1000)).toBe(2_000);
    expect(t.remainingMs('bob', 2500)).toBe(500);
    expect(t.remainingMs('bob', 3000)).toBe(0);
    expect(toTimeoutSeconds(t.remainingMs('bob', 2500))).toBe(1);
  });

  it('caps the back-off at 15 minutes', () => {
    const t = new Throttle(accountThrottlePolicy);
    let last = 0;
    for (let i = 0; i < 20; i++) last = t.recordFailure('carol', 0);
    expect(last).toBe(15 * 60_000);
  });

  it('forgets failures older than the window', () => {
    const t = new Throttle(accountThrottlePolicy);
    for (let i = 0; i < 4; i++) t.recordFailure('dave', 0);
    expect(t.recordFailure('dave', 15 * 60_000 + 1)).toBe(0);
  });

  it('allows at most 100 failures per hour', () => {
    const t = new Throttle({ ...accountThrottlePolicy, maxBackoffMs: 1, firstBackoffMs: 1 });
    let now = 0;
    let backoff = 0;
    for (let i = 0; i < 100; i++) {
      now += 30_000;
      backoff = t.recordFailure('erin', now);
    }
    // The 100th failure in the hour blocks until the first one is an hour old.
    const first = 30_000;
    expect(backoff).toBe(first + 60 * 60_000 - now);
  });

  it('a success resets the account', () => {
    const t = new Throttle(accountThrottlePolicy);
    for (let i = 0; i < 5; i++) t.recordFailure('frank', 0);
    t.reset('frank');
    expect(t.remainingMs('frank', 0)).toBe(0);
    expect(t.recordFailure('frank', 0)).toBe(0);
  });

  it('addresses get twenty free failures', () => {
    const t = new Throttle(addressThrottlePolicy);
    const got: number[] = [];
    for (let i = 0; i < 21; i++) got.push(t.recordFailure('198.18.0.9', 0));
    expect(got.slice(0, 19).every((b) => b === 0)).toBe(true);
    expect(got[19]).toBe(2_000);
    expect(got[20]).toBe(4_000);
  });

  it('stays bounded in size, dropping the least recently failed keys', () => {
    const t = new Throttle(accountThrottlePolicy, 10);
    for (let i = 0; i < 50; i++) for (let k = 0; k < 5; k++) t.recordFailure(`u${i}`, i);
    expect(t.size).toBe(10);
    expect(t.remainingMs('u49', 49)).toBe(2_000);
    expect(t.remainingMs('u0', 0)).toBe(0);
  });
});

describe('reserveAttempt (DECISIONS 68)', () => {
  /** Ten guesses arriving together, each reserving against the state the previous ones left. */
  function reserveMany(state: ThrottleState, count: number, now: number) {
    const waits: number[] = [];
    for (let i = 0; i < count; i++) {
      const reserved = reserveAttempt(state, accountThrottlePolicy, now);
      state = reserved.state;
      waits.push(reserved.waitMs);
    }
    return { state, waits };
  }

  it('lets only the attempts the back-off allows be checked when guesses arrive together', () => {
    const { state, waits } = reserveMany(emptyThrottleState, 10, 0);
    // Five may run at once, as five in a row would (the fifth failure starts a back-off); the rest wait.
    expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
    expect(waits.slice(5).every((wait) => wait > 0)).toBe(true);
    let after = state;
    const backoffs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const failed = recordThrottleFailure(releaseAttempt(after), accountThrottlePolicy, 1);
      after = failed.state;
      backoffs.push(failed.backoffMs);
    }
    expect(backoffs).toStrictEqual([0, 0, 0, 0, 2_000]);
    expect(reserveAttempt(after, accountThrottlePolicy, 2)).toMatchObject({
      waitMs: 1_999,
      othersFirst: false,
    });
    // After the back-off, one attempt at a time; the next waits for its outcome.
    const one = reserveAttempt(after, accountThrottlePolicy, 2_001);
    expect(one.waitMs).toBe(0);
    expect(reserveAttempt(one.state, accountThrottlePolicy, 2_001)).toMatchObject({ othersFirst: true });
  });

  it('releases every reservation, and lets a lapsed one go, so a key is never locked out', () => {
    let state = emptyThrottleState;
    for (let i = 0; i < 100; i++) {
      const reserved = reserveAttempt(state, accountThrottlePolicy, i);
      expect(reserved.waitMs).toBe(0);
      state = releaseAttempt(reserved.state);
    }
    // Five reservations a dead process never released lapse after a minute.
    const held = reserveMany(emptyThrottleState, 5, 0).state;
    expect(reserveAttempt(held, accountThrottlePolicy, 1).waitMs).toBeGreaterThan(0);
    expect(reserveAttempt(held, accountThrottlePolicy, reservationLapseMs + 1).waitMs).toBe(0);
  });
});
