// S3 (issue "Performance"): password logins. (a) The raw argon2id rate of this machine, measured in the
// same run: node:crypto's argon2 with the gateway's parameters (m=19456 KiB, t=2, p=1), as many at once
// as there are cores. (b) Sustained password logins against the gateway at saturation, by lanes that log
// in, log out and log in again, each on a new connection, retrying `busy` and `throttled` as the real
// client does (its policy.js): at least 90% of (a), while WebSocket pings from other, already authorized
// connections come back with a p99 under 50 ms (hashing off the event loop: DECISIONS 68). (c) 10,000
// clients (five per account, DECISIONS 2) logging in at once with the real client's behaviour: all in
// within 5 minutes, the gateway pacing them with 503 and Retry-After or `busy` and a timeout (DECISIONS
// 56, 68), never a refusal without one. Run: `npm run bench -- s3 [--workers 1|auto|N] [--raw-seconds
// 20] [--lanes 32] [--seconds 60] [--crowd 10000] [--per-account 5] [--processes 4] [--no-write]`.
import { argon2, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sleep } from './load/bound.ts';
import { LoadGenerator, loopbackSources } from './load/generator.ts';
import { percentile, type ClientCounters } from './load/protocol.ts';
import { metricSum, thinned } from './load/figures.ts';
import { StormGateway } from './load/storm-gateway.ts';
import { writeChart } from './support/chart.ts';
import { linesOf, machine, markdownTable, recordTargets, writeSection } from './support/report.ts';

const { values: options } = parseArgs({
  options: {
    workers: { type: 'string', default: '1' },
    'raw-seconds': { type: 'string', default: '20' },
    lanes: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '60' },
    crowd: { type: 'string', default: '10000' },
    processes: { type: 'string', default: '4' },
    'keepalive-clients': { type: 'string', default: '50' },
    'keepalive-rate': { type: 'string', default: '20' },
    'crowd-deadline-seconds': { type: 'string', default: '420' },
    'per-account': { type: 'string', default: '5' },
    'client-nice': { type: 'string', default: '0' },
    'no-write': { type: 'boolean', default: false },
  },
});
const rawSeconds = Number(options['raw-seconds']);
const lanes = Number(options.lanes);
const seconds = Number(options.seconds);
const crowd = Number(options.crowd);
const processes = Number(options.processes);
const keepaliveClients = Number(options['keepalive-clients']);
const keepaliveRate = Number(options['keepalive-rate']);
const crowdDeadlineMs = Number(options['crowd-deadline-seconds']) * 1000;
const perAccount = Number(options['per-account']);
const clientNice = Number(options['client-nice']);
const targets = { rateRatio: 0.9, keepaliveP99Ms: 50, crowdSeconds: 300 };
/** The first seconds of (b) are the lanes' ramp: left out of the rate. */
const rampSeconds = 5;
const command =
  `npm run bench -- s3 --workers ${options.workers} --raw-seconds ${rawSeconds} --lanes ${lanes} ` +
  `--seconds ${seconds} --crowd ${crowd} --per-account ${perAccount} --processes ${processes} --client-nice ${clientNice}`;

/** (a): argon2id hashes per second with `parallel` running at once, for `seconds`. */
async function rawRate(parallel: number, forSeconds: number): Promise<number> {
  const parameters = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 };
  const hashOnce = () =>
    new Promise<void>((resolve, reject) => {
      argon2('argon2id', { message: 'bench password', nonce: randomBytes(16), ...parameters }, (err) => {
        if (err) reject(err);
        else resolve();
      });
    });
  let done = 0;
  const started = performance.now();
  const until = started + forSeconds * 1000;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (performance.now() < until) {
        await hashOnce();
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

interface Sustained {
  loginsPerSecond: number;
  logins: number;
  counters: ClientCounters;
  keepalive: { done: number; lost: number; p50Ms: number; p99Ms: number; maxMs: number };
}

interface Crowd {
  clients: number;
  authorized: number;
  /** ms from the start until each client was in. */
  inMs: number[];
  counters: ClientCounters;
  gateway: { successes: number; failures: number; busy: number; throttled: number; refused503: number };
  keepalive: { done: number; lost: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** Clients in, by second (for the chart). */
  progress: { x: number; y: number }[];
}

function keepaliveFigures(report: { done: number; lost: number; latencyMs: number[] }) {
  return {
    done: report.done,
    lost: report.lost,
    p50Ms: percentile(report.latencyMs, 50),
    p99Ms: percentile(report.latencyMs, 99),
    maxMs: Math.max(...report.latencyMs),
  };
}

async function main(): Promise<void> {
  const cores = availableParallelism();
  console.error(`(a) the raw argon2id rate, ${cores} at once for ${rawSeconds} s...`);
  const rawBefore = await rawRate(cores, rawSeconds);
  console.error(`(a) ${rawBefore.toFixed(1)} hashes per second`);
  const gateway = await StormGateway.create({
    accounts: [
      { prefix: 'lane', count: lanes, hash: 'standard' },
      { prefix: 'keep', count: keepaliveClients, hash: 'light' },
      { prefix: 'crowd', count: Math.ceil(crowd / perAccount), hash: 'standard' },
    ],
    args: [
      ...['--local-networks', '127.0.0.0/8', '--wireguard', 'none', '--firewall', 'none'],
      ...['--workers', options.workers],
    ],
  });
  await gateway.start();
  // The pings come from a process of their own, so that the logins' client work does not delay them.
  const pinger = await LoadGenerator.start(1);
  const loggers = await LoadGenerator.start(processes, clientNice);
  try {
    await sleep(2000);
    const kept = await pinger.open({
      url: gateway.url,
      ca: gateway.ca,
      sources: loopbackSources(keepaliveClients, 50),
      logins: gateway.logins('keep'),
      concurrency: 16,
    });
    if (kept.failed > 0) console.error(`${kept.failed} keepalive clients failed: ${kept.firstError}`);

    console.error(`(b) ${lanes} lanes logging in for ${seconds} s...`);
    const startedAt = Date.now();
    const [loop, pings] = await Promise.all([
      loggers.loginLoop({
        url: gateway.url,
        ca: gateway.ca,
        sources: loopbackSources(lanes, 60),
        logins: gateway.logins('lane'),
        seconds,
      }),
      pinger.keepalive(keepaliveRate, seconds),
    ]);
    const from = startedAt + rampSeconds * 1000;
    const to = startedAt + seconds * 1000;
    const inWindow = loop.loginsAt.filter((t) => t >= from && t <= to).length;
    const sustained: Sustained = {
      loginsPerSecond: inWindow / ((to - from) / 1000),
      logins: loop.loginsAt.length,
      counters: loop.counters,
      keepalive: keepaliveFigures(pings),
    };
    console.error(`(b) ${JSON.stringify({ ...sustained, counters: undefined })}`);
    // (a) again right after (b), the gateway idle: the machine's other work moves the rate, and (b) is
    // held to the mean of the two.
    const rawAfter = await rawRate(cores, rawSeconds);
    const raw = (rawBefore + rawAfter) / 2;
    console.error(`(a) after (b): ${rawAfter.toFixed(1)} hashes per second`);

    await sleep(3000);
    const before = await gateway.metrics();
    console.error(`(c) ${crowd} clients logging in at once...`);
    await loggers.mark();
    const crowdStarted = Date.now();
    const opening = loggers.open({
      url: gateway.url,
      ca: gateway.ca,
      sources: loopbackSources(crowd, 70),
      logins: gateway.logins('crowd', perAccount).slice(0, crowd),
      concurrency: crowd,
      mode: 'keep',
    });
    const crowdPings = pinger.keepalive(keepaliveRate, Math.min(60, seconds));
    // Past the deadline the first connections' report never comes: nobody waits for it then.
    opening.catch(() => undefined);
    const progress: { x: number; y: number }[] = [{ x: 0, y: 0 }];
    let status = await loggers.status();
    while (status.authorizedAt.length < crowd && Date.now() - crowdStarted < crowdDeadlineMs) {
      await sleep(1000);
      status = await loggers.status();
      progress.push({ x: (Date.now() - crowdStarted) / 1000, y: status.authorizedAt.length });
      if (progress.length % 15 === 0) {
        const now = await gateway.metrics();
        const attempts = ['success', 'failure', 'busy', 'throttled']
          .map((result) => `${result} ${metricSum(now, 'kordon_auth_attempts_total', { result })}`)
          .join(', ');
        console.error(
          `(c) ${status.authorizedAt.length} in after ${progress.at(-1)?.x.toFixed(0)} s; the gateway: ${attempts}`,
        );
      }
    }
    const crowdPingReport = await crowdPings;
    const after = await gateway.metrics();
    const delta = (result: string) =>
      metricSum(after, 'kordon_auth_attempts_total', { result }) -
      metricSum(before, 'kordon_auth_attempts_total', { result });
    const crowdResult: Crowd = {
      clients: crowd,
      authorized: status.authorizedAt.length,
      inMs: status.authorizedAt.map((t) => t - crowdStarted),
      counters: status.counters,
      gateway: {
        successes: delta('success'),
        failures: delta('failure'),
        busy: delta('busy'),
        throttled: delta('throttled'),
        refused503:
          metricSum(after, 'kordon_protocol_errors_total', { code: 'too_many_connections' }) -
          metricSum(before, 'kordon_protocol_errors_total', { code: 'too_many_connections' }),
      },
      keepalive: keepaliveFigures(crowdPingReport),
      progress,
    };
    // Every client is in (or the deadline passed): the first connections' report is due now.
    if (status.authorizedAt.length >= crowd) await opening;
    await report({ raw, rawBefore, rawAfter }, cores, sustained, crowdResult, gateway.problems());
  } finally {
    await pinger.close();
    await loggers.close();
    await gateway.stop();
  }
}

async function report(
  rates: { raw: number; rawBefore: number; rawAfter: number },
  cores: number,
  sustained: Sustained,
  c: Crowd,
  problems: Map<string, number>,
) {
  const { raw } = rates;
  const ratio = sustained.loginsPerSecond / raw;
  const crowdSeconds = c.authorized >= c.clients ? Math.max(...c.inMs) / 1000 : Number.POSITIVE_INFINITY;
  const k = c.counters;
  const busyWithout = k.busyTimeouts['0'] ?? 0;
  const refusalsWithout = k.busy503WithoutRetryAfter + k.otherUpgradeRefusals + busyWithout;
  const otherRefusals = Object.entries(k.refusals)
    .filter(([reason]) => reason !== 'busy' && reason !== 'throttled')
    .reduce((n, [, v]) => n + v, 0);
  const result = {
    scenario: 'S3',
    workers: options.workers,
    rawHashesPerSecond: rates,
    sustained,
    ratio,
    crowd: {
      ...c,
      inMs: undefined,
      crowdSeconds,
      p50Ms: percentile(c.inMs, 50),
      p90Ms: percentile(c.inMs, 90),
    },
    problems: Object.fromEntries(problems),
  };
  console.log(JSON.stringify(result));
  const met = (ok: boolean) => (ok ? 'yes' : '**no**');
  // The timeouts `busy` gave, one per answer: their range and median.
  const timeouts = Object.entries(k.busyTimeouts).flatMap(([t, n]) => Array<number>(n).fill(Number(t)));
  const busyTimeouts =
    timeouts.length === 0
      ? ''
      : `timeouts ${Math.min(...timeouts)} to ${Math.max(...timeouts)} s, median ${percentile(timeouts, 50)} s`;
  const tableRows = [
    [
      '(a) raw argon2id rate, this machine, in this run: before (b) / after (b) / mean',
      `${rates.rawBefore.toFixed(1)} / ${rates.rawAfter.toFixed(1)} / ${raw.toFixed(1)} hashes/s (${cores} at once)`,
      '',
      '',
    ],
    [
      '(b) sustained password logins through the gateway',
      `${sustained.loginsPerSecond.toFixed(1)} logins/s (${(ratio * 100).toFixed(0)}% of (a))`,
      `≥ ${targets.rateRatio * 100}% of (a)`,
      met(ratio >= targets.rateRatio),
    ],
    [
      '(b) WebSocket ping round trip meanwhile, p50 / p99 / max',
      `${sustained.keepalive.p50Ms.toFixed(1)} / ${sustained.keepalive.p99Ms.toFixed(1)} / ${sustained.keepalive.maxMs.toFixed(0)} ms (${sustained.keepalive.done} pings, ${sustained.keepalive.lost} lost)`,
      `p99 < ${targets.keepaliveP99Ms} ms`,
      met(sustained.keepalive.p99Ms < targets.keepaliveP99Ms),
    ],
    [
      "(b) lanes' `busy` / `throttled` answers, reply timeouts",
      `${sustained.counters.refusals['busy'] ?? 0} / ${sustained.counters.refusals['throttled'] ?? 0}, ${sustained.counters.replyTimeouts}`,
      '',
      '',
    ],
    [
      `(c) ${c.clients.toLocaleString('en-US')} clients at once: all logged in`,
      Number.isFinite(crowdSeconds)
        ? `${crowdSeconds.toFixed(0)} s (half by ${(percentile(c.inMs, 50) / 1000).toFixed(0)} s)`
        : `${c.authorized.toLocaleString('en-US')} in after ${(crowdDeadlineMs / 1000).toFixed(0)} s`,
      `all, < ${targets.crowdSeconds / 60} min`,
      met(crowdSeconds < targets.crowdSeconds),
    ],
    ["(c) the floor: as many hashes at (a)'s rate", `${(c.clients / raw).toFixed(0)} s`, '', ''],
    [
      '(c) `busy` answers (their timeouts)',
      `${k.refusals['busy'] ?? 0}${busyTimeouts === '' ? '' : ` (${busyTimeouts})`}`,
      '',
      '',
    ],
    [
      '(c) HTTP 503 with Retry-After (to the probe or the upgrade)',
      `${k.busy503} (${c.gateway.refused503} upgrades refused at the gateway)`,
      '',
      '',
    ],
    [
      '(c) refusals without a wait: 503 without Retry-After, other HTTP answers, `busy` with timeout 0',
      `${refusalsWithout}`,
      '0',
      met(refusalsWithout === 0),
    ],
    [
      '(c) other `auth_state` refusals (not busy or throttled)',
      `${otherRefusals}`,
      '0',
      met(otherRefusals === 0),
    ],
    [
      "(c) the client's 30 s reply deadline passed; connections failed before the upgrade",
      `${k.replyTimeouts}; ${k.connectFailures} (probes failed: ${k.probeFailures})`,
      '',
      '',
    ],
    [
      '(c) password logins sent / checked by the gateway (success + failure) / answered busy',
      `${k.passwordLogins} / ${c.gateway.successes + c.gateway.failures} / ${c.gateway.busy}`,
      '',
      '',
    ],
    [
      '(c) WebSocket ping round trip in the first minute, p50 / p99',
      `${c.keepalive.p50Ms.toFixed(1)} / ${c.keepalive.p99Ms.toFixed(1)} ms (${c.keepalive.lost} lost)`,
      '',
      '',
    ],
  ];
  const table = markdownTable(['S3: password logins', 'measured', 'target', 'met'], tableRows);
  await recordTargets('s3', linesOf('S3', tableRows));
  console.log(table);
  if (options['no-write']) return;
  const suffix = options.workers === '1' ? '' : ` (workers ${options.workers})`;
  const chartFile = await writeChart(
    `s3-crowd${options.workers === '1' ? '' : `-workers-${options.workers}`}.svg`,
    {
      title: `S3 (c): ${c.clients.toLocaleString('en-US')} clients logging in at once${suffix}`,
      xLabel: 'seconds since they started',
      yLabel: 'clients logged in',
      series: [
        { name: 'gateway', points: thinned(c.progress, 60) },
        {
          name: `(a) the raw rate: ${raw.toFixed(1)} hashes/s`,
          dashed: true,
          points: [
            { x: 0, y: 0 },
            { x: c.clients / raw, y: c.clients },
          ],
        },
        {
          name: 'target: all within 5 minutes',
          dashed: true,
          points: [
            { x: targets.crowdSeconds, y: 0 },
            { x: targets.crowdSeconds, y: c.clients },
          ],
        },
      ],
    },
  );
  const problemLines = [...problems].map(([message, n]) => `- ${n}× "${message}"`);
  const heading = `S3: password logins${suffix}`;
  await writeSection(
    heading,
    [
      `## ${heading}`,
      '',
      `Written by \`bench/s3-logins.ts\` on ${new Date().toISOString()}. Machine: ${machine()}.`,
      `Run: \`${command}\`.`,
      `(a) is node:crypto's argon2id with the gateway's parameters (m=19456 KiB, t=2, p=1), ${cores} at once (the cores) for`,
      `${rawSeconds} s in the bench's process, before the gateway starts and again right after (b) with the gateway idle; (b) is`,
      'held to their mean, since other work on the machine moves it. The built gateway (SQLite, no tunnels, no firewall,',
      `${options.workers === '1' ? 'one process' : `workers ${options.workers}`}) then serves: (b) ${lanes} lanes in ${processes} client processes, each logging in with a password on a new`,
      'connection (`version`, `authorize`), then `unauthorize`, and again, for',
      `${seconds} s (the rate counts from the ${rampSeconds}th second), retrying \`busy\` and \`throttled\` as the real client's policy.js says; meanwhile`,
      `${keepaliveClients} authorized connections in a process of their own get ${keepaliveRate} WebSocket pings per second (a \`version\` is refused once`,
      'a connection is authorized, DECISIONS 33; a ping is answered by the same event loop). (c) then',
      `${c.clients.toLocaleString('en-US')} clients (${perAccount} per account, each from its own 127.x.y.z address) start at once and behave as the`,
      'real client: its HTTPS probe of /connect, the WebSocket (10 s for the handshake), `authorize` (30 s for the answer),',
      "the wait a 503 or `busy` asks for (with the engine's jitter), back-off after a failed connection; they stay connected.",
      "Every account has the gateway's own argon2id parameters, so each login is one real hash.",
      '',
      table,
      '',
      ...verdict(raw, sustained, c),
      `![S3 (c): clients logged in over time](${chartFile})`,
      '',
      ...(problemLines.length === 0
        ? ['The gateway logged no warnings or errors after it started.']
        : ['What the gateway logged as warnings or errors after it started:', '', ...problemLines]),
      '',
    ].join('\n'),
  );
  console.log(`wrote the "${heading}" section of docs/benchmarks.md`);
}

/** How far from the targets, and why as far as the figures say. */
function verdict(raw: number, sustained: Sustained, c: Crowd): string[] {
  const lines: string[] = [];
  const ratio = sustained.loginsPerSecond / raw;
  if (ratio < targets.rateRatio) {
    lines.push(
      `(b) is ${((targets.rateRatio - ratio) * 100).toFixed(0)} points short: the gateway hashed ${sustained.loginsPerSecond.toFixed(1)} logins/s where the bench's own`,
      `process hashed ${raw.toFixed(1)}/s. Each login also costs a TLS handshake, a WebSocket and store transactions on the`,
      "gateway's event loop and the lanes' TLS in their processes, all on the same cores, while the hashing threads run",
      'at nice 10 (hash-thread.ts), below every other process of the machine.',
      '',
    );
  }
  const allIn = c.authorized >= c.clients ? Math.max(...c.inMs) / 1000 : Number.POSITIVE_INFINITY;
  if (allIn >= targets.crowdSeconds) {
    const floor = c.clients / raw;
    lines.push(
      `(c) is not met: ${Number.isFinite(allIn) ? `the last client was in after ${allIn.toFixed(0)} s` : `${c.authorized.toLocaleString('en-US')} of ${c.clients.toLocaleString('en-US')} were in after ${(crowdDeadlineMs / 1000).toFixed(0)} s`}. At (a)'s rate the`,
      `${c.clients.toLocaleString('en-US')} hashes alone take ${floor.toFixed(0)} s${floor >= targets.crowdSeconds ? ', more than the 5 minutes: on this machine the target is out of reach for any server' : ''}; the rest is lost below.`,
      '',
    );
  }
  const checked = c.gateway.successes + c.gateway.failures;
  if (c.counters.replyTimeouts > 0) {
    lines.push(
      `(c): the gateway checked ${checked.toLocaleString('en-US')} passwords for ${c.authorized.toLocaleString('en-US')} logins; ${c.counters.replyTimeouts.toLocaleString('en-US')} times a client's 30 s deadline for the`,
      'answer (DECISIONS 63) passed first and it reconnected with back-off, while the gateway still hashed that login.',
      '',
    );
  }
  if (c.authorized < c.clients || c.counters.busy503 > 0) {
    const timeouts = Object.entries(c.counters.busyTimeouts).flatMap(([t, n]) =>
      Array<number>(n).fill(Number(t)),
    );
    lines.push(
      `(c): ${c.gateway.refused503.toLocaleString('en-US')} upgrades were refused with 503 (the pending-connection cap, DECISIONS 68) and`,
      `${c.counters.probeFailures.toLocaleString('en-US')} probes failed; every refused or abandoned connection cost the gateway a TLS handshake on the cores the hashing`,
      `needs${timeouts.length === 0 ? '' : `, and its \`busy\` answers spaced the returns out to ${Math.max(...timeouts)} s (median ${percentile(timeouts, 50)} s)`}.`,
      '',
    );
  }
  const throttled = c.counters.refusals['throttled'] ?? 0;
  if (throttled > 0) {
    lines.push(
      `(c): ${throttled} right passwords were answered \`throttled\` although no login had failed: at most four logins of`,
      'one account are checked at once (the four free failures of DECISIONS 47, reserved before hashing: DECISIONS',
      "68); the fifth device's login polls the store for up to 10 s for them (shared-throttle.ts) and, with the queue",
      'longer than that, is then answered `throttled`; the clients retried after the timeout they were given.',
      '',
    );
  }
  return lines;
}

await main();
