import { describe, expect, it } from 'vitest';
import { addressConflicts, planActivation } from './devices.js';
import type { Session } from './model.js';

function session(id: string, sinceMs: number, device: string, extra: Partial<Session> = {}): Session {
  return {
    id,
    account: 'alice',
    method: 'password',
    sourceAddress: device,
    vpn: false,
    tunnelIpv4: null,
    device,
    state: 'active',
    since: new Date(sinceMs),
    node: 'n1',
    holder: 'n1/0',
    graceUntil: null,
    resumeNonceHash: null,
    previousNonceHash: null,
    rotatedAt: null,
    posture: null,
    ...extra,
  };
}

describe('planActivation (DECISIONS 1, 2)', () => {
  const five = [1, 2, 3, 4, 5].map((i) => session(`s${i}`, i * 1000, `10.0.0.${i}`));

  it('lets up to five devices in without ending anything', () => {
    expect(planActivation(five.slice(0, 4), { id: 'new', device: '10.0.0.9' })).toEqual({
      replaced: [],
      evicted: [],
    });
  });

  it('ends the oldest session for the sixth device', () => {
    const shuffled = [five[3]!, five[0]!, five[4]!, five[1]!, five[2]!];
    const plan = planActivation(shuffled, { id: 'new', device: '10.0.0.9' });
    expect(plan.replaced).toEqual([]);
    expect(plan.evicted.map((s) => s.id)).toEqual(['s1']);
  });

  it('replaces the session of the same device instead of counting it', () => {
    const plan = planActivation(five, { id: 'new', device: '10.0.0.3' });
    expect(plan.replaced.map((s) => s.id)).toEqual(['s3']);
    expect(plan.evicted).toEqual([]);
  });

  it('does not count pending sessions (DECISIONS 30, 60)', () => {
    const withPending = [...five.slice(0, 4), session('p', 0, 'key', { state: 'pending', vpn: true })];
    expect(planActivation(withPending, { id: 'new', device: '10.0.0.9' }).evicted).toEqual([]);
  });

  it('brings an account over the limit back to five', () => {
    const seven = [...five, session('s6', 6000, 'a'), session('s7', 7000, 'b')];
    expect(planActivation(seven, { id: 'new', device: 'c' }).evicted.map((s) => s.id)).toEqual([
      's1',
      's2',
      's3',
    ]);
  });
});

describe('addressConflicts', () => {
  it("finds another account's address session on the same address only", () => {
    const bob = session('b', 0, '10.0.0.5', { account: 'bob' });
    const bobVpn = session('v', 0, 'KEY', { account: 'bob', vpn: true, sourceAddress: '10.0.0.5' });
    const alice = session('a', 0, '10.0.0.5');
    expect(addressConflicts([bob, bobVpn, alice], 'alice', '10.0.0.5')).toEqual([bob]);
    expect(addressConflicts([bob], 'alice', '10.0.0.6')).toEqual([]);
  });
});
