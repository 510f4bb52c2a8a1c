// tlsOptions with https.request and ws: a certificate that fails the policy never gets a byte of the
// request, whatever TLS options the caller adds; one that passes gets the request.
import { createServer } from 'node:https';
import { request } from 'node:https';
import { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ClientError } from '../../src/discovery/errors.js';
import { tlsOptions, type TlsPolicy, webSocketTlsOptions } from '../../src/discovery/tls.js';
import {
  type ByteSink,
  type CertificateFolder,
  certificateFolder,
  startByteSink,
  type TestCertificate,
} from './servers.js';

let certs: CertificateFolder;
let gateway: TestCertificate;
let stranger: TestCertificate;
let sink: ByteSink;

beforeAll(() => {
  certs = certificateFolder();
  gateway = certs.make('gateway', ['DNS:localhost', 'IP:127.0.0.1']);
  stranger = certs.make('stranger', ['DNS:localhost', 'IP:127.0.0.1']);
});

afterEach(async () => {
  await sink.close();
});

afterAll(() => {
  certs.dispose();
});

const pin = (certificate: TestCertificate): TlsPolicy => ({ kind: 'pin', sha256: certificate.fingerprint });
const secret = 'password=correct-horse-battery-staple';

/** POSTs a body through tlsOptions; resolves with the error, or null once the body has been written. */
function post(policy: TlsPolicy, port: number, extra: Record<string, unknown> = {}): Promise<unknown> {
  return new Promise((resolve) => {
    const req = request({
      ...extra,
      ...tlsOptions(policy, '127.0.0.1'),
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/connect',
      headers: { 'content-type': 'text/plain' },
    });
    req.on('error', resolve);
    req.end(secret, () => {
      // Written to the socket: the sink never answers, so stop here.
      setTimeout(() => {
        req.destroy();
        resolve(null);
      }, 100);
    });
  });
}

describe('tlsOptions with https.request', () => {
  it('sends nothing to a server whose certificate does not match the pin', async () => {
    sink = await startByteSink('127.0.0.1', stranger);
    const error = await post(pin(gateway), sink.port);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('tls_mismatch');
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.received).toBe(0);
  });

  it('ignores TLS options the caller adds: rejectUnauthorized: false does not open the door', async () => {
    sink = await startByteSink('127.0.0.1', stranger);
    const error = await post(pin(gateway), sink.port, {
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
      ca: stranger.cert,
    });
    expect((error as ClientError).code).toBe('tls_mismatch');
    const untrusted = await post({ kind: 'system' }, sink.port, { rejectUnauthorized: false });
    expect((untrusted as ClientError).code).toBe('tls_untrusted');
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.received).toBe(0);
  });

  it('sends the request when the pin matches (the sink does count bytes)', async () => {
    sink = await startByteSink('127.0.0.1', gateway);
    expect(await post(pin(gateway), sink.port)).toBeNull();
    await expect.poll(() => sink.received).toBeGreaterThan(secret.length);
  });
});

describe('webSocketTlsOptions with ws', () => {
  function open(url: string, policy: TlsPolicy): Promise<{ error: unknown; ws: WebSocket }> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url, { ...webSocketTlsOptions(policy, '127.0.0.1'), handshakeTimeout: 2000 });
      ws.on('open', () => resolve({ error: null, ws }));
      ws.on('error', (error) => resolve({ error, ws }));
    });
  }

  it('refuses a wrong pin before the upgrade request is sent', async () => {
    sink = await startByteSink('127.0.0.1', stranger);
    const { error } = await open(`wss://127.0.0.1:${sink.port}/connect`, pin(gateway));
    expect((error as ClientError).code).toBe('tls_mismatch');
    expect((error as ClientError).message).toContain(`actual:   ${stranger.fingerprint}`);
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.received).toBe(0);
  });

  it('connects to a pinned self-signed gateway', async () => {
    sink = await startByteSink('127.0.0.1', gateway); // unused here; closed by afterEach
    const server = createServer({ key: gateway.key, cert: gateway.cert });
    const wss = new WebSocketServer({ server, path: '/connect' });
    wss.on('connection', (socket) => {
      socket.send('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const { error, ws } = await open(`wss://127.0.0.1:${port}/connect`, pin(gateway));
      expect(error).toBeNull();
      const message = await new Promise<string>((resolve) =>
        ws.once('message', (data: Buffer) => resolve(data.toString())),
      );
      expect(message).toBe('hello');
      ws.close();
    } finally {
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('a policy with a client certificate (Device VPN, DECISIONS 77)', () => {
  const withClient = (policy: TlsPolicy): TlsPolicy => {
    const device = certs.make('device', ['DNS:ws-042.corp.test']);
    return { ...policy, client: { cert: device.cert, key: device.key } };
  };

  it('still sends nothing to a server whose certificate does not match the pin', async () => {
    sink = await startByteSink('127.0.0.1', stranger);
    const error = await post(withClient(pin(gateway)), sink.port);
    expect((error as ClientError).code).toBe('tls_mismatch');
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.received).toBe(0);
  });

  it('shows the certificate to a server that asks, on a request and on a WebSocket; without it, none', async () => {
    sink = await startByteSink('127.0.0.1', gateway); // unused here; closed by afterEach
    const seen: string[] = [];
    const record = (socket: unknown): void => {
      if (!(socket instanceof TLSSocket)) throw new Error('not a TLS connection');
      const peer = socket.getPeerCertificate() as { subjectaltname?: string };
      seen.push(peer.subjectaltname ?? 'none');
    };
    const server = createServer(
      { key: gateway.key, cert: gateway.cert, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        record(req.socket);
        res.writeHead(426).end();
      },
    );
    const wss = new WebSocketServer({ server, path: '/connect' });
    wss.on('connection', (socket, req) => {
      record(req.socket);
      socket.close();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const policy = withClient(pin(gateway));
    try {
      await new Promise<void>((resolve, reject) => {
        const req = request({
          ...tlsOptions(policy, '127.0.0.1'),
          host: '127.0.0.1',
          port,
          path: '/connect',
        });
        req.on('response', (res) => {
          res.resume();
          resolve();
        });
        req.on('error', reject);
        req.end();
      });
      for (const p of [policy, pin(gateway)]) {
        const ws = new WebSocket(`wss://127.0.0.1:${port}/connect`, webSocketTlsOptions(p, '127.0.0.1'));
        await new Promise((resolve) => ws.on('close', resolve));
      }
      expect(seen).toEqual(['DNS:ws-042.corp.test', 'DNS:ws-042.corp.test', 'none']);
    } finally {
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
