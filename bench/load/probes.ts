// The bench's side of probe.ts: asks every process of a tree for its report and waits for them all.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './bound.ts';
import { processTree } from './processes.ts';

export interface ProbeRequest {
  sequence: number;
  /** A full garbage collection before the report (for processes started with --expose-gc). */
  gc?: boolean;
  /** A name for the heap snapshot each process writes before it reports, or none. */
  heapSnapshot?: string;
}

export interface ProbeReport {
  pid: number;
  /** The process's main script: the gateway's owner (cli/main.js), a worker (worker-main.js), ... */
  script: string;
  sequence: number;
  /** Event-loop delay since the report before (or since start), as prom-client measures it. */
  lag: { samples: number; p50Ms: number; p99Ms: number; maxMs: number; meanMs: number };
  memory: NodeJS.MemoryUsage;
  /** V8's heap by space (new_space, old_space, code_space, ...): bytes reserved and used. */
  heapSpaces: Record<string, { size: number; used: number }>;
  /** process.getActiveResourcesInfo() counted by kind (TLSWrap, Timeout, ...). */
  resources: Record<string, number>;
  heapSnapshot: string | null;
}

/** Node options that load the probe, and the directory its reports go to. */
export interface Probes {
  execArgv: string[];
  env: Record<string, string>;
  /** Reports of `pid` and its descendants; each process's lag window restarts with it. */
  read(pid: number, options?: { gc?: boolean; heapSnapshot?: string }): Promise<ProbeReport[]>;
  remove(): void;
}

/** `exposeGc`: the processes run with --expose-gc, so that a read may ask for a full collection. */
export function createProbes(options: { exposeGc?: boolean } = {}): Probes {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-bench-probe-'));
  let sequence = 0;
  return {
    execArgv: [
      ...(options.exposeGc === true ? ['--expose-gc'] : []),
      '--import',
      fileURLToPath(new URL('./probe.ts', import.meta.url)),
    ],
    env: { KORDON_BENCH_PROBE_DIR: dir },
    async read(pid, options = {}) {
      sequence += 1;
      const request: ProbeRequest = { sequence, ...options };
      writeFileSync(join(dir, 'request.json'), JSON.stringify(request));
      const pids = processTree(pid);
      for (const each of pids) process.kill(each, 'SIGUSR2');
      // A heap snapshot of a large heap takes seconds.
      const deadline = Date.now() + (options.heapSnapshot === undefined ? 10_000 : 300_000);
      const reports = new Map<number, ProbeReport>();
      while (reports.size < pids.length) {
        for (const each of pids) {
          const file = join(dir, `${each}.json`);
          if (reports.has(each) || !existsSync(file)) continue;
          const report = JSON.parse(readFileSync(file, 'utf8')) as ProbeReport;
          if (report.sequence === sequence) reports.set(each, report);
        }
        if (reports.size < pids.length) {
          if (Date.now() > deadline)
            throw new Error(`probe: ${pids.length - reports.size} processes did not report`);
          await sleep(50);
        }
      }
      return pids.map((each) => reports.get(each) as ProbeReport);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
