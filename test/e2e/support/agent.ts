// A test agent that runs inside a network namespace (`ip netns exec NS node agent.ts`) and does
// network work there on the test's behalf: WebSocket clients, HTTPS requests, TCP probes and servers.
// Commands come as JSON lines on stdin; replies and events go as JSON lines on stdout.
// Run by Node 24 with type stripping, so only erasable TypeScript is used here.
import { createServer, connect, type Socket } from 'node:net';
import { request } from 'node:https';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';

interface Command {
  seq: number;
  op: string;
  [key: string]: unknown;
}

const sockets = new Map<string, WebSocket>();
const streams = new Map<string, { socket: Socket; lastEcho: number; open: boolean }>();

function emit(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function reply(cmd: Command, result: unknown): void {
  emit({ seq: cmd.seq, result });
}

function fail(cmd: Command, error: unknown): void {
  emit({ seq: cmd.seq, error: error instanceof Error ? error.message : String(error) });
}

function str(cmd: Command, key: string): string {
  const v = cmd[key];
  if (typeof v !== 'string') throw new Error(`${key} must be a string`);
  return v;
}

function num(cmd: Command, key: string): number {
  const v = cmd[key];
  if (typeof v !== 'number') throw new Error(`${key} must be a number`);
  return v;
}

/** TCP connect, send "ping\n", expect the echo within timeoutMs. */
function tcpProbe(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, timeoutMs);
    socket.on('connect', () => socket.write('ping\n'));
    socket.on('data', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

async function handle(cmd: Command): Promise<void> {
  switch (cmd.op) {
    case 'ws-open': {
      const id = str(cmd, 'id');
      const ws = new WebSocket(str(cmd, 'url'), { ca: str(cmd, 'ca') });
      sockets.set(id, ws);
      ws.on('message', (data) =>
        emit({ event: 'message', id, data: JSON.parse((data as Buffer).toString('utf8')) as unknown }),
      );
      ws.on('close', (code, reason) => emit({ event: 'close', id, code, reason: String(reason) }));
      ws.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      reply(cmd, true);
      return;
    }
    case 'ws-send': {
      const ws = sockets.get(str(cmd, 'id'));
      if (!ws) throw new Error('no such socket');
      ws.send(JSON.stringify(cmd['data']));
      reply(cmd, true);
      return;
    }
    case 'ws-close': {
      const ws = sockets.get(str(cmd, 'id'));
      if (cmd['terminate'] === true) ws?.terminate();
      else ws?.close();
      reply(cmd, true);
      return;
    }
    case 'https': {
      const url = new URL(str(cmd, 'url'));
      const body = typeof cmd['body'] === 'string' ? cmd['body'] : undefined;
      const headers = (cmd['headers'] ?? {}) as Record<string, string>;
      const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname + url.search,
            method: typeof cmd['method'] === 'string' ? cmd['method'] : 'GET',
            headers,
            ca: str(cmd, 'ca'),
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      reply(cmd, result);
      return;
    }
    case 'tcp-probe':
      reply(cmd, await tcpProbe(str(cmd, 'host'), num(cmd, 'port'), num(cmd, 'timeoutMs')));
      return;
    case 'tcp-echo-server': {
      const server = createServer((s) => {
        s.on('error', () => undefined);
        s.pipe(s);
      });
      await new Promise<void>((resolve) => server.listen(num(cmd, 'port'), '0.0.0.0', () => resolve()));
      reply(cmd, true);
      return;
    }
    case 'stream-open': {
      // A long-lived TCP flow: one byte every 50 ms, echoed back; `stream-status` says when the last echo came.
      const id = str(cmd, 'id');
      const socket = connect({ host: str(cmd, 'host'), port: num(cmd, 'port') });
      const state = { socket, lastEcho: performance.now(), open: true };
      streams.set(id, state);
      socket.on('data', () => (state.lastEcho = performance.now()));
      socket.on('error', () => (state.open = false));
      socket.on('close', () => (state.open = false));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('error', reject);
      });
      const timer = setInterval(() => {
        if (!state.open) clearInterval(timer);
        else socket.write('x');
      }, 50);
      reply(cmd, true);
      return;
    }
    case 'stream-status': {
      const s = streams.get(str(cmd, 'id'));
      if (!s) throw new Error('no such stream');
      reply(cmd, { sinceLastEchoMs: Math.round(performance.now() - s.lastEcho), open: s.open });
      return;
    }
    default:
      throw new Error(`unknown op ${cmd.op}`);
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let cmd: Command;
  try {
    cmd = JSON.parse(line) as Command;
  } catch {
    return;
  }
  handle(cmd).catch((e: unknown) => fail(cmd, e));
});
process.stdin.on('end', () => process.exit(0));
emit({ event: 'ready' });
