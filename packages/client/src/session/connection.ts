// One WebSocket to the gateway, read as PROTOCOL.md allows (DECISIONS 63): every request waits for its
// reply with a deadline, an `error` reply is that request's failure, and what the client does not know
// (fields, message types) is left aside. `ztna` and `posture_state` are handled as they come.
import { WebSocket, type ClientOptions } from 'ws';
import {
  encodeClientMessage,
  parseServerMessage,
  type ClientMessage,
  type PostureStateMessage,
  type ServerMessage,
  type ZtnaRequest,
} from '@kordon/protocol';
import { parseRetryAfter } from '../discovery/errors.js';
import { PostureLoop } from './posture-loop.js';

/** The gateway did not answer in time: worth another connection later (DECISIONS 64). */
export class NoReply extends Error {
  override readonly name = 'NoReply';
}

/** The gateway answered a request with `error`: the request cannot succeed as sent. */
export class ErrorReply extends Error {
  override readonly name = 'ErrorReply';

  constructor(
    what: string,
    readonly code: string,
    readonly reply: string,
  ) {
    super(`the gateway refused ${what}: ${reply}`);
  }
}

/** The gateway answered the WebSocket upgrade with HTTP instead (503 busy, or anything else). */
export class UpgradeRefused extends Error {
  override readonly name = 'UpgradeRefused';

  constructor(
    readonly status: number,
    readonly retryAfterSeconds: number | null,
  ) {
    super(
      status === 503
        ? `the gateway is busy (HTTP 503)${retryAfterSeconds === null ? '' : `; it asks to retry in ${retryAfterSeconds} s`}`
        : `the gateway answered the WebSocket upgrade with HTTP ${status}`,
    );
  }
}

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface ConnectionHandlers {
  posture: (request: ZtnaRequest) => Promise<Record<string, unknown>>;
  postureState: (message: PostureStateMessage) => void;
  log: Log;
}

interface Waiter {
  types: readonly string[];
  resolve: (m: ServerMessage) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class GatewayConnection {
  /** This connection's posture answers (DECISIONS 11): full on request, then only on change. */
  readonly posture: PostureLoop;
  private readonly inbox: ServerMessage[] = [];
  private readonly waiters: Waiter[] = [];
  private closeCode: number | undefined;
  /** Resolves with the close code when the connection ends. */
  readonly closed: Promise<number>;

  private constructor(
    private readonly ws: WebSocket,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.posture = new PostureLoop({
      collect: (request) => handlers.posture(request),
      send: (report) => {
        if (this.isOpen) this.ws.send(JSON.stringify({ type: 'ztna', ...report }));
      },
      log: handlers.log,
    });
    this.closed = new Promise<number>((resolve) => {
      ws.on('close', (code) => {
        this.closeCode = code;
        this.posture.stop();
        for (const w of this.waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(new Error(`the gateway closed the connection (${code})`));
        }
        resolve(code);
      });
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.received((data as Buffer).toString('utf8'));
    });
  }

  /** Opens `url` (TLS as `tls` says) and resolves once the WebSocket is open. */
  static open(
    url: string,
    tls: ClientOptions,
    handlers: ConnectionHandlers,
    handshakeTimeoutMs = 10_000,
  ): Promise<GatewayConnection> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { ...tls, maxPayload: 128 * 1024, handshakeTimeout: handshakeTimeoutMs });
      const connection = new GatewayConnection(ws, handlers);
      // Whatever fails before the upgrade fails the open. (ws is already CLOSING when it reports a
      // handshake that timed out or was reset, so the state cannot tell; after `open` this is a no-op.)
      ws.on('error', (err) => {
        reject(err);
      });
      ws.on('close', (code) => {
        reject(new Error(`the connection closed before the WebSocket opened (code ${String(code)})`));
      });
      ws.on('unexpected-response', (_req, res) => {
        res.destroy();
        ws.terminate();
        reject(new UpgradeRefused(res.statusCode ?? 0, parseRetryAfter(res.headers['retry-after'])));
      });
      ws.on('open', () => {
        resolve(connection);
      });
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: ClientMessage): void {
    if (this.isOpen) this.ws.send(encodeClientMessage(message));
  }

  /**
   * Sends `message` and waits for the first reply of one of `types` (or `error`) within `timeoutMs`.
   * An `error` reply rejects with ErrorReply, silence with NoReply; `what` names the request in both.
   */
  request<T extends ServerMessage['type']>(
    message: ClientMessage,
    types: readonly T[],
    what: string,
    timeoutMs: number,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    this.send(message);
    return this.next(types, what, timeoutMs);
  }

  /** Waits for the next message of one of `types` (or `error`), as `request` does, without sending. */
  async next<T extends ServerMessage['type']>(
    types: readonly T[],
    what: string,
    timeoutMs: number,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const reply = await this.wait([...types, 'error'], what, timeoutMs);
    if (reply.type === 'error') throw new ErrorReply(what, reply.code, reply.message);
    return reply as Extract<ServerMessage, { type: T }>;
  }

  close(code?: number, reason?: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close(code, reason);
    }
  }

  private wait(types: readonly string[], what: string, timeoutMs: number): Promise<ServerMessage> {
    const i = this.inbox.findIndex((m) => types.includes(m.type));
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as ServerMessage);
    if (this.closeCode !== undefined) {
      return Promise.reject(new Error(`the gateway closed the connection (${this.closeCode})`));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        types,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new NoReply(`the gateway did not answer ${what} within ${seconds(timeoutMs)}`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private received(text: string): void {
    const parsed = parseServerMessage(text);
    for (const w of parsed.warnings ?? []) this.handlers.log('warn', `from the gateway: ${w}`);
    if (!parsed.ok) {
      // A message type of a newer gateway is no error of its (DECISIONS 63): left aside quietly.
      const level = parsed.error.code === 'unknown_type' ? 'info' : 'warn';
      this.handlers.log(level, `ignored a message from the gateway: ${parsed.error.message}`);
      return;
    }
    const msg = parsed.value;
    if (msg.type === 'ztna') {
      // DECISIONS 11: answer every request at once with a full report; then only changes.
      void this.posture.onRequest(msg);
      return;
    }
    if (msg.type === 'posture_state') {
      this.handlers.postureState(msg);
      return;
    }
    const i = this.waiters.findIndex((w) => w.types.includes(msg.type));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      if (w) {
        clearTimeout(w.timer);
        w.resolve(msg);
      }
      return;
    }
    if (msg.type === 'error') {
      this.handlers.log('warn', `the gateway reported an error (${msg.code}): ${msg.message}`);
      return;
    }
    this.inbox.push(msg);
    // Nobody asked for these in a long while: keep only the latest few.
    if (this.inbox.length > 32) this.inbox.shift();
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
