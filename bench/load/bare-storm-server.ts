// S2's bound: a bare `ws` server over TLS on a given port that answers what a reconnecting client sends
// as the gateway would, with nothing behind it (no store, no sessions, no kernel): `version` with
// `update`, `authorize` and `resume` alike with an authorized `auth_state` and a ticket, `tunnel_wg`
// with a tunnel, and the HTTPS probe of /connect with 200. A client from 127.128.0.0/9 is told it needs a tunnel, as S2's gateway tells its
// external clients (its local networks are 127.0.0.0/9). Killed and started again on the same port, it
// is the floor a gateway's restart is held to. Arguments: the key and certificate files, the port.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { WebSocketServer } from 'ws';
import type { ServerReport } from './protocol.ts';

const [keyFile, certFile, portText] = process.argv.slice(2);
if (keyFile === undefined || certFile === undefined || portText === undefined) {
  throw new Error('usage: bare-storm-server.ts KEY CERT PORT');
}

const update = JSON.stringify({ type: 'update', need_update: false, download_url: null });
const authorized = (needTunnel: boolean) =>
  JSON.stringify({
    type: 'auth_state',
    authorized: true,
    need_tunnel: needTunnel,
    timeout: 0,
    message: '',
    welcome_url: '',
    resume_ticket: randomBytes(32).toString('base64url'),
  });
const tunnel = JSON.stringify({
  type: 'tunnel_wg',
  server_port: 3051,
  public_key: randomBytes(32).toString('base64'),
  client_tunnel_ipv4: '100.64.0.2/32',
  user_tunnel_ipv4_network: '100.64.0.0/16',
  dns_ipv4: '100.64.0.1',
  forward_nets: ['0.0.0.0/0'],
  dns_suffix: '',
});

// The client's probe of /connect before its WebSocket (DECISIONS 62) is answered as the gateway does.
const server = createServer(
  { key: readFileSync(keyFile), cert: readFileSync(certFile) },
  (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('open a WebSocket here\n');
  },
);
const sockets = new WebSocketServer({ server, path: '/connect', perMessageDeflate: false });
sockets.on('connection', (socket, request) => {
  const secondOctet = Number((request.socket.remoteAddress ?? '').replace(/^::ffff:/, '').split('.')[1]);
  const external = secondOctet >= 128;
  socket.on('error', () => undefined);
  socket.on('message', (data) => {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString()
      : Buffer.from(data as Buffer).toString();
    const message = JSON.parse(text) as { type?: unknown };
    if (message.type === 'version') socket.send(update);
    else if (message.type === 'authorize' || message.type === 'resume') socket.send(authorized(external));
    else if (message.type === 'tunnel_wg') socket.send(tunnel);
  });
});
const pings = setInterval(() => {
  for (const socket of sockets.clients) socket.ping();
}, 30_000);
pings.unref();

server.listen(Number(portText), '127.0.0.1', () => {
  const report: ServerReport = { kind: 'listening', port: Number(portText) };
  process.send?.(report);
});
