// A process of S6's simulated clients: each session connects over TLS and a WebSocket from a
// 127.x.y.z address of its own, announces `posture_state` (DECISIONS 76), logs in, takes the `ztna`
// request, then sends reports in a loop, each one after the answer to the one before. Commands and
// results go over the IPC channel (protocol.ts).
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { Login } from '../load/protocol.ts';
import type { PostureCommand, PostureReport, PostureSample } from './protocol.ts';
import { postureReport } from './workload.ts';

const version = JSON.stringify({
  type: 'version',
  major: 1,
  minor: 0,
  build: 0,
  os: 'windows',
  kordon: { features: ['posture_state'] },
});

interface Client {
  socket: WebSocket;
  source: string;
  device: number;
  /** Messages while logging in, in order (several may come in one read); null once reporting. */
  inbox: Record<string, unknown>[] | null;
  /** Wakes a `next` waiting for the inbox. */
  wake: (() => void) | null;
  /** The report texts of one cycle of steps, made once. */
  reports: string[];
  step: number;
  sentAt: number;
  lastState: Record<string, unknown> | null;
  waiting: boolean;
}

const clients: Client[] = [];

function send(report: PostureReport): void {
  process.send?.(report);
}

function textOf(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** The next message of `type` on the client's socket (others are skipped), or a rejection after 60 s. */
async function next(client: Client, type: string): Promise<Record<string, unknown>> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const inbox = client.inbox ?? [];
    while (inbox.length > 0) {
      const message = inbox.shift() as Record<string, unknown>;
      if (message['type'] === type) return message;
    }
    const left = deadline - performance.now();
    if (left <= 0) throw new Error(`no ${type} within 60 s`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      client.wake = () => {
        clearTimeout(timer);
        client.wake = null;
        resolve();
      };
    });
  }
}

let onAnswer: (client: Client) => void = () => undefined;

async function connect(url: string, ca: string, source: string, login: Login, device: number): Promise<void> {
  const socket = new WebSocket(url, {
    ca,
    localAddress: source,
    perMessageDeflate: false,
    handshakeTimeout: 60_000,
  });
  const client: Client = {
    socket,
    source,
    device,
    inbox: [],
    wake: null,
    reports: [],
    step: 0,
    sentAt: 0,
    lastState: null,
    waiting: false,
  };
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => {
      reject(new Error(`HTTP ${response.statusCode} at the upgrade`));
    });
  });
  socket.on('error', () => undefined);
  socket.on('message', (data) => {
    const message = JSON.parse(textOf(data)) as Record<string, unknown>;
    if (client.inbox !== null) {
      client.inbox.push(message);
      client.wake?.();
    } else if (message['type'] === 'posture_state' && client.waiting) {
      client.lastState = message;
      client.waiting = false;
      onAnswer(client);
    }
  });
  try {
    socket.send(version);
    await next(client, 'update');
    socket.send(JSON.stringify({ type: 'authorize', login: login.login, password: login.password }));
    const answer = await next(client, 'auth_state');
    if (answer['authorized'] !== true) throw new Error(`not authorized: ${JSON.stringify(answer)}`);
    // The request follows the authorizing auth_state (DECISIONS 11); what comes later answers a report.
    await next(client, 'ztna');
  } catch (error) {
    socket.terminate();
    throw error;
  }
  client.inbox = null;
  clients.push(client);
}

async function pool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let at = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (at < count) {
      const index = at;
      at += 1;
      await work(index);
    }
  });
  await Promise.all(lanes);
}

async function open(command: Extract<PostureCommand, { kind: 'open' }>): Promise<void> {
  let failed = 0;
  let firstError: string | null = null;
  await pool(command.sources.length, command.concurrency, async (index) => {
    const source = command.sources[index] as string;
    try {
      await connect(
        command.url,
        command.ca,
        source,
        command.logins[index] as Login,
        command.firstDevice + index,
      );
    } catch (error) {
      failed += 1;
      firstError ??= `${source}: ${error instanceof Error ? error.message : String(error)}`;
    }
  });
  send({ kind: 'opened', open: clients.length, failed, firstError });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function run(command: Extract<PostureCommand, { kind: 'run' }>): Promise<void> {
  // One cycle of reports: the age moves through 5 values, the firewall flips every `flipEvery`.
  const cycle = command.flipEvery > 0 ? lcm(5, command.flipEvery) : 5;
  for (const client of clients) {
    client.reports = Array.from({ length: cycle }, (_, step) =>
      JSON.stringify(postureReport(client.device, step, command.flipEvery)),
    );
  }
  let sending = true;
  let sent = 0;
  let answered = 0;
  let inWindow = 0;
  let counting = false;
  const latencyMs: number[] = [];
  const report = (client: Client): void => {
    client.waiting = true;
    client.sentAt = performance.now();
    client.socket.send(client.reports[client.step % cycle] as string);
    sent += 1;
  };
  onAnswer = (client) => {
    answered += 1;
    if (counting) {
      inWindow += 1;
      if (inWindow % 10 === 0) latencyMs.push(performance.now() - client.sentAt);
    }
    if (!sending) return;
    client.step += 1;
    report(client);
  };
  const live = clients.filter((client) => client.socket.readyState === WebSocket.OPEN);
  for (const client of live) report(client);
  await sleep(command.warmupMs);
  counting = true;
  const opened = performance.now();
  await sleep(command.windowMs);
  counting = false;
  const windowMs = performance.now() - opened;
  sending = false;
  // The reports still out are answered before the sample is read: its last answer is then the stored one.
  const deadline = performance.now() + 10_000;
  while (live.some((client) => client.waiting) && performance.now() < deadline) await sleep(50);
  const samples: PostureSample[] = live
    .slice(0, command.samples)
    .filter((client) => !client.waiting && client.lastState !== null)
    .map((client) => ({ source: client.source, step: client.step, state: client.lastState ?? {} }));
  send({
    kind: 'ran',
    sent,
    answered,
    inWindow,
    windowMs,
    latencyMs,
    unanswered: live.filter((client) => client.waiting).length,
    samples,
  });
}

function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  return (a * b) / gcd(a, b);
}

process.on('message', (command: PostureCommand) => {
  switch (command.kind) {
    case 'open':
      void open(command);
      break;
    case 'run':
      void run(command);
      break;
    case 'close':
      for (const client of clients) client.socket.terminate();
      send({ kind: 'closed' });
      process.disconnect();
      break;
  }
});
send({ kind: 'ready' });
