import { describe, expect, it } from 'vitest';
import { escapeXml, formatTick, lineChartSvg, niceTicks } from './chart.ts';

describe('niceTicks', () => {
  it('covers the range with round steps', () => {
    expect(niceTicks(0, 18_000)).toEqual([0, 5000, 10_000, 15_000, 20_000]);
    expect(niceTicks(0, 17_400)).toEqual([0, 5000, 10_000, 15_000, 20_000]);
    expect(niceTicks(0, 120)).toEqual([0, 50, 100, 150]);
    expect(niceTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('starts below a negative minimum and survives an empty range', () => {
    expect(niceTicks(-3, 7, 5)).toEqual([-4, -2, 0, 2, 4, 6, 8]);
    expect(niceTicks(0, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(Number.NaN, 1)).toEqual([0]);
  });
});

describe('lineChartSvg', () => {
  const svg = lineChartSvg({
    title: 'memory <per> session',
    xLabel: 'sessions',
    yLabel: 'KiB',
    width: 600,
    height: 400,
    series: [
      {
        name: 'gateway',
        points: [
          { x: 18_000, y: 100 },
          { x: 2000, y: 120 },
        ],
      },
      { name: 'bound & co', points: [{ x: 2000, y: 50 }], dashed: true },
    ],
  });

  it('draws one line per series, its points sorted by x, and a legend', () => {
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg).toContain('>gateway</text>');
    expect(svg).toContain('>bound &#38; co</text>');
    expect(svg).toContain('stroke-dasharray="6 4"');
    // x ticks 0..20,000 over 504 px from 72; y ticks 0..150 over 296 px from 48.
    expect(svg).toContain('points="122.4,107.2 525.6,146.7"');
  });

  it('escapes text and labels ticks', () => {
    expect(svg).toContain('memory &#60;per&#62; session');
    expect(svg).toContain('>20,000</text>');
    expect(escapeXml(`a"b'c`)).toBe('a&#34;b&#39;c');
    expect(formatTick(0.25)).toBe('0.25');
  });
});
