// S2 (issue "Performance"): the reconnect storm. N sessions (10,000 by default, some of them with a
// WireGuard tunnel) on the built gateway with its real drivers (wireguard-go, nftables), in a network
// namespace this bench makes and removes; the gateway's process group is killed with SIGKILL and started
// again on the same data directory. Measured from the restart (its log's "gateway started"): until every
// client has resumed with its ticket (DECISIONS 4, 79) and set up its tunnel again, with the real
// client's back-off and jitter (DECISIONS 28, 29); target 5 s. Also: resumes refused, password logins
// (must be 0: no hashing on that path), and the WireGuard peers and nftables set elements against the
// live sessions. The bound: the same clients, killed and restarted the same way against a bare server
// that answers `resume` as it answers `authorize` (load/bare-storm-server.ts), down as long as the
// gateway was. Run as root: `npm run bench -- s2 [--sessions 10000] [--tunnels 2000] [--workers 1|auto|N]
// [--processes 4] [--deadline-seconds 180] [--grace SECONDS] [--no-write]`.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Netns, runCommand } from '@kordon/drivers';
import { openSqliteStore } from '../packages/gateway/dist/store/index.js';
import { selfSigned, sleep } from './load/bound.ts';
import { LoadGenerator, loopbackSources, type GeneratorStatus } from './load/generator.ts';
import { percentile, type ClientCounters, type Login, type ServerReport } from './load/protocol.ts';
import { cumulativeCounts, metricSum } from './load/figures.ts';
import { StormGateway } from './load/storm-gateway.ts';
import { writeChart } from './support/chart.ts';
import { linesOf, machine, markdownTable, recordTargets, writeSection } from './support/report.ts';

const { values: options } = parseArgs({
  options: {
    sessions: { type: 'string', default: '10000' },
    tunnels: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '1' },
    processes: { type: 'string', default: '4' },
    'deadline-seconds': { type: 'string', default: '180' },
    // The gateway's reconnect grace (its default, 120 s, when not given).
    grace: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    // Set by the bench itself when it runs again inside the namespace it made.
    inside: { type: 'string' },
    interface: { type: 'string' },
  },
});
const sessions = Number(options.sessions);
const tunnels = Math.min(sessions, Number(options.tunnels));
const processes = Number(options.processes);
const deadlineMs = Number(options['deadline-seconds']) * 1000;
const perAccount = 5;
const targetSeconds = 5;
const command =
  `npm run bench -- s2 --sessions ${sessions} --tunnels ${tunnels} --workers ${options.workers} ` +
  `--processes ${processes} --deadline-seconds ${options['deadline-seconds']}` +
  (options.grace === undefined ? '' : ` --grace ${options.grace}`);

/** Outside: makes the namespace, runs this script again inside it, and removes what it left. */
async function outside(): Promise<number> {
  if (process.getuid?.() !== 0) {
    console.error(
      'S2 needs root: it runs the gateway with wireguard-go and nftables in a namespace of its own',
    );
    return 2;
  }
  const id = randomBytes(3).toString('hex');
  const ns = await Netns.create(`kbs2-${id}`);
  const wgInterface = `kbs2${id}`;
  try {
    const child = spawn(
      'ip',
      [
        ...['netns', 'exec', ns.name, process.execPath, fileURLToPath(import.meta.url)],
        ...process.argv.slice(2),
        ...['--inside', ns.name, '--interface', wgInterface],
      ],
      { stdio: 'inherit' },
    );
    return await new Promise<number>((resolve) => {
      child.once('exit', (code) => resolve(code ?? 1));
    });
  } finally {
    // wireguard-go runs detached from the gateway (it outlives a SIGKILL): a graceful stop ends it, and
    // a run that failed half-way may leave it, found by its interface's name.
    for (const pid of processesNaming(wgInterface)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Gone meanwhile.
      }
    }
    await ns.remove();
  }
}

/** Pids whose command line holds `word`. */
function processesNaming(word: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(word))
        found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** The elements of the authorized IPv4 set (plain addresses; intervals as their text). */
async function authorizedElements(): Promise<string[]> {
  const listed = JSON.parse(
    (await runCommand('nft', ['-j', 'list', 'set', 'inet', 'kordon', 'auth4'])).stdout,
  ) as { nftables: { set?: { elem?: unknown[] } }[] };
  return listed.nftables.flatMap((item) =>
    (item.set?.elem ?? []).map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
  );
}

/** The kernel's view: WireGuard peers on the interface and elements of the authorized IPv4 set. */
async function kernelState(wgInterface: string): Promise<{ peers: number; elements: number }> {
  const peers = (await runCommand('wg', ['show', wgInterface, 'peers'])).stdout
    .split('\n')
    .filter((l) => l.trim() !== '');
  return { peers: peers.length, elements: (await authorizedElements()).length };
}

/**
 * The store's sessions against the set: the address each active session is authorized by (its tunnel
 * address, or its source address: DECISIONS 1), missing from the set, and elements no session has.
 */
async function storeAgainstKernel(dataDir: string): Promise<{ missing: string[]; extra: string[] }> {
  const store = await openSqliteStore({ file: join(dataDir, 'kordon.db') });
  let wanted: string[];
  try {
    wanted = (await store.sessions.list())
      .filter((session) => session.state === 'active')
      .map((session) => (session.vpn ? (session.tunnelIpv4 ?? '') : session.sourceAddress));
  } finally {
    await store.close();
  }
  const elements = new Set(await authorizedElements());
  const wantedSet = new Set(wanted);
  return {
    missing: wanted.filter((address) => !elements.has(address)),
    extra: [...elements].filter((address) => !wantedSet.has(address)),
  };
}

interface StormFigures {
  /** ms from the kill until the server listened again. */
  downMs: number;
  /** ms after the restart at which each client was connected again (resumed, and its tunnel set up). */
  backMs: number[];
  resumed: number;
  counters: ClientCounters;
  /** Still not back when the deadline passed. */
  missing: number;
}

/** Waits until every client is back since the mark (or the deadline), then reads what they met. */
async function awaitReturn(
  generator: LoadGenerator,
  restartedAt: number,
  downMs: number,
): Promise<StormFigures> {
  let status: GeneratorStatus;
  for (;;) {
    status = await generator.status();
    if (status.authorizedAt.length >= status.clients || Date.now() - restartedAt > deadlineMs) break;
    await sleep(250);
  }
  return {
    downMs,
    backMs: status.authorizedAt.map((t) => t - restartedAt),
    resumed: status.counters.resumedAuthorized,
    counters: status.counters,
    missing: status.clients - status.authorizedAt.length,
  };
}

/** The external (tunnel) clients, then the local ones; `all`: every client's login, in that order. */
async function openAll(generator: LoadGenerator, url: string, ca: string, all: readonly Login[]) {
  const external = await generator.open({
    url,
    ca,
    sources: loopbackSources(tunnels, 200),
    logins: all.length > tunnels ? all.slice(0, tunnels) : all,
    concurrency: 64,
    mode: 'keep',
  });
  const local = await generator.open({
    url,
    ca,
    sources: loopbackSources(sessions - tunnels),
    logins: all.length > tunnels ? all.slice(tunnels) : all,
    concurrency: 64,
    mode: 'keep',
  });
  const failed = external.failed + local.failed;
  if (failed > 0)
    console.error(
      `${failed} clients failed to connect; the first: ${external.firstError ?? local.firstError}`,
    );
  return { open: external.open + local.open, failed };
}

interface KernelAndSessions {
  /** Clients connected, and of them those with a tunnel (what the peers must be). */
  connected: number;
  tunneled: number;
  peers: number;
  elements: number;
  sessionsActive: number;
}

interface GatewayRun {
  before: KernelAndSessions;
  restoredAtStart: { peers: number; elements: number };
  after: KernelAndSessions;
  /** The store's active sessions whose address the set lacks, and elements no session has (examples). */
  mismatch: { missing: string[]; extra: string[] };
  /** The restarted process's event-loop lag over its life (prom-client, /metrics), ms. */
  lag: { p99Ms: number; maxMs: number };
  storm: StormFigures;
  /** Password checks the restarted gateway counted (kordon_auth_attempts_total: success and failure). */
  passwordChecks: number;
  busyAnswers: number;
  refused503: number;
  problems: Record<string, number>;
}

async function measureGateway(wgInterface: string): Promise<GatewayRun> {
  const gateway = await StormGateway.create({
    accounts: [{ prefix: 'storm', count: Math.ceil(sessions / perAccount), hash: 'light' }],
    allowVpn: true,
    args: [
      // 127.0.0.0/9 is the LAN; clients from 127.128.0.0/9 are outside and get a tunnel (VPN rule: all).
      ...['--local-networks', '127.0.0.0/9', '--client-interfaces', 'lan0'],
      ...['--wireguard', 'userspace', '--firewall', 'nftables', '--wg-interface', wgInterface],
      ...['--workers', options.workers],
      ...(options.grace === undefined ? [] : ['--reconnect-grace', options.grace]),
    ],
  });
  await gateway.start();
  const generator = await LoadGenerator.start(processes);
  try {
    console.error(`the gateway: ${sessions} sessions, ${tunnels} of them with a tunnel...`);
    await openAll(generator, gateway.url, gateway.ca, gateway.logins('storm', perAccount).slice(0, sessions));
    await sleep(3000);
    const state = async (metrics: string): Promise<KernelAndSessions> => {
      const { connected, tunneled } = await generator.status();
      return {
        connected,
        tunneled,
        ...(await kernelState(wgInterface)),
        sessionsActive: metricSum(metrics, 'kordon_sessions_active'),
      };
    };
    const before = await state(await gateway.metrics());
    console.error(`before the kill: ${JSON.stringify(before)}`);
    await generator.mark();
    const killedAt = Date.now();
    await gateway.kill();
    const restartedAt = await gateway.start();
    const restoredAtStart = await kernelState(wgInterface);
    console.error(
      `restarted ${restartedAt - killedAt} ms after the kill; in the kernel then: ${JSON.stringify(restoredAtStart)}`,
    );
    const storm = await awaitReturn(generator, restartedAt, restartedAt - killedAt);
    await sleep(2000);
    const metrics = await gateway.metrics();
    const after = await state(metrics);
    const mismatch = await storeAgainstKernel(gateway.dir);
    if (mismatch.missing.length + mismatch.extra.length > 0) {
      console.error(`the store against the set: ${JSON.stringify(mismatch)}`);
    }
    return {
      mismatch,
      before,
      restoredAtStart,
      lag: {
        p99Ms: metricSum(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1000,
        maxMs: metricSum(metrics, 'nodejs_eventloop_lag_max_seconds') * 1000,
      },
      after,
      storm,
      passwordChecks:
        metricSum(metrics, 'kordon_auth_attempts_total', { result: 'success' }) +
        metricSum(metrics, 'kordon_auth_attempts_total', { result: 'failure' }),
      busyAnswers: metricSum(metrics, 'kordon_auth_attempts_total', { result: 'busy' }),
      refused503: metricSum(metrics, 'kordon_protocol_errors_total', { code: 'too_many_connections' }),
      problems: Object.fromEntries(gateway.problems()),
    };
  } finally {
    await generator.close();
    await gateway.stop();
  }
}

/** Starts the bare server; `at`: when it listened (epoch ms), `startupMs`: how long that took. */
function startBare(
  key: string,
  cert: string,
  port: number,
): Promise<{ server: ChildProcess; at: number; startupMs: number }> {
  const spawnedAt = Date.now();
  const server = fork(
    fileURLToPath(new URL('./load/bare-storm-server.ts', import.meta.url)),
    [key, cert, String(port)],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolve, reject) => {
    server.on('message', (report: ServerReport) => {
      if (report.kind === 'listening') resolve({ server, at: Date.now(), startupMs: Date.now() - spawnedAt });
    });
    server.once('exit', (code) => reject(new Error(`the bare server exited with ${code}`)));
  });
}

/** The bound: the same clients against a bare server killed and kept down as long as the gateway was. */
async function measureBound(downMs: number): Promise<StormFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-bench-s2-bound-'));
  const { key, cert } = await selfSigned(dir);
  const port = 30_000 + Math.floor(Math.random() * 10_000);
  const first = await startBare(key, cert, port);
  let server = first.server;
  const generator = await LoadGenerator.start(processes);
  try {
    console.error(`the bound: the same ${sessions} clients against a bare server...`);
    const url = `wss://127.0.0.1:${port}/connect`;
    const ca = readFileSync(cert, 'utf8');
    // The bare server takes any login.
    await openAll(generator, url, ca, [{ login: 'bench', password: 'bench' }]);
    await sleep(3000);
    await generator.mark();
    const killedAt = Date.now();
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
    // Started again so that it listens when the gateway did: its own start-up time is part of the wait.
    await sleep(Math.max(0, killedAt + downMs - first.startupMs - Date.now()));
    const restarted = await startBare(key, cert, port);
    server = restarted.server;
    return await awaitReturn(generator, restarted.at, restarted.at - killedAt);
  } finally {
    await generator.close();
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Close codes other than 1006 (the kill), with how many: "4001: 57". */
function closeList(c: ClientCounters): string {
  return Object.entries(c.closes)
    .filter(([code]) => code !== '1006')
    .map(([code, n]) => `${code}: ${n}`)
    .join(', ');
}

function lastSeconds(f: StormFigures): number {
  return f.missing > 0 ? Number.POSITIVE_INFINITY : Math.max(...f.backMs) / 1000;
}

async function inside(wgInterface: string): Promise<void> {
  const gw = await measureGateway(wgInterface);
  await sleep(3000);
  const bound = await measureBound(gw.storm.downMs);
  const refusedResumes = (c: ClientCounters) =>
    (c.refusals['resume_refused'] ?? 0) + (c.refusals['device_mismatch'] ?? 0);
  const result = {
    scenario: 'S2',
    sessions,
    tunnels,
    workers: options.workers,
    gateway: { ...gw, storm: summary(gw.storm) },
    bound: summary(bound),
  };
  console.log(JSON.stringify(result));
  const last = lastSeconds(gw.storm);
  const boundLast = lastSeconds(bound);
  const met = (ok: boolean) => (ok ? 'yes' : '**no**');
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const c = gw.storm.counters;
  const tableRows = [
    ['clients connected before the kill', gw.before.connected.toLocaleString('en-US'), '', '', ''],
    ['kill → listening again (the restart)', s(gw.storm.downMs), `${s(bound.downMs)} (held as long)`, '', ''],
    [
      'restart → every client back (resumed, tunnel set up)',
      Number.isFinite(last) ? `${last.toFixed(2)} s` : `${gw.storm.missing} not back after ${s(deadlineMs)}`,
      Number.isFinite(boundLast) ? `${boundLast.toFixed(2)} s` : `${bound.missing} not back`,
      `≤ ${targetSeconds} s`,
      met(last <= targetSeconds),
    ],
    [
      'restart → half / 90% / 99% back',
      [50, 90, 99].map((p) => s(percentile(gw.storm.backMs, p))).join(' / '),
      [50, 90, 99].map((p) => s(percentile(bound.backMs, p))).join(' / '),
      '',
      '',
    ],
    [
      'resumes accepted',
      gw.storm.resumed.toLocaleString('en-US'),
      bound.resumed.toLocaleString('en-US'),
      sessions.toLocaleString('en-US'),
      met(gw.storm.resumed >= sessions),
    ],
    [
      'resumes refused (resume_refused, device_mismatch)',
      `${refusedResumes(c)}`,
      '',
      '0',
      met(refusedResumes(c) === 0),
    ],
    [
      'password logins: sent by clients / checked by the gateway (/metrics)',
      `${c.passwordLogins} / ${gw.passwordChecks}`,
      '',
      '0',
      met(c.passwordLogins === 0 && gw.passwordChecks === 0),
    ],
    [
      '`busy` answers; HTTP 503 (Retry-After)',
      `${gw.busyAnswers}; ${c.busy503} (${gw.refused503} at the gateway)`,
      `${bound.counters.busy503}`,
      '',
      '',
    ],
    [
      'HTTPS probes of /connect (failed); WebSocket attempts (failed before the upgrade*); reply timeouts',
      `${c.probes} (${c.probeFailures}); ${c.connects} (${c.connectFailures}); ${c.replyTimeouts}`,
      `${bound.counters.probes} (${bound.counters.probeFailures}); ${bound.counters.connects} (${bound.counters.connectFailures}); ${bound.counters.replyTimeouts}`,
      '',
      '',
    ],
    [
      'clients closed with a code after which the client stops (4001, ...: DECISIONS 29)',
      `${c.stopped}${closeList(c) === '' ? '' : ` (${closeList(c)})`}`,
      `${bound.counters.stopped}`,
      '0',
      met(c.stopped === 0),
    ],
    [
      "the restarted gateway's event-loop lag over its life, p99 / max (/metrics)",
      `${gw.lag.p99Ms.toFixed(0)} / ${gw.lag.maxMs.toFixed(0)} ms`,
      '',
      '',
      '',
    ],
    [
      'WireGuard peers: before / right after the restart / after',
      `${gw.before.peers} / ${gw.restoredAtStart.peers} / ${gw.after.peers}`,
      '',
      `the tunnel sessions: ${gw.before.tunneled} / ${tunnels} / ${gw.after.tunneled}`,
      met(
        gw.before.peers === gw.before.tunneled &&
          gw.restoredAtStart.peers === tunnels &&
          gw.after.peers === gw.after.tunneled,
      ),
    ],
    [
      'nftables `auth4` elements: before / right after the restart / after',
      `${gw.before.elements} / ${gw.restoredAtStart.elements} / ${gw.after.elements}`,
      '',
      `the live sessions: ${gw.before.sessionsActive} / ${sessions} / ${gw.after.sessionsActive}`,
      met(
        gw.before.elements === gw.before.sessionsActive &&
          gw.restoredAtStart.elements === sessions &&
          gw.after.elements === gw.after.sessionsActive,
      ),
    ],
    [
      "the store's active sessions without their set element / elements without a session, after",
      `${gw.mismatch.missing.length} / ${gw.mismatch.extra.length}${
        gw.mismatch.missing.length + gw.mismatch.extra.length > 0
          ? ` (e.g. ${[...gw.mismatch.missing.slice(0, 3), ...gw.mismatch.extra.slice(0, 3)].join(', ')})`
          : ''
      }`,
      '',
      '0 / 0',
      met(gw.mismatch.missing.length + gw.mismatch.extra.length === 0),
    ],
    [
      'live sessions (/metrics) after; clients connected after',
      `${gw.after.sessionsActive}; ${gw.after.connected}`,
      '',
      `${sessions}`,
      met(gw.after.sessionsActive === sessions),
    ],
  ];
  const table = markdownTable(
    ['S2: reconnect storm', 'gateway', 'bound (bare server)', 'target', 'met'],
    tableRows,
  );
  await recordTargets(
    's2',
    linesOf(
      `S2 (${sessions.toLocaleString('en-US')} sessions, ${tunnels.toLocaleString('en-US')} with tunnels)`,
      tableRows.map(([what = '', gateway = '', bare = '', target = '', verdict = '']) => [
        what,
        bare === '' ? gateway : `${gateway} (bound: ${bare})`,
        target,
        verdict,
      ]),
    ),
  );
  console.log(table);
  if (options['no-write']) return;
  const chartFile = await writeChart(
    `s2-storm${options.workers === '1' ? '' : `-workers-${options.workers}`}.svg`,
    {
      title: `S2: clients back after the restart (${sessions.toLocaleString('en-US')}, ${tunnels.toLocaleString('en-US')} with a tunnel)`,
      xLabel: 'seconds after the restart',
      yLabel: 'clients back (resumed)',
      series: [
        { name: 'gateway', points: cumulativeCounts(gw.storm.backMs, 500) },
        {
          name: 'bound: bare server, as long down',
          points: cumulativeCounts(bound.backMs, 500),
          dashed: true,
        },
        {
          name: `target: all within ${targetSeconds} s`,
          points: [
            { x: targetSeconds, y: 0 },
            { x: targetSeconds, y: sessions },
          ],
          dashed: true,
        },
      ],
    },
  );
  const problemLines = Object.entries(gw.problems).map(([message, n]) => `- ${n}× "${message}"`);
  const heading = `S2: reconnect storm${options.workers === '1' ? '' : ` (workers ${options.workers})`}`;
  await writeSection(
    heading,
    [
      `## ${heading}`,
      '',
      `Written by \`bench/s2-storm.ts\` on ${new Date().toISOString()}. Machine: ${machine()}.`,
      `Run (as root): \`${command}\`.`,
      `The built gateway (SQLite, wireguard-go and nftables in a network namespace the bench makes and removes,`,
      `${options.workers === '1' ? 'one process' : `workers ${options.workers}`}) holds ${sessions.toLocaleString('en-US')} sessions of ${processes} client processes, ${perAccount} per account, each from a`,
      `127.x.y.z address of its own; the ${tunnels.toLocaleString('en-US')} from 127.128.0.0/9 are outside the local networks and set up a`,
      'tunnel with a WireGuard key of their own. The clients behave as the real client does (its session/policy.js',
      'imported from the build: reconnect back-off of 1 s doubling with up to 30% jitter, `resume` with the ticket,',
      '`tunnel_wg` again with the same key, the wait a `busy` or a 503 asks for, 10 s for the TLS and WebSocket',
      "handshake, 30 s for each answer). The gateway's process group is killed with SIGKILL and the same command",
      'started again on the same data directory; times count from its log\'s "gateway started" to each client\'s',
      'authorizing `auth_state` (and, for a tunnel, its `tunnel_wg` answer). The bound is the same clients against a',
      'bare server (bench/load/bare-storm-server.ts: `resume` answered as `authorize`, nothing behind it), killed',
      'and kept down as long as the gateway was, in the same run and namespace. Every reconnect of the real',
      'client is two TLS handshakes (the HTTPS probe of /connect, DECISIONS 62, then the WebSocket), and here the',
      'clients share the two cores with the server, so their own TLS work delays them too: the bound has that cost.',
      '',
      table,
      '',
      `\\* After its probe had answered, each of these WebSocket attempts failed (TLS or WebSocket handshake timed`,
      'out, reset): the simulated client backs off and tries again; the real client 0.1.0 would wait there for ever,',
      'since its GatewayConnection.open never settles when `ws` fails before the upgrade (`ws` is CLOSING, not',
      'CONNECTING, when it emits that error).',
      '',
      ...verdict(gw, bound),
      `![S2: clients back after the restart](${chartFile})`,
      '',
      ...(problemLines.length === 0
        ? ['The gateway logged no warnings or errors after its first start.']
        : [
            'What the gateway logged as warnings or errors after its first start (its restart included):',
            '',
            ...problemLines,
          ]),
      '',
    ].join('\n'),
  );
  console.log(`wrote the "${heading}" section of docs/benchmarks.md`);
}

/** How far from the target, and why as far as the figures say. */
function verdict(gw: GatewayRun, bound: StormFigures): string[] {
  const last = lastSeconds(gw.storm);
  if (last <= targetSeconds) return [];
  const boundLast = lastSeconds(bound);
  const c = gw.storm.counters;
  const lines = [
    `Not met: ${Number.isFinite(last) ? `the last client was back ${last.toFixed(1)} s after the restart` : `${gw.storm.missing} clients were not back ${(deadlineMs / 1000).toFixed(0)} s after the restart`},`,
    `against ${targetSeconds} s; the bound's last client took ${Number.isFinite(boundLast) ? `${boundLast.toFixed(1)} s` : 'longer than the deadline'}: neither gets near it here. The first`,
    `client was back ${(Math.min(...gw.storm.backMs) / 1000).toFixed(1)} s after the restart (the bound's: ${(Math.min(...bound.backMs) / 1000).toFixed(1)} s). ${sessions.toLocaleString('en-US')} clients reconnecting at once are`,
    `${(2 * sessions).toLocaleString('en-US')} TLS handshakes and more after the timeouts (${c.probes.toLocaleString('en-US')} probes and ${c.connects.toLocaleString('en-US')} WebSocket attempts here), on`,
    `two cores shared with the clients. The restart took ${(gw.storm.downMs / 1000).toFixed(1)} s; the clients' back-off (1 s, 2 s, 4 s, ... with up to`,
    '30% jitter) brings them back in waves, a wave larger than the server completes handshakes for within the',
    "client's 5 s probe deadline times out nearly whole (neither server limits the handshakes it takes on), and",
    'every attempt that timed out doubles its next wait.',
  ];
  const refused = (c.refusals['resume_refused'] ?? 0) + (c.refusals['device_mismatch'] ?? 0);
  if (refused > 0 || gw.storm.missing > 0) {
    lines.push(
      `Sessions lost: ${refused} clients came back after the reconnect grace (${options.grace ?? 120} s) and found their session gone`,
      `(\`resume_refused\`, then a password login: ${c.passwordLogins} were sent)${gw.storm.missing > 0 ? `; ${gw.storm.missing} were not back by the deadline` : ''}.`,
    );
  }
  if (gw.mismatch.missing.length > 0) {
    lines.push(
      `${gw.mismatch.missing.length} sessions the store holds as active had no element in the authorized set afterwards: their`,
      'clients were told they were authorized and could not forward (the kernel follows the holders of each',
      'address in access.ts from the sessions that hold it, so any such session is a defect).',
    );
  }
  if (c.stopped > 0) {
    lines.push(
      `${c.stopped} clients were closed with ${closeList(c)} and stopped for good, as the real client does after`,
      '4001 (DECISIONS 29): the gateway closes a connection whose `version` has not been handled 10 s after the',
      'upgrade, and in the crowd that includes versions that had arrived while its event loop lagged',
      `(p99 ${gw.lag.p99Ms.toFixed(0)} ms, max ${gw.lag.maxMs.toFixed(0)} ms) or while the client's own process was busy.`,
    );
  }
  lines.push('');
  return lines;
}

function summary(f: StormFigures) {
  return {
    downMs: f.downMs,
    missing: f.missing,
    lastMs: f.missing > 0 ? null : Math.max(...f.backMs),
    p50Ms: percentile(f.backMs, 50),
    p90Ms: percentile(f.backMs, 90),
    p99Ms: percentile(f.backMs, 99),
    resumed: f.resumed,
    counters: f.counters,
  };
}

if (options.inside === undefined) process.exitCode = await outside();
else await inside(options.interface ?? 'kbs2');
