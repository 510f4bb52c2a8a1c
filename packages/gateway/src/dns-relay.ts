// The DNS relay on the gateway's tunnel address (DECISIONS 38): tunnel clients get `dns_ipv4` = the
// gateway's own tunnel address, and queries there (UDP and TCP 53) are relayed to the host's resolvers.
// Its limits against abuse (per-client caps, the TCP idle timeout, which UDP answers count) are
// described in docs/protocol.md, "DNS relay limits".
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer, connect, isIPv6, type Server, type Socket as TcpSocket } from 'node:net';
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

export interface DnsRelayLimits {
  /** Open TCP connections per client address; one more is closed at once. */
  maxTcpConnectionsPerClient: number;
  /** UDP queries sent upstream and not yet answered, per client address; one more is dropped. */
  maxUdpQueriesInFlightPerClient: number;
  /** A TCP relay without a byte in either direction for this long is closed on both sides. */
  tcpIdleTimeoutMs: number;
  /** How long one upstream has to answer a UDP query before the next upstream is asked. */
  udpQueryTimeoutMs: number;
}

export const dnsRelayDefaults: Readonly<DnsRelayLimits> = {
  maxTcpConnectionsPerClient: 16,
  maxUdpQueriesInFlightPerClient: 64,
  tcpIdleTimeoutMs: 30_000,
  udpQueryTimeoutMs: 3_000,
};

// A DNS message starts with its 16-bit id; without one an answer could not be matched to its query.
const dnsIdLength = 2;

/** Slots per client address. An address at zero is forgotten, so the map holds only active clients. */
class PerClientSlots {
  private readonly taken = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Takes a slot for the address; false when it holds all of its slots already. */
  tryTake(address: string): boolean {
    const count = this.taken.get(address) ?? 0;
    if (count >= this.limit) return false;
    this.taken.set(address, count + 1);
    return true;
  }

  give(address: string): void {
    const count = this.taken.get(address) ?? 0;
    if (count <= 1) this.taken.delete(address);
    else this.taken.set(address, count - 1);
  }
}

/** One UDP query from a client, from its arrival until it is answered or every upstream failed. */
interface UdpQuery {
  readonly client: RemoteInfo;
  readonly message: Buffer;
  readonly id: number;
  upstreamIndex: number;
  /** The socket of the current attempt, connected to the upstream being asked. */
  socket: UdpSocket | undefined;
  timer: NodeJS.Timeout | undefined;
  finished: boolean;
}

function closeQuietly(socket: UdpSocket): void {
  try {
    socket.close();
  } catch {
    // Already closed: nothing left to release.
  }
}

/** True when a datagram came from the exact address and port the socket is connected to. */
function isFromPeer(socket: UdpSocket, from: RemoteInfo): boolean {
  try {
    const peer = socket.remoteAddress();
    return peer.address === from.address && peer.port === from.port;
  } catch {
    // Not connected yet (bound but still connecting): nothing can be an answer.
    return false;
  }
}

export class DnsRelay {
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly limits: DnsRelayLimits;
  private readonly udpSlots: PerClientSlots;
  private readonly tcpSlots: PerClientSlots;
  private readonly udpQueries = new Set<UdpQuery>();
  private readonly tcpClients = new Set<TcpSocket>();

  constructor(
    private readonly listen: { host: string; port: number },
    private readonly upstreams: readonly Upstream[],
    private readonly allowed: (address: string) => boolean,
    private readonly logger: Logger,
    limits: Partial<DnsRelayLimits> = {},
  ) {
    this.limits = { ...dnsRelayDefaults, ...limits };
    for (const [name, value] of Object.entries(this.limits)) {
      if (!Number.isSafeInteger(value) || value <= 0) {
        throw new RangeError(`DNS relay: ${name} must be a positive integer, not ${String(value)}`);
      }
    }
    this.udpSlots = new PerClientSlots(this.limits.maxUdpQueriesInFlightPerClient);
    this.tcpSlots = new PerClientSlots(this.limits.maxTcpConnectionsPerClient);
  }

  /** The port the relay listens on (UDP and TCP); with `listen.port` 0, the one the system chose. */
  get port(): number {
    if (!this.udp) throw new Error('DNS relay is not started');
    return this.udp.address().port;
  }

  async start(): Promise<void> {
    const udp = createSocket('udp4');
    udp.on('message', (message, client) => {
      if (this.allowed(client.address)) this.acceptUdp(udp, message, client);
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
    // Half-open allowed: a client may send its query and shut down its side before the answer comes.
    const tcp = createServer({ allowHalfOpen: true }, (client) => this.acceptTcp(client));
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(this.port, this.listen.host, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      udp.close();
      this.udp = undefined;
      throw err;
    }
    // Without a listener an accept error (EMFILE under a flood) would be thrown and end the process.
    tcp.on('error', (err) => this.logger.warn({ err }, 'DNS relay (TCP) error'));
    this.tcp = tcp;
  }

  private acceptUdp(listener: UdpSocket, message: Buffer, client: RemoteInfo): void {
    if (message.length < dnsIdLength) return;
    // Over the limit the query is dropped, not answered SERVFAIL: that is what common resolvers do
    // under rate limits, it costs the relay nothing, and the client's own retry comes after a timeout.
    if (!this.udpSlots.tryTake(client.address)) {
      this.logger.debug(
        { client: client.address, limit: this.limits.maxUdpQueriesInFlightPerClient },
        'DNS relay: UDP query over the per-client in-flight limit dropped',
      );
      return;
    }
    const query: UdpQuery = {
      client,
      message,
      id: message.readUInt16BE(0),
      upstreamIndex: 0,
      socket: undefined,
      timer: undefined,
      finished: false,
    };
    this.udpQueries.add(query);
    this.askUpstream(listener, query);
  }

  /**
   * One attempt: a fresh socket (a new random source port per query) connected to the upstream, so
   * the kernel delivers datagrams from that address and port only; the handler checks it again, and
   * the DNS id. On timeout or error, the next upstream is asked.
   */
  private askUpstream(listener: UdpSocket, query: UdpQuery): void {
    const upstream = this.upstreams[query.upstreamIndex];
    if (!upstream) {
      this.finishUdp(query);
      return;
    }
    const socket = createSocket(isIPv6(upstream.host) ? 'udp6' : 'udp4');
    query.socket = socket;
    const tryNext = (): void => {
      if (query.finished || query.socket !== socket) return;
      clearTimeout(query.timer);
      closeQuietly(socket);
      query.socket = undefined;
      query.upstreamIndex += 1;
      this.askUpstream(listener, query);
    };
    query.timer = setTimeout(tryNext, this.limits.udpQueryTimeoutMs);
    // A connected UDP socket reports an ICMP "port unreachable" as ECONNREFUSED here.
    socket.on('error', tryNext);
    socket.on('message', (answer, from) => {
      if (query.finished || query.socket !== socket || !isFromPeer(socket, from)) return;
      if (answer.length < dnsIdLength || answer.readUInt16BE(0) !== query.id) return;
      this.finishUdp(query);
      listener.send(answer, query.client.port, query.client.address, (err) => {
        if (err) this.logger.debug({ err, client: query.client.address }, 'DNS relay: answer not sent');
      });
    });
    socket.connect(upstream.port, upstream.host, (err?: Error) => {
      if (err) {
        tryNext();
        return;
      }
      if (query.socket !== socket) return;
      socket.send(query.message, (sendErr) => {
        if (sendErr) tryNext();
      });
    });
  }

  /** Every end of a query (answer, last timeout, last error, stop) comes here, once. */
  private finishUdp(query: UdpQuery): void {
    if (query.finished) return;
    query.finished = true;
    clearTimeout(query.timer);
    if (query.socket) closeQuietly(query.socket);
    query.socket = undefined;
    this.udpQueries.delete(query);
    this.udpSlots.give(query.client.address);
  }

  private acceptTcp(client: TcpSocket): void {
    client.on('error', () => client.destroy());
    const address = client.remoteAddress;
    const upstream = this.upstreams[0];
    if (!upstream || address === undefined || !this.allowed(address)) {
      client.destroy();
      return;
    }
    if (!this.tcpSlots.tryTake(address)) {
      this.logger.debug(
        { client: address, limit: this.limits.maxTcpConnectionsPerClient },
        'DNS relay: TCP connection over the per-client limit closed',
      );
      client.destroy();
      return;
    }
    this.tcpClients.add(client);
    const upstreamSocket = connect({ host: upstream.host, port: upstream.port, allowHalfOpen: true });
    const closeBoth = (): void => {
      client.destroy();
      upstreamSocket.destroy();
    };
    // One timer for both directions: every byte either way pushes it back, but only while the
    // upstream is there, so bytes a client sends after it left cannot hold the slot.
    const idle = setTimeout(closeBoth, this.limits.tcpIdleTimeoutMs);
    const active = (): void => {
      if (!upstreamSocket.destroyed) idle.refresh();
    };
    client.on('data', active);
    upstreamSocket.on('data', active);
    client.on('error', closeBoth);
    upstreamSocket.on('error', closeBoth);
    // The upstream is gone: deliver what it sent (the pipe ends the client), then close the client,
    // whose further queries could go nowhere.
    upstreamSocket.on('close', () => {
      if (!client.destroyed) client.end(() => client.destroy());
    });
    // Every path ends with the client closed: the slot and the upstream are released here, once.
    client.once('close', () => {
      clearTimeout(idle);
      upstreamSocket.destroy();
      this.tcpClients.delete(client);
      this.tcpSlots.give(address);
    });
    client.pipe(upstreamSocket).pipe(client);
  }

  async stop(): Promise<void> {
    this.udp?.close();
    this.udp = undefined;
    for (const query of [...this.udpQueries]) this.finishUdp(query);
    const tcp = this.tcp;
    this.tcp = undefined;
    if (!tcp) return;
    const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
    // server.close() waits for open connections: end the relays so stopping never hangs on a client.
    for (const client of this.tcpClients) client.destroy();
    await closed;
  }
}
