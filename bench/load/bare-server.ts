// S0's bound: a bare `ws` server over TLS that answers the same two messages the gateway does
// (`version` with `update`, `authorize` with an authorized `auth_state`) and pings every 30 s as the
// gateway does, with nothing else: no store, no sessions, no rules. What a connection costs here is the
// floor the gateway's cost per session is held to. Arguments: the key and certificate files, and
// `--request-cert` to ask clients for a certificate as the gateway's TLS server does (DECISIONS 77).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { WebSocketServer } from 'ws';
import type { ServerCommand, ServerReport } from './protocol.ts';

const [keyFile, certFile, ...flags] = process.argv.slice(2);
if (keyFile === undefined || certFile === undefined)
  throw new Error('usage: bare-server.ts KEY CERT [--request-cert]');
const requestCert = flags.includes('--request-cert');

const update = JSON.stringify({ type: 'update', need_update: false, download_url: null });
const authorized = JSON.stringify({
  type: 'auth_state',
  authorized: true,
  need_tunnel: false,
  timeout: 0,
  message: '',
  welcome_url: '',
});

const server = createServer({
  key: readFileSync(keyFile),
  cert: readFileSync(certFile),
  ...(requestCert ? { requestCert: true, rejectUnauthorized: false } : {}),
});
const sockets = new WebSocketServer({ server, path: '/connect', perMessageDeflate: false });
sockets.on('connection', (socket) => {
  socket.on('error', () => undefined);
  socket.on('message', (data) => {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString()
      : Buffer.from(data as Buffer).toString();
    const message = JSON.parse(text) as { type?: unknown };
    if (message.type === 'version') socket.send(update);
    else if (message.type === 'authorize') socket.send(authorized);
  });
});
const pings = setInterval(() => {
  for (const socket of sockets.clients) socket.ping();
}, 30_000);
pings.unref();

const send = (report: ServerReport) => process.send?.(report);
process.on('message', (_command: ServerCommand) => {
  const { rss, heapUsed } = process.memoryUsage();
  send({ kind: 'memory', rss, heapUsed });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  send({ kind: 'listening', port: address.port });
});
