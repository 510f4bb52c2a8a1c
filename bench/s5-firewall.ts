// S5 (issue "Performance"): the firewall. The real NftablesFirewall, as root, in a network namespace
// this bench creates and removes: 100,000 addresses allowed in one call (target: under 1 s), listed and
// revoked; then, with 100,000 present, single grants and revokes back to back and at a steady rate
// (target: p99 under 5 ms), and a single grant through the gateway's AccessControl. The peer, measured
// in the same run: one `nft` process per address, as a driver without batches or a long-lived nft would.
// Run (root): `npm run bench -- s5 [--addresses 100000] [--repeat 3] [--churn 2000] [--rate 200]
// [--seconds 20] [--peer 1000] [--no-write]`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { FirewallConfig, Session, TunnelDriver } from '@kordon/core';
import { createLogger, Netns, NftablesFirewall, runCommand } from '@kordon/drivers';
import { AccessControl } from '../packages/gateway/dist/access.js';
import { percentile } from './load/protocol.ts';
import { machine, markdownTable, recordTargets, writeSection } from './support/report.ts';

const { values: options } = parseArgs({
  options: {
    addresses: { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '3' },
    churn: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    peer: { type: 'string', default: '1000' },
    'no-write': { type: 'boolean', default: false },
    /** Set by the bench itself for the part that runs inside the namespace. */
    inside: { type: 'boolean', default: false },
  },
});
const ADDRESSES = Number(options.addresses);
const REPEAT = Number(options.repeat);
const CHURN = Number(options.churn);
const RATE = Number(options.rate);
const SECONDS = Number(options.seconds);
const PEER = Number(options.peer);
const targets = { bulkMs: 1000, singleP99Ms: 5 };
const TABLE = 'kordon';
const N = ADDRESSES.toLocaleString('en-US');

/** 100.64.0.0/10, the tunnel pool: the n-th address (n from 2, past the network and the gateway). */
function tunnelAddress(n: number): string {
  return `100.${64 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

/** 198.18.0.0/15, where local clients live in tests: the n-th address. */
function localAddress(n: number): string {
  return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

function range(count: number, from: number, address: (n: number) => string): string[] {
  return Array.from({ length: count }, (_, i) => address(from + i));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(2)} ms`;
}

const median = (values: readonly number[]): number => percentile(values, 50);

/**
 * Listings that came out torn: the kernel lists a big hash set in several messages, each resuming by
 * count, so one resized in between (it grows in the background after a big load) shows some elements
 * twice and as many not at all. Such a listing is read again, as the driver's `authorized()` does.
 */
const tornListings: number[] = [];

/** The IPv4 authorized set as the kernel has it, read with nft itself (not through the driver). */
async function kernelSet(): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    const { stdout } = await runCommand('nft', ['-j', 'list', 'set', 'inet', TABLE, 'auth4']);
    const parsed = JSON.parse(stdout) as { nftables: { set?: { elem?: unknown[] } }[] };
    const elements = parsed.nftables.flatMap((entry) => entry.set?.elem ?? []).map(String);
    if (new Set(elements).size === elements.length || attempt === 5) return elements;
    tornListings.push(elements.length - new Set(elements).size);
    console.error(`a torn listing (${tornListings.at(-1)} elements twice); again`);
    await sleep(50 * attempt);
  }
}

/** Throws unless `actual` holds exactly the addresses of `expected`. */
function expectSame(what: string, actual: readonly string[], expected: readonly string[]): void {
  const want = new Set(expected);
  const have = new Set(actual);
  const missing = [...want].filter((a) => !have.has(a));
  const extra = [...have].filter((a) => !want.has(a));
  if (actual.length !== have.size || missing.length > 0 || extra.length > 0) {
    throw new Error(
      `${what}: expected ${want.size} addresses, found ${actual.length} (${missing.length} missing, e.g. ${missing.slice(0, 3).join(' ')}; ${extra.length} extra, e.g. ${extra.slice(0, 3).join(' ')})`,
    );
  }
}

interface Latencies {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

function latencies(values: readonly number[]): Latencies {
  return {
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: Math.max(...values),
    count: values.length,
  };
}

/** Single changes one after another: allow([x]) then revoke([x]), for `count` calls. */
async function backToBack(
  firewall: NftablesFirewall,
  addresses: readonly string[],
): Promise<{ allow: number[]; revoke: number[] }> {
  const allow: number[] = [];
  const revoke: number[] = [];
  for (const address of addresses) {
    allow.push(await timed(() => firewall.allow([address])));
    revoke.push(await timed(() => firewall.revoke([address])));
  }
  return { allow, revoke };
}

/**
 * Single changes issued at a steady rate whatever the previous ones are doing (the driver queues
 * them): call k at start + k / rate, an allow for even k and the revoke of that address after it.
 * The latency of a call runs from its issue to its end, so queueing behind a slow one counts.
 */
async function steady(
  firewall: NftablesFirewall,
  addresses: readonly string[],
  rate: number,
): Promise<{ all: number[]; late: number[] }> {
  const all: number[] = [];
  const late: number[] = [];
  const calls: Promise<void>[] = [];
  const interval = 1000 / rate;
  const start = performance.now();
  for (let k = 0; k < 2 * addresses.length; k++) {
    const due = start + k * interval;
    const wait = due - performance.now();
    // A timer fires no earlier than its whole milliseconds: rounded up, never early.
    if (wait > 1) await sleep(Math.ceil(wait));
    else await new Promise((resolve) => setImmediate(resolve));
    late.push(performance.now() - due);
    const address = addresses[k >> 1] ?? '';
    const issued = performance.now();
    const call = k % 2 === 0 ? firewall.allow([address]) : firewall.revoke([address]);
    calls.push(
      call.then(() => {
        all.push(performance.now() - issued);
      }),
    );
  }
  await Promise.all(calls);
  return { all, late };
}

/** A local session (no tunnel: only the firewall is touched) with the fields AccessControl reads. */
function localSession(address: string): Session {
  return {
    id: `s5-${address}`,
    account: 'bench',
    method: 'password',
    sourceAddress: address,
    vpn: false,
    tunnelIpv4: null,
    device: address,
    state: 'active',
    since: new Date(),
    node: 'bench',
    holder: 'bench/0',
    graceUntil: null,
    resumeNonceHash: null,
    previousNonceHash: null,
    rotatedAt: null,
    posture: null,
  };
}

/** The grants and revokes of local sessions one after another through the gateway's AccessControl. */
async function throughAccessControl(
  firewall: NftablesFirewall,
  addresses: readonly string[],
): Promise<{ grant: number[]; revoke: number[] }> {
  // Local sessions have no peer, so the tunnel is never asked for anything.
  const tunnel = new Proxy({} as TunnelDriver, {
    get: (_target, key) => {
      throw new Error(`the tunnel was used (${String(key)})`);
    },
  });
  const logger = createLogger({ level: 'warn', format: 'json', destination: process.stderr });
  const access = new AccessControl(tunnel, firewall, logger);
  const grant: number[] = [];
  const revoke: number[] = [];
  for (const address of addresses) {
    const session = localSession(address);
    grant.push(await timed(() => access.grant(session)));
    revoke.push(await timed(() => access.revoke(session)));
  }
  return { grant, revoke };
}

/** The peer: one `nft` process per address, each timed. */
async function processPerAddress(verb: 'add' | 'delete', addresses: readonly string[]): Promise<number[]> {
  const times: number[] = [];
  for (const address of addresses) {
    times.push(
      await timed(() => runCommand('nft', [verb, 'element', 'inet', TABLE, 'auth4', `{ ${address} }`])),
    );
  }
  return times;
}

/** The resident memory of this process's `nft -i` child (the driver's session), in MiB. */
function sessionRssMiB(): number | undefined {
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    const children = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').split(' ');
    for (const pid of children.filter((p) => p !== '')) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!argv.includes('-i')) continue;
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      return kb / 1024;
    }
  }
  return undefined;
}

interface BulkRuns {
  allow: number[];
  list: number[];
  revoke: number[];
}

/** `repeat` rounds of allow (all at once), authorized(), revoke (all at once), each checked against nft. */
async function bulk(
  firewall: NftablesFirewall,
  addresses: readonly string[],
  label: string,
): Promise<BulkRuns> {
  const runs: BulkRuns = { allow: [], list: [], revoke: [] };
  for (let round = 0; round < REPEAT; round++) {
    runs.allow.push(await timed(() => firewall.allow([...addresses])));
    expectSame(`${label}: the kernel's set after allow`, await kernelSet(), addresses);
    let listed: string[] = [];
    runs.list.push(
      await timed(async () => {
        listed = await firewall.authorized();
      }),
    );
    expectSame(`${label}: authorized()`, listed, addresses);
    runs.revoke.push(await timed(() => firewall.revoke([...addresses])));
    expectSame(`${label}: the kernel's set after revoke`, await kernelSet(), []);
    console.error(
      `${label} round ${round + 1}: allow ${formatMs(runs.allow.at(-1) ?? NaN)}, list ${formatMs(runs.list.at(-1) ?? NaN)}, revoke ${formatMs(runs.revoke.at(-1) ?? NaN)}`,
    );
  }
  return runs;
}

async function measure(): Promise<void> {
  const { stdout: nftVersion } = await runCommand('nft', ['--version']);
  const firewall = new NftablesFirewall({ table: TABLE, log: (m) => console.error(m) });
  const config: FirewallConfig = {
    // Names only: the table enforces interfaces that need not exist.
    enforcedInterfaces: ['kds5-clients'],
    tunnelInterface: 'kds5-wg',
    tunnelNetwork: '100.64.0.0/10',
    authorized: [],
    exemptFrom: [],
    exemptTo: [],
    accessRules: [],
    profiles: {},
  };
  const startedAt = new Date().toISOString();
  const machineLine = machine();
  await firewall.install(config);
  const tunnel = range(ADDRESSES, 2, tunnelAddress);
  const local = range(ADDRESSES, 2, localAddress);

  // 1. Bulk: the same set holds tunnel and local addresses (auth4), both are measured anyway.
  const tunnelBulk = await bulk(firewall, tunnel, 'tunnel addresses');
  const localBulk = await bulk(firewall, local, 'local addresses');
  const installWith = await timed(() => firewall.install({ ...config, authorized: tunnel }));
  expectSame('install with addresses', await kernelSet(), tunnel);
  const revokeAll = await timed(() => firewall.revokeAll());
  expectSame('after revokeAll', await kernelSet(), []);
  console.error(`install with ${N}: ${formatMs(installWith)}, revokeAll: ${formatMs(revokeAll)}`);

  // 2. Churn with the full set present, on addresses outside it (100.67.0.0 on).
  await firewall.allow(tunnel);
  const churnAddresses = range(Math.ceil(CHURN / 2), 3 << 16, tunnelAddress);
  const pair = await backToBack(firewall, churnAddresses);
  console.error(
    `back to back: allow p99 ${formatMs(percentile(pair.allow, 99))}, revoke p99 ${formatMs(percentile(pair.revoke, 99))}`,
  );
  const steadyAddresses = range(Math.ceil((RATE * SECONDS) / 2), 4 << 16, tunnelAddress);
  const steadyRun = await steady(firewall, steadyAddresses, RATE);
  console.error(`steady ${RATE}/s: p99 ${formatMs(percentile(steadyRun.all, 99))}`);
  const accessAddresses = range(500, 5 << 16, tunnelAddress);
  const viaAccess = await throughAccessControl(firewall, accessAddresses);
  const rssMiB = sessionRssMiB();
  expectSame('after the churn', await kernelSet(), tunnel);

  // 3. The peer: one process per address, with the full set present.
  const peerAddresses = range(PEER, 6 << 16, tunnelAddress);
  const peerAdd = await processPerAddress('add', peerAddresses);
  expectSame('after the peer added', await kernelSet(), [...tunnel, ...peerAddresses]);
  const peerDelete = await processPerAddress('delete', peerAddresses);
  expectSame('after the peer deleted', await kernelSet(), tunnel);
  const peerAddTotal = peerAdd.reduce((a, b) => a + b, 0);
  const peerAddExtrapolated = (peerAddTotal / PEER) * ADDRESSES;
  const peerDeleteExtrapolated = (peerDelete.reduce((a, b) => a + b, 0) / PEER) * ADDRESSES;
  console.error(
    `peer: add ${PEER} ${formatMs(peerAddTotal)}, p99 per process ${formatMs(percentile(peerAdd, 99))}`,
  );
  await firewall.remove();
  const loadAtEnd = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

  const bulkWorst = Math.max(...tunnelBulk.allow, ...localBulk.allow);
  // The target is under steady churn: the steady run decides; back to back is shown beside it.
  const single = latencies(steadyRun.all);
  const pairs = latencies([...pair.allow, ...pair.revoke]);
  const result = {
    scenario: 'S5',
    addresses: ADDRESSES,
    bulk: { tunnel: tunnelBulk, local: localBulk, installWith, revokeAll },
    backToBack: { allow: latencies(pair.allow), revoke: latencies(pair.revoke) },
    steady: {
      rate: RATE,
      seconds: SECONDS,
      ...latencies(steadyRun.all),
      timerLate: latencies(steadyRun.late),
    },
    accessControl: { grant: latencies(viaAccess.grant), revoke: latencies(viaAccess.revoke) },
    peer: {
      count: PEER,
      add: latencies(peerAdd),
      delete: latencies(peerDelete),
      addExtrapolatedMs: peerAddExtrapolated,
      deleteExtrapolatedMs: peerDeleteExtrapolated,
    },
    sessionRssMiB: rssMiB,
    tornListings,
    met: { bulk: bulkWorst < targets.bulkMs, single: single.p99 < targets.singleP99Ms },
  };
  console.log(JSON.stringify(result));
  await recordTargets('s5', [
    {
      what: `S5 ${N} addresses into the sets`,
      target: `< ${formatMs(targets.bulkMs)}`,
      measured: `worst of ${2 * REPEAT}: ${formatMs(bulkWorst)}`,
      met: result.met.bulk,
    },
    {
      what: `S5 single add or remove under churn (${RATE}/s, ${N} present)`,
      target: `p99 < ${formatMs(targets.singleP99Ms)}`,
      measured: `p99 ${formatMs(single.p99)} over ${single.count} calls`,
      met: result.met.single,
    },
  ]);

  const met = (ok: boolean): string => (ok ? 'met' : '**not met**');
  const lat = (l: Latencies): string[] => [
    formatMs(l.p50),
    formatMs(l.p99),
    formatMs(l.max),
    String(l.count),
  ];
  const command = `npm run bench -- s5 --addresses ${ADDRESSES} --repeat ${REPEAT} --churn ${CHURN} --rate ${RATE} --seconds ${SECONDS} --peer ${PEER}`;
  const section = [
    '## S5: the firewall (nftables)',
    '',
    `Written by \`bench/s5-firewall.ts\` on ${startedAt}. Machine: ${machineLine} (${loadAtEnd} at the end); ${nftVersion.trim()}.`,
    `Run as root: \`${command}\`. The driver (\`NftablesFirewall\`, as the gateway constructs it) runs`,
    'inside a network namespace the bench creates and removes, nft spawned there directly. Every load and',
    'revoke is checked against the kernel (`nft -j list set`): exactly the addresses given, then none.',
    '',
    markdownTable(
      ['Target', 'Measured', 'Result'],
      [
        [
          `allow() of ${N} addresses: under 1 s`,
          `worst of ${2 * REPEAT}: ${formatMs(bulkWorst)} (median ${formatMs(median([...tunnelBulk.allow, ...localBulk.allow]))})`,
          met(result.met.bulk),
        ],
        [
          `single allow/revoke under steady churn (${RATE}/s, ${N} present): p99 under 5 ms`,
          `p99 ${formatMs(single.p99)}, p50 ${formatMs(single.p50)} over ${single.count} calls (back to back: p99 ${formatMs(pairs.p99)} over ${pairs.count})`,
          met(result.met.single),
        ],
      ],
    ),
    '',
    `Bulk, ${REPEAT} rounds each (allow all in one call, list with \`authorized()\`, revoke all in one call):`,
    '',
    markdownTable(
      ['Operation', 'Median', 'Worst'],
      [
        ...(
          [
            ['tunnel (100.64.0.0/10)', tunnelBulk],
            ['local (198.18.0.0/15)', localBulk],
          ] as const
        ).flatMap(([label, runs]) => [
          [`${label}: allow ${N}`, formatMs(median(runs.allow)), formatMs(Math.max(...runs.allow))],
          [
            `${label}: \`authorized()\` of ${N}`,
            formatMs(median(runs.list)),
            formatMs(Math.max(...runs.list)),
          ],
          [`${label}: revoke ${N}`, formatMs(median(runs.revoke)), formatMs(Math.max(...runs.revoke))],
        ]),
        [`\`install\` with ${N} authorized (the start's reconcile)`, formatMs(installWith), ''],
        [`\`revokeAll()\` of ${N} (a graceful stop)`, formatMs(revokeAll), ''],
      ],
    ),
    '',
    `Single changes with ${N} addresses present (each call is one \`allow([a])\` or \`revoke([a])\`):`,
    '',
    markdownTable(
      ['Calls', 'p50', 'p99', 'max', 'calls'],
      [
        ['driver, back to back: allow', ...lat(result.backToBack.allow)],
        ['driver, back to back: revoke', ...lat(result.backToBack.revoke)],
        [`driver, ${RATE}/s for ${SECONDS} s (allow and revoke)`, ...lat(result.steady)],
        ['AccessControl.grant of a local session, back to back', ...lat(result.accessControl.grant)],
        ['AccessControl.revoke of a local session, back to back', ...lat(result.accessControl.revoke)],
        ['peer: one `nft add element` process per address', ...lat(result.peer.add)],
        ['peer: one `nft delete element` process per address', ...lat(result.peer.delete)],
      ],
    ),
    '',
    `The peer for the bulk load: ${PEER.toLocaleString('en-US')} \`nft add element\` processes took ${formatMs(peerAddTotal)};`,
    `${N} of them would take ${formatMs(peerAddExtrapolated)} — **EXTRAPOLATED** (linear: an add into a hash set`,
    'costs the same whatever it holds; the p50 above is with the full set present). One `allow()` of all of them',
    `is ${(peerAddExtrapolated / median(tunnelBulk.allow)).toFixed(0)}× faster; removing them one process each would take`,
    `${formatMs(peerDeleteExtrapolated)} (**EXTRAPOLATED** the same way) against ${formatMs(median(tunnelBulk.revoke))} for one \`revoke()\`.`,
    '',
    '- Small changes (scripts up to 16 KiB, about 1,000 addresses) go through one long-lived `nft -i`',
    '  process (packages/drivers/src/nftables/session.ts): each is one line, one transaction, as the',
    '  script of `nft -f -` is. A process per change costs more than the whole target: the fork of the',
    '  Node process (2-8 ms, growing with its memory), and on every delete the exit of nft waits for the',
    '  kernel to free the deleted elements (closing an nftables netlink socket flushes that work, an RCU',
    '  grace period: most of the p50 of the `nft delete element` row). The long-lived process keeps its',
    `  socket. Its memory after the churn: ${rssMiB === undefined ? '?' : `${rssMiB.toFixed(1)} MiB`}. It is replaced every 1,000 commands, the`,
    '  next one started as soon as one is retired: nft keeps each line in its libedit history, and libedit',
    '  walks the whole history for every new line (measured apart: 0.5 ms a command at first, 6.5 ms after',
    '  20,000). The max of a row includes the start of an `nft -i`: its first command, and one in 1,000.',
    '- Larger changes (a bulk load, the start) run `nft -f -` as before; there the process is a small',
    '  part of the cost, which is nft parsing the script and the kernel inserting the elements.',
    "- One grant end to end: the gateway's AccessControl (packages/gateway/src/access.ts) gathers what",
    '  arrives while a batch is applied and waits one `setImmediate` before it applies the next; for a',
    '  local session a grant is one `allow()` (a tunnel session adds one WireGuard UAPI set, see "WireGuard',
    '  peers"). The AccessControl rows above are that cost, measured with the same driver.',
    '- Tunnel and local addresses are in the same set (`auth4`); both were loaded, with the same result.',
    `- Listings of the bench's own checks that came out torn and were read again: ${tornListings.length}${tornListings.length > 0 ? ` (${tornListings.map((n) => n.toLocaleString('en-US')).join(', ')} elements listed twice)` : ''}.`,
    '  The kernel lists a big hash set in several messages, each resuming after as many elements as were',
    '  sent; a set resized in between (it grows in the background after a big load) lists some elements',
    '  twice and as many not at all. The driver reads such a listing again (`tornSets`, firewall.ts).',
    '- The steady run issues each call on a timer whatever the ones before it are doing, so a slow call',
    "  delays those behind it in the driver's queue, and that counts. The timer itself fired late by",
    `  p50 ${formatMs(result.steady.timerLate.p50)}, p99 ${formatMs(result.steady.timerLate.p99)}, max ${formatMs(result.steady.timerLate.max)}: time this process waited for a CPU, which a call can wait too.`,
    ...(result.met.single
      ? []
      : [
          `- The single-change target is missed by ${formatMs(single.p99 - targets.singleP99Ms)} (p99 ${formatMs(single.p99)},`,
          `  ${(single.p99 / targets.singleP99Ms).toFixed(1)}× the target) at a load average of ${loadavg()[0]?.toFixed(2) ?? '?'} on ${availableParallelism()} CPUs;`,
          `  the p50 is ${formatMs(single.p50)}. A call wakes two processes, nft and this one, and each can wait for a CPU`,
          "  as long as the timer's own lateness above: " +
            (2 * result.steady.timerLate.p99 >= single.p99 - single.p50
              ? 'twice its p99 covers what the p99 adds to the p50, so the wait for a CPU explains the miss.'
              : 'that does not cover what the p99 adds to the p50; the rest is not explained here.'),
        ]),
    '',
  ].join('\n');
  console.log(`\n${section}`);
  if (!options['no-write']) {
    await writeSection('S5: the firewall (nftables)', section);
    console.error('written to docs/benchmarks.md');
  }
}

/** Creates the namespace, runs this script again inside it, and removes the namespace whatever happens. */
async function outside(): Promise<number> {
  if (process.getuid?.() !== 0) throw new Error('run as root (a network namespace, nftables)');
  const ns = await Netns.create(`kds5-${randomBytes(3).toString('hex')}`);
  try {
    const child = spawn(
      ns.execPrefix()[0] ?? 'ip',
      [
        ...ns.execPrefix().slice(1),
        process.execPath,
        fileURLToPath(import.meta.url),
        ...process.argv.slice(2),
        '--inside',
      ],
      { stdio: 'inherit' },
    );
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    return await new Promise<number>((resolve) => {
      child.on('exit', (code, signal) => {
        resolve(code ?? (signal === null ? 0 : 1));
      });
    });
  } finally {
    await ns.remove();
  }
}

if (options.inside) await measure();
else process.exitCode = await outside();
