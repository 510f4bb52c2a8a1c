import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Keepalive, type KeptAlive } from './keepalive.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A connection that records when it was ticked (what it does then is `ClientConnection`'s). */
function connection(): KeptAlive & { ticks: number[] } {
  const conn = {
    ticks: [] as number[],
    keepaliveTick() {
      conn.ticks.push(Date.now());
    },
  };
  return conn;
}

describe('Keepalive', () => {
  it('ticks every 100 ms by default: one group of an interval of 30 s is a three-hundredth of them', () => {
    const keepalive = new Keepalive(30_000);
    const conns = Array.from({ length: 600 }, (_, i) => {
      const c = connection();
      keepalive.add(c);
      if (i % 2 === 1) vi.advanceTimersByTime(100);
      return c;
    });
    const ticked = (): number => conns.reduce((n, c) => n + c.ticks.length, 0);
    // After 300 ticks of joining, two a group: the next tick reaches the first two only.
    const before = ticked();
    expect(before).toBe(2);
    vi.advanceTimersByTime(100);
    expect(ticked() - before).toBe(2);
    keepalive.stop();
  });

  it('ticks each connection once an interval, the first a whole interval after it joined', () => {
    const keepalive = new Keepalive(30_000, 1000);
    const start = Date.now();
    const first = connection();
    keepalive.add(first);
    vi.advanceTimersByTime(10_500);
    const second = connection();
    keepalive.add(second);
    vi.advanceTimersByTime(80_000);
    expect(first.ticks.map((t) => t - start)).toEqual([30_000, 60_000, 90_000]);
    // Joined between the ticks at 10 s and 11 s: its group's turn comes again at 40 s.
    expect(second.ticks.map((t) => t - start)).toEqual([40_000, 70_000]);
    keepalive.stop();
  });

  it('spreads the connections over its groups: one tick reaches only those of one group', () => {
    const keepalive = new Keepalive(3000, 1000);
    const conns = Array.from({ length: 9 }, (_, i) => {
      const c = connection();
      keepalive.add(c);
      // Three join in each group.
      if (i % 3 === 2) vi.advanceTimersByTime(1000);
      return c;
    });
    const ticked = (): number => conns.reduce((n, c) => n + c.ticks.length, 0);
    const before = ticked();
    vi.advanceTimersByTime(1000);
    expect(ticked() - before).toBe(3);
    vi.advanceTimersByTime(2000);
    expect(ticked() - before).toBe(9);
    keepalive.stop();
  });

  it('a removed connection is never ticked again, and stop ends every tick', () => {
    const keepalive = new Keepalive(1000, 100);
    const gone = connection();
    const kept = connection();
    keepalive.add(gone);
    keepalive.add(kept);
    expect(keepalive.size).toBe(2);
    keepalive.remove(gone);
    expect(keepalive.size).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(gone.ticks).toEqual([]);
    expect(kept.ticks).toHaveLength(1);
    keepalive.stop();
    vi.advanceTimersByTime(5000);
    expect(kept.ticks).toHaveLength(1);
  });
});
