import type { Clock } from '@kordon/core';

/** Monotonic time for windows and timeouts; wall time only for display (ARCHITECTURE pitfalls). */
export const systemClock: Clock = {
  monotonicMs: () => performance.now(),
  now: () => new Date(),
};
