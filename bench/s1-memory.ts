// Where a session's memory goes (S1): the gateway with N local sessions on one process against the bare
// server of S0 with as many connections, with and without asking for a client certificate as the
// gateway's TLS server does (DECISIONS 77). For each: RSS, process.memoryUsage() and live handles
// before and after, per connection; then, in a second run of each (a heap snapshot moves RSS), the JS
// heap by constructor from snapshots before and after. Run: `npm run bench -- s1-memory [--sessions
// 2000] [--processes 4] [--concurrency 64] [--no-write]`.
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sleep, startBareServer } from './load/bound.ts';
import { startBenchGateway } from './load/gateway.ts';
import { LoadGenerator, loopbackSources } from './load/generator.ts';
import { createProbes, type ProbeReport, type Probes } from './load/probes.ts';
import { threadCount, treeRss } from './load/processes.ts';
import {
  readHeapSnapshot,
  summarizeHeap,
  summaryDifference,
  type ConstructorSummary,
} from './support/heap.ts';
import { machine, markdownTable, writeSection } from './support/report.ts';

const { values: options } = parseArgs({
  options: {
    sessions: { type: 'string', default: '2000' },
    processes: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '64' },
    'no-write': { type: 'boolean', default: false },
  },
});
const sessions = Number(options.sessions);
const processes = Number(options.processes);
const concurrency = Number(options.concurrency);
/**
 * Connections opened before the measured ones: what the first logins cost once (the password-hashing
 * threads, compiled code, the store's statements and pages) is then not counted per session.
 */
const warmUp = 100;

type Subject = 'bare' | 'bare, requestCert' | 'gateway';

/** What one server's processes hold for `open` connections: RSS, memoryUsage and handles, less before. */
interface Figures {
  subject: Subject;
  open: number;
  rssKiB: number;
  heapUsedKiB: number;
  heapTotalKiB: number;
  externalKiB: number;
  arrayBuffersKiB: number;
  /** The same after a full garbage collection (before too): what the connections keep alive. */
  rssAfterGcKiB: number;
  heapUsedAfterGcKiB: number;
  heapTotalAfterGcKiB: number;
  /** V8's heap spaces, MiB: reserved before and after the connections (no collection), used after. */
  spaces: Record<string, { before: number; after: number; usedAfter: number }>;
  /** Live handles and requests per connection, by kind (process.getActiveResourcesInfo()). */
  resources: Record<string, number>;
}

/** One server under load: how to open its connections and which process tree to read. */
interface Loaded {
  pid: number;
  /** Opens connections until `total` are open in all; resolves with how many are. */
  openUpTo(total: number): Promise<number>;
  stop(): Promise<void>;
}

async function bare(probes: Probes, requestCert: boolean, firstSource: number): Promise<Loaded> {
  const load = await startBareServer({
    processes,
    concurrency: 200,
    requestCert,
    firstSource,
    execArgv: probes.execArgv,
    env: probes.env,
  });
  return {
    pid: load.pid,
    openUpTo: async (total) => (await load.openUpTo(total)).open,
    stop: () => load.stop(),
  };
}

async function gateway(probes: Probes, firstSource: number): Promise<Loaded> {
  const server = await startBenchGateway({
    accounts: Math.ceil((warmUp + sessions) / 5),
    workers: '1',
    passwordHash: 'light',
    execArgv: probes.execArgv,
    env: probes.env,
  });
  const generator = await LoadGenerator.start(processes);
  const sources = loopbackSources(firstSource + warmUp + sessions).slice(firstSource);
  const logins = server.logins.flatMap((login) => Array.from({ length: 5 }, () => login));
  let tried = 0;
  let open = 0;
  return {
    pid: server.pid,
    openUpTo: async (total) => {
      const opened = await generator.open({
        url: server.url,
        ca: server.ca,
        sources: sources.slice(tried, total),
        logins: logins.slice(tried, total),
        concurrency,
      });
      if (opened.failed > 0) console.error(`${opened.failed} failed; the first: ${opened.firstError}`);
      tried = total;
      open += opened.open;
      return open;
    },
    stop: async () => {
      await generator.close();
      await server.stop();
    },
  };
}

function figures(
  subject: Subject,
  reports: { before: ProbeReport; after: ProbeReport; afterGc: ProbeReport },
  rss: { grown: number; grownAfterGc: number },
  open: number,
): Figures {
  const { before, after, afterGc } = reports;
  const per = (a: number, b: number) => (a - b) / 1024 / Math.max(1, open);
  const resources: Record<string, number> = {};
  for (const kind of new Set([...Object.keys(before.resources), ...Object.keys(after.resources)])) {
    resources[kind] = ((after.resources[kind] ?? 0) - (before.resources[kind] ?? 0)) / Math.max(1, open);
  }
  return {
    subject,
    open,
    rssKiB: rss.grown / 1024 / Math.max(1, open),
    rssAfterGcKiB: rss.grownAfterGc / 1024 / Math.max(1, open),
    heapUsedAfterGcKiB: per(afterGc.memory.heapUsed, before.memory.heapUsed),
    heapTotalAfterGcKiB: per(afterGc.memory.heapTotal, before.memory.heapTotal),
    heapUsedKiB: per(after.memory.heapUsed, before.memory.heapUsed),
    heapTotalKiB: per(after.memory.heapTotal, before.memory.heapTotal),
    externalKiB: per(after.memory.external, before.memory.external),
    arrayBuffersKiB: per(after.memory.arrayBuffers, before.memory.arrayBuffers),
    resources,
    spaces: Object.fromEntries(
      Object.entries(after.heapSpaces).map(([name, space]) => [
        name,
        {
          before: (before.heapSpaces[name]?.size ?? 0) / 1024 ** 2,
          after: space.size / 1024 ** 2,
          usedAfter: space.used / 1024 ** 2,
        },
      ]),
    ),
  };
}

/** What the first connections cost once: RSS and threads after the warm-up less fresh, after a full GC. */
interface OneTime {
  subject: Subject;
  rssMiB: number;
  threads: number;
}

/** Memory per connection, read without heap snapshots, after the warm-up connections. */
async function measure(
  subject: Subject,
  start: () => Promise<Loaded>,
  probes: Probes,
): Promise<{ figures: Figures; oneTime: OneTime }> {
  console.error(`${subject}: memory with ${sessions} connections...`);
  const loaded = await start();
  try {
    await sleep(2000);
    await probes.read(loaded.pid, { gc: true });
    await sleep(2000);
    const fresh = { rss: treeRss(loaded.pid), threads: threadCount(loaded.pid) };
    const warm = await loaded.openUpTo(warmUp);
    await sleep(3000);
    await probes.read(loaded.pid, { gc: true });
    await sleep(2000);
    const rssBefore = treeRss(loaded.pid);
    const oneTime: OneTime = {
      subject,
      rssMiB: (rssBefore - fresh.rss) / 1024 ** 2,
      threads: threadCount(loaded.pid) - fresh.threads,
    };
    const [before] = await probes.read(loaded.pid);
    const open = (await loaded.openUpTo(warmUp + sessions)) - warm;
    await sleep(5000);
    const grown = treeRss(loaded.pid) - rssBefore;
    const [after] = await probes.read(loaded.pid);
    await probes.read(loaded.pid, { gc: true });
    // V8 hands the pages a full collection freed back to the system while it sweeps.
    await sleep(2000);
    const grownAfterGc = treeRss(loaded.pid) - rssBefore;
    const [afterGc] = await probes.read(loaded.pid);
    const reports = {
      before: before as ProbeReport,
      after: after as ProbeReport,
      afterGc: afterGc as ProbeReport,
    };
    return { figures: figures(subject, reports, { grown, grownAfterGc }, open), oneTime };
  } finally {
    await loaded.stop();
  }
}

/** The JS heap by constructor, per connection: snapshots before and after. */
async function heapByConstructor(
  subject: Subject,
  start: () => Promise<Loaded>,
  probes: Probes,
): Promise<ConstructorSummary[]> {
  console.error(`${subject}: heap snapshots with ${sessions} connections...`);
  const loaded = await start();
  const files: string[] = [];
  try {
    const warm = await loaded.openUpTo(warmUp);
    await sleep(3000);
    const [before] = await probes.read(loaded.pid, { heapSnapshot: 'before' });
    const open = (await loaded.openUpTo(warmUp + sessions)) - warm;
    await sleep(5000);
    const [after] = await probes.read(loaded.pid, { heapSnapshot: 'after' });
    files.push(before?.heapSnapshot ?? '', after?.heapSnapshot ?? '');
    const [b, a] = [await readHeapSnapshot(files[0] as string), await readHeapSnapshot(files[1] as string)];
    return summaryDifference(summarizeHeap(a), summarizeHeap(b), Math.max(1, open));
  } finally {
    await loaded.stop();
    for (const file of files) rmSync(file, { force: true });
  }
}

async function main(): Promise<void> {
  const probes = createProbes({ exposeGc: true });
  const started = new Date();
  const machineLine = machine();
  try {
    // Each server gets addresses of its own, so no connection waits for a port its predecessor left.
    const at = (i: number) => i * (warmUp + sessions);
    const plain = await measure('bare', () => bare(probes, false, at(0)), probes);
    const withCert = await measure('bare, requestCert', () => bare(probes, true, at(1)), probes);
    const gw = await measure('gateway', () => gateway(probes, at(2)), probes);
    const bareHeap = await heapByConstructor('bare, requestCert', () => bare(probes, true, at(3)), probes);
    const gatewayHeap = await heapByConstructor('gateway', () => gateway(probes, at(4)), probes);
    const measured = [plain, withCert, gw];
    const result = {
      scenario: 'S1 memory',
      sessions,
      figures: measured.map((m) => m.figures),
      oneTime: measured.map((m) => m.oneTime),
      bareHeap,
      gatewayHeap,
    };
    console.log(
      JSON.stringify({ ...result, bareHeap: bareHeap.slice(0, 40), gatewayHeap: gatewayHeap.slice(0, 40) }),
    );
    const section = report(result, started, machineLine);
    console.log(section);
    if (options['no-write']) return;
    await writeSection(heading, section);
    console.log(`wrote the "${heading}" section of docs/benchmarks.md`);
  } finally {
    probes.remove();
  }
}

const heading = "S1: where a session's memory goes";

function report(
  result: {
    figures: Figures[];
    oneTime: OneTime[];
    bareHeap: ConstructorSummary[];
    gatewayHeap: ConstructorSummary[];
  },
  started: Date,
  machineLine: string,
): string {
  const f = (v: number) => v.toFixed(1);
  const memoryTable = markdownTable(
    [
      'KiB per connection',
      'RSS',
      'JS heap used',
      'JS heap reserved',
      'external (ArrayBuffers)',
      'native: RSS − reserved − external',
      'after a full GC: RSS',
      'JS heap used (live)',
      'JS heap reserved',
      'native',
    ],
    result.figures.map((x) => [
      `${x.subject} (${x.open.toLocaleString('en-US')})`,
      f(x.rssKiB),
      f(x.heapUsedKiB),
      f(x.heapTotalKiB),
      `${f(x.externalKiB)} (${f(x.arrayBuffersKiB)})`,
      f(x.rssKiB - x.heapTotalKiB - x.externalKiB),
      f(x.rssAfterGcKiB),
      f(x.heapUsedAfterGcKiB),
      f(x.heapTotalAfterGcKiB),
      f(x.rssAfterGcKiB - x.heapTotalAfterGcKiB - x.externalKiB),
    ]),
  );
  const kinds = [...new Set(result.figures.flatMap((x) => Object.keys(x.resources)))].filter((k) =>
    result.figures.some((x) => Math.abs(x.resources[k] ?? 0) >= 0.01),
  );
  const resourceTable = markdownTable(
    ['live handles per connection', ...kinds],
    result.figures.map((x) => [x.subject, ...kinds.map((k) => (x.resources[k] ?? 0).toFixed(2))]),
  );
  const spaceNames = Object.keys(result.figures[0]?.spaces ?? {}).filter((name) =>
    result.figures.some((x) => (x.spaces[name]?.after ?? 0) >= 1),
  );
  const spaceTable = markdownTable(
    ['V8 heap space: MiB reserved before → after (used after)', ...spaceNames],
    result.figures.map((x) => [
      x.subject,
      ...spaceNames.map((name) => {
        const space = x.spaces[name];
        return space === undefined
          ? ''
          : `${space.before.toFixed(1)} → ${space.after.toFixed(1)} (${space.usedAfter.toFixed(1)})`;
      }),
    ]),
  );
  const bareBy = new Map(result.bareHeap.map((c) => [c.name, c]));
  const rows = result.gatewayHeap
    .map((g) => ({ g, b: bareBy.get(g.name) }))
    .sort((x, y) => y.g.selfSize - (y.b?.selfSize ?? 0) - (x.g.selfSize - (x.b?.selfSize ?? 0)))
    .slice(0, 25);
  const b = (v: number) => (v / 1024).toFixed(2);
  const heapTable = markdownTable(
    [
      'constructor (or kind)',
      'gateway: objects',
      'own KiB',
      'retained KiB',
      'bare: objects',
      'own KiB',
      'more than bare, own KiB',
    ],
    rows.map(({ g, b: bare }) => [
      `\`${g.name.replaceAll('|', '\\|').slice(0, 60)}\``,
      g.count.toFixed(1),
      b(g.selfSize),
      b(g.retainedSize),
      (bare?.count ?? 0).toFixed(1),
      b(bare?.selfSize ?? 0),
      b(g.selfSize - (bare?.selfSize ?? 0)),
    ]),
  );
  const total = (list: ConstructorSummary[]) => list.reduce((a, c) => a + c.selfSize, 0) / 1024;
  return [
    `## ${heading}`,
    '',
    `Written by \`bench/s1-memory.ts\` on ${started.toISOString()}. Machine: ${machineLine}.`,
    `Run: \`npm run bench -- s1-memory --sessions ${sessions} --processes ${processes} --concurrency ${concurrency}\`.`,
    `${sessions.toLocaleString('en-US')} connections to each server, one 127.x.y.z source address each: the bare server of S0, the same`,
    'with `requestCert: true` (as the gateway asks for a client certificate: DECISIONS 77), and the built',
    'gateway on one process (`--workers 1`) with as many local sessions, 5 per account. Each server runs',
    '`bench/load/probe.ts`, which reports `process.memoryUsage()` and its live handles (run with',
    `\`--expose-gc\` so that it can collect first). ${warmUp} connections are opened first and the figures are the`,
    'growth from there, so that what the first logins set up once is not counted per session. The heap',
    "snapshots are taken in a second run of each server (writing one moves RSS), and sum the JS heap's objects by",
    'constructor: objects, their own size, and the size they retain (their dominator subtrees), per',
    'connection, after less before.',
    '',
    memoryTable,
    '',
    `What the ${warmUp} warm-up connections added (their own share included, after a full GC): ${result.oneTime
      .map(
        (o) =>
          `${o.subject} ${o.rssMiB.toFixed(1)} MiB of RSS and ${o.threads} thread${o.threads === 1 ? '' : 's'} more`,
      )
      .join('; ')}.`,
    '',
    resourceTable,
    '',
    spaceTable,
    '',
    `JS heap by constructor, per connection (the snapshots' own sizes add up to ${f(total(result.gatewayHeap))} KiB for the gateway`,
    `and ${f(total(result.bareHeap))} KiB for the bare server with requestCert); the 25 that the gateway holds most beyond the bare server:`,
    '',
    heapTable,
    '',
  ].join('\n');
}

await main();
