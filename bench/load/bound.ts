// The bound of every scenario (S0): the bare server of bare-server.ts loaded like the gateway, in the
// same run, so that the gateway's figures are ratios that hold on a noisy machine.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '@kordon/drivers';
import { LoadGenerator, loopbackSources } from './generator.ts';
import { treeRss } from './processes.ts';
import { percentile, type ServerReport } from './protocol.ts';

export interface BoundResult {
  connections: number;
  failed: number;
  memoryPerConnectionKiB: number;
  serverRssMiB: number;
  openedPerSecond: number;
  loginP50Ms: number;
  loginP99Ms: number;
  roundTripsPerSecond: number;
  roundTripP50Ms: number;
  roundTripP99Ms: number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function listening(server: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    server.on('message', (report: ServerReport) => {
      if (report.kind === 'listening') resolve(report.port);
    });
    server.once('exit', (code) => {
      reject(new Error(`the bare server exited with ${code}`));
    });
  });
}

/** A throwaway self-signed certificate for 127.0.0.1 in `dir` (the key never leaves it). */
export async function selfSigned(dir: string): Promise<{ key: string; cert: string }> {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
  const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  await runCommand('openssl', [
    'req',
    '-x509',
    ...curve,
    '-nodes',
    '-days',
    '1',
    ...subject,
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  return { key, cert };
}

/** The bare server loaded step by step: `open` adds connections, each from the next source address. */
export interface BareServerLoad {
  pid: number;
  /** The server's RSS before any connection, bytes. */
  rssBefore: number;
  /** Opens connections until `total` are open in all (or tried). */
  openUpTo(total: number): Promise<{ open: number; failed: number; loginMs: number[]; wallMs: number }>;
  roundTrips(messages: number, concurrency: number): ReturnType<LoadGenerator['roundTrips']>;
  stop(): Promise<void>;
}

export async function startBareServer(options: {
  processes: number;
  concurrency: number;
  /** The first source address's index, so a run's scenarios never share an address. */
  firstSource?: number;
  /** Ask for a client certificate as the gateway's TLS server does (DECISIONS 77). */
  requestCert?: boolean;
  execArgv?: string[];
  env?: Record<string, string>;
}): Promise<BareServerLoad> {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-bench-bound-'));
  const { key, cert } = await selfSigned(dir);
  const server = fork(
    fileURLToPath(new URL('./bare-server.ts', import.meta.url)),
    [key, cert, ...(options.requestCert === true ? ['--request-cert'] : [])],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...process.execArgv, ...(options.execArgv ?? [])],
      env: { ...process.env, ...options.env },
    },
  );
  const generator = await LoadGenerator.start(options.processes);
  const stop = async () => {
    await generator.close();
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await listening(server);
    await sleep(1000);
    const pid = server.pid as number;
    const ca = readFileSync(cert, 'utf8');
    const first = options.firstSource ?? 0;
    let tried = 0;
    let open = 0;
    return {
      pid,
      rssBefore: treeRss(pid),
      async openUpTo(total) {
        const sources = loopbackSources(first + total).slice(first + tried);
        const opened = await generator.open({
          url: `wss://127.0.0.1:${port}/connect`,
          ca,
          sources,
          logins: [],
          concurrency: options.concurrency,
        });
        if (opened.failed > 0)
          console.error(`bound: ${opened.failed} connections failed; the first: ${opened.firstError}`);
        tried = total;
        open += opened.open;
        return { open, failed: tried - open, loginMs: opened.loginMs, wallMs: opened.wallMs };
      },
      roundTrips: (messages, concurrency) => generator.roundTrips(messages, concurrency),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function measureBound(options: {
  connections: number;
  processes: number;
  concurrency: number;
  messages: number;
  firstSource?: number;
}): Promise<BoundResult> {
  const load = await startBareServer(options);
  try {
    const opened = await load.openUpTo(options.connections);
    await sleep(3000);
    const after = treeRss(load.pid);
    const trips = await load.roundTrips(options.messages, options.concurrency);
    return {
      connections: opened.open,
      failed: opened.failed,
      memoryPerConnectionKiB: (after - load.rssBefore) / 1024 / Math.max(1, opened.open),
      serverRssMiB: after / 1024 ** 2,
      openedPerSecond: opened.open / (opened.wallMs / 1000),
      loginP50Ms: percentile(opened.loginMs, 50),
      loginP99Ms: percentile(opened.loginMs, 99),
      roundTripsPerSecond: trips.done / (trips.wallMs / 1000),
      roundTripP50Ms: percentile(trips.latencyMs, 50),
      roundTripP99Ms: percentile(trips.latencyMs, 99),
    };
  } finally {
    await load.stop();
  }
}

/** The bound's figures as table rows (label, value). */
export function boundRows(result: BoundResult): string[][] {
  return [
    ['connections open (failed)', `${result.connections.toLocaleString('en-US')} (${result.failed})`],
    ['server memory per connection', `${result.memoryPerConnectionKiB.toFixed(1)} KiB`],
    ['server RSS with them open', `${result.serverRssMiB.toFixed(0)} MiB`],
    ['connections opened and authorized per second', result.openedPerSecond.toFixed(0)],
    [
      'connect to auth_state, p50 / p99',
      `${result.loginP50Ms.toFixed(0)} / ${result.loginP99Ms.toFixed(0)} ms`,
    ],
    ['message round trips per second', result.roundTripsPerSecond.toFixed(0)],
    ['round trip, p50 / p99', `${result.roundTripP50Ms.toFixed(1)} / ${result.roundTripP99Ms.toFixed(1)} ms`],
  ];
}
