// What every bench writes: its section of docs/benchmarks.md (replacing the one an earlier run wrote),
// a line about the machine, Markdown tables, and the figures as JSON on stdout.
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const docsPath = join(repoRoot, 'docs', 'benchmarks.md');

/** `2 CPUs, 23.5 GiB, Linux 6.1.0, Node v24.9.0, load 0.42 0.50 0.61 at the start` */
export function machine(): string {
  const gib = (totalmem() / 1024 ** 3).toFixed(1);
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `${availableParallelism()} CPUs, ${gib} GiB, Linux ${release()}, Node ${process.version}, load ${load} at the start`;
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [line(header), line(align), ...rows.map(line)].join('\n');
}

/** Replaces the section `## <heading>` of docs/benchmarks.md with `section` (which starts with it). */
export async function writeSection(heading: string, section: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(docsPath, 'utf8');
  } catch {
    text =
      '# Benchmarks\n\nMeasured on the development machines; each section is written by its own bench script.\n';
  }
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) {
    text = `${text.trimEnd()}\n\n${section}`;
  } else {
    const next = text.indexOf('\n## ', start + 1);
    text = `${text.slice(0, start + 1)}${section.trimEnd()}\n${next < 0 ? '' : `\n${text.slice(next + 1)}`}`;
  }
  await writeFile(docsPath, `${text.trimEnd()}\n`);
}

/** One line of the summary of a whole run (`npm run bench -- all`): a target against what was measured. */
export interface TargetLine {
  what: string;
  target: string;
  measured: string;
  /** null for a figure that is a reference, not a target (S0, the bounds). */
  met: boolean | null;
}

/** The folder `npm run bench -- all` hands each scenario for its lines (unset when run alone). */
export const runFolderVariable = 'KORDON_BENCH_RUN';

/**
 * Under `npm run bench -- all`, writes the scenario's lines for the run's summary (`key` names the file:
 * one per scenario and variant, e.g. `s1-workers-auto`); run alone, does nothing.
 */
export async function recordTargets(key: string, lines: readonly TargetLine[]): Promise<void> {
  const folder = process.env[runFolderVariable];
  if (folder === undefined || folder === '') return;
  await writeFile(join(folder, `${key}.json`), JSON.stringify(lines));
}

/**
 * The lines of a targets table whose rows are [what, measured, target, met], `prefix` before each what
 * (rows without a target, the table's context, are left out).
 */
export function linesOf(prefix: string, rows: readonly (readonly string[])[]): TargetLine[] {
  return rows
    .filter((row) => (row[2] ?? '') !== '')
    .map((row) => ({
      what: `${prefix} ${row[0] ?? ''}`,
      measured: row[1] ?? '',
      target: row[2] ?? '',
      met: metOf(row[3] ?? ''),
    }));
}

/** A table cell's verdict (`yes`, `**no**`, empty) as a line's `met`. */
function metOf(cell: string): boolean | null {
  if (/\byes\b/.test(cell)) return true;
  if (/\bno\b/.test(cell)) return false;
  return null;
}
