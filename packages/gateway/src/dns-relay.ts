// The DNS relay on the gateway's tunnel address (DECISIONS 38): tunnel clients get `dns_ipv4` = the
// gateway's own tunnel address, and queries there (UDP and TCP 53) are relayed to the host's resolvers.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import type { Logger } from 'pino';

export interface Upstream {
  host: string;
  port: number;
}

/** The host's resolvers; behind a local stub (127.0.0.53) the stub's own upstreams (DECISIONS 38). */
export function hostResolvers(read: (path: string) => string = (p) => readFileSync(p, 'utf8')): Upstream[] {
  const parse = (text: string): string[] =>
    text
      .split('\n')
      .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
      .filter((h): h is string => h !== undefined);
  const tryRead = (path: string): string[] => {
    try {
      return parse(read(path));
    } catch {
      return [];
    }
  };
  let servers = tryRead('/etc/resolv.conf');
  if (servers.length === 0 || servers.every((s) => s.startsWith('127.0.0.53'))) {
    const behindStub = tryRead('/run/systemd/resolve/resolv.conf');
    if (behindStub.length > 0) servers = behindStub;
  }
  return servers.map((host) => ({ host, port: 53 }));
}

const queryTimeoutMs = 3000;

export class DnsRelay {
  private udp: Socket | undefined;
  private tcp: Server | undefined;

  constructor(
    private readonly listen: { host: string; port: number },
    private readonly upstreams: readonly Upstream[],
    private readonly allowed: (address: string) => boolean,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const udp = createSocket('udp4');
    udp.on('message', (msg, rinfo) => {
      if (this.allowed(rinfo.address)) this.relayUdp(udp, msg, rinfo, 0);
    });
    udp.on('error', (err) => this.logger.warn({ err }, 'DNS relay (UDP) error'));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.listen.port, this.listen.host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    this.udp = udp;
    const tcp = createServer((client) => {
      client.on('error', () => client.destroy());
      const upstream = this.upstreams[0];
      if (!upstream || !this.allowed(client.remoteAddress ?? '')) {
        client.destroy();
        return;
      }
      const server = connect(upstream.port, upstream.host);
      server.on('error', () => client.destroy());
      server.setTimeout(queryTimeoutMs * 10, () => server.destroy());
      client.pipe(server).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(this.listen.port, this.listen.host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    this.tcp = tcp;
  }

  /** One query: a fresh socket to the upstream, the next upstream on timeout. */
  private relayUdp(listener: Socket, query: Buffer, client: RemoteInfo, index: number): void {
    const upstream = this.upstreams[index];
    if (!upstream) return;
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      this.relayUdp(listener, query, client, index + 1);
    }, queryTimeoutMs);
    socket.on('error', () => {
      clearTimeout(timer);
      socket.close();
    });
    socket.on('message', (answer) => {
      clearTimeout(timer);
      socket.close();
      listener.send(answer, client.port, client.address);
    });
    socket.send(query, upstream.port, upstream.host);
  }

  async stop(): Promise<void> {
    this.udp?.close();
    await new Promise<void>((resolve) => {
      if (this.tcp) this.tcp.close(() => resolve());
      else resolve();
    });
  }
}
