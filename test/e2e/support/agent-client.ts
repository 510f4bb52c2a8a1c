// The test side of agent.ts: spawns it in a namespace and speaks its JSON-lines protocol.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');
export const node24 = join(repoRoot, 'node_modules', '.bin', 'node');

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export interface WsEvents {
  messages: Record<string, unknown>[];
  waiters: ((m: Record<string, unknown>) => void)[];
  close: Promise<{ code: number; reason: string }>;
  closeResolve: (c: { code: number; reason: string }) => void;
}

export class Agent {
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly ws = new Map<string, WsEvents>();
  readonly ready: Promise<void>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    let markReady: () => void = () => undefined;
    this.ready = new Promise((r) => (markReady = r));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as Record<string, unknown>;
      if (msg['event'] === 'ready') markReady();
      else if (msg['event'] === 'message') {
        this.events(String(msg['id'])).messages.push(msg['data'] as Record<string, unknown>);
        this.drain(String(msg['id']));
      } else if (msg['event'] === 'close')
        this.events(String(msg['id'])).closeResolve({
          code: Number(msg['code']),
          reason: String(msg['reason']),
        });
      else if (typeof msg['seq'] === 'number') {
        const p = this.pending.get(msg['seq']);
        this.pending.delete(msg['seq']);
        if (typeof msg['error'] === 'string') p?.reject(new Error(msg['error']));
        else p?.resolve(msg['result']);
      }
    });
    child.stderr.on('data', (d: Buffer) => process.stderr.write(`[agent] ${d.toString()}`));
  }

  static async start(netns: string): Promise<Agent> {
    const child = spawn('ip', ['netns', 'exec', netns, node24, join(repoRoot, 'test/e2e/support/agent.ts')], {
      cwd: repoRoot,
    });
    const agent = new Agent(child);
    await agent.ready;
    return agent;
  }

  call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin.write(`${JSON.stringify({ seq, op, ...args })}\n`);
    });
  }

  private events(id: string): WsEvents {
    let e = this.ws.get(id);
    if (!e) {
      let closeResolve: (c: { code: number; reason: string }) => void = () => undefined;
      const close = new Promise<{ code: number; reason: string }>((r) => (closeResolve = r));
      e = { messages: [], waiters: [], close, closeResolve };
      this.ws.set(id, e);
    }
    return e;
  }

  private drain(id: string): void {
    const e = this.events(id);
    while (e.messages.length > 0 && e.waiters.length > 0) e.waiters.shift()?.(e.messages.shift()!);
  }

  async wsOpen(id: string, url: string, ca: string): Promise<void> {
    this.events(id);
    await this.call('ws-open', { id, url, ca });
  }

  wsSend(id: string, data: unknown): Promise<void> {
    return this.call('ws-send', { id, data });
  }

  /** The next message on `id` whose type is `type` (DECISIONS 32: match by type, not position). */
  async wsNext(id: string, type?: string, ms = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const e = this.events(id);
      const idx = e.messages.findIndex((m) => type === undefined || m['type'] === type);
      if (idx >= 0) return e.messages.splice(idx, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `no ${type ?? 'message'} on ${id} within ${ms} ms; got ${JSON.stringify(e.messages)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        e.waiters.push((m) => {
          clearTimeout(timer);
          e.messages.unshift(m);
          resolve();
        });
      });
    }
  }

  async wsRequest(
    id: string,
    data: Record<string, unknown>,
    replyType: string,
  ): Promise<Record<string, unknown>> {
    await this.wsSend(id, data);
    return this.wsNext(id, replyType);
  }

  wsClosed(id: string): Promise<{ code: number; reason: string }> {
    return this.events(id).close;
  }

  wsClose(id: string, terminate = false): Promise<void> {
    return this.call('ws-close', { id, terminate });
  }

  https(
    url: string,
    ca: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ) {
    return this.call<{ status: number; body: string }>('https', { url, ca, ...init });
  }

  tcpProbe(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
    return this.call('tcp-probe', { host, port, timeoutMs });
  }

  stop(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}
