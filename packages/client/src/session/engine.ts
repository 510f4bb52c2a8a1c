// One profile's connection to the gateway: version → (update) → login → tunnel → posture answers,
// and reconnects with resume until stopped. Network and OS work go through the injected parts.
import { WebSocket, type ClientOptions } from 'ws';
import {
  encodeClientMessage,
  parseServerMessage,
  type AuthStateMessage,
  type ClientMessage,
  type ServerMessage,
  type TunnelWgReply,
  type UpdateMessage,
  type ZtnaRequest,
} from '@kordon/protocol';
import { afterClose, afterFailure, closeWords, reconnectDelayMs } from './policy.js';

export interface GatewayAddress {
  host: string;
  port: number;
  url: string;
  tls: ClientOptions;
}

export interface ClientIdentity {
  major: number;
  minor: number;
  build: number;
  os: 'windows' | 'macos' | 'linux';
}

export type SessionState =
  | { state: 'connecting' }
  | { state: 'authorizing'; server: string }
  | {
      state: 'connected';
      server: string;
      user: string;
      vpn: boolean;
      tunnelAddress: string | null;
      since: Date;
    }
  | { state: 'waiting'; why: string; retryInSeconds: number }
  | { state: 'stopped'; why: string; final: boolean };

export interface SessionParts {
  locate: () => Promise<GatewayAddress>;
  /** The password; `failed` says the last one was refused. Undefined: nobody can give one now. */
  password: (failed: { message: string } | null) => Promise<string | undefined>;
  login: string;
  identity: ClientIdentity;
  keys: { privateKey: string; publicKey: string };
  tunnel: {
    up(reply: TunnelWgReply, host: string, privateKey: string): Promise<{ address: string }>;
    down(): Promise<void>;
  };
  /** An update is required: fetch it, and say where it is. */
  update: (message: UpdateMessage, gateway: GatewayAddress) => Promise<string>;
  posture: (request: ZtnaRequest) => Promise<Record<string, unknown>>;
  onState: (s: SessionState) => void;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

class Stop extends Error {
  constructor(
    readonly why: string,
    readonly final: boolean,
  ) {
    super(why);
  }
}

interface Connection {
  ws: WebSocket;
  next(type: string | string[]): Promise<ServerMessage>;
  closed: Promise<number>;
}

export class ClientSession {
  private ticket: string | null = null;
  private stopping = false;
  private current: Connection | undefined;
  private password: string | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private wake: (() => void) | undefined;

  constructor(private readonly p: SessionParts) {
    this.sleep =
      p.sleep ??
      ((ms) =>
        new Promise((r) => {
          const t = setTimeout(r, ms);
          this.wake = () => {
            clearTimeout(t);
            r();
          };
        }));
  }

  /** Runs until stopped by the user or by something final; resolves with why it ended. */
  async run(): Promise<{ why: string; final: boolean }> {
    let attempt = 0;
    let freshLogin = false;
    for (;;) {
      if (this.stopping) return this.end('disconnected', true);
      this.p.onState({ state: 'connecting' });
      let code: number;
      try {
        code = await this.once(freshLogin);
        attempt = 0;
      } catch (e) {
        if (e instanceof Stop) {
          if (!e.final) {
            // Transient: wait and try again.
            const ms = reconnectDelayMs(attempt++);
            this.p.onState({ state: 'waiting', why: e.why, retryInSeconds: Math.ceil(ms / 1000) });
            await this.sleep(ms);
            continue;
          }
          await this.p.tunnel.down();
          return this.end(e.why, true);
        }
        const ms = reconnectDelayMs(attempt++);
        const why = e instanceof Error ? e.message : String(e);
        this.p.log('warn', `connection failed: ${why}`);
        this.p.onState({ state: 'waiting', why, retryInSeconds: Math.ceil(ms / 1000) });
        await this.sleep(ms);
        continue;
      }
      if (this.isStopping()) return this.end('disconnected', true);
      const next = afterClose(code);
      if (next.kind === 'stop') {
        await this.p.tunnel.down();
        return this.end(next.why, true);
      }
      freshLogin = next.freshLogin;
      if (freshLogin) {
        this.ticket = null;
        await this.p.tunnel.down();
      }
      const ms = reconnectDelayMs(attempt++);
      this.p.onState({ state: 'waiting', why: closeWords(code), retryInSeconds: Math.ceil(ms / 1000) });
      await this.sleep(ms);
    }
  }

  /** Read through a method: `stop()` may set it while `run` awaits. */
  private isStopping(): boolean {
    return this.stopping;
  }

  /** Logs out (the session ends at once: DECISIONS 31) and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const c = this.current;
    if (c && c.ws.readyState === WebSocket.OPEN) {
      try {
        c.ws.send(encodeClientMessage({ type: 'unauthorize' }));
        await Promise.race([c.next('auth_state'), new Promise((r) => setTimeout(r, 2000))]);
      } catch {
        // closing anyway
      }
      c.ws.close(1000, 'disconnect');
    }
    await this.p.tunnel.down();
  }

  private end(why: string, final: boolean): { why: string; final: boolean } {
    this.p.onState({ state: 'stopped', why, final });
    return { why, final };
  }

  /** One connection, from open to close; returns the close code. */
  private async once(freshLogin: boolean): Promise<number> {
    const gateway = await this.p.locate();
    const c = await this.open(gateway);
    this.current = c;
    try {
      this.send(c, { type: 'version', ...this.p.identity });
      const update = (await c.next('update')) as UpdateMessage;
      if (update.need_update) {
        const where = await this.p.update(update, gateway);
        throw new Stop(
          `an update is required: the new version is at ${where}; install it and connect again`,
          true,
        );
      }
      this.p.onState({ state: 'authorizing', server: gateway.host });
      let auth = await this.authorize(c, freshLogin);
      while (!auth.authorized) {
        const next = afterFailure(auth.reason, auth.timeout);
        if (next.kind === 'login-afresh') {
          this.ticket = null;
          auth = await this.authorize(c, true);
          continue;
        }
        if (next.kind === 'retry') {
          this.p.onState({ state: 'waiting', why: auth.message, retryInSeconds: next.afterSeconds });
          await this.sleep(jitter(next.afterSeconds * 1000));
          auth = await this.authorize(c, true);
          continue;
        }
        if (next.kind === 'ask-again') {
          // DECISIONS 28: never re-send refused credentials; wait, then ask the user again.
          this.password = undefined;
          if (next.afterSeconds > 0) await this.sleep(next.afterSeconds * 1000);
          const again = await this.p.password({ message: auth.message });
          if (again === undefined) throw new Stop(auth.message, true);
          this.password = again;
          auth = await this.authorize(c, true);
          continue;
        }
        throw new Stop(auth.message, true);
      }
      this.ticket = auth.resume_ticket ?? null;
      let tunnelAddress: string | null = null;
      if (auth.need_tunnel) {
        this.send(c, { type: 'tunnel_wg', public_key: this.p.keys.publicKey });
        const reply = await c.next(['tunnel_wg', 'error', 'auth_state']);
        if (reply.type !== 'tunnel_wg') {
          throw new Stop(
            `the gateway could not set up the tunnel: ${'message' in reply ? reply.message : reply.type}`,
            true,
          );
        }
        try {
          tunnelAddress = (await this.p.tunnel.up(reply, gateway.host, this.p.keys.privateKey)).address;
        } catch (e) {
          throw new Stop(`the tunnel could not be set up here: ${(e as Error).message}`, true);
        }
      }
      this.p.onState({
        state: 'connected',
        server: gateway.host,
        user: this.p.login,
        vpn: auth.need_tunnel,
        tunnelAddress,
        since: new Date(),
      });
      return await c.closed;
    } catch (e) {
      // A close while waiting for an answer is handled as the close it is (DECISIONS 29).
      if (!(e instanceof Stop) && c.ws.readyState === WebSocket.CLOSED) return await c.closed;
      throw e;
    } finally {
      this.current = undefined;
      if (c.ws.readyState === WebSocket.OPEN) c.ws.close();
    }
  }

  private async authorize(c: Connection, fresh: boolean): Promise<AuthStateMessage> {
    if (!fresh && this.ticket !== null) {
      this.send(c, { type: 'resume', ticket: this.ticket });
    } else {
      this.password ??= await this.p.password(null);
      if (this.password === undefined) throw new Stop('no password given', true);
      this.send(c, { type: 'authorize', login: this.p.login, password: this.password });
    }
    return (await c.next('auth_state')) as AuthStateMessage;
  }

  private send(c: Connection, message: ClientMessage): void {
    c.ws.send(encodeClientMessage(message));
  }

  private open(gateway: GatewayAddress): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(gateway.url, {
        ...gateway.tls,
        maxPayload: 128 * 1024,
        handshakeTimeout: 10_000,
      });
      const inbox: ServerMessage[] = [];
      const waiters: { types: string[]; resolve: (m: ServerMessage) => void; reject: (e: Error) => void }[] =
        [];
      let closeCode: number | undefined;
      const closed = new Promise<number>((r) => {
        ws.on('close', (code) => {
          closeCode = code;
          for (const w of waiters.splice(0))
            w.reject(new Error(`the gateway closed the connection (${code})`));
          r(code);
        });
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const parsed = parseServerMessage((data as Buffer).toString('utf8'));
        for (const w of parsed.warnings ?? []) this.p.log('warn', w);
        if (!parsed.ok) {
          this.p.log('warn', `ignored a message from the gateway: ${parsed.error.message}`);
          return;
        }
        const msg = parsed.value;
        if (msg.type === 'ztna') {
          // DECISIONS 11: answer every request at once with a full report.
          void this.p.posture(msg).then((report) => ws.send(JSON.stringify({ type: 'ztna', ...report })));
          return;
        }
        const i = waiters.findIndex((w) => w.types.includes(msg.type));
        if (i >= 0) waiters.splice(i, 1)[0]?.resolve(msg);
        else inbox.push(msg);
      });
      ws.on('error', (err) => {
        if (ws.readyState === WebSocket.CONNECTING) reject(err);
      });
      ws.on('unexpected-response', (_req, res) => {
        const retry = Number(res.headers['retry-after'] ?? '10');
        reject(new Stop(`the gateway is busy (HTTP ${res.statusCode ?? 0}); retrying in ${retry} s`, false));
        ws.terminate();
      });
      ws.on('open', () => {
        resolve({
          ws,
          closed,
          next: (type) => {
            const types = Array.isArray(type) ? type : [type];
            const i = inbox.findIndex((m) => types.includes(m.type));
            if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as ServerMessage);
            if (closeCode !== undefined)
              return Promise.reject(new Error(`the gateway closed the connection (${closeCode})`));
            return new Promise((res, rej) => waiters.push({ types, resolve: res, reject: rej }));
          },
        });
      });
    });
  }
}

function jitter(ms: number): number {
  return Math.round(ms * (1 + 0.2 * Math.random()));
}
