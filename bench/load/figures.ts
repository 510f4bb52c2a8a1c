// Pure helpers the scenarios turn their measurements into figures with (tested in figures.test.ts).

/** The sum of a metric's samples whose labels include `labels` (a gateway's /metrics merges its workers). */
export function metricSum(metrics: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const match of metrics.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? ([0-9.eE+-]+|NaN)$/gm)) {
    if (match[1] !== name) continue;
    const text = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => text.includes(`${k}="${v}"`))) total += Number(match[3]);
  }
  return total;
}

/** The largest departure of any value from the first one, as a fraction of the first (0.2: 20%). */
export function largestDeparture(values: readonly number[]): number {
  const first = values[0];
  if (first === undefined) return Number.NaN;
  return Math.max(...values.map((v) => Math.abs(v / first - 1)));
}

/** How many of `times` (ms) are at most t, for t = 0, step, 2·step, ... up to the last of them. */
export function cumulativeCounts(times: readonly number[], stepMs: number): { x: number; y: number }[] {
  const sorted = [...times].sort((a, b) => a - b);
  const end = Math.max(0, Math.ceil((sorted.at(-1) ?? 0) / stepMs) * stepMs);
  const points: { x: number; y: number }[] = [];
  for (let t = 0, i = 0; t <= end; t += stepMs) {
    while (i < sorted.length && (sorted[i] as number) <= t) i += 1;
    points.push({ x: t / 1000, y: i });
  }
  return points;
}

/** Every n-th point, so that about `count` are left, and always the last one. */
export function thinned<T>(points: readonly T[], count: number): T[] {
  const step = Math.max(1, Math.ceil(points.length / count));
  const kept = points.filter((_, i) => i % step === 0);
  const last = points.at(-1);
  if (last !== undefined && kept.at(-1) !== last) kept.push(last);
  return kept;
}
