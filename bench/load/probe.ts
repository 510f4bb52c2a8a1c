// Loaded into each process of a server under test (`node --import probe.ts`; the gateway's workers
// inherit it with its execArgv): its own event-loop delay histogram, memory and live handles,
// written to a file on SIGUSR2, so that a bench reads every process by itself (the gateway's /metrics
// merges its workers into one figure). The histogram is the one prom-client keeps for /metrics
// (monitorEventLoopDelay at Node's default resolution of 10 ms) and is reset at each report, so a
// report covers the time since the one before. A request may also ask for a full garbage collection
// first (when the process runs with --expose-gc) or a heap snapshot.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import type { ProbeReport, ProbeRequest } from './probes.ts';

const dir = process.env['KORDON_BENCH_PROBE_DIR'];
if (dir !== undefined) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const ms = (ns: number) => ns / 1e6;
  process.on('SIGUSR2', () => {
    const request = JSON.parse(readFileSync(join(dir, 'request.json'), 'utf8')) as ProbeRequest;
    const collect = (globalThis as { gc?: () => void }).gc;
    // Twice: objects that finalizers of the first collection let go are freed by the second.
    if (request.gc === true && collect !== undefined) {
      collect();
      collect();
    }
    const heapSnapshot =
      request.heapSnapshot === undefined
        ? null
        : join(dir, `${request.heapSnapshot}-${process.pid}.heapsnapshot`);
    if (heapSnapshot !== null) writeHeapSnapshot(heapSnapshot);
    const resources: Record<string, number> = {};
    for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
    const report: ProbeReport = {
      pid: process.pid,
      script: process.argv[1] ?? '',
      sequence: request.sequence,
      lag: {
        samples: delay.count,
        p50Ms: ms(delay.percentile(50)),
        p99Ms: ms(delay.percentile(99)),
        maxMs: ms(delay.max),
        meanMs: ms(delay.mean),
      },
      memory: process.memoryUsage(),
      heapSpaces: Object.fromEntries(
        getHeapSpaceStatistics().map((space) => [
          space.space_name,
          { size: space.space_size, used: space.space_used_size },
        ]),
      ),
      resources,
      heapSnapshot,
    };
    delay.reset();
    // Renamed into place so that the bench never reads half a file.
    const file = join(dir, `${process.pid}.json`);
    writeFileSync(`${file}.part`, JSON.stringify(report));
    renameSync(`${file}.part`, file);
  });
}
