// What the client does after each outcome (DECISIONS 28, 29, 54, 55, 61, 63, 64, 68): pure, so it is
// tested alone.
import type { AuthFailureReason } from '@kordon/protocol';

/** Close codes after which the client stops and tells the user why (DECISIONS 29). */
const finalCloseCodes = new Set([4001, 4002, 4003, 4004, 4007, 1003, 1007, 1008, 1009]);

export type AfterClose =
  { kind: 'stop'; why: string } | { kind: 'reconnect'; freshLogin: boolean; now: boolean };

export function afterClose(code: number): AfterClose {
  if (finalCloseCodes.has(code)) return { kind: 'stop', why: closeWords(code) };
  // 4005: local_tunnel changed, log in afresh under the new value; 4006, 1001, 1006, loss: resume.
  // 4008: this client was too slow to log in (DECISIONS 68); nothing is wrong, so at once.
  return { kind: 'reconnect', freshLogin: code === 4005, now: code === 4008 };
}

export function closeWords(code: number): string {
  switch (code) {
    case 4001:
      return 'the gateway closed the connection: no version message in time';
    case 4002:
      return 'an administrator ended this session';
    case 4003:
      return 'this account logged in on another device (at most 5 at once); this, the oldest session, was ended';
    case 4004:
      return 'authorization through the client was turned off on the gateway';
    case 4005:
      return 'the gateway changed its tunnel setting for local networks; reconnecting';
    case 4006:
      return 'the gateway is restarting; reconnecting';
    case 4007:
      return 'a new login from this device replaced this session';
    case 4008:
      return 'the gateway closed the connection: no login within its time; reconnecting';
    case 1003:
    case 1007:
    case 1008:
    case 1009:
      return `the gateway refused what this client sent (close code ${code}); this is a bug in the client`;
    default:
      return `the connection was lost (close code ${code}); reconnecting`;
  }
}

export type AfterFailure =
  | { kind: 'stop' }
  | { kind: 'retry'; afterSeconds: number }
  | { kind: 'ask-again'; afterSeconds: number }
  | { kind: 'login-afresh' };

/**
 * DECISIONS 28, 54, 55, 61: only a back-off and what the gateway could not serve are retried with the
 * same credentials. A failure without a reason (a vendor gateway sends none) is a refused password,
 * whatever its timeout (DECISIONS 63).
 */
export function afterFailure(reason: AuthFailureReason | undefined, timeout: number): AfterFailure {
  switch (reason) {
    case 'throttled':
      return { kind: 'retry', afterSeconds: timeout };
    // DECISIONS 61: transient on the gateway's side, retried with the same credentials, at least 5 s later.
    case 'internal':
    case 'pool_exhausted':
    case 'busy':
      return { kind: 'retry', afterSeconds: Math.max(5, timeout) };
    case undefined:
    case 'credentials':
      return { kind: 'ask-again', afterSeconds: timeout };
    case 'resume_refused':
    case 'device_mismatch':
      return { kind: 'login-afresh' };
    default:
      return { kind: 'stop' };
  }
}

/** Back-off for reconnects: 1 s doubling to 60 s, with up to 30 % jitter so clients do not stampede. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(60_000, 1000 * 2 ** Math.min(attempt, 6));
  return Math.round(base * (1 + 0.3 * random()));
}

/** Device VPN's longest wait between attempts (DECISIONS 64: it retries every failure). */
export const deviceRetryCapMs = 300_000;

/**
 * Device VPN's back-off (DECISIONS 64's exception): `firstMs` doubling to 5 minutes, jittered down by
 * up to 30 % so devices do not stampede and the wait never passes the cap.
 */
export function deviceRetryDelayMs(
  attempt: number,
  firstMs = 1000,
  random: () => number = Math.random,
): number {
  const base = Math.min(deviceRetryCapMs, firstMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 - 0.3 * random()));
}
