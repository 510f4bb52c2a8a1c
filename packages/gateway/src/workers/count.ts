// `--workers auto` (DECISIONS 71): at least one per core, and enough that the workers' open-file limits
// together hold 100,000 connections.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const targetConnections = 100_000;
/** Files a worker keeps for itself (store, logs, sockets to the owner). */
const reservedFiles = 1_000;

export function autoWorkerCount(
  limits: () => string = () => readFileSync('/proc/self/limits', 'utf8'),
): number {
  const cores = availableParallelism();
  let openFiles: number | undefined;
  try {
    // "Max open files            20000                20000                files"
    const match = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits());
    const hard = match?.[2];
    if (hard !== undefined && hard !== 'unlimited') openFiles = Number(hard);
  } catch {
    // No /proc here: go by cores.
  }
  if (openFiles === undefined || openFiles <= reservedFiles) return cores;
  return Math.max(cores, Math.ceil(targetConnections / (openFiles - reservedFiles)));
}
