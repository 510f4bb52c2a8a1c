// The client endpoint on TCP 14765: TLS, `GET /connect` (the probe a balancer answers with 302),
// the WebSocket at `/connect`, and installer downloads.
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import {
  addressGroup,
  canonicalAddress,
  type InstallerRepository,
  type PresentedCertificates,
  type SettingsRepository,
} from '@kordon/core';
import type { GatewayMetrics } from '../metrics.js';
import type { TlsIdentity } from '../tls.js';
import { ClientConnection } from './connection.js';
import { serveInstaller } from './installer-files.js';
import { Keepalive } from './keepalive.js';
import type { PostureService } from './posture.js';
import type { SessionService } from './sessions.js';
import type { SingleSignOn } from './single-sign-on.js';

/** DECISIONS 9: a Kerberos token of a user in many groups reaches 64 KB in base64. */
const maxPayloadBytes = 128 * 1024;

export interface ClientEndpointOptions {
  tls: TlsIdentity;
  sessions: SessionService;
  sso: SingleSignOn;
  posture: PostureService;
  settings: SettingsRepository;
  installers: InstallerRepository;
  installersDir: string;
  metrics: GatewayMetrics;
  logger: Logger;
  versionTimeoutMs: number;
  /** DECISIONS 68: from the upgrade to the first login message (close 4008). */
  authorizeTimeoutMs: number;
  pingIntervalMs: number;
  /** DECISIONS 33, 56, 68: connections not yet authorized, per source address (an IPv6 /64). */
  maxConnectionsPerAddress: number;
  /** DECISIONS 68: connections not yet authorized, in all. */
  maxPendingConnections: number;
}

/** DECISIONS 68: a TLS handshake has 10 s. */
const handshakeTimeoutMs = 10_000;
/** A refusal at a pending cap that no login queue explains says to come back after this. */
const pendingRetryAfterSeconds = 10;

export class ClientEndpoint {
  private readonly server: Server;
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxPayloadBytes,
    clientTracking: true,
  });
  /** Connections not yet authorized, per address group, and in all. */
  private readonly unauthorized = new Map<string, number>();
  private unauthorizedTotal = 0;
  /** DECISIONS 48: `download_url` names the port this endpoint listens on. */
  private port = 0;
  private readonly keepalive: Keepalive;

  constructor(private readonly o: ClientEndpointOptions) {
    this.keepalive = new Keepalive(o.pingIntervalMs);
    const tlsOptions = {
      key: o.tls.key,
      cert: o.tls.cert,
      minVersion: 'TLSv1.2' as const,
      handshakeTimeout: handshakeTimeoutMs,
      // DECISIONS 77: a device presents its certificate here; a connection without one is an ordinary
      // client. Not judged by the TLS layer: `authorize_device` verifies it against trusted_ca_cert.
      requestCert: true,
      rejectUnauthorized: false,
    };
    this.server = createServer(tlsOptions, (req, res) => {
      this.request(req, res).catch((err: unknown) => {
        o.logger.error({ err }, 'client endpoint request failed');
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(req, socket, head);
    });
    this.server.on('tlsClientError', (err) => {
      o.logger.debug({ err }, 'TLS handshake failed');
    });
    this.server.on('clientError', (_err, socket) => {
      socket.destroy();
    });
  }

  /** `reusePort`: several worker processes listen on one port and the kernel spreads connections (DECISIONS 71). */
  listen(host: string, port: number, reusePort = false): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port, reusePort }, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        this.port = address.port;
        resolve(address);
      });
    });
  }

  /**
   * Stops accepting and closes every client connection with 4006 (reconnect with resume), giving
   * the close frames up to two seconds to reach the clients.
   */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const ws of this.wss.clients) ws.close(4006, 'gateway shutting down: reconnect with resume');
    const deadline = performance.now() + 2000;
    while (this.wss.clients.size > 0 && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    for (const ws of this.wss.clients) ws.terminate();
    this.server.closeAllConnections();
    this.keepalive.stop();
    await closed;
  }

  private async request(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('method not allowed\n');
      return;
    }
    const path = (req.url ?? '').split('?')[0];
    if (path === '/connect') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : 'Kordon gateway: open a WebSocket here\n');
      return;
    }
    if (await serveInstaller(req, res, this.o.installers, this.o.installersDir, this.o.logger)) return;
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/connect') {
      refuse(socket, 404, 'Not Found', 'the WebSocket endpoint is /connect');
      return;
    }
    const address = canonicalAddress(req.socket.remoteAddress ?? '');
    const group = addressGroup(address);
    const full = this.unauthorizedTotal >= this.o.maxPendingConnections;
    const busy = full
      ? 'too many connections not yet authorized on this gateway'
      : (this.unauthorized.get(group) ?? 0) >= this.o.maxConnectionsPerAddress
        ? 'too many connections not yet authorized from this address'
        : undefined;
    if (busy !== undefined) {
      this.o.metrics.protocolErrors.inc({ code: 'too_many_connections' });
      // Only the gateway's own cap takes a place among the returns: one address at its cap must not
      // push everyone else's returns later.
      const retryAfter = full
        ? this.o.sessions.pendingRefusalSeconds(pendingRetryAfterSeconds)
        : pendingRetryAfterSeconds;
      refuse(socket, 503, 'Service Unavailable', busy, { 'Retry-After': String(retryAfter) });
      return;
    }
    // Read now, so that no closure below holds the upgrade's request (1 KiB a session, S1's heap).
    const presented = socket instanceof TLSSocket ? presentedCertificates(socket) : null;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // Counted once the handshake succeeded, so a failed handshake leaks nothing.
      this.unauthorized.set(group, (this.unauthorized.get(group) ?? 0) + 1);
      this.unauthorizedTotal++;
      this.o.metrics.connectionsTotal.inc();
      this.o.metrics.connectionsOpen.inc();
      let counted = true;
      const release = (): void => {
        if (!counted) return;
        counted = false;
        this.unauthorizedTotal--;
        const n = (this.unauthorized.get(group) ?? 1) - 1;
        if (n <= 0) this.unauthorized.delete(group);
        else this.unauthorized.set(group, n);
      };
      new ClientConnection(ws, address, presented, {
        sessions: this.o.sessions,
        sso: this.o.sso,
        posture: this.o.posture,
        settings: this.o.settings,
        installers: this.o.installers,
        metrics: this.o.metrics,
        logger: this.o.logger,
        port: this.port,
        versionTimeoutMs: this.o.versionTimeoutMs,
        authorizeTimeoutMs: this.o.authorizeTimeoutMs,
        keepalive: this.keepalive,
        onAuthorized: release,
        onClosed: () => {
          release();
          this.o.metrics.connectionsOpen.dec();
        },
      });
    });
  }
}

function refuse(
  socket: Duplex,
  status: number,
  statusText: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  const lines = [
    `HTTP/1.1 ${status} ${statusText}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body) + 1}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}\n`);
}

/** One certificate of a peer's chain as Node gives it; the issuer link is missing at the chain's end. */
interface ChainLink {
  raw?: Buffer;
  fingerprint256?: string;
  issuerCertificate?: ChainLink;
}

/** What the client's handshake presented (DECISIONS 77), as PEM, leaf first; null without a certificate. */
function presentedCertificates(socket: TLSSocket): PresentedCertificates | null {
  const pems: string[] = [];
  const seen = new Set<string>();
  // The chain as the client sent it; it ends where an issuer is itself (a root) or missing.
  let cert: ChainLink | undefined = socket.getPeerCertificate(true);
  while (cert?.raw !== undefined && cert.fingerprint256 !== undefined && !seen.has(cert.fingerprint256)) {
    if (pems.length >= 8) break;
    seen.add(cert.fingerprint256);
    pems.push(new X509Certificate(cert.raw).toString());
    cert = cert.issuerCertificate;
  }
  const [first, ...chain] = pems;
  return first === undefined ? null : { leaf: first, chain };
}
