// S1 (issue "Performance"): local sessions held by the gateway, one 127.x.y.z source address each and
// five per account (DECISIONS 1, 2), at several sizes, against the bound of S0 measured in the same run
// at the same sizes: the gateway's memory per session (target: at most 1.3× the bound's per
// connection), the event loop's lag p99 over an idle window with every session open (under 20 ms) and
// the idle CPU (under 10% of one core per 18,000 sessions). The sessions are opened in steps (the
// sizes), each measured before the next is opened. Run: `npm run bench -- s1 [--sessions
// 2000,6000,18000] [--workers 1|auto|N|default] [--processes N] [--concurrency 64] [--idle-seconds 30]
// [--bound-max 18000] [--password-hash light|standard] [--no-write]`.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sleep, startBareServer } from './load/bound.ts';
import { startBenchGateway, type BenchPasswordHash } from './load/gateway.ts';
import { LoadGenerator, loopbackSources } from './load/generator.ts';
import { createProbes, type ProbeReport } from './load/probes.ts';
import { memAvailable, processTree, treeCpuSeconds, treeRss } from './load/processes.ts';
import { percentile } from './load/protocol.ts';
import { writeChart, type LineChart } from './support/chart.ts';
import { machine, markdownTable, recordTargets, writeSection } from './support/report.ts';

const { values: options } = parseArgs({
  options: {
    sessions: { type: 'string', default: '2000,6000,18000' },
    workers: { type: 'string', default: '1' },
    processes: { type: 'string' },
    concurrency: { type: 'string', default: '64' },
    'idle-seconds': { type: 'string', default: '30' },
    'bound-max': { type: 'string', default: '18000' },
    'password-hash': { type: 'string', default: 'light' },
    'min-free-mib': { type: 'string', default: '2048' },
    /** A Node flag for the gateway's processes (repeatable), e.g. --gateway-flag=--max-semi-space-size=2. */
    'gateway-flag': { type: 'string', multiple: true, default: [] },
    'no-write': { type: 'boolean', default: false },
    /** Draws the chart again from the JSON line a run printed (in FILE), and nothing else. */
    rechart: { type: 'string' },
  },
});
const sizes = options.sessions
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const largest = sizes.at(-1) ?? 0;
// One client process holds at most 20,000 open files here: 15,000 connections each leaves room.
const processes = Number(options.processes ?? Math.max(4, Math.ceil(largest / 15_000)));
const concurrency = Number(options.concurrency);
const idleSeconds = Number(options['idle-seconds']);
// The bare server is one process with the same open-file limit.
const boundMax = Number(options['bound-max']);
const passwordHash = options['password-hash'] as BenchPasswordHash;
const minFreeBytes = Number(options['min-free-mib']) * 1024 ** 2;
const workers = options.workers === 'default' ? undefined : options.workers;
const perAccount = 5;
const emptySeconds = 10;
const targets = { memoryRatio: 1.3, lagP99Ms: 20, idleCpuPer18k: 10 };
/** The idle CPU allowed: 10% of a core for up to 18,000 sessions, and as much again per 18,000 more. */
const cpuBudget = (sessions: number) => targets.idleCpuPer18k * Math.max(1, sessions / 18_000);

interface ProcessFigures {
  role: string;
  pid: number;
  /** TCP sockets open in the process: its sessions (and the odd connection to /metrics). */
  tcpSockets: number;
  rssMiB: number;
  heapUsedMiB: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

interface Composition {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

interface Step {
  sessions: number;
  open: number;
  failed: number;
  rss: number;
  memoryPerSessionKiB: number;
  /** What the sessions this step opened added, per session: the slope, without the fixed part. */
  marginalPerSessionKiB: number;
  /** Sum over the processes of process.memoryUsage(), less before, per session, KiB. */
  perSession: Composition;
  idleCpuPercent: number;
  idleCpuPer18kPercent: number;
  /** /metrics over the idle window: the merged document's p99 (with workers: the mean of theirs) and max. */
  metricsLagP99Ms: number;
  metricsLagMaxMs: number;
  processes: ProcessFigures[];
}

/** A value of one prom-client metric in the /metrics text, or NaN. */
function metricValue(metrics: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(metrics);
  return match === null ? Number.NaN : Number(match[1]);
}

function roleOf(report: ProbeReport): string {
  if (report.script.endsWith('worker-main.js')) return 'worker';
  if (report.script.endsWith('bare-server.ts')) return 'bare server';
  return workers === '1' ? 'gateway (one process)' : 'owner';
}

function totals(reports: readonly ProbeReport[]): Composition {
  const sum = (pick: (r: ProbeReport) => number) => reports.reduce((a, r) => a + pick(r), 0);
  return {
    rss: sum((r) => r.memory.rss),
    heapTotal: sum((r) => r.memory.heapTotal),
    heapUsed: sum((r) => r.memory.heapUsed),
    external: sum((r) => r.memory.external),
    arrayBuffers: sum((r) => r.memory.arrayBuffers),
  };
}

function perSession(after: Composition, before: Composition, sessions: number): Composition {
  const per = (key: keyof Composition) => (after[key] - before[key]) / 1024 / Math.max(1, sessions);
  return {
    rss: per('rss'),
    heapTotal: per('heapTotal'),
    heapUsed: per('heapUsed'),
    external: per('external'),
    arrayBuffers: per('arrayBuffers'),
  };
}

function processFigures(reports: readonly ProbeReport[]): ProcessFigures[] {
  return reports.map((r) => ({
    role: roleOf(r),
    pid: r.pid,
    tcpSockets: r.resources['TCPSocketWrap'] ?? 0,
    rssMiB: r.memory.rss / 1024 ** 2,
    heapUsedMiB: r.memory.heapUsed / 1024 ** 2,
    lagP50Ms: r.lag.p50Ms,
    lagP99Ms: r.lag.p99Ms,
    lagMaxMs: r.lag.maxMs,
  }));
}

/** Stops the run, killing what it started, when the machine runs short of memory. */
function guardMemory(): () => void {
  const timer = setInterval(() => {
    const free = memAvailable();
    if (free >= minFreeBytes) return;
    console.error(
      `aborting: ${(free / 1024 ** 2).toFixed(0)} MiB available, under ${options['min-free-mib']} MiB`,
    );
    for (const pid of processTree(process.pid).slice(1).reverse()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    process.exit(3);
  }, 1000);
  return () => clearInterval(timer);
}

interface BoundStep {
  connections: number;
  open: number;
  failed: number;
  memoryPerConnectionKiB: number;
  marginalPerConnectionKiB: number;
  perConnection: Composition;
  idleCpuPercent: number;
  idleCpuPer18kPercent: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

async function measureBoundSteps(probes: ReturnType<typeof createProbes>) {
  const load = await startBareServer({
    processes,
    concurrency: 200,
    execArgv: probes.execArgv,
    env: probes.env,
  });
  const steps: BoundStep[] = [];
  try {
    const before = totals(await probes.read(load.pid));
    let opened = { open: 0, failed: 0, loginMs: [] as number[], wallMs: 0 };
    let previous = { rss: load.rssBefore, open: 0 };
    for (const size of new Set(sizes.map((s) => Math.min(s, boundMax)))) {
      console.error(`bound: ${size} connections...`);
      opened = await load.openUpTo(size);
      await sleep(3000);
      const rss = treeRss(load.pid);
      const memory = totals(await probes.read(load.pid));
      const cpuBefore = treeCpuSeconds(load.pid);
      await sleep(idleSeconds * 1000);
      const idleCpuPercent = ((treeCpuSeconds(load.pid) - cpuBefore) / idleSeconds) * 100;
      const [window] = await probes.read(load.pid);
      steps.push({
        connections: size,
        open: opened.open,
        failed: opened.failed,
        memoryPerConnectionKiB: (rss - load.rssBefore) / 1024 / Math.max(1, opened.open),
        marginalPerConnectionKiB: (rss - previous.rss) / 1024 / Math.max(1, opened.open - previous.open),
        perConnection: perSession(memory, before, opened.open),
        idleCpuPercent,
        idleCpuPer18kPercent: (idleCpuPercent * 18_000) / Math.max(1, opened.open),
        lagP99Ms: window?.lag.p99Ms ?? Number.NaN,
        lagMaxMs: window?.lag.maxMs ?? Number.NaN,
      });
      previous = { rss, open: opened.open };
    }
    const trips = await load.roundTrips(5000, 200);
    return {
      steps,
      openedPerSecond: opened.open / (opened.wallMs / 1000),
      roundTripsPerSecond: trips.done / (trips.wallMs / 1000),
      roundTripP99Ms: percentile(trips.latencyMs, 99),
    };
  } finally {
    await load.stop();
  }
}

async function main(): Promise<void> {
  const stopGuard = guardMemory();
  const probes = createProbes();
  const started = new Date();
  const machineLine = machine();
  try {
    console.error(`S0 bound at ${sizes.map((s) => Math.min(s, boundMax)).join(', ')} connections...`);
    const bound = await measureBoundSteps(probes);
    console.error(
      `the gateway with up to ${largest} sessions (${Math.ceil(largest / perAccount)} accounts)...`,
    );
    const gateway = await startBenchGateway({
      accounts: Math.ceil(largest / perAccount),
      ...(workers === undefined ? {} : { workers }),
      passwordHash,
      execArgv: [...options['gateway-flag'], ...probes.execArgv],
      env: probes.env,
    });
    const generator = await LoadGenerator.start(processes);
    const steps: Step[] = [];
    const loginMs: number[] = [];
    let openWallMs = 0;
    let idleEmptyPercent = Number.NaN;
    try {
      await sleep(2000);
      const rssBefore = treeRss(gateway.pid);
      // What the gateway spends with no session at all: the part of the idle CPU that is not per session.
      const cpuEmpty = treeCpuSeconds(gateway.pid);
      await sleep(emptySeconds * 1000);
      idleEmptyPercent = ((treeCpuSeconds(gateway.pid) - cpuEmpty) / emptySeconds) * 100;
      const memoryBefore = totals(await probes.read(gateway.pid));
      const logins = gateway.logins.flatMap((login) => Array.from({ length: perAccount }, () => login));
      // Not the bound's addresses: a source's sessions must be this run's alone.
      const sources = loopbackSources(boundMax + largest).slice(boundMax);
      let tried = 0;
      let open = 0;
      for (const size of sizes) {
        console.error(`gateway: ${size} sessions...`);
        const opened = await generator.open({
          url: gateway.url,
          ca: gateway.ca,
          sources: sources.slice(tried, size),
          logins: logins.slice(tried, size),
          concurrency,
        });
        if (opened.failed > 0)
          console.error(`${opened.failed} sessions failed; the first: ${opened.firstError}`);
        tried = size;
        open += opened.open;
        loginMs.push(...opened.loginMs);
        openWallMs += opened.wallMs;
        await sleep(5000);
        const rss = treeRss(gateway.pid);
        // Both read (and so restart) the lag histograms: the window below is the idle one alone.
        await gateway.metrics();
        const memory = totals(await probes.read(gateway.pid));
        const cpuBefore = treeCpuSeconds(gateway.pid);
        await sleep(idleSeconds * 1000);
        const idleCpuPercent = ((treeCpuSeconds(gateway.pid) - cpuBefore) / idleSeconds) * 100;
        const window = await probes.read(gateway.pid);
        const metrics = await gateway.metrics();
        steps.push({
          sessions: size,
          open,
          failed: tried - open,
          rss,
          memoryPerSessionKiB: (rss - rssBefore) / 1024 / Math.max(1, open),
          marginalPerSessionKiB:
            (rss - (steps.at(-1)?.rss ?? rssBefore)) / 1024 / Math.max(1, open - (steps.at(-1)?.open ?? 0)),
          perSession: perSession(memory, memoryBefore, open),
          idleCpuPercent,
          idleCpuPer18kPercent: (idleCpuPercent * 18_000) / Math.max(1, open),
          metricsLagP99Ms: metricValue(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1000,
          metricsLagMaxMs: metricValue(metrics, 'nodejs_eventloop_lag_max_seconds') * 1000,
          processes: processFigures(window),
        });
        console.error(JSON.stringify(steps.at(-1)));
      }
    } finally {
      await generator.close();
      await gateway.stop();
    }
    const problems = [...gateway.problems()].sort((a, b) => b[1] - a[1]);
    const result = {
      scenario: 'S1',
      started: started.toISOString(),
      machine: machineLine,
      workers: options.workers,
      passwordHash,
      steps,
      bound,
      idleEmptyPercent,
      loginsPerSecond: (steps.at(-1)?.open ?? 0) / (openWallMs / 1000),
      loginP99Ms: percentile(loginMs, 99),
      problems: Object.fromEntries(problems),
    };
    console.log(JSON.stringify(result));
    const section = await report(result, started, machineLine);
    console.log(section);
    if (options['no-write']) return;
    await writeSection(heading, section);
    console.log(`wrote the "${heading}" section of docs/benchmarks.md`);
  } finally {
    probes.remove();
    stopGuard();
  }
}

const heading = `S1: density (${
  workers === undefined ? 'default workers' : workers === '1' ? 'one worker' : `workers ${workers}`
})`;
const chartFile = `s1-density-${workers === undefined ? 'default-workers' : `workers-${workers}`}.svg`;

/**
 * Memory per session against the sessions: the gateway (average and slope) and the bound, which beyond
 * its largest step (one process: 20,000 open files) is drawn level, as it stays from 2,000 on.
 */
function chartOf(steps: readonly Step[], boundSteps: readonly BoundStep[]): LineChart {
  const last = boundSteps.at(-1);
  const lastGateway = steps.at(-1)?.open ?? 0;
  const level = last !== undefined && lastGateway > last.open ? [{ ...last, open: lastGateway }] : [];
  const boundPoints = [...boundSteps, ...level];
  return {
    title: `S1: memory per session (${heading.slice('S1: density ('.length, -1)})`,
    xLabel: 'sessions open',
    yLabel: 'KiB of RSS per session',
    series: [
      { name: 'gateway', points: steps.map((s) => ({ x: s.open, y: s.memoryPerSessionKiB })) },
      {
        name: 'gateway, added by each step',
        points: steps.map((s) => ({ x: s.open, y: s.marginalPerSessionKiB })),
      },
      {
        name: `bound (bare ws server over TLS)${level.length > 0 ? `, measured up to ${last?.open.toLocaleString('en-US')}` : ''}`,
        points: boundPoints.map((b) => ({ x: b.open, y: b.memoryPerConnectionKiB })),
      },
      {
        name: `target: ${targets.memoryRatio}× the bound`,
        points: boundPoints.map((b) => ({ x: b.open, y: b.memoryPerConnectionKiB * targets.memoryRatio })),
        dashed: true,
      },
    ],
  };
}

async function report(
  result: {
    steps: Step[];
    bound: Awaited<ReturnType<typeof measureBoundSteps>>;
    idleEmptyPercent: number;
    loginsPerSecond: number;
    loginP99Ms: number;
    problems: Record<string, number>;
  },
  started: Date,
  machineLine: string,
): Promise<string> {
  const { steps, bound } = result;
  const boundAt = (sessions: number) =>
    bound.steps.find((b) => b.connections === Math.min(sessions, boundMax)) as BoundStep;
  const met = (ok: boolean) => (ok ? 'yes' : '**no**');
  const kib = (v: number) => `${v.toFixed(1)} KiB`;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const worst = (step: Step) =>
    step.processes.reduce((a, p) => (p.lagP99Ms > a.lagP99Ms ? p : a), step.processes[0] as ProcessFigures);
  const targetsTable = markdownTable(
    [
      'sessions',
      'open (failed)',
      'memory per session: gateway / bound',
      `ratio (≤ ${targets.memoryRatio}×)`,
      'added by this step, per session: gateway / bound (ratio)',
      `idle CPU, % of a core (< ${targets.idleCpuPer18k}% per 18,000): gateway / bound`,
      `lag p99, idle (< ${targets.lagP99Ms} ms): /metrics / worst process / bound`,
      'met',
    ],
    steps.map((step) => {
      const b = boundAt(step.sessions);
      const ratio = step.memoryPerSessionKiB / b.memoryPerConnectionKiB;
      const w = worst(step);
      const lagOk = Math.max(step.metricsLagP99Ms, w.lagP99Ms) < targets.lagP99Ms;
      const ok = [ratio <= targets.memoryRatio, step.idleCpuPercent < cpuBudget(step.open), lagOk];
      return [
        step.sessions.toLocaleString('en-US'),
        `${step.open.toLocaleString('en-US')} (${step.failed})`,
        `${kib(step.memoryPerSessionKiB)} / ${kib(b.memoryPerConnectionKiB)}${b.connections < step.sessions ? ` (at ${b.connections.toLocaleString('en-US')})` : ''}`,
        `${ratio.toFixed(2)}× ${met(ok[0] as boolean)}`,
        `${kib(step.marginalPerSessionKiB)} / ${kib(b.marginalPerConnectionKiB)} (${(step.marginalPerSessionKiB / b.marginalPerConnectionKiB).toFixed(2)}×)`,
        `${step.idleCpuPercent.toFixed(1)}% / ${b.idleCpuPercent.toFixed(1)}% (< ${cpuBudget(step.open).toFixed(0)}%) ${met(ok[1] as boolean)}`,
        `${ms(step.metricsLagP99Ms)} / ${ms(w.lagP99Ms)} / ${ms(b.lagP99Ms)} ${met(lagOk)}`,
        ok.every(Boolean) ? 'yes' : '**no**',
      ];
    }),
  );
  const last = steps.at(-1) as Step;
  const b = boundAt(last.sessions);
  const w = worst(last);
  const lag = Math.max(last.metricsLagP99Ms, w.lagP99Ms);
  const where = `${last.open.toLocaleString('en-US')} sessions, ${heading.slice('S1: density ('.length, -1)}`;
  await recordTargets(`s1-${options.workers}`, [
    {
      what: `S1 memory per session (${where})`,
      target: `≤ ${targets.memoryRatio}× the bound`,
      measured: `${kib(last.memoryPerSessionKiB)} against ${kib(b.memoryPerConnectionKiB)}: ${(last.memoryPerSessionKiB / b.memoryPerConnectionKiB).toFixed(3)}×`,
      met: last.memoryPerSessionKiB / b.memoryPerConnectionKiB <= targets.memoryRatio,
    },
    {
      what: `S1 event-loop lag p99, idle (${where})`,
      target: `< ${targets.lagP99Ms} ms`,
      measured: `${ms(lag)} (worst process)`,
      met: lag < targets.lagP99Ms,
    },
    {
      what: `S1 idle CPU (${where})`,
      target: `< ${cpuBudget(last.open).toFixed(0)}% of a core`,
      measured: `${last.idleCpuPercent.toFixed(1)}%`,
      met: last.idleCpuPercent < cpuBudget(last.open),
    },
    {
      what: `S1 sessions held (${where})`,
      target: `all ${last.sessions.toLocaleString('en-US')} open`,
      measured: `${last.open.toLocaleString('en-US')} open, ${last.failed} failed`,
      met: last.open === last.sessions && last.failed === 0,
    },
  ]);
  const compositionTable = markdownTable(
    [
      'per session (KiB), at',
      'RSS',
      'JS heap used',
      'JS heap reserved',
      'external (of it ArrayBuffers)',
      'RSS − heap reserved − external',
    ],
    [
      ...steps.map((s) => ['gateway', s.sessions, s.perSession] as const),
      ...bound.steps.map((b) => ['bound', b.connections, b.perConnection] as const),
    ].map(([who, at, c]) => [
      `${who}, ${at.toLocaleString('en-US')}`,
      c.rss.toFixed(1),
      c.heapUsed.toFixed(1),
      c.heapTotal.toFixed(1),
      `${c.external.toFixed(1)} (${c.arrayBuffers.toFixed(1)})`,
      (c.rss - c.heapTotal - c.external).toFixed(1),
    ]),
  );
  const processTable = markdownTable(
    ['process (pid)', 'TCP sockets', 'RSS', 'JS heap used', 'lag p50 / p99 / max over the idle window'],
    last.processes.map((p) => [
      `${p.role} (${p.pid})`,
      p.tcpSockets.toLocaleString('en-US'),
      `${p.rssMiB.toFixed(0)} MiB`,
      `${p.heapUsedMiB.toFixed(0)} MiB`,
      `${p.lagP50Ms.toFixed(1)} / ${p.lagP99Ms.toFixed(1)} / ${p.lagMaxMs.toFixed(1)} ms`,
    ]),
  );
  const chartSpec = chartOf(steps, bound.steps);
  const chart = options['no-write'] ? chartFile : await writeChart(chartFile, chartSpec);
  const problems = Object.entries(result.problems).slice(0, 8);
  const command = [
    'npm run bench -- s1',
    `--sessions ${sizes.join(',')}`,
    `--workers ${options.workers}`,
    `--processes ${processes} --concurrency ${concurrency} --idle-seconds ${idleSeconds}`,
    `--bound-max ${boundMax} --password-hash ${passwordHash}`,
    ...options['gateway-flag'].map((flag) => `--gateway-flag=${flag}`),
  ].join(' ');
  return [
    `## ${heading}`,
    '',
    `Written by \`bench/s1-density.ts\` on ${started.toISOString()}. Machine: ${machineLine}.`,
    `Run: \`${command}\`.`,
    '',
    `The built gateway (SQLite, no tunnels, no firewall, loopback as the local network; ${workers === undefined ? '`--workers` not given, so its default: auto' : `\`--workers ${workers}\``})`,
    `holds local sessions, ${perAccount} per account, each from a 127.x.y.z address of its own, opened by ${processes} client`,
    'processes on the same machine in steps (the sizes below), each step measured before the next opens.',
    "Memory is the RSS of all the gateway's processes 5 s after a step less before the first, per session;",
    '"added by this step" is the growth since the step before over the sessions it added (the slope, without',
    'what the gateway allocates once when its first sessions come). Idle CPU is that of its processes over the',
    `${idleSeconds} s that follow (the gateway pings every connection every 30 s); its budget is 10% of a core up to 18,000`,
    'sessions and as much again per 18,000 more (most of it does not grow with the sessions). The lag is over',
    'that same idle window: /metrics (and the probe below) are read at its start, which restarts the',
    'histograms (prom-client resets its `monitorEventLoopDelay` at each collection), and again at its end.',
    'Each process also runs `bench/load/probe.ts` (loaded with `--import`), which reads the same histogram',
    'per process: /metrics merges the workers into one figure (the mean of their p99s). The histogram',
    "samples every 10 ms, so an idle loop reads about 10 ms. The accounts' password hash is",
    passwordHash === 'light'
      ? "`light` (argon2id with the least memory, one pass): measured here are the sessions once open, not the logins (S3), which with the gateway's own hash would take an hour at 90,000."
      : "the gateway's own (`standard`).",
    'The bound is S0 (`bench/load/bare-server.ts`) with the same probe, opened in the same steps in the',
    `same run${largest > boundMax ? `, up to ${boundMax.toLocaleString('en-US')} connections (one process, 20,000 open files)` : ''}.`,
    '',
    targetsTable,
    '',
    `![S1: memory per session against the bound](${chart})`,
    '',
    'Where the memory is, from `process.memoryUsage()` summed over the processes, less before, per session',
    '(what is neither JS heap nor external is native: OpenSSL, libuv, malloc):',
    '',
    compositionTable,
    '',
    `The gateway's processes at ${last.sessions.toLocaleString('en-US')} sessions (the lag over the idle window, from the probe):`,
    '',
    processTable,
    '',
    `With no session open the gateway's processes used ${result.idleEmptyPercent.toFixed(1)}% of a core (over ${emptySeconds} s before the first step).`,
    `Setting up: ${result.loginsPerSecond.toFixed(0)} logins per second (p99 ${result.loginP99Ms.toFixed(0)} ms from connect to \`auth_state\`);`,
    `the bound opened ${bound.openedPerSecond.toFixed(0)} connections per second and ran ${bound.roundTripsPerSecond.toFixed(0)} round trips per second (p99 ${bound.roundTripP99Ms.toFixed(1)} ms).`,
    problems.length === 0
      ? 'The gateway logged no warnings or errors.'
      : `Warnings and errors the gateway logged: ${problems.map(([m, n]) => `"${m}" × ${n}`).join('; ')}.`,
    '',
  ].join('\n');
}

if (options.rechart === undefined) await main();
else {
  const printed = readFileSync(options.rechart, 'utf8')
    .split('\n')
    .find((line) => line.startsWith('{"scenario":"S1"'));
  if (printed === undefined) throw new Error(`no S1 result in ${options.rechart}`);
  const result = JSON.parse(printed) as { steps: Step[]; bound: { steps: BoundStep[] } };
  console.log(`wrote docs/${await writeChart(chartFile, chartOf(result.steps, result.bound.steps))}`);
}
