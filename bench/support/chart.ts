// A line chart as SVG, with no dependency: series of (x, y) points on linear axes that start at zero
// (or lower, for negative values), tick labels, axis titles and a legend. Benches write charts next to
// docs/benchmarks.md and link them from their sections.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from './report.ts';

export interface ChartPoint {
  x: number;
  y: number;
}

export interface ChartSeries {
  name: string;
  points: readonly ChartPoint[];
  /** Drawn dashed: a bound or a target rather than a measurement. */
  dashed?: boolean;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  width?: number;
  /** Of the plot with its axes; the legend adds a line per series below. */
  height?: number;
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];

/** About `count` round tick values (1, 2 or 5 times a power of ten apart) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0];
  if (max < min) [min, max] = [max, min];
  if (max === min) max = min === 0 ? 1 : min + Math.abs(min);
  const rough = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  // Multiples of the step (not a running sum) rounded to its precision, so that 0.1 + 0.2 prints as 0.3.
  for (let k = 0; ticks.length === 0 || (ticks.at(-1) as number) < max; k += 1) {
    ticks.push(Number((first + k * step).toPrecision(12)));
  }
  return ticks;
}

/** 18000 → "18,000", 0.25 → "0.25". */
export function formatTick(value: number): string {
  return Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function lineChartSvg(chart: LineChart): string {
  const width = chart.width ?? 720;
  // The legend goes under the plot, a line per series, so that it never hides a line.
  const legendTop = chart.height ?? 420;
  const height = legendTop + 18 * chart.series.length + 8;
  const margin = { top: 48, right: 24, bottom: 56, left: 72 };
  const points = chart.series.flatMap((s) => s.points);
  const xTicks = niceTicks(Math.min(0, ...points.map((p) => p.x)), Math.max(...points.map((p) => p.x), 0));
  const yTicks = niceTicks(Math.min(0, ...points.map((p) => p.y)), Math.max(...points.map((p) => p.y), 0));
  const [x0, x1] = [xTicks[0] ?? 0, xTicks.at(-1) ?? 1];
  const [y0, y1] = [yTicks[0] ?? 0, yTicks.at(-1) ?? 1];
  const plot = { w: width - margin.left - margin.right, h: legendTop - margin.top - margin.bottom };
  const sx = (x: number) => margin.left + ((x - x0) / (x1 - x0 || 1)) * plot.w;
  const sy = (y: number) => margin.top + plot.h - ((y - y0) / (y1 - y0 || 1)) * plot.h;
  const n = (v: number) => v.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(chart.title)}</text>`,
  ];
  for (const tick of xTicks) {
    out.push(
      `<line x1="${n(sx(tick))}" y1="${margin.top}" x2="${n(sx(tick))}" y2="${margin.top + plot.h}" stroke="#e5e5e5"/>`,
      `<text x="${n(sx(tick))}" y="${margin.top + plot.h + 18}" text-anchor="middle">${formatTick(tick)}</text>`,
    );
  }
  for (const tick of yTicks) {
    out.push(
      `<line x1="${margin.left}" y1="${n(sy(tick))}" x2="${margin.left + plot.w}" y2="${n(sy(tick))}" stroke="#e5e5e5"/>`,
      `<text x="${margin.left - 8}" y="${n(sy(tick) + 4)}" text-anchor="end">${formatTick(tick)}</text>`,
    );
  }
  out.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plot.w}" height="${plot.h}" fill="none" stroke="#888"/>`,
    `<text x="${margin.left + plot.w / 2}" y="${legendTop - 14}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text transform="translate(18 ${margin.top + plot.h / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
  );
  chart.series.forEach((series, i) => {
    const color = palette[i % palette.length] as string;
    const dash = series.dashed === true ? ' stroke-dasharray="6 4"' : '';
    const sorted = [...series.points].sort((a, b) => a.x - b.x);
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${sorted.map((p) => `${n(sx(p.x))},${n(sy(p.y))}`).join(' ')}"/>`,
      ...sorted.map(
        (p) =>
          `<circle cx="${n(sx(p.x))}" cy="${n(sy(p.y))}" r="3.5" fill="${color}"><title>${escapeXml(`${series.name}: ${formatTick(p.x)}, ${formatTick(Number(p.y.toFixed(2)))}`)}</title></circle>`,
      ),
    );
    const ly = legendTop + 12 + i * 18;
    out.push(
      `<line x1="${margin.left + 12}" y1="${ly - 4}" x2="${margin.left + 36}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${margin.left + 42}" y="${ly}">${escapeXml(series.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Writes the chart to docs/`fileName` and returns the path to link from docs/benchmarks.md. */
export async function writeChart(fileName: string, chart: LineChart): Promise<string> {
  await writeFile(join(repoRoot, 'docs', fileName), lineChartSvg(chart));
  return fileName;
}
