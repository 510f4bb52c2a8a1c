// S0 (issue "Performance"): the bound the gateway is held to. A bare `ws` server over TLS
// (load/bare-server.ts) answering the same two messages, loaded by the load generator with one
// 127.x.y.z source address per connection: its memory per connection, and its rates of connections
// opened and authorized and of message round trips. Run: `npm run bench -- s0 [--connections 10000]
// [--processes 4] [--concurrency 200] [--messages 20000] [--no-write]`.
import { parseArgs } from 'node:util';
import { boundRows, measureBound } from './load/bound.ts';
import { machine, markdownTable, recordTargets, writeSection } from './support/report.ts';

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

async function main(): Promise<void> {
  const result = {
    scenario: 'S0',
    ...(await measureBound({ connections, processes, concurrency, messages })),
  };
  console.log(JSON.stringify(result));
  const rows = boundRows(result);
  const table = markdownTable(['S0: bare ws server over TLS', 'measured'], rows);
  console.log(table);
  await recordTargets('s0', [
    {
      what: `S0 bound, ${connections.toLocaleString('en-US')} connections`,
      target: 'the reference',
      measured:
        `${result.memoryPerConnectionKiB.toFixed(1)} KiB a connection; ${result.openedPerSecond.toFixed(0)} opened and ` +
        `authorized a second; ${result.roundTripsPerSecond.toFixed(0)} round trips a second`,
      met: null,
    },
  ]);
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
}

await main();
