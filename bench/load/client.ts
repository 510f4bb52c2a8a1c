// A process of simulated clients (the load generator forks several: one source address has about
// 28,000 ephemeral ports and one process 20,000 open files here). Each client speaks the protocol over
// real TLS and a real WebSocket from a 127.x.y.z address of its own: `version`, then `authorize`, and
// stays connected (answering the server's pings, as the `ws` library does). Commands and reports go over
// the IPC channel (protocol.ts).
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { ClientCommand, ClientReport, Login } from './protocol.ts';

const version = { type: 'version', major: 1, minor: 0, build: 0, os: 'linux' };
const sockets: WebSocket[] = [];

function send(report: ClientReport): void {
  process.send?.(report);
}

/** A WebSocket message's text (the library gives a Buffer, an ArrayBuffer or fragments). */
function textOf(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** The next message on `socket`, parsed, or a rejection when it closes first or takes 60 s. */
function nextMessage(socket: WebSocket): Promise<{ type?: unknown } & Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error('no answer within 60 s'));
    }, 60_000);
    const onMessage = (data: WebSocket.RawData) => {
      cleanup();
      try {
        resolve(JSON.parse(textOf(data)) as Record<string, unknown>);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const onClose = (code: number) => {
      cleanup();
      reject(new Error(`closed with ${code}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('close', onClose);
    };
    socket.on('message', onMessage);
    socket.on('close', onClose);
  });
}

async function connect(url: string, ca: string, source: string, login: Login): Promise<number> {
  const started = performance.now();
  const socket = new WebSocket(url, {
    ca,
    localAddress: source,
    perMessageDeflate: false,
    handshakeTimeout: 60_000,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => {
      resolve();
    });
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => {
      reject(new Error(`HTTP ${response.statusCode} at the upgrade`));
    });
  });
  socket.on('error', () => undefined);
  sockets.push(socket);
  socket.send(JSON.stringify(version));
  await nextMessage(socket);
  socket.send(JSON.stringify({ type: 'authorize', login: login.login, password: login.password }));
  const answer = await nextMessage(socket);
  if (answer.type !== 'auth_state' || answer['authorized'] !== true) {
    throw new Error(`not authorized: ${JSON.stringify(answer)}`);
  }
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
  const loginMs: number[] = [];
  let failed = 0;
  let firstError: string | null = null;
  const started = performance.now();
  await pool(command.sources.length, command.concurrency, async (index) => {
    const source = command.sources[index] as string;
    const login = command.logins[index % command.logins.length] as Login;
    try {
      loginMs.push(await connect(command.url, command.ca, source, login));
    } catch (error) {
      failed += 1;
      firstError ??= `${source}: ${error instanceof Error ? error.message : String(error)}`;
    }
  });
  send({
    kind: 'opened',
    open: loginMs.length,
    failed,
    loginMs,
    wallMs: performance.now() - started,
    firstError,
  });
}

/** `messages` round trips of `version` (answered with `update`) spread over the open connections. */
async function roundTrips(messages: number, concurrency: number): Promise<void> {
  const latencyMs: number[] = [];
  const started = performance.now();
  const open = sockets.filter((socket) => socket.readyState === WebSocket.OPEN);
  if (open.length > 0) {
    await pool(messages, concurrency, async (index) => {
      const socket = open[index % open.length] as WebSocket;
      const sent = performance.now();
      const answer = nextMessage(socket);
      socket.send(JSON.stringify(version));
      await answer;
      latencyMs.push(performance.now() - sent);
    });
  }
  send({ kind: 'round-trips', done: latencyMs.length, wallMs: performance.now() - started, latencyMs });
}

process.on('message', (command: ClientCommand) => {
  switch (command.kind) {
    case 'open':
      void open(command);
      break;
    case 'round-trips':
      void roundTrips(command.messages, command.concurrency);
      break;
    case 'close':
      for (const socket of sockets) socket.terminate();
      send({ kind: 'closed' });
      process.disconnect();
      break;
  }
});
send({ kind: 'ready' });
