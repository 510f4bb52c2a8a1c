// S1 (issue "Performance"): local sessions held by the gateway, one 127.x.y.z source address each and
// five per account (DECISIONS 1, 2), against the bound of S0 measured in the same run with as many
// connections: the gateway's memory per session (target: at most 1.3× the bound's per connection), the
// event loop's lag p99 from /metrics (under 20 ms) and the idle CPU with every session open (under 10%
// of one core per 18,000 sessions). Run: `npm run bench -- s1 [--sessions 18000] [--workers 1|auto|N]
// [--processes 4] [--concurrency 64] [--idle-seconds 30] [--no-write]`.
import { parseArgs } from 'node:util';
import { boundRows, measureBound, sleep } from './load/bound.ts';
import { startBenchGateway } from './load/gateway.ts';
import { LoadGenerator, loopbackSources } from './load/generator.ts';
import { treeCpuSeconds, treeRss } from './load/processes.ts';
import { percentile } from './load/protocol.ts';
import { machine, markdownTable, writeSection } from './support/report.ts';

const { values: options } = parseArgs({
  options: {
    sessions: { type: 'string', default: '18000' },
    workers: { type: 'string', default: '1' },
    processes: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '64' },
    'idle-seconds': { type: 'string', default: '30' },
    'no-write': { type: 'boolean', default: false },
  },
});
const sessions = Number(options.sessions);
const processes = Number(options.processes);
const concurrency = Number(options.concurrency);
const idleSeconds = Number(options['idle-seconds']);
const perAccount = 5;
const targets = { memoryRatio: 1.3, lagP99Ms: 20, idleCpuPer18k: 10 };

/** The largest `nodejs_eventloop_lag_p99_seconds` over the gateway's processes, in ms. */
function lagP99Ms(metrics: string): number {
  const values = [
    ...metrics.matchAll(/^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? ([0-9.eE+-]+)$/gm),
  ].map((m) => Number(m[1]) * 1000);
  return values.length === 0 ? Number.NaN : Math.max(...values);
}

async function main(): Promise<void> {
  console.error(`S0 bound with ${sessions} connections...`);
  const bound = await measureBound({ connections: sessions, processes, concurrency: 200, messages: 5000 });
  console.error(`the gateway with ${sessions} sessions (${Math.ceil(sessions / perAccount)} accounts)...`);
  const gateway = await startBenchGateway({
    accounts: Math.ceil(sessions / perAccount),
    workers: options.workers,
  });
  const generator = await LoadGenerator.start(processes);
  try {
    await sleep(2000);
    const before = treeRss(gateway.pid);
    const logins = gateway.logins.flatMap((login) => Array.from({ length: perAccount }, () => login));
    const opened = await generator.open({
      url: gateway.url,
      ca: gateway.ca,
      // Not the bound's addresses: a source's sessions must be this run's alone.
      sources: loopbackSources(2 * sessions).slice(sessions),
      logins: logins.slice(0, sessions),
      concurrency,
    });
    if (opened.failed > 0) console.error(`${opened.failed} sessions failed; the first: ${opened.firstError}`);
    await sleep(5000);
    const after = treeRss(gateway.pid);
    const cpuBefore = treeCpuSeconds(gateway.pid);
    await sleep(idleSeconds * 1000);
    const idleCpuPercent = ((treeCpuSeconds(gateway.pid) - cpuBefore) / idleSeconds) * 100;
    const lag = lagP99Ms(await gateway.metrics());
    const memoryPerSessionKiB = (after - before) / 1024 / Math.max(1, opened.open);
    const result = {
      scenario: 'S1',
      workers: options.workers,
      sessions: opened.open,
      failed: opened.failed,
      memoryPerSessionKiB,
      boundPerConnectionKiB: bound.memoryPerConnectionKiB,
      memoryRatio: memoryPerSessionKiB / bound.memoryPerConnectionKiB,
      gatewayRssMiB: after / 1024 ** 2,
      loginsPerSecond: opened.open / (opened.wallMs / 1000),
      loginP99Ms: percentile(opened.loginMs, 99),
      eventLoopLagP99Ms: lag,
      idleCpuPercent,
      idleCpuPer18kPercent: (idleCpuPercent * 18_000) / Math.max(1, opened.open),
      bound,
    };
    console.log(JSON.stringify(result));
    const met = (ok: boolean) => (ok ? 'yes' : '**no**');
    const table = markdownTable(
      ['S1: local sessions', 'measured', 'target', 'met'],
      [
        ['sessions open (failed)', `${result.sessions.toLocaleString('en-US')} (${result.failed})`, '', ''],
        ['gateway memory per session', `${memoryPerSessionKiB.toFixed(1)} KiB`, '', ''],
        [
          'against the bound per connection',
          `${result.memoryRatio.toFixed(2)}× (${bound.memoryPerConnectionKiB.toFixed(1)} KiB)`,
          `≤ ${targets.memoryRatio}×`,
          met(result.memoryRatio <= targets.memoryRatio),
        ],
        ['gateway RSS with them open', `${result.gatewayRssMiB.toFixed(0)} MiB`, '', ''],
        [
          'event-loop lag p99 (/metrics)',
          `${lag.toFixed(1)} ms`,
          `< ${targets.lagP99Ms} ms`,
          met(lag < targets.lagP99Ms),
        ],
        [
          'idle CPU, per 18,000 sessions',
          `${result.idleCpuPer18kPercent.toFixed(1)}% of a core`,
          `< ${targets.idleCpuPer18k}%`,
          met(result.idleCpuPer18kPercent < targets.idleCpuPer18k),
        ],
        ['password logins per second (setting up)', result.loginsPerSecond.toFixed(0), '', ''],
      ],
    );
    console.log(table);
    if (options['no-write']) return;
    const heading = `S1: density (${options.workers === '1' ? 'one worker' : `workers ${options.workers}`})`;
    await writeSection(
      heading,
      [
        `## ${heading}`,
        '',
        `Written by \`bench/s1-density.ts\` on ${new Date().toISOString()}. Machine: ${machine()}.`,
        `Run: \`npm run bench -- s1 --sessions ${sessions} --workers ${options.workers} --processes ${processes} --concurrency ${concurrency} --idle-seconds ${idleSeconds}\`.`,
        'The built gateway (SQLite, no tunnels, no firewall, loopback as the local network) holds local sessions,',
        `${perAccount} per account, each from a 127.x.y.z address of its own, logged in with a password by`,
        `${processes} client processes on the same machine. Memory is the RSS of the gateway's processes with the`,
        'sessions open (after 5 s) less before; the idle CPU is theirs over the idle seconds that follow, pings',
        'running. The bound is S0 loaded with as many connections in the same run:',
        '',
        table,
        '',
        markdownTable(['the bound in this run (S0)', 'measured'], boundRows(bound)),
        '',
      ].join('\n'),
    );
    console.log(`wrote the "${heading}" section of docs/benchmarks.md`);
  } finally {
    await generator.close();
    await gateway.stop();
  }
}

await main();
