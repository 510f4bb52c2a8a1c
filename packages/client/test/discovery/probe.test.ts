// findGateway on loopback: a DNS server for SRV/A, HTTPS servers with openssl-made certificates on
// 127.0.0.x, chained 302s, busy servers, what other answers mean, whose name a certificate must
// carry, and the three TLS policies.
import { createServer as createHttpsServer } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ClientError } from '../../src/discovery/errors.js';
import { findGateway, type FindGatewayDeps } from '../../src/discovery/probe.js';
import { dnsDeps } from '../../src/discovery/resolve.js';
import { type TlsPolicy, webSocketTlsOptions } from '../../src/discovery/tls.js';
import { type DnsServer, startDnsServer } from './dns-server.js';
import {
  type CertificateFolder,
  certificateFolder,
  closedPort,
  type Handler,
  type Journal,
  startHttpsServer,
  startOnOnePort,
  startTcpServer,
  type TestCertificate,
} from './servers.js';

const names = ['n1', 'n2', 'n3', 'n4', 'lb', 'r1', 'r2'].map((n) => `${n}.corp.test`);
let certs: CertificateFolder;
let cluster: TestCertificate;
let stranger: TestCertificate;
let dns: DnsServer;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  certs = certificateFolder();
  // One certificate for every node of the "cluster" (DECISIONS 39), naming 127.0.0.1-20 and the names.
  const ips = Array.from({ length: 20 }, (_, i) => `IP:127.0.0.${i + 1}`);
  cluster = certs.make('cluster', ['DNS:localhost', ...names.map((n) => `DNS:${n}`), ...ips, 'IP:::1']);
  stranger = certs.make('stranger', ['DNS:localhost', 'IP:127.0.0.1']);
  dns = await startDnsServer({});
});

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  for (const key of Object.keys(dns.table)) Reflect.deleteProperty(dns.table, key);
  dns.questions.length = 0;
});

afterAll(async () => {
  await dns.close();
  certs.dispose();
});

function deps(extra: Partial<FindGatewayDeps> = {}): FindGatewayDeps {
  return { ...dnsDeps({ servers: [dns.server], timeoutMs: 1000, tries: 1 }), probeTimeoutMs: 2000, ...extra };
}

const pin = (certificate: TestCertificate): TlsPolicy => ({ kind: 'pin', sha256: certificate.fingerprint });
const ok: Handler = (_req, res) => {
  res.writeHead(200).end('Kordon gateway');
};
const redirectTo =
  (location: string): Handler =>
  (_req, res) => {
    res.writeHead(302, { location }).end();
  };

async function https(
  name: string,
  host: string,
  handler: Handler,
  options: { cert?: TestCertificate; journal?: Journal } = {},
) {
  const server = await startHttpsServer({
    name,
    host,
    certificate: options.cert ?? cluster,
    handler,
    ...(options.journal ? { journal: options.journal } : {}),
  });
  closers.push(() => server.close());
  return server;
}

async function failure(promise: Promise<unknown>): Promise<ClientError> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClientError);
  return error as ClientError;
}

describe('findGateway', () => {
  it('probes an IP server directly and returns the WebSocket URL', async () => {
    const server = await https('direct', '127.0.0.2', ok);
    const gateway = await findGateway(`127.0.0.2:${server.port}`, pin(cluster), deps());
    expect(gateway).toEqual({
      host: '127.0.0.2',
      port: server.port,
      url: `wss://127.0.0.2:${server.port}/connect`,
    });
    expect(server.requests).toEqual(['GET /connect']);
    expect(dns.questions).toEqual([]);
  });

  it('brackets an IPv6 gateway in the WebSocket URL', async () => {
    const server = await https('v6', '::1', ok);
    const gateway = await findGateway(
      `[::1]:${server.port}`,
      { kind: 'ca', caFile: cluster.certFile },
      deps(),
    );
    expect(gateway).toEqual({ host: '::1', port: server.port, url: `wss://[::1]:${server.port}/connect` });
  });

  it('reports an unreadable ca_file as bad_profile before asking DNS anything', async () => {
    const error = await failure(
      findGateway('gw.corp.test', { kind: 'ca', caFile: `${certs.dir}/missing.pem` }, deps()),
    );
    expect(error.code).toBe('bad_profile');
    expect(dns.questions).toEqual([]);
  });

  describe('SRV order', () => {
    async function cluster4(journal: Journal) {
      const refused = await closedPort('127.0.0.3');
      const reset = await startTcpServer('127.0.0.4', 'reset', journal, 'n2');
      const hang = await startTcpServer('127.0.0.5', 'hang', journal, 'n3');
      const good = await https('n4', '127.0.0.6', ok, { journal });
      closers.push(
        () => reset.close(),
        () => hang.close(),
      );
      Object.assign(dns.table, {
        '_ideco-client._tcp.gw.corp.test': {
          srv: [
            { priority: 30, weight: 1, port: good.port, target: 'n4.corp.test' },
            { priority: 20, weight: 0, port: reset.port, target: 'n2.corp.test' },
            { priority: 20, weight: 50, port: hang.port, target: 'n3.corp.test' },
            { priority: 10, weight: 7, port: refused, target: 'n1.corp.test' },
          ],
        },
        'n1.corp.test': { a: ['127.0.0.3'] },
        'n2.corp.test': { a: ['127.0.0.4'] },
        'n3.corp.test': { a: ['127.0.0.5'] },
        'n4.corp.test': { a: ['127.0.0.6'] },
      });
      return { refused, reset, hang, good };
    }

    it('tries candidates by priority, then weight, until one answers', async () => {
      const journal: Journal = [];
      const { good } = await cluster4(journal);
      // Within priority 20 (weights 0 and 50): r = floor(0.99 * 51) = 50 picks the weight-50 record.
      const gateway = await findGateway(
        'gw.corp.test',
        pin(cluster),
        deps({ random: () => 0.99, probeTimeoutMs: 400 }),
      );
      expect(gateway).toEqual({
        host: 'n4.corp.test',
        port: good.port,
        url: `wss://n4.corp.test:${good.port}/connect`,
      });
      expect(journal).toEqual(['n3', 'n2', 'n4']);
    });

    it('follows the random source: r = 0 picks the weight-0 record first', async () => {
      const journal: Journal = [];
      await cluster4(journal);
      await findGateway('gw.corp.test', pin(cluster), deps({ random: () => 0, probeTimeoutMs: 400 }));
      expect(journal).toEqual(['n2', 'n3', 'n4']);
    });

    it('names every failed candidate, in order, with why', async () => {
      const journal: Journal = [];
      const { refused, reset, hang, good } = await cluster4(journal);
      await good.close();
      const error = await failure(
        findGateway('gw.corp.test', pin(cluster), deps({ random: () => 0.99, probeTimeoutMs: 400 })),
      );
      expect(error.code).toBe('unreachable');
      expect(error.transient).toBe(true);
      const failures = (error as ClientError<'unreachable'>).detail.failures;
      expect(failures.map((f) => [f.host, f.port, f.reason])).toEqual([
        ['n1.corp.test', refused, 'connection refused'],
        ['n3.corp.test', hang.port, 'no answer within 0.4 s'],
        ['n2.corp.test', reset.port, 'the connection was closed before an answer'],
        ['n4.corp.test', good.port, 'connection refused'],
      ]);
      expect(error.message).toContain('kordon could not connect to gw.corp.test; every address failed:');
      expect(error.message).toContain(
        `  - n1.corp.test:${refused}: connection refused\n  - n3.corp.test:${hang.port}: no answer`,
      );
    });
  });

  describe('302', () => {
    it('takes only the host of Location, uses the redirect port, and makes no SRV lookup for it', async () => {
      const [lb, r1, r2] = await startOnOnePort(
        [
          { name: 'lb', host: '127.0.0.10', handler: redirectTo('https://r1.corp.test:9999/elsewhere?x=1') },
          { name: 'r1', host: '127.0.0.11', handler: redirectTo('https://r2.corp.test/') },
          { name: 'r2', host: '127.0.0.12', handler: ok },
        ],
        cluster,
      );
      closers.push(...[lb, r1, r2].map((s) => () => s!.close()));
      const port = lb!.port;
      Object.assign(dns.table, {
        'lb.corp.test': { a: ['127.0.0.10'] },
        'r1.corp.test': { a: ['127.0.0.11'] },
        'r2.corp.test': { a: ['127.0.0.12'] },
        // Were SRV asked for a redirected host, this would lead away from r2.
        '_ideco-client._tcp.r2.corp.test': {
          srv: [{ priority: 0, weight: 0, port: 1, target: 'n1.corp.test' }],
        },
      });
      const gateway = await findGateway(`lb.corp.test:${port}`, pin(cluster), deps({ redirectPort: port }));
      expect(gateway).toEqual({ host: 'r2.corp.test', port, url: `wss://r2.corp.test:${port}/connect` });
      expect([lb!.requests, r1!.requests, r2!.requests]).toEqual([
        ['GET /connect'],
        ['GET /connect'],
        ['GET /connect'],
      ]);
      const asked = dns.questions.map((q) => `${q.type} ${q.name}`);
      expect(asked).toContain('SRV _ideco-client._tcp.lb.corp.test');
      expect(asked).toEqual(expect.arrayContaining(['A r1.corp.test', 'A r2.corp.test']));
      expect(
        asked.filter((q) => q.startsWith('SRV ') && q !== 'SRV _ideco-client._tcp.lb.corp.test'),
      ).toEqual([]);
    });

    async function chain() {
      // hop1 -> hop2 -> ... -> hop6 -> final, by IP in Location.
      const hosts = [11, 12, 13, 14, 15, 16, 17].map((n) => `127.0.0.${n}`);
      const servers = await startOnOnePort(
        hosts.map((host, i) => ({
          name: i === 6 ? 'final' : `hop${i + 1}`,
          host,
          handler: i === 6 ? ok : redirectTo(`https://${hosts[i + 1]!}/connect`),
        })),
        cluster,
      );
      closers.push(...servers.map((s) => () => s.close()));
      return servers;
    }

    it('follows five redirects', async () => {
      const servers = await chain();
      const port = servers[0]!.port;
      const gateway = await findGateway(`127.0.0.12:${port}`, pin(cluster), deps({ redirectPort: port }));
      expect(gateway.host).toBe('127.0.0.17');
      expect(servers[6]!.requests).toEqual(['GET /connect']);
    });

    it('fails the candidate at the sixth redirect', async () => {
      const servers = await chain();
      const port = servers[0]!.port;
      const error = await failure(
        findGateway(`127.0.0.11:${port}`, pin(cluster), deps({ redirectPort: port })),
      );
      expect(error.code).toBe('too_many_redirects');
      expect(error.message).toContain(`127.0.0.11:${port} redirected kordon more than 5 times`);
      expect((error as ClientError<'too_many_redirects'>).detail.redirects).toHaveLength(6);
      expect(servers[6]!.requests).toEqual([]);
      expect(servers[5]!.requests).toEqual(['GET /connect']);
    });

    it('refuses a Location that is not a full https URL', async () => {
      for (const location of ['/connect', 'http://127.0.0.2/connect', 'gw.corp.test']) {
        const server = await https('lb', '127.0.0.10', redirectTo(location));
        const error = await failure(findGateway(`127.0.0.10:${server.port}`, pin(cluster), deps()));
        expect(error.code).toBe('bad_redirect');
        expect(error.message).toContain(`to ${JSON.stringify(location)}, which is not a full https:// URL`);
        await server.close();
      }
    });
  });

  describe('busy', () => {
    it('reports 503 as busy with Retry-After, transient', async () => {
      const server = await https('busy', '127.0.0.2', (_req, res) => {
        res.writeHead(503, { 'retry-after': '10' }).end();
      });
      const error = await failure(findGateway(`127.0.0.2:${server.port}`, pin(cluster), deps()));
      expect(error.code).toBe('busy');
      expect(error.transient).toBe(true);
      expect(error.retryAfterSeconds).toBe(10);
      expect((error as ClientError<'busy'>).detail).toEqual({
        host: '127.0.0.2',
        port: server.port,
        retryAfterSeconds: 10,
      });
      expect(error.message).toBe(
        `127.0.0.2:${server.port} is busy (too many connections waiting to log in); try again in 10 s.`,
      );
    });

    it('moves on to the next candidate when one is busy', async () => {
      const busyOne = await https('busy', '127.0.0.3', (_req, res) => {
        res.writeHead(503, { 'retry-after': '5' }).end();
      });
      const good = await https('good', '127.0.0.4', ok);
      Object.assign(dns.table, {
        '_ideco-client._tcp.gw.corp.test': {
          srv: [
            { priority: 1, weight: 0, port: busyOne.port, target: 'n1.corp.test' },
            { priority: 2, weight: 0, port: good.port, target: 'n2.corp.test' },
          ],
        },
        'n1.corp.test': { a: ['127.0.0.3'] },
        'n2.corp.test': { a: ['127.0.0.4'] },
      });
      const gateway = await findGateway('gw.corp.test', pin(cluster), deps());
      expect(gateway.host).toBe('n2.corp.test');
      expect(busyOne.requests).toEqual(['GET /connect']);
    });
  });

  describe('TLS', () => {
    it('refuses a certificate that does not match the pin, showing both fingerprints, and sends nothing', async () => {
      const server = await https('impostor', '127.0.0.2', ok, { cert: stranger });
      const error = await failure(findGateway(`127.0.0.2:${server.port}`, pin(cluster), deps()));
      expect(error.code).toBe('tls_mismatch');
      expect(error.message).toContain(`expected: ${cluster.fingerprint}`);
      expect(error.message).toContain(`actual:   ${stranger.fingerprint}`);
      expect(error.message).toContain('server_sha256');
      expect(error.transient).toBe(false);
      expect(server.connections).toBe(1);
      expect(server.requests).toEqual([]);
    });

    it('accepts a pin written in lower case without colons', async () => {
      const server = await https('node', '127.0.0.2', ok);
      const sha256 = cluster.fingerprint.replaceAll(':', '').toLowerCase();
      await expect(
        findGateway(`127.0.0.2:${server.port}`, { kind: 'pin', sha256 }, deps()),
      ).resolves.toMatchObject({
        host: '127.0.0.2',
      });
    });

    it('holds the pin for the host behind a 302 too', async () => {
      const [lb, node] = await startOnOnePort(
        [
          { name: 'lb', host: '127.0.0.10', handler: redirectTo('https://127.0.0.11/') },
          { name: 'node', host: '127.0.0.11', handler: ok },
        ],
        cluster,
      );
      closers.push(() => lb!.close());
      await node!.close();
      const impostor = await startHttpsServer({
        name: 'impostor',
        host: '127.0.0.11',
        port: lb!.port,
        certificate: stranger,
        handler: ok,
      });
      closers.push(() => impostor.close());
      const error = await failure(
        findGateway(`127.0.0.10:${lb!.port}`, pin(cluster), deps({ redirectPort: lb!.port })),
      );
      expect(error.code).toBe('tls_mismatch');
      expect((error as ClientError<'tls_mismatch'>).detail).toMatchObject({
        host: '127.0.0.11',
        expected: cluster.fingerprint,
        actual: stranger.fingerprint,
      });
      expect(lb!.requests).toEqual(['GET /connect']);
      expect(impostor.requests).toEqual([]);
    });

    it('lists a mismatch among other failures under unreachable, with both fingerprints (transient: the refused node may come back)', async () => {
      const refused = await closedPort('127.0.0.3');
      const impostor = await https('impostor', '127.0.0.4', ok, { cert: stranger });
      Object.assign(dns.table, {
        '_ideco-client._tcp.gw.corp.test': {
          srv: [
            { priority: 1, weight: 0, port: refused, target: 'n1.corp.test' },
            { priority: 2, weight: 0, port: impostor.port, target: 'n2.corp.test' },
          ],
        },
        'n1.corp.test': { a: ['127.0.0.3'] },
        'n2.corp.test': { a: ['127.0.0.4'] },
      });
      const error = await failure(findGateway('gw.corp.test', pin(cluster), deps()));
      expect(error.code).toBe('unreachable');
      expect(error.transient).toBe(true);
      expect(error.message).toContain(
        `n2.corp.test:${impostor.port}: certificate does not match the pin (expected ${cluster.fingerprint}, actual ${stranger.fingerprint})`,
      );
      expect(impostor.requests).toEqual([]);
    });

    it('trusts a server whose certificate ca_file vouches for, by host name', async () => {
      const server = await https('n4', '127.0.0.6', ok);
      Object.assign(dns.table, { 'n4.corp.test': { a: ['127.0.0.6'] } });
      const policy: TlsPolicy = { kind: 'ca', caFile: cluster.certFile };
      const gateway = await findGateway(`n4.corp.test:${server.port}`, policy, deps());
      expect(gateway.host).toBe('n4.corp.test');
      expect(server.requests).toEqual(['GET /connect']);
    });

    it('checks the host name under ca_file', async () => {
      // 127.0.0.21 is not among the certificate's names.
      const server = await https('n4', '127.0.0.21', ok);
      const policy: TlsPolicy = { kind: 'ca', caFile: cluster.certFile };
      const error = await failure(findGateway(`127.0.0.21:${server.port}`, policy, deps()));
      expect(error.code).toBe('tls_untrusted');
      expect(error.message).toContain('the certificate is for another host name');
      expect(server.requests).toEqual([]);
    });

    it('does not trust a self-signed certificate under the system CAs and shows its fingerprint', async () => {
      const server = await https('self', '127.0.0.2', ok, { cert: stranger });
      const error = await failure(findGateway(`127.0.0.2:${server.port}`, { kind: 'system' }, deps()));
      expect(error.code).toBe('tls_untrusted');
      expect(error.message).toContain(
        "this computer's certificate authorities do not trust it (self-signed certificate)",
      );
      expect(error.message).toContain(`"server_sha256": "${stranger.fingerprint}"`);
      expect(error.message).toContain('"ca_file"');
      expect((error as ClientError<'tls_untrusted'>).detail.actual).toBe(stranger.fingerprint);
      expect(server.connections).toBe(1);
      expect(server.requests).toEqual([]);
    });
  });
});

describe('what an answer means (DECISIONS 62)', () => {
  it('takes a 426 (a plain WebSocket server) as the gateway, and the WebSocket opens there', async () => {
    const server = createHttpsServer({ key: cluster.key, cert: cluster.cert }, (_req, res) => {
      res.writeHead(426, { upgrade: 'websocket' }).end('Upgrade Required');
    });
    const wss = new WebSocketServer({ server, path: '/connect' });
    wss.on('connection', (socket) => {
      socket.send('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
    closers.push(async () => {
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const policy = pin(cluster);
    const gateway = await findGateway(`127.0.0.2:${port}`, policy, deps());
    expect(gateway).toEqual({ host: '127.0.0.2', port, url: `wss://127.0.0.2:${port}/connect` });
    const ws = new WebSocket(gateway.url, {
      ...webSocketTlsOptions(policy, gateway.host),
      handshakeTimeout: 2000,
    });
    const message = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data: Buffer) => resolve(data.toString()));
      ws.once('error', reject);
    });
    expect(message).toBe('hello');
    ws.close();
  });

  it.each([404, 400, 200, 500])('takes HTTP %i as the gateway on the same host and port', async (status) => {
    const server = await https('gw', '127.0.0.2', (_req, res) => {
      res.writeHead(status).end();
    });
    const gateway = await findGateway(`127.0.0.2:${server.port}`, pin(cluster), deps());
    expect(gateway).toEqual({
      host: '127.0.0.2',
      port: server.port,
      url: `wss://127.0.0.2:${server.port}/connect`,
    });
    expect(server.requests).toEqual(['GET /connect']);
  });

  it('takes a 404 behind a 302 as the gateway it was redirected to', async () => {
    const [lb, node] = await startOnOnePort(
      [
        { name: 'lb', host: '127.0.0.10', handler: redirectTo('https://127.0.0.11/') },
        {
          name: 'node',
          host: '127.0.0.11',
          handler: (_req, res) => {
            res.writeHead(404).end();
          },
        },
      ],
      cluster,
    );
    closers.push(
      () => lb!.close(),
      () => node!.close(),
    );
    const gateway = await findGateway(
      `127.0.0.10:${lb!.port}`,
      pin(cluster),
      deps({ redirectPort: lb!.port }),
    );
    expect(gateway.host).toBe('127.0.0.11');
  });
});

describe('whose name the certificate must carry (DECISIONS 65)', () => {
  // A CA the profile trusts (ca_file), and certificates it issued that each name only one host.
  let authority: TestCertificate;
  const issued: Record<string, TestCertificate> = {};
  let caPolicy: TlsPolicy;

  beforeAll(() => {
    authority = certs.authority('corp-ca');
    for (const name of [
      'corp.test',
      'gw1.corp.test',
      'gw2.corp.test',
      'gw.evil.test',
      'lb.corp.test',
      'r1.corp.test',
    ]) {
      issued[name] = certs.make(`issued-${name}`, [`DNS:${name}`], authority);
    }
    caPolicy = { kind: 'ca', caFile: authority.certFile };
  });

  function srvTo(targets: { target: string; port: number; address: string }[]) {
    Object.assign(dns.table, {
      '_ideco-client._tcp.corp.test': {
        srv: targets.map((t, i) => ({ priority: i + 1, weight: 0, port: t.port, target: t.target })),
      },
    });
    for (const t of targets) {
      dns.table[t.target.replace(/\.$/, '').toLowerCase()] = { a: [t.address] };
    }
  }

  it('accepts an SRV target under the configured name whose certificate names only itself', async () => {
    const server = await https('gw1', '127.0.0.6', ok, { cert: issued['gw1.corp.test']! });
    srvTo([{ target: 'gw1.corp.test', port: server.port, address: '127.0.0.6' }]);
    const gateway = await findGateway('corp.test', caPolicy, deps());
    expect(gateway).toEqual({
      host: 'gw1.corp.test',
      port: server.port,
      url: `wss://gw1.corp.test:${server.port}/connect`,
    });
    expect(server.requests).toEqual(['GET /connect']);
  });

  it('compares names without case and without trailing dots', async () => {
    const server = await https('gw1', '127.0.0.6', ok, { cert: issued['gw1.corp.test']! });
    srvTo([{ target: 'Gw1.CORP.test.', port: server.port, address: '127.0.0.6' }]);
    const gateway = await findGateway('CORP.Test.', caPolicy, deps());
    expect(gateway.host).toBe('gw1.corp.test');
  });

  it('accepts the configured name itself without SRV, and refuses it with another name’s certificate', async () => {
    const right = await https('corp', '127.0.0.7', ok, { cert: issued['corp.test']! });
    Object.assign(dns.table, { 'corp.test': { a: ['127.0.0.7'] } });
    expect((await findGateway(`corp.test:${right.port}`, caPolicy, deps())).host).toBe('corp.test');
    await right.close();
    const wrong = await https('corp', '127.0.0.7', ok, { cert: issued['gw1.corp.test']! });
    const error = await failure(findGateway(`corp.test:${wrong.port}`, caPolicy, deps()));
    expect(error.code).toBe('tls_untrusted');
    expect(error.message).toContain('the certificate is for another host name');
    expect(error.transient).toBe(false);
    expect(wrong.requests).toEqual([]);
  });

  it('refuses an SRV target whose certificate names another host under the domain', async () => {
    const server = await https('gw1', '127.0.0.6', ok, { cert: issued['gw2.corp.test']! });
    srvTo([{ target: 'gw1.corp.test', port: server.port, address: '127.0.0.6' }]);
    const error = await failure(findGateway('corp.test', caPolicy, deps()));
    expect(error.code).toBe('tls_untrusted');
    expect((error as ClientError<'tls_untrusted'>).detail.host).toBe('gw1.corp.test');
    expect(error.transient).toBe(false);
    expect(server.requests).toEqual([]);
  });

  it('refuses an SRV target outside the configured domain without connecting to it, finally', async () => {
    // Its certificate is issued by the trusted CA and names it: valid for itself, not for corp.test.
    const outside = await https('evil', '127.0.0.8', ok, { cert: issued['gw.evil.test']! });
    srvTo([{ target: 'gw.evil.test', port: outside.port, address: '127.0.0.8' }]);
    for (const policy of [caPolicy, { kind: 'system' } as const]) {
      const started = Date.now();
      const error = await failure(findGateway('corp.test', policy, deps()));
      expect(Date.now() - started).toBeLessThan(1000);
      expect(error.code).toBe('srv_outside_domain');
      expect(error.transient).toBe(false);
      expect((error as ClientError<'srv_outside_domain'>).detail).toEqual({
        server: 'corp.test',
        srvName: '_ideco-client._tcp.corp.test',
        target: 'gw.evil.test',
        port: outside.port,
      });
      expect(error.message).toContain(`kordon did not connect to gw.evil.test:${outside.port}`);
      expect(error.message).toContain('gw.evil.test is not corp.test nor a name under it');
      expect(error.message).toContain('"server_sha256"');
    }
    expect(outside.connections).toBe(0);
    expect(dns.questions.filter((q) => q.name === 'gw.evil.test')).toEqual([]);
  });

  it('skips an outside target and goes on to one under the domain', async () => {
    const outside = await https('evil', '127.0.0.8', ok, { cert: issued['gw.evil.test']! });
    const inside = await https('gw1', '127.0.0.6', ok, { cert: issued['gw1.corp.test']! });
    srvTo([
      { target: 'gw.evil.test', port: outside.port, address: '127.0.0.8' },
      { target: 'gw1.corp.test', port: inside.port, address: '127.0.0.6' },
    ]);
    expect((await findGateway('corp.test', caPolicy, deps())).host).toBe('gw1.corp.test');
    expect(outside.connections).toBe(0);
  });

  it('lets a pinned profile use an SRV target outside the domain (names are not checked under a pin)', async () => {
    const outside = await https('evil', '127.0.0.8', ok, { cert: issued['gw.evil.test']! });
    srvTo([{ target: 'gw.evil.test', port: outside.port, address: '127.0.0.8' }]);
    const gateway = await findGateway('corp.test', pin(issued['gw.evil.test']!), deps());
    expect(gateway.host).toBe('gw.evil.test');
    expect(outside.requests).toEqual(['GET /connect']);
  });

  describe('after a 302 over a verified connection', () => {
    async function lbAndR1(r1Cert: TestCertificate, location = 'https://r1.corp.test/') {
      const lb = await startHttpsServer({
        name: 'lb',
        host: '127.0.0.10',
        certificate: issued['lb.corp.test']!,
        handler: redirectTo(location),
      });
      closers.push(() => lb.close());
      const r1 = await startHttpsServer({
        name: 'r1',
        host: '127.0.0.11',
        port: lb.port,
        certificate: r1Cert,
        handler: ok,
      });
      closers.push(() => r1.close());
      Object.assign(dns.table, {
        'lb.corp.test': { a: ['127.0.0.10'] },
        'r1.corp.test': { a: ['127.0.0.11'] },
      });
      return { lb, r1 };
    }

    it('accepts the redirected host with a certificate that names only it', async () => {
      const { lb, r1 } = await lbAndR1(issued['r1.corp.test']!, 'https://R1.corp.test./connect');
      const gateway = await findGateway(`lb.corp.test:${lb.port}`, caPolicy, deps({ redirectPort: lb.port }));
      expect(gateway).toEqual({
        host: 'r1.corp.test',
        port: lb.port,
        url: `wss://r1.corp.test:${lb.port}/connect`,
      });
      expect(r1.requests).toEqual(['GET /connect']);
    });

    it('refuses the redirected host when its certificate names the host that redirected, not it', async () => {
      const { lb, r1 } = await lbAndR1(issued['lb.corp.test']!);
      const error = await failure(
        findGateway(`lb.corp.test:${lb.port}`, caPolicy, deps({ redirectPort: lb.port })),
      );
      expect(error.code).toBe('tls_untrusted');
      expect((error as ClientError<'tls_untrusted'>).detail).toMatchObject({
        host: 'r1.corp.test',
        port: lb.port,
      });
      expect(error.message).toContain('the certificate is for another host name');
      expect(error.transient).toBe(false);
      expect(lb.requests).toEqual(['GET /connect']);
      expect(r1.requests).toEqual([]);
    });
  });
});

describe('final failures end the attempt at once (DECISIONS 64)', () => {
  // The default probe timeout (5 s): a final failure must not wait for it.
  const defaultDeps = (): FindGatewayDeps => dnsDeps({ servers: [dns.server], timeoutMs: 1000, tries: 1 });

  it('a pin mismatch', async () => {
    const impostor = await https('impostor', '127.0.0.2', ok, { cert: stranger });
    const started = Date.now();
    const error = await failure(findGateway(`127.0.0.2:${impostor.port}`, pin(cluster), defaultDeps()));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.code).toBe('tls_mismatch');
    expect(error.transient).toBe(false);
  });

  it('a pin mismatch on every SRV target is unreachable, and final', async () => {
    const a = await https('a', '127.0.0.3', ok, { cert: stranger });
    const b = await https('b', '127.0.0.4', ok, { cert: stranger });
    Object.assign(dns.table, {
      '_ideco-client._tcp.gw.corp.test': {
        srv: [
          { priority: 1, weight: 0, port: a.port, target: 'n1.corp.test' },
          { priority: 2, weight: 0, port: b.port, target: 'n2.corp.test' },
        ],
      },
      'n1.corp.test': { a: ['127.0.0.3'] },
      'n2.corp.test': { a: ['127.0.0.4'] },
    });
    const started = Date.now();
    const error = await failure(findGateway('gw.corp.test', pin(cluster), defaultDeps()));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.code).toBe('unreachable');
    expect(error.transient).toBe(false);
  });

  it('a sixth redirect', async () => {
    const hosts = [11, 12, 13, 14, 15, 16, 17].map((n) => `127.0.0.${n}`);
    const servers = await startOnOnePort(
      hosts.map((host, i) => ({
        name: `hop${i + 1}`,
        host,
        handler: redirectTo(`https://${hosts[(i + 1) % hosts.length]!}/connect`),
      })),
      cluster,
    );
    closers.push(...servers.map((s) => () => s.close()));
    const port = servers[0]!.port;
    const started = Date.now();
    const error = await failure(
      findGateway(`127.0.0.11:${port}`, pin(cluster), { ...defaultDeps(), redirectPort: port }),
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.code).toBe('too_many_redirects');
    expect(error.transient).toBe(false);
  });
});
