// Benchmark (not a test): how fast the gateway can add and remove WireGuard peers on wireguard-go.
// Needs root, wireguard-go, wg and ip. Build first, then run with the project's Node 24:
//   npx tsc -b packages/drivers && npx node bench/wireguard-peers.ts [--peers 10000] [--syncconf-peers 1000] [--no-write]
// It runs in a fresh network namespace, removes it at the end, and writes the section
// "WireGuard peers" of docs/benchmarks.md (replacing the one from an earlier run).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg, release } from 'node:os';
import { parseArgs } from 'node:util';
import {
  Netns,
  UserspaceWireGuard,
  buildWgConfig,
  generateKeyPair,
  runCommand,
  withSecretPipe,
} from '@kordon/drivers';
import { recordTargets, writeSection } from './support/report.ts';

interface Peer {
  publicKey: string;
  allowedIps: string[];
}

interface Row {
  label: string;
  ms: number;
  note?: string;
}

const { values: options } = parseArgs({
  options: {
    peers: { type: 'string', default: '10000' },
    'syncconf-peers': { type: 'string', default: '1000' },
    'no-write': { type: 'boolean', default: false },
  },
});
const PEERS = Number(options.peers);
const SYNCCONF_PEERS = Number(options['syncconf-peers']);
const BATCH = 100;
/** The counts as printed: 10,000. */
const N = PEERS.toLocaleString('en-US');
const M = SYNCCONF_PEERS.toLocaleString('en-US');

function makePeers(count: number): Peer[] {
  // Addresses in 100.64.0.0/16 from .0.2 on (the tunnel pool of the tests).
  return Array.from({ length: count }, (_, i) => {
    const n = i + 2;
    return { publicKey: generateKeyPair().publicKey, allowedIps: [`100.64.${n >> 8}.${n & 255}/32`] };
  });
}

async function timed(label: string, fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  const ms = performance.now() - start;
  console.log(`${label}: ${formatMs(ms)}`);
  return ms;
}

function formatMs(ms: number): string {
  return ms >= 10_000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : `${ms.toFixed(0)} ms`;
}

/** Least-squares line through (k, t_k): per-operation time as a function of the peers present. */
function fitLine(samples: readonly number[]): { a: number; b: number } {
  const n = samples.length;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  samples.forEach((y, i) => {
    const x = i + 1;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  });
  const b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return { a: (sy - b * sx) / n, b };
}

/**
 * N changes whose cost grows linearly from `first` (one peer present) to `last` (N present):
 * the trapezoid N * (first + last) / 2. Both ends are measured, so noise in the fit cannot skew it.
 */
function extrapolate(first: number, last: number, n: number): number {
  return (n * (first + last)) / 2;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function peerCount(name: string): Promise<number> {
  const { stdout } = await runCommand('wg', ['show', name, 'peers']);
  return stdout.split('\n').filter((line) => line !== '').length;
}

async function expectPeers(name: string, count: number): Promise<void> {
  const seen = await peerCount(name);
  if (seen !== count) throw new Error(`expected ${count} peers on ${name}, found ${seen}`);
}

async function rssMiB(pid: number | undefined): Promise<string> {
  if (pid === undefined) return '?';
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return `${(kb / 1024).toFixed(0)} MiB`;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root (network namespaces, wireguard-go)');
  const id = randomBytes(3).toString('hex');
  const name = `kdb-${id}`;
  const ns = await Netns.create(`kdb-${id}`);
  const driver = new UserspaceWireGuard({
    interfaceName: name,
    netns: ns,
    log: (level, message) => {
      console.error(`[${level}] ${message}`);
    },
  });
  const stop = (): void => {
    void driver.down().finally(() => {
      void ns.remove().finally(() => {
        process.exit(130);
      });
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const gateway = generateKeyPair();
  const config = { privateKey: gateway.privateKey, listenPort: 51820, address: '100.64.0.1/16' };
  const rows: Row[] = [];
  const facts: string[] = [];
  facts.push(
    `load average at the start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other work on the machine makes the process-per-change rows slower)`,
  );
  try {
    await driver.up(config);
    console.log(`generating ${N} key pairs...`);
    const peers = makePeers(PEERS);
    const keys = peers.map((p) => p.publicKey);

    // (a) UAPI through the driver: one set for everything, then batches of 100.
    const uapiAdd = await timed(`UAPI: add ${N} in one set`, () =>
      driver.applyPeers({ add: peers, remove: [] }),
    );
    await expectPeers(name, PEERS);
    facts.push(`wireguard-go resident memory with ${N} peers: ${await rssMiB(driver.pid)}`);
    const listUapi = await timed(`UAPI: list ${N} peers (driver.peers())`, async () => {
      if ((await driver.peers()).length !== PEERS) throw new Error('peers() lost some');
    });
    const listWg = await timed(`wg show dump of ${N} peers`, async () => {
      await runCommand('wg', ['show', name, 'dump']);
    });
    const uapiRemove = await timed(`UAPI: remove ${N} in one set`, () =>
      driver.applyPeers({ add: [], remove: keys }),
    );
    await expectPeers(name, 0);
    const batchAdd = await timed(`UAPI: add ${N} in sets of ${BATCH}`, async () => {
      for (let i = 0; i < PEERS; i += BATCH)
        await driver.applyPeers({ add: peers.slice(i, i + BATCH), remove: [] });
    });
    await expectPeers(name, PEERS);
    const batchRemove = await timed(`UAPI: remove ${N} in sets of ${BATCH}`, async () => {
      for (let i = 0; i < PEERS; i += BATCH)
        await driver.applyPeers({ add: [], remove: keys.slice(i, i + BATCH) });
    });
    await expectPeers(name, 0);

    // (b) One `wg set` process per peer (run from this namespace: the socket folder is shared).
    const wgAdd = await timed(`wg set: add ${N}, one process each`, async () => {
      for (const peer of peers) {
        await runCommand('wg', [
          'set',
          name,
          'peer',
          peer.publicKey,
          'allowed-ips',
          peer.allowedIps.join(','),
        ]);
      }
    });
    await expectPeers(name, PEERS);
    const wgRemove = await timed(`wg set: remove ${N}, one process each`, async () => {
      for (const key of keys) await runCommand('wg', ['set', name, 'peer', key, 'remove']);
    });
    await expectPeers(name, 0);

    // (c) `wg syncconf` of the whole configuration per change: quadratic, so measured on fewer peers
    // and extrapolated: the cost of one change grows linearly with the peers present (checked below
    // with a least-squares fit), so N changes cost N * (cost with 1 peer + cost with N peers) / 2.
    const few = peers.slice(0, SYNCCONF_PEERS);
    const syncconf = (list: readonly Peer[]): Promise<void> =>
      withSecretPipe(buildWgConfig(config, list), async (path) => {
        await runCommand('wg', ['syncconf', name, path]);
      });
    const addTimes: number[] = [];
    const syncAdd = await timed(`wg syncconf: add ${M}, one change each`, async () => {
      for (let k = 1; k <= few.length; k++) {
        const start = performance.now();
        await syncconf(few.slice(0, k));
        addTimes.push(performance.now() - start);
      }
    });
    await expectPeers(name, SYNCCONF_PEERS);
    const removeTimes: number[] = [];
    const syncRemove = await timed(`wg syncconf: remove ${M}, one change each`, async () => {
      for (let k = few.length - 1; k >= 0; k--) {
        const start = performance.now();
        await syncconf(few.slice(0, k));
        removeTimes.push(performance.now() - start);
      }
    });
    await expectPeers(name, 0);
    // One change at the full count, measured: the far end of the extrapolation.
    await driver.applyPeers({ add: peers.slice(0, PEERS - 1), remove: [] });
    const syncOneAdd = await timed(
      `wg syncconf: one add with ${(PEERS - 1).toLocaleString('en-US')} peers present`,
      () => syncconf(peers),
    );
    const syncOneRemove = await timed(`wg syncconf: one remove with ${N} peers present`, () =>
      syncconf(peers.slice(0, PEERS - 1)),
    );
    await driver.applyPeers({ add: [], remove: keys });
    await expectPeers(name, 0);
    // removeTimes[j] ran with (SYNCCONF_PEERS - j) peers present; fit against that count.
    const addFit = fitLine(addTimes);
    const removeFit = fitLine([...removeTimes].reverse());
    // The cost with few peers: the median of the first 20 changes (removeTimes ends with the small counts).
    const syncAddExtra = extrapolate(median(addTimes.slice(0, 20)), syncOneAdd, PEERS);
    const syncRemoveExtra = extrapolate(median(removeTimes.slice(-20)), syncOneRemove, PEERS);
    console.log(
      `wg syncconf extrapolated to ${N}: add ${formatMs(syncAddExtra)}, remove ${formatMs(syncRemoveExtra)}`,
    );

    rows.push(
      { label: `(a) UAPI, one set: add ${N}`, ms: uapiAdd },
      { label: `(a) UAPI, one set: remove ${N}`, ms: uapiRemove },
      { label: `(a) UAPI, sets of ${BATCH}: add ${N}`, ms: batchAdd },
      { label: `(a) UAPI, sets of ${BATCH}: remove ${N}`, ms: batchRemove },
      { label: `(b) \`wg set\` per peer: add ${N}`, ms: wgAdd },
      { label: `(b) \`wg set\` per peer: remove ${N}`, ms: wgRemove },
      { label: `(c) \`wg syncconf\` per change: add ${M} (measured)`, ms: syncAdd },
      { label: `(c) \`wg syncconf\` per change: remove ${M} (measured)`, ms: syncRemove },
      {
        label: `(c) \`wg syncconf\` per change: add ${N}`,
        ms: syncAddExtra,
        note: 'EXTRAPOLATED',
      },
      {
        label: `(c) \`wg syncconf\` per change: remove ${N}`,
        ms: syncRemoveExtra,
        note: 'EXTRAPOLATED',
      },
      { label: `listing ${N} peers: UAPI get (driver.peers())`, ms: listUapi },
      { label: `listing ${N} peers: \`wg show dump\``, ms: listWg },
    );
    facts.push(
      `\`wg syncconf\`, one change at the full count, measured: add ${formatMs(syncOneAdd)} (the fit through the first ${M} says ` +
        `${formatMs(addFit.a + addFit.b * PEERS)}), remove ${formatMs(syncOneRemove)} (the fit through the first ${M} says ` +
        `${formatMs(removeFit.a + removeFit.b * PEERS)})`,
    );
    facts.push(
      `\`wg syncconf\` fit: one change takes ${addFit.a.toFixed(2)} ms + ${(addFit.b * 1000).toFixed(2)} µs ` +
        `per peer present (adds), ${removeFit.a.toFixed(2)} ms + ${(removeFit.b * 1000).toFixed(2)} µs (removes)`,
    );
    await recordTargets('s4', [
      {
        what: `S4 ${N} peers added / removed: one UAPI set against one \`wg set\` per peer`,
        target: '≥ 20×',
        measured: `${(wgAdd / uapiAdd).toFixed(0)}× / ${(wgRemove / uapiRemove).toFixed(0)}×`,
        met: Math.min(wgAdd / uapiAdd, wgRemove / uapiRemove) >= 20,
      },
      {
        what: `S4 ${N} peers added / removed: one UAPI set against \`wg syncconf\` per change (extrapolated)`,
        target: '≥ 100×',
        measured: `${(syncAddExtra / uapiAdd).toFixed(0)}× / ${(syncRemoveExtra / uapiRemove).toFixed(0)}×`,
        met: Math.min(syncAddExtra / uapiAdd, syncRemoveExtra / uapiRemove) >= 100,
      },
    ]);
    const section = await renderSection(name, rows, facts, {
      uapiAdd,
      uapiRemove,
      batchAdd,
      batchRemove,
      wgAdd,
      wgRemove,
      syncAddExtra,
      syncRemoveExtra,
    });
    console.log(`\n${section}`);
    if (!options['no-write']) {
      await writeSection('WireGuard peers', section);
      console.log('written to docs/benchmarks.md');
    }
  } finally {
    await driver.down();
    await ns.remove();
  }
}

async function renderSection(
  name: string,
  rows: readonly Row[],
  facts: readonly string[],
  t: Record<
    | 'uapiAdd'
    | 'uapiRemove'
    | 'batchAdd'
    | 'batchRemove'
    | 'wgAdd'
    | 'wgRemove'
    | 'syncAddExtra'
    | 'syncRemoveExtra',
    number
  >,
): Promise<string> {
  const wgGo = (await runCommand('wireguard-go', ['--version'])).stdout.split('\n')[0]?.trim() ?? '?';
  const wgTools = (await runCommand('wg', ['--version'])).stdout.trim().split(' ').slice(0, 2).join(' ');
  const ratio = (x: number, y: number): string => `${(x / y).toFixed(0)}×`;
  return [
    '## WireGuard peers',
    '',
    `Written by \`bench/wireguard-peers.ts\` on ${new Date().toISOString()} (interface \`${name}\` in a fresh`,
    'network namespace, removed afterwards). Machine: ' +
      `${availableParallelism()} CPUs (nproc), Linux ${release()}, ${wgGo}, ${wgTools}, Node ${process.version}.`,
    'Times are wall-clock for the whole operation, including the processes started. Run (as root):',
    '`npx tsc -b packages/drivers && npx node bench/wireguard-peers.ts` (`--peers N`, `--syncconf-peers M`).',
    '',
    '| Operation | Time |',
    '| --- | ---: |',
    ...rows.map((r) => `| ${r.label}${r.note ? ` — **${r.note}**` : ''} | ${formatMs(r.ms)} |`),
    '',
    'Ratios (adding / removing all peers):',
    '',
    `- one UAPI set vs one \`wg set\` process per peer: ${ratio(t.wgAdd, t.uapiAdd)} / ${ratio(t.wgRemove, t.uapiRemove)} faster`,
    `- UAPI sets of ${BATCH} vs one \`wg set\` per peer: ${ratio(t.wgAdd, t.batchAdd)} / ${ratio(t.wgRemove, t.batchRemove)} faster`,
    `- one UAPI set vs \`wg syncconf\` per change (extrapolated): ${ratio(t.syncAddExtra, t.uapiAdd)} / ${ratio(t.syncRemoveExtra, t.uapiRemove)} faster`,
    '',
    `"EXTRAPOLATED" rows are not measured: \`wg syncconf\` rewrites the whole configuration, so one change costs`,
    `time proportional to the peers present and N changes cost O(N²). The bench measures ${M} changes one by one,`,
    `and one change with ${N} peers present; N changes then cost N × (one change with 1 peer + one change with`,
    'N peers) / 2. A least-squares line through the measured changes (below) checks that the growth is linear.',
    '',
    ...facts.map((f) => `- ${f}`),
    '',
  ].join('\n');
}

await main();
