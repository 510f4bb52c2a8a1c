// What a process tree uses, read from /proc: the gateway runs as an owner and its workers (DECISIONS
// 71), so its memory and CPU are the sum over the tree.
import { readdirSync, readFileSync } from 'node:fs';

/** `pid` and all its descendants that are still there. */
export function processTree(pid: number): number[] {
  const found = [pid];
  for (let i = 0; i < found.length; i += 1) {
    const parent = found[i] as number;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8').trim();
        if (children !== '') found.push(...children.split(/\s+/).map(Number));
      } catch {
        // The task ended meanwhile.
      }
    }
  }
  return found;
}

/** Resident memory of the tree, bytes (VmRSS of each process). */
export function treeRss(pid: number): number {
  let total = 0;
  for (const each of processTree(pid)) {
    try {
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${each}/status`, 'utf8'));
      if (match !== null) total += Number(match[1]) * 1024;
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

/** CPU time the tree has used, seconds (user + system; clock ticks of 1/100 s on Linux). */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const each of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${each}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start at "state": utime is the 12th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone meanwhile.
    }
  }
  return ticks / 100;
}

/** MemAvailable of /proc/meminfo, bytes: what the machine can still give without swapping. */
export function memAvailable(): number {
  const match = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return match === null ? Number.NaN : Number(match[1]) * 1024;
}

/** Threads of one process (the main thread, libuv's pool, V8's, worker threads). */
export function threadCount(pid: number): number {
  const match = /^Threads:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Number(match[1]);
}
