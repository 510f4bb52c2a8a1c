// S6's load generator: client processes (client.ts) driven together, their results merged.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Login } from '../load/protocol.ts';
import type { PostureCommand, PostureReport, PostureSample } from './protocol.ts';

const clientScript = fileURLToPath(new URL('./client.ts', import.meta.url));

type Opened = Extract<PostureReport, { kind: 'opened' }>;

export interface PostureRun {
  sent: number;
  answered: number;
  /** Answers per second within the window, summed over the processes. */
  answersPerSecond: number;
  windowMs: number;
  latencyMs: number[];
  unanswered: number;
  samples: PostureSample[];
}

export class PostureClients {
  // No parameter property: Node runs this file by stripping types, which cannot rewrite one.
  private readonly processes: ChildProcess[];

  private constructor(processes: ChildProcess[]) {
    this.processes = processes;
  }

  /** The client processes' ids, for their CPU time. */
  get pids(): number[] {
    return this.processes.map((child) => child.pid as number);
  }

  static async start(count: number): Promise<PostureClients> {
    const processes = Array.from({ length: count }, () =>
      fork(clientScript, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    await Promise.all(processes.map((child) => nextReport(child, 'ready')));
    return new PostureClients(processes);
  }

  /** One session per source, split evenly over the processes; `logins` empty for a bare server. */
  async open(options: {
    url: string;
    ca: string;
    sources: readonly string[];
    logins: readonly Login[];
    concurrency: number;
  }): Promise<Opened> {
    const share = Math.ceil(options.sources.length / this.processes.length);
    const reports = await Promise.all(
      this.processes.map((child, i) => {
        const sources = options.sources.slice(i * share, (i + 1) * share);
        const logins = sources.map(
          (_, j) => options.logins[(i * share + j) % Math.max(1, options.logins.length)] ?? anyLogin,
        );
        command(child, {
          kind: 'open',
          url: options.url,
          ca: options.ca,
          sources,
          logins,
          firstDevice: i * share,
          concurrency: Math.max(1, Math.ceil(options.concurrency / this.processes.length)),
        });
        return nextReport(child, 'opened');
      }),
    );
    return {
      kind: 'opened',
      open: sum(reports.map((r) => r.open)),
      failed: sum(reports.map((r) => r.failed)),
      firstError: reports.find((r) => r.firstError !== null)?.firstError ?? null,
    };
  }

  /** Every session reports in a loop; what was answered within the window counts. */
  async run(options: {
    warmupMs: number;
    windowMs: number;
    flipEvery: number;
    samples: number;
  }): Promise<PostureRun> {
    const perProcess = Math.ceil(options.samples / this.processes.length);
    const reports = await Promise.all(
      this.processes.map((child) => {
        command(child, { kind: 'run', ...options, samples: perProcess });
        return nextReport(child, 'ran');
      }),
    );
    return {
      sent: sum(reports.map((r) => r.sent)),
      answered: sum(reports.map((r) => r.answered)),
      answersPerSecond: sum(reports.map((r) => r.inWindow / (r.windowMs / 1000))),
      windowMs: Math.max(...reports.map((r) => r.windowMs)),
      latencyMs: reports.flatMap((r) => r.latencyMs),
      unanswered: sum(reports.map((r) => r.unanswered)),
      samples: reports.flatMap((r) => r.samples),
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

const anyLogin: Login = { login: 'bench', password: 'bench' };

function command(child: ChildProcess, message: PostureCommand): void {
  child.send(message);
}

function nextReport<K extends PostureReport['kind']>(
  child: ChildProcess,
  kind: K,
): Promise<Extract<PostureReport, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (report: PostureReport) => {
      if (report.kind !== kind) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(report as Extract<PostureReport, { kind: K }>);
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
