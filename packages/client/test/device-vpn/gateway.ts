// A scripted gateway with mutual TLS, as DECISIONS 77 has it: the TLS server asks every client for a
// certificate and accepts connections without one (ordinary clients), and records what each
// connection showed. `authorize_device` is authorized when the certificate was verified against the
// device CA and carries the expected SAN DNS name, else refused with `reason: "certificate"`.
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import type { TestCertificate } from '../discovery/servers.js';

export interface SeenConnection {
  /** The client certificate's SAN as Node prints it (`DNS:ws-042.corp.test`); null without one. */
  san: string | null;
  /** Whether the certificate was verified against the device CA. */
  verified: boolean;
  /** Each message type the client sent, with when it arrived. */
  messages: { type: string; at: number }[];
  openedAt: number;
  /** When the client's WebSocket closed; null while open. */
  closedAt: number | null;
}

export interface DeviceGateway {
  port: number;
  /** The SAN of the client certificate of each probe (`GET /connect`); null without one. */
  probes: (string | null)[];
  connections: SeenConnection[];
  /** The device connections: those that sent `authorize_device`. */
  devices(): SeenConnection[];
  close(): Promise<void>;
}

const noUpdate = { type: 'update', need_update: false, download_url: null };
const state = (authorized: boolean, message: string, extra: Record<string, unknown> = {}) => ({
  type: 'auth_state',
  authorized,
  need_tunnel: false,
  timeout: 0,
  message,
  welcome_url: '',
  ...extra,
});

function tls(socket: Socket): TLSSocket {
  if (!(socket instanceof TLSSocket)) throw new Error('not a TLS connection');
  return socket;
}

function peerSan(socket: TLSSocket): string | null {
  const peer = socket.getPeerCertificate(true) as { raw?: Buffer };
  if (!peer.raw) return null;
  return new X509Certificate(peer.raw).subjectAltName ?? '';
}

export async function deviceGateway(options: {
  certificate: TestCertificate;
  deviceCa: TestCertificate;
  expectedName: string;
}): Promise<DeviceGateway> {
  const server: Server = createServer(
    {
      key: options.certificate.key,
      cert: options.certificate.cert,
      ca: options.deviceCa.cert,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      gateway.probes.push(peerSan(tls(req.socket)));
      res.writeHead(426, { 'content-type': 'text/plain' }).end('Upgrade Required');
    },
  );
  const gateway: DeviceGateway = {
    port: 0,
    probes: [],
    connections: [],
    devices: () => gateway.connections.filter((c) => c.messages.some((m) => m.type === 'authorize_device')),
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    const socket = tls(req.socket);
    const seen: SeenConnection = {
      san: peerSan(socket),
      verified: socket.authorized,
      messages: [],
      openedAt: Date.now(),
      closedAt: null,
    };
    gateway.connections.push(seen);
    ws.on('close', () => (seen.closedAt = Date.now()));
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { type: string };
      seen.messages.push({ type: msg.type, at: Date.now() });
      const reply = answer(msg.type, socket, seen, options.expectedName);
      if (reply) ws.send(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  gateway.port = (server.address() as AddressInfo).port;
  return gateway;
}

function answer(
  type: string,
  socket: TLSSocket,
  seen: SeenConnection,
  expectedName: string,
): Record<string, unknown> | undefined {
  switch (type) {
    case 'version':
      return noUpdate;
    case 'authorize':
      return state(true, 'Welcome');
    case 'unauthorize':
      return state(false, 'Logged out.', { reason: 'logged_out' });
    case 'authorize_device': {
      if (seen.san === null) return refused('no certificate');
      if (!seen.verified) return refused(`unknown CA (${String(socket.authorizationError)})`);
      if (!seen.san.split(', ').includes(`DNS:${expectedName}`)) return refused('unknown device name');
      return state(true, `Authorized as ${expectedName}.`);
    }
    default:
      return undefined;
  }
}

function refused(why: string): Record<string, unknown> {
  return state(false, `The device certificate was refused: ${why}.`, { reason: 'certificate' });
}
