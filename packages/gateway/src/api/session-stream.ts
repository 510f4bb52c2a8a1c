// GET /api/v1/sessions/stream: the monitor's live updates as server-sent events (added, changed,
// ended). The store is the truth (ARCHITECTURE principle 6: sessions live in every worker and, later,
// on other nodes), so while anyone listens one poll a second reads the live sessions and sends what
// differs from the last poll; with no listener nothing runs. A poll that takes long (a hundred thousand
// sessions) spaces the next ones out, so the stream never takes more than a tenth of the process's time.
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/** What a poll yields: each live session's item, by id. */
export type SessionSnapshot = ReadonlyMap<string, { item: unknown; fingerprint: string }>;

export interface SessionStreamOptions {
  /** The live sessions now (the same items GET /api/v1/sessions lists). */
  snapshot: () => Promise<SessionSnapshot>;
  logger: Logger | false;
  pollMs?: number;
  /** A comment line this often keeps proxies and the browser from giving up on a quiet stream. */
  heartbeatMs?: number;
}

interface Listener {
  response: ServerResponse;
  /** Whether the caller may still listen (its console session not ended or expired). */
  stillAllowed: () => Promise<boolean>;
}

/** Every this many polls each listener's right to listen is checked again. */
const recheckEveryPolls = 5;
/** A poll may take at most this share of the time between polls; slower ones space the next out. */
const maxPollShare = 0.1;

export class SessionStream {
  private readonly listeners = new Set<Listener>();
  private previous: SessionSnapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private polls = 0;
  private running = false;
  /** Counts starts, so a poll still running from before a stop does not go on after a new start. */
  private generation = 0;
  /** How long the last poll took, for the pause before the next (ms). */
  private lastPollMs = 0;

  constructor(private readonly options: SessionStreamOptions) {}

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Takes over `response` until the client goes away or may no longer listen. */
  listen(response: ServerResponse, stillAllowed: () => Promise<boolean>): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // The browser reconnects after this long when the connection drops (the console then reloads its list).
    });
    response.write('retry: 2000\n: listening\n\n');
    const listener: Listener = { response, stillAllowed };
    this.listeners.add(listener);
    response.on('close', () => {
      this.drop(listener);
    });
    response.on('error', () => {
      this.drop(listener);
    });
    this.startPolling();
  }

  /** Ends every stream (the API is closing). */
  close(): void {
    for (const listener of this.listeners) listener.response.end();
    this.listeners.clear();
    this.stopPolling();
  }

  private drop(listener: Listener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.stopPolling();
  }

  private startPolling(): void {
    if (this.running) return;
    this.running = true;
    this.generation += 1;
    this.heartbeat = setInterval(() => {
      for (const listener of this.listeners) listener.response.write(': heartbeat\n\n');
    }, this.options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
    void this.pollThenWait(this.generation);
  }

  private stopPolling(): void {
    this.running = false;
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    this.timer = undefined;
    this.heartbeat = undefined;
    // The next listener starts from a fresh snapshot: it has just loaded the list itself.
    this.previous = undefined;
  }

  /** One poll, then the next after the poll interval, or longer when a poll took over a tenth of it. */
  private async pollThenWait(generation: number): Promise<void> {
    const started = performance.now();
    await this.poll();
    this.lastPollMs = performance.now() - started;
    if (!this.running || generation !== this.generation) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pollThenWait(generation);
    }, this.nextPollInMs());
    this.timer.unref();
  }

  /** The pause before the next poll (ms). */
  nextPollInMs(): number {
    return Math.max(this.options.pollMs ?? 1000, this.lastPollMs / maxPollShare - this.lastPollMs);
  }

  private async poll(): Promise<void> {
    try {
      if (++this.polls % recheckEveryPolls === 0) await this.recheckListeners();
      if (this.listeners.size === 0) return;
      const now = await this.options.snapshot();
      const previous = this.previous;
      this.previous = now;
      if (previous === undefined) return;
      const events: string[] = [];
      for (const [id, entry] of now) {
        const before = previous.get(id);
        if (before === undefined) events.push(sse('added', entry.item));
        else if (before.fingerprint !== entry.fingerprint) events.push(sse('changed', entry.item));
      }
      for (const id of previous.keys()) if (!now.has(id)) events.push(sse('ended', { id }));
      if (events.length === 0) return;
      const text = events.join('');
      for (const listener of this.listeners) listener.response.write(text);
    } catch (err) {
      if (this.options.logger)
        this.options.logger.error({ err }, 'the sessions stream could not read the sessions');
    }
  }

  private async recheckListeners(): Promise<void> {
    for (const listener of [...this.listeners]) {
      if (!(await listener.stillAllowed())) {
        listener.response.end(sse('signed_out', {}));
        this.drop(listener);
      }
    }
  }
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
