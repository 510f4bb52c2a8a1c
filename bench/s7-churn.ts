// S7 (issue "Performance"): churn flatness. With 1,000, 5,000 and 15,000 standing sessions on the
// gateway, connect-authorize-disconnect cycles at a fixed rate well under saturation: the CPU of the
// gateway's processes per cycle must stay within ±20% across the levels (no per-connect work that grows
// with the number of sessions). Two kinds of cycle: a password login ended with `unauthorize` (the path
// users take: one argon2id hash each), and a `resume` of a session its client left in grace (DECISIONS 3,
// 4: the per-connect work without the hash). The gateway's idle CPU at each level, measured before and
// after, is taken out of the cycles' CPU, so the figure is what the cycles cost. Run: `npm run bench -- s7
// [--levels 1000,5000,15000] [--workers 1|auto|N] [--cycles 1000] [--rate 20] [--resume-rate 100]
// [--resume-cycles 3000] [--processes 4] [--cycle-clients 40] [--idle-seconds 30] [--no-write]`.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sleep } from './load/bound.ts';
import { LoadGenerator, loopbackSources } from './load/generator.ts';
import { treeCpuSeconds } from './load/processes.ts';
import { percentile } from './load/protocol.ts';
import { largestDeparture, metricSum } from './load/figures.ts';
import { StormGateway } from './load/storm-gateway.ts';
import { writeChart } from './support/chart.ts';
import { linesOf, machine, markdownTable, recordTargets, writeSection } from './support/report.ts';

const { values: options } = parseArgs({
  options: {
    levels: { type: 'string', default: '1000,5000,15000' },
    workers: { type: 'string', default: '1' },
    cycles: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '20' },
    'resume-rate': { type: 'string', default: '100' },
    'resume-cycles': { type: 'string', default: '3000' },
    processes: { type: 'string', default: '4' },
    'cycle-clients': { type: 'string', default: '40' },
    'idle-seconds': { type: 'string', default: '30' },
    'no-write': { type: 'boolean', default: false },
  },
});
const levels = options.levels.split(',').map(Number);
const cycles = Number(options.cycles);
const rate = Number(options.rate);
const resumeRate = Number(options['resume-rate']);
const resumeCycles = Number(options['resume-cycles']);
const processes = Number(options.processes);
const cycleClients = Number(options['cycle-clients']);
const idleSeconds = Number(options['idle-seconds']);
const perAccount = 5;
const flatness = 0.2;

interface CycleFigures {
  done: number;
  failed: number;
  late: number;
  /** The gateway's CPU over the cycles and their time, ms. */
  cpuMs: number;
  wallMs: number;
  /** Gateway CPU per cycle, ms: all of it over the cycles' time, and less the idle CPU of that time. */
  grossMs: number;
  netMs: number;
  perSecond: number;
  loginP50Ms: number;
  loginP99Ms: number;
  firstError: string | null;
}

interface Level {
  standing: number;
  failedToOpen: number;
  sessionsActive: number;
  idleCpuPercent: number;
  authorize: CycleFigures;
  resume: CycleFigures;
}

async function main(): Promise<void> {
  const top = Math.max(...levels);
  const gateway = await StormGateway.create({
    accounts: [
      { prefix: 'standing', count: Math.ceil(top / perAccount), hash: 'light' },
      { prefix: 'cycle', count: cycleClients, hash: 'standard' },
      { prefix: 'resume', count: cycleClients, hash: 'light' },
    ],
    // The grace outlasts the setting up of the next level, so that resume cycles find their sessions.
    args: [
      ...['--local-networks', '127.0.0.0/8', '--wireguard', 'none', '--firewall', 'none'],
      ...['--workers', options.workers, '--reconnect-grace', '3600'],
    ],
  });
  await gateway.start();
  const generator = await LoadGenerator.start(processes);
  const standingSources = loopbackSources(top);
  const cycleSources = loopbackSources(cycleClients, 100);
  const resumeSources = loopbackSources(cycleClients, 101);
  const results: Level[] = [];
  try {
    /** `count` cycles and the gateway's CPU over them (its idle CPU is taken out by `lessIdle`). */
    const run = async (how: 'authorize' | 'resume', count: number): Promise<CycleFigures> => {
      const cpuBefore = treeCpuSeconds(gateway.pid);
      const report = await generator.cycles({
        url: gateway.url,
        ca: gateway.ca,
        sources: how === 'authorize' ? cycleSources : resumeSources,
        logins: gateway.logins(how === 'authorize' ? 'cycle' : 'resume'),
        how,
        count,
        perSecond: how === 'authorize' ? rate : resumeRate,
      });
      const cpuMs = (treeCpuSeconds(gateway.pid) - cpuBefore) * 1000;
      return {
        done: report.done,
        failed: report.failed,
        late: report.late,
        cpuMs,
        wallMs: report.wallMs,
        grossMs: cpuMs / Math.max(1, report.done),
        netMs: Number.NaN,
        perSecond: report.done / (report.wallMs / 1000),
        loginP50Ms: percentile(report.loginMs, 50),
        loginP99Ms: percentile(report.loginMs, 99),
        firstError: report.firstError,
      };
    };
    const lessIdle = (f: CycleFigures, idlePerSecond: number): CycleFigures => ({
      ...f,
      netMs: (f.cpuMs - idlePerSecond * f.wallMs) / Math.max(1, f.done),
    });
    /** The gateway's CPU per second over `idleSeconds` with nothing but the standing sessions. */
    const idle = async (): Promise<number> => {
      const before = treeCpuSeconds(gateway.pid);
      await sleep(idleSeconds * 1000);
      return (treeCpuSeconds(gateway.pid) - before) / idleSeconds;
    };
    // Warm-up, not measured: the login path once per client, and the resume clients' first sessions.
    console.error('warming up...');
    await run('authorize', cycleClients);
    await run('resume', cycleClients);
    let opened = 0;
    for (const level of levels) {
      console.error(`opening standing sessions up to ${level}...`);
      const more = await generator.open({
        url: gateway.url,
        ca: gateway.ca,
        sources: standingSources.slice(opened, level),
        logins: gateway.logins('standing', perAccount).slice(opened, level),
        concurrency: 64,
      });
      if (more.failed > 0)
        console.error(`${more.failed} standing sessions failed; the first: ${more.firstError}`);
      opened = level;
      await sleep(5000);
      // Idle before and after the cycles: their mean is taken out, so that a drift meanwhile halves.
      const idleBefore = await idle();
      console.error(`level ${level}: ${cycles} login cycles, then ${resumeCycles} resume cycles...`);
      const authorizeRun = await run('authorize', cycles);
      const resumeRun = await run('resume', resumeCycles);
      const idlePerSecond = (idleBefore + (await idle())) / 2;
      const authorize = lessIdle(authorizeRun, idlePerSecond);
      const resume = lessIdle(resumeRun, idlePerSecond);
      const sessionsActive = metricSum(await gateway.metrics(), 'kordon_sessions_active');
      results.push({
        standing: level,
        failedToOpen: level - (results.at(-1)?.standing ?? 0) - more.open,
        sessionsActive,
        idleCpuPercent: idlePerSecond * 100,
        authorize,
        resume,
      });
      console.error(JSON.stringify(results.at(-1)));
    }
    const problems = gateway.problems();
    await report(results, problems);
  } finally {
    await generator.close();
    await gateway.stop();
  }
}

async function report(results: readonly Level[], problems: Map<string, number>): Promise<void> {
  const authorizeDeviation = largestDeparture(results.map((r) => r.authorize.netMs));
  const resumeDeviation = largestDeparture(results.map((r) => r.resume.netMs));
  const result = {
    scenario: 'S7',
    workers: options.workers,
    levels: results,
    authorizeDeviation,
    resumeDeviation,
    problems: Object.fromEntries(problems),
  };
  console.log(JSON.stringify(result));
  const met = (ok: boolean) => (ok ? 'yes' : '**no**');
  const pct = (v: number) => `${(v * 100).toFixed(0)}%`;
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  const levelsTable = markdownTable(
    [
      'standing sessions',
      'idle CPU',
      'login cycle: CPU (all / less idle)',
      'login p50 / p99',
      'resume cycle: CPU (all / less idle)',
      'resume p50 / p99',
      'cycles failed',
    ],
    results.map((r) => [
      `${r.standing.toLocaleString('en-US')} (${r.sessionsActive.toLocaleString('en-US')} live)`,
      `${r.idleCpuPercent.toFixed(1)}% of a core`,
      `${ms(r.authorize.grossMs)} / ${ms(r.authorize.netMs)}`,
      `${r.authorize.loginP50Ms.toFixed(0)} / ${r.authorize.loginP99Ms.toFixed(0)} ms`,
      `${ms(r.resume.grossMs)} / ${ms(r.resume.netMs)}`,
      `${r.resume.loginP50Ms.toFixed(0)} / ${r.resume.loginP99Ms.toFixed(0)} ms`,
      `${r.authorize.failed} + ${r.resume.failed}`,
    ]),
  );
  const targetRows = [
    [
      'password login cycle, largest departure from the first level',
      pct(authorizeDeviation),
      `within ±${pct(flatness)}`,
      met(authorizeDeviation <= flatness),
    ],
    [
      'resume cycle (no hash), largest departure from the first level',
      pct(resumeDeviation),
      `within ±${pct(flatness)}`,
      met(resumeDeviation <= flatness),
    ],
  ];
  const targets = markdownTable(
    ['S7: CPU per cycle across the levels', 'measured', 'target', 'met'],
    targetRows,
  );
  await recordTargets(
    's7',
    linesOf(`S7 (${levels.map((l) => l.toLocaleString('en-US')).join(', ')} standing)`, targetRows),
  );
  console.log(targets);
  console.log(levelsTable);
  if (options['no-write']) return;
  const suffix = options.workers === '1' ? '' : ` (workers ${options.workers})`;
  // Relative to the first level, so that both kinds of cycle show their flatness on one scale.
  const relative = (pick: (r: Level) => number) =>
    results.map((r) => ({ x: r.standing, y: (100 * pick(r)) / pick(results[0] as Level) }));
  const chartFile = await writeChart(
    `s7-churn${options.workers === '1' ? '' : `-workers-${options.workers}`}.svg`,
    {
      title: `S7: gateway CPU per connect-login-disconnect cycle${suffix}`,
      xLabel: 'standing sessions',
      yLabel: `CPU per cycle, % of the ${results[0]?.standing.toLocaleString('en-US')}-session level`,
      series: [
        { name: 'password login cycle', points: relative((r) => r.authorize.netMs) },
        { name: 'resume cycle (no hash)', points: relative((r) => r.resume.netMs) },
        ...[100 - flatness * 100, 100 + flatness * 100].map((y) => ({
          name: `target: ${y < 100 ? '−' : '+'}${flatness * 100}%`,
          dashed: true,
          points: results.map((r) => ({ x: r.standing, y })),
        })),
      ],
    },
  );
  const problemLines = [...problems].map(([message, n]) => `- ${n}× "${message}"`);
  const heading = `S7: churn flatness${suffix}`;
  await writeSection(
    heading,
    [
      `## ${heading}`,
      '',
      `Written by \`bench/s7-churn.ts\` on ${new Date().toISOString()}. Machine: ${machine()}; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at the end.`,
      `Run: \`npm run bench -- s7 --levels ${options.levels} --workers ${options.workers} --cycles ${cycles} --rate ${rate} --resume-rate ${resumeRate} --resume-cycles ${resumeCycles} --processes ${processes} --cycle-clients ${options['cycle-clients']} --idle-seconds ${idleSeconds}\`.`,
      `The built gateway (SQLite, no tunnels, no firewall, loopback as the local network${suffix === '' ? ', one process' : `, workers ${options.workers}`}) holds`,
      `standing local sessions (${perAccount} per account, each from a 127.x.y.z address of its own, set up with a light`,
      'argon2id hash so that setting them up takes seconds). At each level, after 5 s, the gateway idles for',
      `${idleSeconds} s (its idle CPU; the gateway pings each connection every 30 s), then cycles run at a fixed rate, from ${cycleClients} clients of each kind with addresses of their own:`,
      `${cycles.toLocaleString('en-US')} password logins (${rate}/s; accounts with the gateway's own argon2id parameters, so one real hash each)`,
      `ended with \`unauthorize\`, then ${resumeCycles.toLocaleString('en-US')} \`resume\`s (${resumeRate}/s) of the session the client's last cycle left in`,
      'grace (a dropped connection, DECISIONS 3), dropped again; then it idles again. The CPU is that of the',
      'gateway\'s processes (/proc, user + system) over the cycles, per cycle; "less idle" takes out the mean of the',
      "two idle rates over the same time. A cycle is the WebSocket connection alone (the real client's HTTPS probe",
      'of /connect before it is left out). The bound is the first level: more sessions must not make a cycle dearer.',
      '',
      targets,
      '',
      levelsTable,
      '',
      `![S7: CPU per cycle against standing sessions](${chartFile})`,
      '',
      'The login latencies (connect to `auth_state`) say how long the hashing queue was at that rate: argon2id',
      "runs on threads below the event loop's priority (DECISIONS 68), so whatever else runs on the machine comes",
      "first, while a cycle's CPU does not depend on it.",
      '',
      ...(problemLines.length === 0
        ? ['The gateway logged no warnings or errors during the run.']
        : ['What the gateway logged as warnings or errors during the run:', '', ...problemLines]),
      '',
    ].join('\n'),
  );
  console.log(`wrote the "${heading}" section of docs/benchmarks.md`);
}

await main();
