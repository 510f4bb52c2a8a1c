// Password hashing off the event loop (DECISIONS 68): argon2id runs in a pool of threads, one per core,
// below the event loops' priority, fed from one first-come-first-served queue. The pool measures what
// a hash costs here, so the session service can say how long the queue will take (`busy`).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface Argon2Parameters {
  message: string;
  nonce: Buffer;
  memory: number;
  passes: number;
  parallelism: number;
  tagLength: number;
}

/** What the session service reads to judge the queue (DECISIONS 68). */
export interface HashingCapacity {
  readonly threads: number;
  /** The mean time one hash takes on a thread here, in ms (what the queue's wait is made of). */
  meanHashMs(): number;
  /**
   * The mean CPU one hash takes, in ms: what a hash costs once its thread has the core. Returns are
   * spaced by it, since the wall time is inflated while a crowd's handshakes hold the cores, and the
   * clients told to return come back after that.
   */
  hashCpuMs(): number;
}

interface Pending {
  id: number;
  parameters: Argon2Parameters;
  resolve: (key: Buffer) => void;
  reject: (error: Error) => void;
}

type ThreadReply = { id: number; key: Uint8Array; ms: number; cpuMs: number } | { id: number; error: string };

interface Thread {
  worker: Worker;
  job: Pending | undefined;
}

// From the sources (tests run them through type stripping) the thread is the .ts file; built, the .js.
const threadFile = new URL(
  import.meta.url.endsWith('.ts') ? './hash-thread.ts' : './hash-thread.js',
  import.meta.url,
);

export class HashPool implements HashingCapacity {
  readonly threads: number;
  private readonly idle: Thread[] = [];
  private readonly all: Thread[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  /** A first guess until the first hash is measured: about what m=19 MiB, t=2 takes on one core. */
  private meanMs = 25;
  private meanCpuMs = 25;
  private closed = false;

  constructor(threads: number = availableParallelism()) {
    this.threads = Math.max(1, threads);
  }

  meanHashMs(): number {
    return this.meanMs;
  }

  hashCpuMs(): number {
    return this.meanCpuMs;
  }

  /** Jobs waiting or running. */
  backlog(): number {
    return this.queue.length + this.all.filter((t) => t.job !== undefined).length;
  }

  derive(parameters: Argon2Parameters): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('the password-hashing pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, parameters, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the password-hashing pool is closed'));
    await Promise.all(this.all.map((t) => t.worker.terminate()));
    this.all.length = 0;
    this.idle.length = 0;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const thread = this.idle.pop() ?? this.spawn();
      if (thread === undefined) return;
      const job = this.queue.shift() as Pending;
      thread.job = job;
      // A thread holds the process open only while it works, so a CLI that hashed once can exit.
      thread.worker.ref();
      thread.worker.postMessage({ id: job.id, ...job.parameters });
    }
  }

  /** A new thread while fewer than `threads` run, else undefined. */
  private spawn(): Thread | undefined {
    if (this.all.length >= this.threads) return undefined;
    // The thread needs none of the process's flags (some, like --input-type, would stop it loading).
    const thread: Thread = { worker: new Worker(threadFile, { execArgv: [] }), job: undefined };
    thread.worker.on('message', (reply: ThreadReply) => {
      this.settle(thread, reply);
    });
    thread.worker.on('error', (error: Error) => {
      this.lose(thread, error);
    });
    thread.worker.on('exit', (code) => {
      this.lose(thread, new Error(`a password-hashing thread exited with code ${String(code)}`));
    });
    this.all.push(thread);
    return thread;
  }

  private settle(thread: Thread, reply: ThreadReply): void {
    const job = thread.job;
    thread.job = undefined;
    thread.worker.unref();
    this.idle.push(thread);
    if (job?.id === reply.id) {
      if ('error' in reply) job.reject(new Error(reply.error));
      else {
        this.meanMs = 0.9 * this.meanMs + 0.1 * reply.ms;
        this.meanCpuMs = 0.9 * this.meanCpuMs + 0.1 * reply.cpuMs;
        job.resolve(Buffer.from(reply.key));
      }
    }
    this.dispatch();
  }

  /** A thread that failed or exited: its job fails (the login answers `internal`), a new one takes its place. */
  private lose(thread: Thread, error: Error): void {
    const index = this.all.indexOf(thread);
    if (index === -1) return;
    this.all.splice(index, 1);
    const idleIndex = this.idle.indexOf(thread);
    if (idleIndex !== -1) this.idle.splice(idleIndex, 1);
    thread.job?.reject(error);
    thread.job = undefined;
    if (!this.closed) this.dispatch();
  }
}
