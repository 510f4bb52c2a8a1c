// The load generator: simulated clients in several processes (client.ts), each connection from a
// 127.x.y.z source address of its own, driven together and their reports merged.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  addCounters,
  type ClientCommand,
  type ClientCounters,
  type ClientMode,
  type ClientReport,
  type Login,
} from './protocol.ts';

const clientScript = fileURLToPath(new URL('./client.ts', import.meta.url));

/**
 * 127.1.0.1, 127.1.0.2, ...: `count` loopback addresses, none of them 127.0.0.1 (the server's); from
 * 127.`secondOctet`.0.1 when given (S2 puts its external clients in 127.128.0.0/9).
 */
export function loopbackSources(count: number, secondOctet = 1): string[] {
  const sources: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const n = i + 1;
    sources.push(`127.${secondOctet + Math.floor(n / 65_536)}.${Math.floor(n / 256) % 256}.${n % 256}`);
  }
  return sources;
}

type Opened = Extract<ClientReport, { kind: 'opened' }>;
type RoundTrips = Extract<ClientReport, { kind: 'round-trips' }>;
type Keepalive = Extract<ClientReport, { kind: 'keepalive' }>;
type Cycles = Extract<ClientReport, { kind: 'cycles' }>;

/** What every process's clients report, merged. */
export interface GeneratorStatus {
  clients: number;
  connected: number;
  tunneled: number;
  /** Epoch ms of each client's first connection since the mark. */
  authorizedAt: number[];
  counters: ClientCounters;
}

export class LoadGenerator {
  // No parameter property: Node runs this file by stripping types, which cannot rewrite one.
  private readonly processes: ChildProcess[];

  private constructor(processes: ChildProcess[]) {
    this.processes = processes;
  }

  /** `count` client processes, ready for commands. */
  /**
   * `count` client processes, ready for commands; with `niceness`, they run at that nice value, below
   * the server's processes and threads (S3: the clients stand for other machines' work).
   */
  static async start(count: number, niceness = 0): Promise<LoadGenerator> {
    const processes = Array.from({ length: count }, () =>
      fork(clientScript, niceness === 0 ? [] : [`--nice=${niceness}`], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    await Promise.all(processes.map((child) => nextReport(child, 'ready')));
    return new LoadGenerator(processes);
  }

  /** Opens one connection per source, the sources split evenly over the processes. */
  async open(options: {
    url: string;
    ca: string;
    sources: readonly string[];
    logins: readonly Login[];
    concurrency: number;
    mode?: ClientMode;
  }): Promise<Opened> {
    const share = Math.ceil(options.sources.length / this.processes.length);
    const reports = await Promise.all(
      this.processes.map((child, i) => {
        const sources = options.sources.slice(i * share, (i + 1) * share);
        const logins = options.logins.length === 0 ? [] : rotate(options.logins, i * share);
        command(child, {
          kind: 'open',
          url: options.url,
          ca: options.ca,
          sources,
          logins: logins.length === 0 ? [{ login: 'bench', password: 'bench' }] : logins,
          concurrency: Math.max(1, Math.ceil(options.concurrency / this.processes.length)),
          ...(options.mode === undefined ? {} : { mode: options.mode }),
        });
        return nextReport(child, 'opened');
      }),
    );
    return {
      kind: 'opened',
      open: sum(reports.map((r) => r.open)),
      failed: sum(reports.map((r) => r.failed)),
      loginMs: reports.flatMap((r) => r.loginMs),
      wallMs: Math.max(...reports.map((r) => r.wallMs)),
      firstError: reports.find((r) => r.firstError !== null)?.firstError ?? null,
    };
  }

  /** `messages` version→update round trips over the open connections, split over the processes. */
  async roundTrips(messages: number, concurrency: number): Promise<RoundTrips> {
    const share = Math.ceil(messages / this.processes.length);
    const reports = await Promise.all(
      this.processes.map((child) => {
        command(child, {
          kind: 'round-trips',
          messages: share,
          concurrency: Math.max(1, Math.ceil(concurrency / this.processes.length)),
        });
        return nextReport(child, 'round-trips');
      }),
    );
    return {
      kind: 'round-trips',
      done: sum(reports.map((r) => r.done)),
      wallMs: Math.max(...reports.map((r) => r.wallMs)),
      latencyMs: reports.flatMap((r) => r.latencyMs),
    };
  }

  /** WebSocket pings over the open connections, `perSecond` in all, for `seconds`. */
  async keepalive(perSecond: number, seconds: number): Promise<Keepalive> {
    const reports = await Promise.all(
      this.processes.map((child) => {
        command(child, { kind: 'keepalive', perSecond: perSecond / this.processes.length, seconds });
        return nextReport(child, 'keepalive');
      }),
    );
    return {
      kind: 'keepalive',
      done: sum(reports.map((r) => r.done)),
      lost: sum(reports.map((r) => r.lost)),
      latencyMs: reports.flatMap((r) => r.latencyMs),
    };
  }

  /** Counters and first-connection times start again from now. */
  async mark(): Promise<void> {
    await Promise.all(
      this.processes.map((child) => {
        command(child, { kind: 'mark' });
        return nextReport(child, 'marked');
      }),
    );
  }

  async status(): Promise<GeneratorStatus> {
    const reports = await Promise.all(
      this.processes.map((child) => {
        command(child, { kind: 'status' });
        return nextReport(child, 'status');
      }),
    );
    return {
      clients: sum(reports.map((r) => r.clients)),
      connected: sum(reports.map((r) => r.connected)),
      tunneled: sum(reports.map((r) => r.tunneled)),
      authorizedAt: reports.flatMap((r) => r.authorizedAt),
      counters: addCounters(reports.map((r) => r.counters)),
    };
  }

  /** `count` connect-login-disconnect cycles at `perSecond` in all, by the clients of `sources`. */
  async cycles(options: {
    url: string;
    ca: string;
    sources: readonly string[];
    logins: readonly Login[];
    how: 'authorize' | 'resume';
    count: number;
    perSecond: number;
  }): Promise<Cycles> {
    const n = this.processes.length;
    const share = Math.ceil(options.sources.length / n);
    const reports = await Promise.all(
      this.processes.map((child, i) => {
        command(child, {
          kind: 'cycles',
          url: options.url,
          ca: options.ca,
          sources: options.sources.slice(i * share, (i + 1) * share),
          logins: rotate(options.logins, i * share),
          how: options.how,
          count: Math.floor(options.count / n) + (i < options.count % n ? 1 : 0),
          perSecond: options.perSecond / n,
        });
        return nextReport(child, 'cycles');
      }),
    );
    return {
      kind: 'cycles',
      done: sum(reports.map((r) => r.done)),
      failed: sum(reports.map((r) => r.failed)),
      loginMs: reports.flatMap((r) => r.loginMs),
      wallMs: Math.max(...reports.map((r) => r.wallMs)),
      late: sum(reports.map((r) => r.late)),
      firstError: reports.find((r) => r.firstError !== null)?.firstError ?? null,
    };
  }

  /** Lanes (one per source) that log in, log out and log in again for `seconds`. */
  async loginLoop(options: {
    url: string;
    ca: string;
    sources: readonly string[];
    logins: readonly Login[];
    seconds: number;
  }): Promise<{ loginsAt: number[]; counters: ClientCounters }> {
    const share = Math.ceil(options.sources.length / this.processes.length);
    const reports = await Promise.all(
      this.processes.map((child, i) => {
        command(child, {
          kind: 'login-loop',
          url: options.url,
          ca: options.ca,
          sources: options.sources.slice(i * share, (i + 1) * share),
          logins: rotate(options.logins, i * share),
          seconds: options.seconds,
        });
        return nextReport(child, 'login-loop');
      }),
    );
    return {
      loginsAt: reports.flatMap((r) => r.loginsAt),
      counters: addCounters(reports.map((r) => r.counters)),
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.processes.map(async (child) => {
        if (!child.connected) return;
        command(child, { kind: 'close' });
        await nextReport(child, 'closed').catch(() => undefined);
      }),
    );
    for (const child of this.processes) child.kill();
  }
}

function command(child: ChildProcess, message: ClientCommand): void {
  child.send(message);
}

function nextReport<K extends ClientReport['kind']>(
  child: ChildProcess,
  kind: K,
): Promise<Extract<ClientReport, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (report: ClientReport) => {
      if (report.kind !== kind) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(report as Extract<ClientReport, { kind: K }>);
    };
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(new Error(`a client process exited with ${code} before "${kind}"`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const rotate = <T>(list: readonly T[], by: number): T[] => {
  const at = by % list.length;
  return [...list.slice(at), ...list.slice(0, at)];
};
