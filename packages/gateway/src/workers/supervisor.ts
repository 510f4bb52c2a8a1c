// The owner's side of the workers (DECISIONS 71): starts the endpoint processes on the client port,
// answers their grant and revoke requests from the one AccessControl, collects their metrics, and
// restarts a worker that died after handing its sessions to the grace.
import { availableParallelism } from 'node:os';
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Logger } from 'pino';
import type { AccessControl } from '../access.js';
import type { GatewayConfig } from '../config/options.js';
import type { TlsIdentity } from '../tls.js';
import type { OwnerMessage, WorkerMessage } from './messages.js';

export interface WorkerSupervisorOptions {
  count: number;
  config: GatewayConfig;
  tls: TlsIdentity;
  tunnels: boolean;
  access: AccessControl;
  logger: Logger;
  /** The compiled worker entry (workers/worker-main.js). */
  entry: string;
  /** A worker is gone: its sessions wait out the grace (the owner sweeps them). */
  onWorkerLost: (holder: string) => Promise<void>;
}

interface Worker {
  index: number;
  process: ChildProcess;
  listening: Promise<number>;
}

const restartDelayMs = 1000;
const metricsTimeoutMs = 2000;

export class WorkerSupervisor {
  private readonly workers = new Map<number, Worker>();
  private stopping = false;
  private port = 0;
  private nextRequest = 1;
  private readonly metricsWaiting = new Map<number, (metrics: unknown) => void>();

  constructor(private readonly options: WorkerSupervisorOptions) {}

  /** Starts every worker and resolves with the port they listen on. */
  async start(): Promise<number> {
    const { config } = this.options;
    // With port 0 every worker would bind a port of its own: the owner picks one for all.
    this.port = config.listen.port === 0 ? await freePort(config.listen.host) : config.listen.port;
    const started = [];
    for (let index = 1; index <= this.options.count; index++) started.push(this.spawn(index).listening);
    await Promise.all(started);
    return this.port;
  }

  /** Each live worker's metrics as prom-client JSON, for aggregation. */
  async metrics(): Promise<unknown[]> {
    const replies = [...this.workers.values()].map(
      (worker) =>
        new Promise<unknown>((resolve) => {
          const id = this.nextRequest++;
          const timer = setTimeout(() => {
            this.metricsWaiting.delete(id);
            resolve([]);
          }, metricsTimeoutMs);
          this.metricsWaiting.set(id, (metrics) => {
            clearTimeout(timer);
            resolve(metrics);
          });
          send(worker.process, { type: 'metrics_request', id });
        }),
    );
    return Promise.all(replies);
  }

  /** Graceful stop: every worker tells its clients to resume later (4006) and exits. */
  async stop(): Promise<void> {
    this.stopping = true;
    const exits = [...this.workers.values()].map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.process.exitCode !== null || worker.process.signalCode !== null) {
            resolve();
            return;
          }
          const kill = setTimeout(() => worker.process.kill('SIGKILL'), 5000);
          worker.process.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          send(worker.process, { type: 'stop' });
        }),
    );
    await Promise.all(exits);
  }

  private spawn(index: number): Worker {
    const { config, logger } = this.options;
    const child = fork(this.options.entry, [], { serialization: 'advanced', stdio: 'inherit' });
    let resolveListening: (port: number) => void = () => undefined;
    let rejectListening: (e: Error) => void = () => undefined;
    const listening = new Promise<number>((resolve, reject) => {
      resolveListening = resolve;
      rejectListening = reject;
    });
    const worker: Worker = { index, process: child, listening };
    this.workers.set(index, worker);
    child.on('message', (message: WorkerMessage) => {
      this.received(worker, message, resolveListening, rejectListening);
    });
    child.on('exit', (code, signal) => {
      this.workers.delete(index);
      rejectListening(new Error(`worker ${index} exited before listening (${signal ?? String(code)})`));
      if (this.stopping) return;
      const holder = `${config.nodeName}/${index}`;
      logger.error(
        { worker: index, code, signal },
        'worker died; its sessions wait for their clients to resume',
      );
      // The new worker takes the same holder name, so it starts only once the old one's sessions are released.
      this.options
        .onWorkerLost(holder)
        .catch((err: unknown) => {
          logger.error({ err, worker: index }, 'handing a dead worker’s sessions to the grace failed');
        })
        .finally(() => {
          setTimeout(() => {
            if (!this.stopping) this.spawn(index);
          }, restartDelayMs).unref();
        });
    });
    send(child, {
      type: 'start',
      config: { ...config, listen: { host: config.listen.host, port: this.port } },
      worker: index,
      tls: this.options.tls,
      tunnels: this.options.tunnels,
      terminal: process.stdout.isTTY,
      // Together the workers hash on as many threads as there are cores, not as many per worker: a
      // thread's isolate and its hash memory stay with it (about 30 MiB each, docs/benchmarks.md S1).
      hashThreads: Math.ceil(availableParallelism() / this.options.count),
    });
    logger.info({ worker: index, pid: child.pid }, 'worker started');
    return worker;
  }

  private received(
    worker: Worker,
    message: WorkerMessage,
    listening: (port: number) => void,
    failed: (e: Error) => void,
  ): void {
    switch (message.type) {
      case 'listening':
        listening(message.port);
        return;
      case 'failed':
        failed(new Error(`worker ${worker.index}: ${message.message}`));
        return;
      case 'metrics':
        this.metricsWaiting.get(message.id)?.(message.metrics);
        this.metricsWaiting.delete(message.id);
        return;
      case 'access': {
        const { access } = this.options;
        const done =
          message.action === 'grant' ? access.grant(message.session) : access.revoke(message.session);
        done.then(
          () => send(worker.process, { type: 'access_result', id: message.id, error: null }),
          (err: unknown) =>
            send(worker.process, {
              type: 'access_result',
              id: message.id,
              error: err instanceof Error ? err.message : String(err),
            }),
        );
        return;
      }
    }
  }
}

function send(child: ChildProcess, message: OwnerMessage): void {
  if (child.connected) child.send(message);
}

/** A port free now on `host`, for workers that were asked for port 0. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0 }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
