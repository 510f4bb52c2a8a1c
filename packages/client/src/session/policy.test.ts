import { describe, expect, it } from 'vitest';
import {
  afterClose,
  afterFailure,
  deviceRetryCapMs,
  deviceRetryDelayMs,
  reconnectDelayMs,
} from './policy.js';

describe('client reactions (DECISIONS 28, 29, 54, 55)', () => {
  it.each([4001, 4002, 4003, 4004, 4007, 1003, 1007, 1008, 1009])('stops after close %i', (code) => {
    expect(afterClose(code).kind).toBe('stop');
  });

  it('reconnects after 4005 with a fresh login, and after 4006, 1001, 1006 with resume', () => {
    expect(afterClose(4005)).toEqual({ kind: 'reconnect', freshLogin: true, now: false });
    for (const code of [4006, 1001, 1006])
      expect(afterClose(code)).toEqual({ kind: 'reconnect', freshLogin: false, now: false });
  });

  it('reconnects at once after 4008 and resumes (DECISIONS 68)', () => {
    expect(afterClose(4008)).toEqual({ kind: 'reconnect', freshLogin: false, now: true });
  });

  it('takes a failure without a reason as a refused password, whatever its timeout (DECISIONS 63)', () => {
    expect(afterFailure(undefined, 0)).toEqual({ kind: 'ask-again', afterSeconds: 0 });
    expect(afterFailure(undefined, 30)).toEqual({ kind: 'ask-again', afterSeconds: 30 });
  });

  it('retries only a back-off by itself', () => {
    expect(afterFailure('throttled', 4)).toEqual({ kind: 'retry', afterSeconds: 4 });
    expect(afterFailure('credentials', 2)).toEqual({ kind: 'ask-again', afterSeconds: 2 });
    expect(afterFailure('resume_refused', 0)).toEqual({ kind: 'login-afresh' });
    for (const r of [
      'disabled',
      'vpn_denied',
      'address_in_use',
      'update_required',
      'client_authorization_off',
      'key_in_use',
      'certificate',
    ] as const) {
      expect(afterFailure(r, 0)).toEqual({ kind: 'stop' });
    }
  });

  it('retries what the gateway could not serve after its timeout, at least 5 s (DECISIONS 61)', () => {
    expect(afterFailure('internal', 0)).toEqual({ kind: 'retry', afterSeconds: 5 });
    expect(afterFailure('pool_exhausted', 2)).toEqual({ kind: 'retry', afterSeconds: 5 });
    expect(afterFailure('busy', 12)).toEqual({ kind: 'retry', afterSeconds: 12 });
  });

  it('backs off from 1 s to 60 s with jitter', () => {
    expect(reconnectDelayMs(0, () => 0)).toBe(1000);
    expect(reconnectDelayMs(3, () => 0)).toBe(8000);
    expect(reconnectDelayMs(20, () => 0)).toBe(60_000);
    expect(reconnectDelayMs(20, () => 1)).toBe(78_000);
  });
});

describe('Device VPN back-off (DECISIONS 64)', () => {
  it('doubles from the first wait to 5 minutes, jittered down by at most 30 %, never past the cap', () => {
    expect([0, 1, 2, 3].map((a) => deviceRetryDelayMs(a, 1000, () => 0))).toEqual([1000, 2000, 4000, 8000]);
    expect(deviceRetryDelayMs(2, 1000, () => 1)).toBe(2800);
    expect(deviceRetryDelayMs(9, 1000, () => 0)).toBe(deviceRetryCapMs);
    expect(deviceRetryDelayMs(1000, 100, () => 0)).toBe(deviceRetryCapMs);
    expect(deviceRetryDelayMs(0, 100, () => 0)).toBe(100);
  });
});
