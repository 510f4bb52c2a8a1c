// A process of simulated clients (the load generator forks several: one source address has about
// 28,000 ephemeral ports and one process 20,000 open files here). Each client speaks the protocol over
// real TLS and a real WebSocket from a 127.x.y.z address of its own: `version`, then `authorize` or
// `resume`, then `tunnel_wg` with a WireGuard key of its own when the gateway says a tunnel is needed,
// and stays connected (answering the server's pings, as the `ws` library does). In `keep` mode a client
// behaves as the real one after each outcome: the numbers and rules are imported from the built client
// (session/policy.js), the loop around them follows its session/engine.ts. Commands and reports go
// over the IPC channel (protocol.ts).
import { request } from 'node:https';
import { setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { generateKeyPair } from '@kordon/drivers';
import type { AuthFailureReason } from '@kordon/protocol';
import { afterClose, afterFailure, reconnectDelayMs } from '../../packages/client/dist/session/policy.js';
import {
  emptyCounters,
  type ClientCommand,
  type ClientCounters,
  type ClientMode,
  type ClientReport,
  type Login,
} from './protocol.ts';

const version = { type: 'version', major: 1, minor: 0, build: 0, os: 'linux' };
/** The real client's deadlines (session/connection.ts, DECISIONS 63). */
const clientHandshakeMs = 10_000;
const clientReplyMs = 30_000;
const probeMs = 5_000;
/** What S0 and S1 were measured with: one patient attempt per connection. */
const onceTimeoutMs = 60_000;

type Message = { type?: unknown } & Record<string, unknown>;

function send(report: ClientReport): void {
  process.send?.(report);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** session/engine.ts's jitter for waits the gateway asked for: up to 20 % longer. */
const jitter = (ms: number): number => Math.round(ms * (1 + 0.2 * Math.random()));

/** The reason of a refusal, as the client's policy reads it. */
function reasonOf(auth: Message): AuthFailureReason | undefined {
  return typeof auth['reason'] === 'string' ? (auth['reason'] as AuthFailureReason) : undefined;
}

/** Why an attempt ended without a session; `final`: retrying cannot fix it (DECISIONS 64). */
class Stop extends Error {
  final: boolean;
  retryAfterSeconds: number | null;

  constructor(why: string, final: boolean, retryAfterSeconds: number | null = null) {
    super(why);
    this.final = final;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

class NoReply extends Error {}
class ErrorReply extends Error {}
class UpgradeRefused extends Error {
  status: number;
  retryAfterSeconds: number | null;

  constructor(status: number, retryAfter: string | undefined) {
    super(`HTTP ${status} at the upgrade${retryAfter === undefined ? '' : ` (Retry-After: ${retryAfter})`}`);
    this.status = status;
    this.retryAfterSeconds =
      retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : null;
  }
}

interface Waiter {
  types: readonly string[];
  resolve: (message: Message) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One WebSocket, read as the real client reads it: replies matched by type, with a deadline. */
class Connection {
  readonly socket: WebSocket;
  readonly closed: Promise<number>;
  private readonly inbox: Message[] = [];
  private readonly waiters: Waiter[] = [];
  private closeCode: number | undefined;
  private readonly pings: ((ms: number) => void)[] = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => {
      socket.on('close', (code) => {
        this.closeCode = code;
        for (const w of this.waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(new Error(`closed with ${code}`));
        }
        resolve(code);
      });
    });
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.received(textOf(data));
    });
    const sent: number[] = [];
    socket.on('pong', () => {
      const at = sent.shift();
      const done = this.pings.shift();
      if (at !== undefined) done?.(performance.now() - at);
    });
    this.ping = () =>
      new Promise((resolve) => {
        sent.push(performance.now());
        this.pings.push(resolve);
        socket.ping();
      });
  }

  /** A WebSocket ping and its pong: ms. */
  readonly ping: () => Promise<number>;

  static open(url: string, ca: string, source: string, handshakeMs: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, {
        ca,
        localAddress: source,
        perMessageDeflate: false,
        handshakeTimeout: handshakeMs,
        maxPayload: 128 * 1024,
      });
      const connection = new Connection(socket);
      // `ws` sets CLOSING before it emits a failure to connect, so the state cannot tell whether the
      // socket ever opened; a promise settles once, so rejecting after `open` is harmless.
      socket.on('error', reject);
      socket.once('unexpected-response', (_request, response) => {
        const retryAfter = response.headers['retry-after'];
        response.destroy();
        socket.terminate();
        reject(new UpgradeRefused(response.statusCode ?? 0, retryAfter));
      });
      socket.once('open', () => {
        resolve(connection);
      });
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends `message` and waits for the first reply of one of `types`; `error` rejects (ErrorReply). */
  async request(message: object, types: readonly string[], timeoutMs: number): Promise<Message> {
    if (this.isOpen) this.socket.send(JSON.stringify(message));
    const reply = await this.wait([...types, 'error'], timeoutMs);
    if (reply.type === 'error') throw new ErrorReply(`error reply: ${JSON.stringify(reply)}`);
    return reply;
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(1000);
    }
  }

  private wait(types: readonly string[], timeoutMs: number): Promise<Message> {
    const i = this.inbox.findIndex((m) => types.includes(m.type as string));
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as Message);
    if (this.closeCode !== undefined) return Promise.reject(new Error(`closed with ${this.closeCode}`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        types,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new NoReply(`no ${types.join('/')} within ${timeoutMs / 1000} s`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private received(text: string): void {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return;
    }
    const i = this.waiters.findIndex((w) => w.types.includes(message.type as string));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      if (w) {
        clearTimeout(w.timer);
        w.resolve(message);
      }
      return;
    }
    // `ztna` and whatever nobody asked for: the latest few are kept.
    this.inbox.push(message);
    if (this.inbox.length > 32) this.inbox.shift();
  }
}

/** A WebSocket message's text (the library gives a Buffer, an ArrayBuffer or fragments). */
function textOf(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** One simulated client: its address, account, resume ticket and (once it needs one) WireGuard key. */
interface SimClient {
  source: string;
  login: Login;
  ticket: string | null;
  publicKey: string | null;
  connection: Connection | null;
  /** Authorized, with its tunnel when it has one. */
  connected: boolean;
  /** Its current connection set up a tunnel. */
  tunneled: boolean;
  /** Epoch ms of its first `connected` since the mark. */
  connectedSinceMark: number | null;
}

const clients: SimClient[] = [];
let counters: ClientCounters = emptyCounters();
let stopping = false;
/** Read through a function: `close` may set it while a client awaits (TypeScript would narrow a read). */
const isStopping = (): boolean => stopping;

function newClient(source: string, login: Login): SimClient {
  const client: SimClient = {
    source,
    login,
    ticket: null,
    publicKey: null,
    connection: null,
    connected: false,
    tunneled: false,
    connectedSinceMark: null,
  };
  clients.push(client);
  return client;
}

function noteError(client: SimClient, error: unknown): void {
  counters.firstError ??= `${client.source}: ${error instanceof Error ? error.message : String(error)}`;
}

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

async function openConnection(client: SimClient, url: string, ca: string, handshakeMs: number) {
  counters.connects += 1;
  try {
    return await Connection.open(url, ca, client.source, handshakeMs);
  } catch (error) {
    if (error instanceof UpgradeRefused) {
      if (error.status !== 503) counters.otherUpgradeRefusals += 1;
      else if (error.retryAfterSeconds === null) counters.busy503WithoutRetryAfter += 1;
      else counters.busy503 += 1;
    } else counters.connectFailures += 1;
    throw error;
  }
}

/**
 * The real client's probe of `https://host:port/connect` before each WebSocket (DECISIONS 62,
 * discovery/probe.ts): 503 means busy (with its Retry-After), any other answer "the gateway is here".
 */
function probe(client: SimClient, url: string, ca: string): Promise<void> {
  counters.probes += 1;
  const target = new URL(url.replace(/^wss:/, 'https:'));
  return new Promise((resolve, reject) => {
    const asked = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        ca,
        localAddress: client.source,
        agent: false,
        headers: { 'user-agent': 'kordon' },
      },
      (response) => {
        clearTimeout(timer);
        const retryAfter = response.headers['retry-after'];
        response.destroy();
        asked.destroy();
        if (response.statusCode === 503) {
          counters.busy503 += retryAfter === undefined ? 0 : 1;
          counters.busy503WithoutRetryAfter += retryAfter === undefined ? 1 : 0;
          reject(new UpgradeRefused(503, retryAfter));
        } else resolve();
      },
    );
    const timer = setTimeout(
      () => asked.destroy(new Error(`no answer to the probe within ${probeMs} ms`)),
      probeMs,
    );
    asked.on('error', (error) => {
      clearTimeout(timer);
      counters.probeFailures += 1;
      reject(error);
    });
    asked.end();
  });
}

/** `authorize` (the password), or `resume` with the ticket when the client holds one and may use it. */
function logIn(connection: Connection, client: SimClient, fresh: boolean, replyMs: number) {
  if (!fresh && client.ticket !== null) {
    counters.resumes += 1;
    return {
      resumed: true,
      answer: connection.request({ type: 'resume', ticket: client.ticket }, ['auth_state'], replyMs),
    };
  }
  counters.passwordLogins += 1;
  return {
    resumed: false,
    answer: connection.request(
      { type: 'authorize', login: client.login.login, password: client.login.password },
      ['auth_state'],
      replyMs,
    ),
  };
}

/**
 * engine.ts `logIn` and `afterRefusal`: logs in (or resumes), retries on the same connection what the
 * policy says to retry, and sets up the tunnel when one is needed. Throws Stop when it cannot.
 */
async function authorizeOn(connection: Connection, client: SimClient, fresh: boolean): Promise<void> {
  let attempt = logIn(connection, client, fresh, clientReplyMs);
  for (;;) {
    const auth = await attempt.answer;
    if (auth['authorized'] !== true) {
      const reason = reasonOf(auth);
      const timeout = typeof auth['timeout'] === 'number' ? auth['timeout'] : 0;
      count(counters.refusals, reason ?? 'none');
      if (reason === 'busy') count(counters.busyTimeouts, String(timeout));
      const next = afterFailure(reason, timeout);
      switch (next.kind) {
        case 'login-afresh':
          client.ticket = null;
          attempt = logIn(connection, client, true, clientReplyMs);
          continue;
        case 'retry':
          await sleep(jitter(next.afterSeconds * 1000));
          if (isStopping()) throw new Stop('stopped', true);
          attempt = logIn(connection, client, true, clientReplyMs);
          continue;
        default:
          // Non-interactive: a refused password is not sent again (DECISIONS 28); the rest is final.
          throw new Stop(`refused: ${JSON.stringify(auth)}`, true);
      }
    }
    counters.authorized += 1;
    if (attempt.resumed) counters.resumedAuthorized += 1;
    client.ticket = typeof auth['resume_ticket'] === 'string' ? auth['resume_ticket'] : null;
    if (auth['need_tunnel'] !== true) return;
    // DECISIONS 1, 27: one key pair per client, kept across reconnects, so the lease stays its own.
    client.publicKey ??= generateKeyPair().publicKey;
    counters.tunnelRequests += 1;
    const reply = await connection.request(
      { type: 'tunnel_wg', public_key: client.publicKey },
      ['tunnel_wg', 'auth_state'],
      clientReplyMs,
    );
    if (reply.type === 'tunnel_wg') {
      counters.tunnels += 1;
      client.tunneled = true;
      return;
    }
    // DECISIONS 61: the pending session ended; the refusal is handled as any other.
    client.ticket = null;
    attempt = { resumed: false, answer: Promise.resolve(reply) };
  }
}

/** engine.ts `asStop`: every way an attempt can fail, final or not. */
function asStop(error: unknown): Stop {
  if (error instanceof Stop) return error;
  if (error instanceof ErrorReply) {
    counters.errorReplies += 1;
    return new Stop(error.message, true);
  }
  if (error instanceof NoReply) {
    counters.replyTimeouts += 1;
    return new Stop(error.message, false);
  }
  if (error instanceof UpgradeRefused)
    return new Stop(error.message, false, error.status === 503 ? error.retryAfterSeconds : null);
  return new Stop(error instanceof Error ? error.message : String(error), false);
}

function markConnected(client: SimClient, connection: Connection): void {
  client.connection = connection;
  client.connected = true;
  client.connectedSinceMark ??= Date.now();
}

/**
 * engine.ts `once`: one connection from open to close; resolves with its close code once it was
 * connected (and `onConnected` ran), throws Stop when it never got there.
 */
async function once(client: SimClient, url: string, ca: string, fresh: boolean, onConnected: () => void) {
  await probe(client, url, ca);
  const connection = await openConnection(client, url, ca, clientHandshakeMs);
  try {
    await connection.request(version, ['update'], clientReplyMs);
    counters.versions += 1;
    await authorizeOn(connection, client, fresh);
    markConnected(client, connection);
    onConnected();
    return await connection.closed;
  } catch (error) {
    // A close while waiting for an answer is handled as the close it is (DECISIONS 29).
    if (!(error instanceof Stop) && !(error instanceof ErrorReply) && !connection.isOpen)
      return await connection.closed;
    throw error;
  } finally {
    client.connected = false;
    client.tunneled = false;
    client.connection = null;
    connection.close();
  }
}

/** engine.ts `run`: connects, stays, and reconnects after what the policy says, until stopped. */
async function keep(client: SimClient, url: string, ca: string, onFirst: () => void): Promise<void> {
  let attempt = 0;
  let fresh = false;
  let first = true;
  const connected = () => {
    if (first) onFirst();
    first = false;
  };
  while (!isStopping()) {
    let code: number;
    try {
      code = await once(client, url, ca, fresh, connected);
      attempt = 0;
    } catch (error) {
      if (isStopping()) return;
      const stop = asStop(error);
      if (stop.final) {
        counters.stopped += 1;
        noteError(client, stop);
        connected();
        return;
      }
      noteError(client, stop);
      await sleep(
        stop.retryAfterSeconds !== null ? jitter(stop.retryAfterSeconds * 1000) : reconnectDelayMs(attempt++),
      );
      continue;
    }
    if (isStopping()) return;
    count(counters.closes, String(code));
    const next = afterClose(code);
    if (next.kind === 'stop') {
      counters.stopped += 1;
      return;
    }
    fresh = next.freshLogin;
    if (fresh) client.ticket = null;
    if (next.now) continue;
    await sleep(reconnectDelayMs(attempt++));
  }
}

/** S0, S1: one attempt, `version` then `authorize`, kept open; ms from the connect to the answer. */
async function openOnce(client: SimClient, url: string, ca: string): Promise<number> {
  const started = performance.now();
  const connection = await openConnection(client, url, ca, onceTimeoutMs);
  try {
    await connection.request(version, ['update'], onceTimeoutMs);
    counters.versions += 1;
    counters.passwordLogins += 1;
    const answer = await connection.request(
      { type: 'authorize', login: client.login.login, password: client.login.password },
      ['auth_state'],
      onceTimeoutMs,
    );
    if (answer['authorized'] !== true) throw new Error(`not authorized: ${JSON.stringify(answer)}`);
    counters.authorized += 1;
    client.ticket = typeof answer['resume_ticket'] === 'string' ? answer['resume_ticket'] : null;
  } catch (error) {
    connection.socket.terminate();
    throw error;
  }
  markConnected(client, connection);
  void connection.closed.then(() => {
    client.connected = false;
  });
  return performance.now() - started;
}

/** Runs `work` for 0..count-1 with at most `concurrency` in flight. */
async function pool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await work(index);
    }
  });
  await Promise.all(lanes);
}

async function open(command: Extract<ClientCommand, { kind: 'open' }>): Promise<void> {
  const mode: ClientMode = command.mode ?? 'once';
  const loginMs: number[] = [];
  let failed = 0;
  const errors: { first: string | null } = { first: null };
  const started = performance.now();
  await pool(command.sources.length, command.concurrency, async (index) => {
    const client = newClient(
      command.sources[index] as string,
      command.logins[index % command.logins.length] as Login,
    );
    const began = performance.now();
    try {
      if (mode === 'once') {
        loginMs.push(await openOnce(client, command.url, command.ca));
        return;
      }
      // The first connection counts; the client then keeps going on its own. A client that is still
      // retrying after ten minutes is counted as failed here and goes on trying.
      await new Promise<void>((resolve) => {
        void keep(client, command.url, command.ca, resolve);
        setTimeout(resolve, 600_000).unref();
      });
      if (client.connected) loginMs.push(performance.now() - began);
      else failed += 1;
    } catch (error) {
      failed += 1;
      errors.first ??= `${client.source}: ${error instanceof Error ? error.message : String(error)}`;
    }
  });
  send({
    kind: 'opened',
    open: loginMs.length,
    failed,
    loginMs,
    wallMs: performance.now() - started,
    firstError: errors.first ?? (failed > 0 ? counters.firstError : null),
  });
}

/** `messages` round trips of `version` (answered with `update`) spread over the open connections. */
async function roundTrips(messages: number, concurrency: number): Promise<void> {
  const latencyMs: number[] = [];
  const started = performance.now();
  const open = clients.flatMap((c) => (c.connection?.isOpen === true ? [c.connection] : []));
  if (open.length > 0) {
    await pool(messages, concurrency, async (index) => {
      const connection = open[index % open.length] as Connection;
      const sent = performance.now();
      await connection.request(version, ['update'], onceTimeoutMs);
      latencyMs.push(performance.now() - sent);
    });
  }
  send({ kind: 'round-trips', done: latencyMs.length, wallMs: performance.now() - started, latencyMs });
}

/** WebSocket pings at a fixed rate, one in flight per connection, round robin over the open ones. */
async function keepalive(perSecond: number, seconds: number): Promise<void> {
  const latencyMs: number[] = [];
  const open = clients.flatMap((c) => (c.connection?.isOpen === true ? [c.connection] : []));
  const busy = new Set<Connection>();
  const waits: Promise<void>[] = [];
  let lost = 0;
  const started = performance.now();
  for (let i = 0, next = 0; i < perSecond * seconds && open.length > 0; i += 1) {
    const due = started + (i * 1000) / perSecond;
    await sleep(Math.max(0, due - performance.now()));
    let connection: Connection | undefined;
    for (let tried = 0; tried < open.length && connection === undefined; tried += 1) {
      const candidate = open[next++ % open.length] as Connection;
      if (!busy.has(candidate) && candidate.isOpen) connection = candidate;
    }
    if (connection === undefined) {
      lost += 1;
      continue;
    }
    const chosen = connection;
    busy.add(chosen);
    waits.push(
      Promise.race([chosen.ping(), sleep(10_000).then(() => -1)]).then((ms) => {
        busy.delete(chosen);
        if (ms < 0) lost += 1;
        else latencyMs.push(ms);
      }),
    );
  }
  await Promise.all(waits);
  send({ kind: 'keepalive', done: latencyMs.length, lost, latencyMs });
}

const cycleClients = new Map<string, SimClient>();

/** One connect-login-disconnect cycle; ms from the connect to the authorizing answer. */
async function cycle(
  client: SimClient,
  url: string,
  ca: string,
  how: 'authorize' | 'resume',
): Promise<number> {
  const started = performance.now();
  const connection = await openConnection(client, url, ca, clientHandshakeMs);
  try {
    await connection.request(version, ['update'], clientReplyMs);
    counters.versions += 1;
    const resume = how === 'resume' && client.ticket !== null;
    const { answer } = logIn(connection, client, !resume, clientReplyMs);
    const auth = await answer;
    client.ticket = null;
    if (auth['authorized'] !== true) throw new Error(`not authorized: ${JSON.stringify(auth)}`);
    const ms = performance.now() - started;
    counters.authorized += 1;
    if (resume) counters.resumedAuthorized += 1;
    if (how === 'authorize') {
      await connection.request({ type: 'unauthorize' }, ['auth_state'], clientReplyMs);
    } else {
      client.ticket = typeof auth['resume_ticket'] === 'string' ? auth['resume_ticket'] : null;
    }
    return ms;
  } finally {
    // A drop, not a logout: with `resume` the session waits in its grace for the next cycle.
    connection.close();
    await connection.closed;
  }
}

async function cycles(command: Extract<ClientCommand, { kind: 'cycles' }>): Promise<void> {
  const own = command.sources.map((source, i) => {
    const key = `${source} ${command.how}`;
    let client = cycleClients.get(key);
    if (client === undefined) {
      client = {
        source,
        login: command.logins[i % command.logins.length] as Login,
        ticket: null,
        publicKey: null,
        connection: null,
        connected: false,
        tunneled: false,
        connectedSinceMark: null,
      };
      cycleClients.set(key, client);
    }
    return client;
  });
  const idle = [...own];
  const freed: (() => void)[] = [];
  const loginMs: number[] = [];
  const running: Promise<void>[] = [];
  let failed = 0;
  let late = 0;
  let firstError: string | null = null;
  const started = performance.now();
  for (let i = 0; i < command.count; i += 1) {
    await sleep(Math.max(0, started + (i * 1000) / command.perSecond - performance.now()));
    if (idle.length === 0) {
      late += 1;
      await new Promise<void>((resolve) => freed.push(resolve));
    }
    const client = idle.shift() as SimClient;
    running.push(
      cycle(client, command.url, command.ca, command.how)
        .then((ms) => {
          loginMs.push(ms);
        })
        .catch((error: unknown) => {
          failed += 1;
          firstError ??= `${client.source}: ${error instanceof Error ? error.message : String(error)}`;
        })
        .finally(() => {
          idle.push(client);
          freed.shift()?.();
        }),
    );
  }
  await Promise.all(running);
  send({
    kind: 'cycles',
    done: loginMs.length,
    failed,
    loginMs,
    wallMs: performance.now() - started,
    late,
    firstError,
  });
}

/** S3: each lane logs in with its password (retrying as the real client), logs out, and again. */
async function loginLoop(command: Extract<ClientCommand, { kind: 'login-loop' }>): Promise<void> {
  counters = emptyCounters();
  const loginsAt: number[] = [];
  const until = performance.now() + command.seconds * 1000;
  await Promise.all(
    command.sources.map(async (source, i) => {
      const client: SimClient = {
        source,
        login: command.logins[i % command.logins.length] as Login,
        ticket: null,
        publicKey: null,
        connection: null,
        connected: false,
        tunneled: false,
        connectedSinceMark: null,
      };
      let attempt = 0;
      while (performance.now() < until && !isStopping()) {
        let connection: Connection | undefined;
        try {
          connection = await openConnection(client, command.url, command.ca, clientHandshakeMs);
          await connection.request(version, ['update'], clientReplyMs);
          counters.versions += 1;
          await authorizeOn(connection, client, true);
          loginsAt.push(Date.now());
          attempt = 0;
          await connection.request({ type: 'unauthorize' }, ['auth_state'], clientReplyMs);
        } catch (error) {
          const stop = asStop(error);
          noteError(client, stop);
          if (stop.final) {
            counters.stopped += 1;
            return;
          }
          await sleep(
            stop.retryAfterSeconds !== null
              ? jitter(stop.retryAfterSeconds * 1000)
              : reconnectDelayMs(attempt++),
          );
        } finally {
          if (connection !== undefined) {
            connection.close();
            await connection.closed;
          }
        }
      }
    }),
  );
  send({ kind: 'login-loop', loginsAt, counters });
}

process.on('message', (command: ClientCommand) => {
  switch (command.kind) {
    case 'open':
      void open(command);
      break;
    case 'round-trips':
      void roundTrips(command.messages, command.concurrency);
      break;
    case 'keepalive':
      void keepalive(command.perSecond, command.seconds);
      break;
    case 'mark':
      counters = emptyCounters();
      for (const client of clients) client.connectedSinceMark = null;
      send({ kind: 'marked' });
      break;
    case 'status':
      send({
        kind: 'status',
        clients: clients.length,
        connected: clients.filter((c) => c.connected).length,
        tunneled: clients.filter((c) => c.connected && c.tunneled).length,
        authorizedAt: clients.flatMap((c) => (c.connectedSinceMark === null ? [] : [c.connectedSinceMark])),
        counters,
      });
      break;
    case 'cycles':
      void cycles(command);
      break;
    case 'login-loop':
      void loginLoop(command);
      break;
    case 'close':
      stopping = true;
      for (const client of clients) client.connection?.socket.terminate();
      send({ kind: 'closed' });
      process.disconnect();
      break;
  }
});
// The process's own nice value (the threads it starts later inherit it), when the generator asks.
const nice = process.argv.find((a) => a.startsWith('--nice='));
if (nice !== undefined) setPriority(Number(nice.slice('--nice='.length)));
send({ kind: 'ready' });
