// S0 (issue "Performance"): the bound the gateway is held to. A bare `ws` server over TLS
// (load/bare-server.ts) answering the same two messages, loaded by the load generator with one
// 127.x.y.z source address per connection: its memory per connection, and its rates of connections
// opened and authorized and of message round trips. Run: `npm run bench -- s0 [--connections 10000]
// [--processes 4] [--concurrency 200] [--messages 20000] [--no-write]`.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCommand } from '@kordon/drivers';
import { LoadGenerator, loopbackSources } from './load/generator.ts';
import { percentile, type ServerReport } from './load/protocol.ts';
import { machine, markdownTable, writeSection } from './support/report.ts';

const { values: options } = parseArgs({
  options: {
    connections: { type: 'string', default: '10000' },
    processes: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '200' },
    messages: { type: 'string', default: '20000' },
    'no-write': { type: 'boolean', default: false },
  },
});
const connections = Number(options.connections);
const processes = Number(options.processes);
const concurrency = Number(options.concurrency);
const messages = Number(options.messages);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function serverReport<K extends ServerReport['kind']>(
  server: ChildProcess,
  kind: K,
): Promise<Extract<ServerReport, { kind: K }>> {
  return new Promise((resolve) => {
    const onMessage = (report: ServerReport) => {
      if (report.kind !== kind) return;
      server.off('message', onMessage);
      resolve(report as Extract<ServerReport, { kind: K }>);
    };
    server.on('message', onMessage);
  });
}

async function memory(server: ChildProcess): Promise<number> {
  const answer = serverReport(server, 'memory');
  server.send({ kind: 'memory' });
  return (await answer).rss;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-bench-s0-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  // A throwaway self-signed certificate for 127.0.0.1 (the key never leaves this folder).
  await runCommand('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  const server = fork(fileURLToPath(new URL('./load/bare-server.ts', import.meta.url)), [key, cert], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const generator = await LoadGenerator.start(processes);
  try {
    const { port } = await serverReport(server, 'listening');
    await sleep(1000);
    const before = await memory(server);
    const opened = await generator.open({
      url: `wss://127.0.0.1:${port}/connect`,
      ca: readFileSync(cert, 'utf8'),
      sources: loopbackSources(connections),
      logins: [],
      concurrency,
    });
    if (opened.failed > 0)
      console.error(`${opened.failed} connections failed; the first: ${opened.firstError}`);
    await sleep(3000);
    const after = await memory(server);
    const trips = await generator.roundTrips(messages, concurrency);
    const result = {
      scenario: 'S0',
      connections: opened.open,
      failed: opened.failed,
      memoryPerConnectionKiB: (after - before) / 1024 / Math.max(1, opened.open),
      serverRssMiB: after / 1024 ** 2,
      openedPerSecond: opened.open / (opened.wallMs / 1000),
      loginP50Ms: percentile(opened.loginMs, 50),
      loginP99Ms: percentile(opened.loginMs, 99),
      roundTripsPerSecond: trips.done / (trips.wallMs / 1000),
      roundTripP50Ms: percentile(trips.latencyMs, 50),
      roundTripP99Ms: percentile(trips.latencyMs, 99),
    };
    console.log(JSON.stringify(result));
    const rows = [
      ['connections open (failed)', `${result.connections.toLocaleString('en-US')} (${result.failed})`],
      ['server memory per connection', `${result.memoryPerConnectionKiB.toFixed(1)} KiB`],
      ['server RSS with them open', `${result.serverRssMiB.toFixed(0)} MiB`],
      ['connections opened and authorized per second', result.openedPerSecond.toFixed(0)],
      [
        'connect to auth_state, p50 / p99',
        `${result.loginP50Ms.toFixed(0)} / ${result.loginP99Ms.toFixed(0)} ms`,
      ],
      ['message round trips per second', result.roundTripsPerSecond.toFixed(0)],
      [
        'round trip, p50 / p99',
        `${result.roundTripP50Ms.toFixed(1)} / ${result.roundTripP99Ms.toFixed(1)} ms`,
      ],
    ];
    const table = markdownTable(['S0: bare ws server over TLS', 'measured'], rows);
    console.log(table);
    if (options['no-write']) return;
    await writeSection(
      'S0: the bound (a bare ws server over TLS)',
      [
        '## S0: the bound (a bare ws server over TLS)',
        '',
        `Written by \`bench/s0-bound.ts\` on ${new Date().toISOString()}. Machine: ${machine()}.`,
        `Run: \`npm run bench -- s0 --connections ${connections} --processes ${processes} --concurrency ${concurrency} --messages ${messages}\`.`,
        'The server answers `version` and `authorize` as the gateway does and pings every 30 s, nothing more;',
        `${processes} client processes on the same machine open one connection per 127.x.y.z source address,`,
        `${concurrency} in flight at once. Memory is the server's RSS with them open (after 3 s) less its RSS before.`,
        'These figures are the bounds the gateway scenarios are held to, measured again in each of their runs.',
        '',
        table,
        '',
      ].join('\n'),
    );
    console.log('wrote the S0 section of docs/benchmarks.md');
  } finally {
    await generator.close();
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
