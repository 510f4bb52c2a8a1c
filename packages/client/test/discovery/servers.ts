// Loopback servers for the discovery tests: self-signed certificates made by openssl (argv arrays),
// HTTPS servers on 127.0.0.x that log what reaches them, and raw TLS servers that count every
// decrypted byte they receive.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { certificateArgs } from '@kordon/drivers';

export interface TestCertificate {
  key: string;
  keyFile: string;
  cert: string;
  certFile: string;
  /** `AA:BB:...`, as Node prints it. */
  fingerprint: string;
}

export interface CertificateFolder {
  dir: string;
  /** A self-signed certificate, or one `issuer` signs (a leaf: not a CA). */
  make(name: string, subjectAltNames: string[], issuer?: TestCertificate): TestCertificate;
  /** A CA certificate to issue with, as a profile's `ca_file` would hold it. */
  authority(name: string): TestCertificate;
  dispose(): void;
}

export function certificateFolder(): CertificateFolder {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-discovery-'));
  const issue = (
    name: string,
    subject: string,
    extensions: string[],
    issuer?: TestCertificate,
  ): TestCertificate => {
    const keyFile = join(dir, `${name}.key`);
    const certFile = join(dir, `${name}.pem`);
    execFileSync(
      'openssl',
      certificateArgs({
        keyFile,
        certFile,
        days: 2,
        subject,
        extensions,
        ...(issuer ? { issuer: { certFile: issuer.certFile, keyFile: issuer.keyFile } } : {}),
      }),
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const cert = readFileSync(certFile, 'utf8');
    return {
      key: readFileSync(keyFile, 'utf8'),
      keyFile,
      cert,
      certFile,
      fingerprint: new X509Certificate(cert).fingerprint256,
    };
  };
  return {
    dir,
    make(name, subjectAltNames, issuer) {
      const san = `subjectAltName=${subjectAltNames.join(',')}`;
      return issuer
        ? issue(
            name,
            `/CN=${name}`,
            ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', san],
            issuer,
          )
        : issue(name, '/CN=localhost', [san]);
    },
    authority(name) {
      return issue(name, `/CN=${name}`, [
        'basicConstraints=critical,CA:TRUE',
        'keyUsage=critical,keyCertSign,cRLSign',
      ]);
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Something every server of a test writes to, so the order of probes can be asserted. */
export type Journal = string[];

export interface TestHttpsServer {
  name: string;
  host: string;
  port: number;
  /** `GET /connect`-style lines, one per request that reached the handler. */
  requests: string[];
  /** TCP connections accepted (proves a client got that far). */
  connections: number;
  /** TLS handshakes the server completed. */
  handshakes: number;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export async function startHttpsServer(options: {
  name: string;
  host: string;
  port?: number;
  certificate: TestCertificate;
  handler: Handler;
  journal?: Journal;
}): Promise<TestHttpsServer> {
  const server: HttpsServer = track(
    createHttpsServer({ key: options.certificate.key, cert: options.certificate.cert }),
  );
  const state: TestHttpsServer = {
    name: options.name,
    host: options.host,
    port: 0,
    requests: [],
    connections: 0,
    handshakes: 0,
    close: () => closeServer(server),
  };
  server.on('connection', () => {
    state.connections += 1;
  });
  server.on('secureConnection', () => {
    state.handshakes += 1;
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    state.requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    options.journal?.push(options.name);
    options.handler(req, res);
  });
  state.port = await listen(server, options.host, options.port ?? 0);
  return state;
}

/** Servers on several addresses sharing one port (the port after a 302 is fixed: DECISIONS 39). */
export async function startOnOnePort(
  specs: { name: string; host: string; handler: Handler }[],
  certificate: TestCertificate,
  journal?: Journal,
): Promise<TestHttpsServer[]> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const started: TestHttpsServer[] = [];
    try {
      for (const spec of specs) {
        const port = started[0]?.port ?? 0;
        started.push(await startHttpsServer({ ...spec, port, certificate, ...(journal ? { journal } : {}) }));
      }
      return started;
    } catch (e) {
      await Promise.all(started.map((s) => s.close()));
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
  }
  throw new Error('no port free on all the addresses');
}

export interface ByteSink {
  host: string;
  port: number;
  handshakes: number;
  /** Decrypted application bytes received, over all connections. */
  received: number;
  close(): Promise<void>;
}

/** A TLS server that answers nothing and counts what clients send after the handshake. */
export async function startByteSink(host: string, certificate: TestCertificate): Promise<ByteSink> {
  const server = track(createTlsServer({ key: certificate.key, cert: certificate.cert }));
  const sink: ByteSink = { host, port: 0, handshakes: 0, received: 0, close: () => closeServer(server) };
  server.on('secureConnection', (socket) => {
    sink.handshakes += 1;
    socket.on('data', (chunk: Buffer) => {
      sink.received += chunk.length;
    });
    socket.on('error', () => undefined);
  });
  sink.port = await listen(server, host, 0);
  return sink;
}

export interface PlainServer {
  host: string;
  port: number;
  connections: number;
  close(): Promise<void>;
}

/** A TCP server that accepts and then either hangs (never answers) or closes at once. */
export async function startTcpServer(
  host: string,
  behaviour: 'hang' | 'reset',
  journal?: Journal,
  name?: string,
): Promise<PlainServer> {
  const server = track(createNetServer());
  const state: PlainServer = { host, port: 0, connections: 0, close: () => closeServer(server) };
  server.on('connection', (socket) => {
    state.connections += 1;
    if (journal && name) journal.push(name);
    socket.on('error', () => undefined);
    if (behaviour === 'reset') socket.resetAndDestroy();
  });
  state.port = await listen(server, host, 0);
  return state;
}

/** A port on `host` where nothing listens (connection refused). */
export async function closedPort(host: string): Promise<number> {
  const server = createNetServer();
  const port = await listen(server, host, 0);
  await closeServer(server);
  return port;
}

function listen(server: NetServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

/** Closes a server and destroys its open connections (a hanging client must not hold a test up). */
function closeServer(server: NetServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of openSockets.get(server) ?? []) socket.destroy();
  });
}

const openSockets = new WeakMap<NetServer, Set<Socket>>();

function track<S extends NetServer>(server: S): S {
  const sockets = new Set<Socket>();
  openSockets.set(server, sockets);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return server;
}
