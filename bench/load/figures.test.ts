import { describe, expect, it } from 'vitest';
import { cumulativeCounts, largestDeparture, metricSum, thinned } from './figures.ts';
import { addCounters, emptyCounters } from './protocol.ts';

describe('metricSum', () => {
  const metrics = [
    '# HELP kordon_auth_attempts_total Client authorization attempts',
    '# TYPE kordon_auth_attempts_total counter',
    'kordon_auth_attempts_total{result="success"} 12',
    'kordon_auth_attempts_total{result="busy"} 3',
    'kordon_auth_attempts_total_extra{result="success"} 100',
    'kordon_sessions_active 7',
    'kordon_sessions_active{worker="2"} 5',
  ].join('\n');

  it('adds the samples of one name whose labels match', () => {
    expect(metricSum(metrics, 'kordon_auth_attempts_total', { result: 'success' })).toBe(12);
    expect(metricSum(metrics, 'kordon_auth_attempts_total')).toBe(15);
    expect(metricSum(metrics, 'kordon_sessions_active')).toBe(12);
  });

  it('is 0 for a name or label that is not there', () => {
    expect(metricSum(metrics, 'kordon_nothing')).toBe(0);
    expect(metricSum(metrics, 'kordon_auth_attempts_total', { result: 'failure' })).toBe(0);
  });
});

describe('largestDeparture', () => {
  it('measures every value against the first', () => {
    expect(largestDeparture([10, 11, 8])).toBeCloseTo(0.2);
    expect(largestDeparture([10, 10])).toBe(0);
    expect(largestDeparture([])).toBeNaN();
  });
});

describe('cumulativeCounts', () => {
  it('counts the times up to each step, to the last one', () => {
    expect(cumulativeCounts([1200, 100, 600, 500], 500)).toEqual([
      { x: 0, y: 0 },
      { x: 0.5, y: 2 },
      { x: 1, y: 3 },
      { x: 1.5, y: 4 },
    ]);
    expect(cumulativeCounts([], 500)).toEqual([{ x: 0, y: 0 }]);
  });
});

describe('thinned', () => {
  it('keeps about `count` points and always the last', () => {
    expect(thinned([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([1, 4, 7]);
    expect(thinned([1, 2, 3, 4, 5, 6], 3)).toEqual([1, 3, 5, 6]);
    expect(thinned([1, 2], 5)).toEqual([1, 2]);
  });
});

describe('addCounters', () => {
  it('adds numbers and tallies, and keeps the first error', () => {
    const a = { ...emptyCounters(), authorized: 2, refusals: { busy: 1 }, firstError: null };
    const b = { ...emptyCounters(), authorized: 3, refusals: { busy: 2, throttled: 1 }, firstError: 'x' };
    const total = addCounters([a, b]);
    expect(total.authorized).toBe(5);
    expect(total.refusals).toEqual({ busy: 3, throttled: 1 });
    expect(total.firstError).toBe('x');
  });
});
