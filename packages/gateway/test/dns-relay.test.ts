import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, connect, type Server, type Socket as TcpSocket } from 'node:net';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DnsRelay,
  dnsRelayDefaults,
  hostResolvers,
  type DnsRelayLimits,
  type Upstream,
} from '../src/dns-relay.js';

// A stand-in upstream resolver on loopback: it answers each query with the query plus one byte.
const upstreamUdp = createSocket('udp4');
const upstreamTcp = createServer((s) => s.on('data', (d) => s.end(Buffer.concat([d, Buffer.from([0xaa])]))));
let relay: DnsRelay;
let tcpRelay: DnsRelay;
const relayPort = 15353;

beforeAll(async () => {
  upstreamUdp.on('message', (msg, r) =>
    upstreamUdp.send(Buffer.concat([msg, Buffer.from([0xaa])]), r.port, r.address),
  );
  await new Promise<void>((r) => upstreamUdp.bind(0, '127.0.0.1', () => r()));
  await new Promise<void>((r) => upstreamTcp.listen(0, '127.0.0.1', () => r()));
  const udpPort = upstreamUdp.address().port;
  const tcpPort = (upstreamTcp.address() as { port: number }).port;
  // UDP goes to the UDP stand-in, TCP to the TCP one: two upstream entries would do the same in life.
  relay = new DnsRelay(
    { host: '127.0.0.3', port: relayPort },
    [{ host: '127.0.0.1', port: udpPort }],
    (a) => a === '127.0.0.1',
    pino({ level: 'silent' }),
  );
  await relay.start();
  // The TCP path uses the first upstream's address and port: point a second relay at the TCP stand-in.
  tcpRelay = new DnsRelay(
    { host: '127.0.0.4', port: relayPort },
    [{ host: '127.0.0.1', port: tcpPort }],
    () => true,
    pino({ level: 'silent' }),
  );
  await tcpRelay.start();
});

afterAll(async () => {
  await relay.stop();
  await tcpRelay.stop();
  upstreamUdp.close();
  upstreamTcp.close();
});

describe('DNS relay (DECISIONS 38)', () => {
  it('relays a UDP query and its answer', async () => {
    const client = createSocket('udp4');
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
    const answer = new Promise<Buffer>((r) => client.once('message', (m) => r(m)));
    client.send(Buffer.from([1, 2, 3]), relayPort, '127.0.0.3');
    expect([...(await answer)]).toEqual([1, 2, 3, 0xaa]);
    client.close();
  });

  it('ignores clients it does not serve', async () => {
    const client = createSocket('udp4');
    await new Promise<void>((r) => client.bind(0, '127.0.0.2', () => r()));
    const answer = new Promise<string>((r) => {
      client.once('message', () => r('answered'));
      setTimeout(() => r('silent'), 300);
    });
    client.send(Buffer.from([9]), relayPort, '127.0.0.3');
    expect(await answer).toBe('silent');
    client.close();
  });

  it('relays TCP', async () => {
    const s = connect(relayPort, '127.0.0.4');
    const got = new Promise<Buffer>((r) => s.on('data', (d) => r(d)));
    s.write(Buffer.from([0, 1, 7]));
    expect([...(await got)]).toEqual([0, 1, 7, 0xaa]);
    s.destroy();
  });

  it('finds the host resolvers, looking behind a local stub', () => {
    const files: Record<string, string> = {
      '/etc/resolv.conf': 'nameserver 127.0.0.53\noptions edns0\n',
      '/run/systemd/resolve/resolv.conf': '# upstream\nnameserver 198.18.9.9\nnameserver 198.18.9.10\n',
    };
    expect(hostResolvers((p) => files[p] ?? '')).toEqual([
      { host: '198.18.9.9', port: 53 },
      { host: '198.18.9.10', port: 53 },
    ]);
    expect(hostResolvers((p) => (p === '/etc/resolv.conf' ? 'nameserver 198.18.0.53\n' : ''))).toEqual([
      { host: '198.18.0.53', port: 53 },
    ]);
  });
});

// ---- Limits against abuse (docs/protocol.md, "DNS relay limits") ----

/** A 12-byte DNS header with this id (RD set, no sections): enough for the relay and the stand-ins. */
function dnsQuery(id: number): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  return header;
}

/** The answer a stand-in gives: the query with QR set and one marker byte saying who answered. */
function dnsAnswer(query: Buffer, marker: number): Buffer {
  const answer = Buffer.concat([query, Buffer.from([marker])]);
  answer.writeUInt16BE(answer.readUInt16BE(2) | 0x8000, 2);
  return answer;
}

const realMarker = 0x01;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function bindUdp(address: string, port = 0): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return socket;
}

/** A stand-in UDP resolver: answers at once, holds queries until told to answer, or never answers. */
class FakeUdpUpstream {
  mode: 'answer' | 'hold' | 'silent' = 'answer';
  readonly received: { query: Buffer; from: RemoteInfo }[] = [];
  private held: { query: Buffer; from: RemoteInfo }[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('message', (query, from) => {
      this.received.push({ query, from });
      if (this.mode === 'answer') this.answer(query, from);
      else if (this.mode === 'hold') this.held.push({ query, from });
    });
  }

  static async start(port = 0): Promise<FakeUdpUpstream> {
    return new FakeUdpUpstream(await bindUdp('127.0.0.1', port));
  }

  get port(): number {
    return this.socket.address().port;
  }

  answer(query: Buffer, to: RemoteInfo): void {
    this.socket.send(dnsAnswer(query, realMarker), to.port, to.address);
  }

  answerHeld(): void {
    const held = this.held;
    this.held = [];
    for (const { query, from } of held) this.answer(query, from);
  }

  close(): void {
    this.socket.close();
  }
}

/** A stand-in TCP resolver: answers each length-prefixed query and keeps the connection, or resets it. */
class FakeTcpUpstream {
  mode: 'answer' | 'reset' = 'answer';
  readonly connections = new Set<TcpSocket>();

  private constructor(readonly server: Server) {}

  static async start(): Promise<FakeTcpUpstream> {
    const upstream: FakeTcpUpstream = new FakeTcpUpstream(createServer((s) => upstream.serve(s)));
    await new Promise<void>((r) => upstream.server.listen(0, '127.0.0.1', () => r()));
    return upstream;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  private serve(socket: TcpSocket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      if (this.mode === 'reset') {
        socket.resetAndDestroy();
        return;
      }
      const { messages, rest } = unframe(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const query of messages) socket.write(frame(dnsAnswer(query, realMarker)));
    });
  }

  async close(): Promise<void> {
    for (const s of this.connections) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** DNS over TCP: each message behind its 16-bit length. */
function frame(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length, 0);
  return Buffer.concat([length, message]);
}

/** The whole messages at the start of a TCP byte stream, and the bytes left after them. */
function unframe(stream: Buffer): { messages: Buffer[]; rest: Buffer } {
  const messages: Buffer[] = [];
  let rest = stream;
  while (rest.length >= 2 && rest.length >= 2 + rest.readUInt16BE(0)) {
    const end = 2 + rest.readUInt16BE(0);
    messages.push(rest.subarray(2, end));
    rest = rest.subarray(end);
  }
  return { messages, rest };
}

/** A DNS-over-TCP client: length-prefixed queries, answers collected by id. */
class TcpDnsClient {
  readonly answers: number[] = [];
  closed = false;
  private pending: Buffer = Buffer.alloc(0);

  private constructor(readonly socket: TcpSocket) {
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closed = true));
    socket.on('data', (chunk) => {
      const { messages, rest } = unframe(Buffer.concat([this.pending, chunk]));
      this.pending = rest;
      for (const answer of messages) this.answers.push(answer.readUInt16BE(0));
    });
  }

  static async open(port: number, host: string, localAddress = '127.0.0.1'): Promise<TcpDnsClient> {
    const socket = connect({ port, host, localAddress });
    const client = new TcpDnsClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return client;
  }

  /** Sends a query and waits for its answer; 'closed' when the relay closes the connection instead. */
  async ask(id: number): Promise<'answered' | 'closed'> {
    if (!this.closed) this.socket.write(frame(dnsQuery(id)));
    await until(() => this.answers.includes(id) || this.closed, `TCP answer ${id}`);
    return this.answers.includes(id) ? 'answered' : 'closed';
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A UDP client socket that collects the answers it gets (id and marker byte). */
async function udpClient(): Promise<{ socket: Socket; answers: Buffer[]; close(): void }> {
  const socket = await bindUdp('127.0.0.1');
  const answers: Buffer[] = [];
  socket.on('message', (m) => answers.push(m));
  return { socket, answers, close: () => socket.close() };
}

/** A UDP port with nothing behind it: a connected socket sending there gets ECONNREFUSED. */
async function refusingUdpPort(): Promise<number> {
  const socket = await bindUdp('127.0.0.1');
  const port = socket.address().port;
  await new Promise<void>((r) => socket.close(() => r()));
  return port;
}

const idsOf = (messages: readonly Buffer[]): number[] =>
  messages.map((m) => m.readUInt16BE(0)).sort((a, b) => a - b);
const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

describe('DNS relay limits', () => {
  const cleanups: (() => unknown)[] = [];
  let nextListenHost = 1;

  /** A relay on its own loopback address and a free port, serving every client; stopped after the test. */
  async function startRelay(
    upstreams: Upstream[],
    limits: Partial<DnsRelayLimits> = {},
  ): Promise<{ relay: DnsRelay; host: string }> {
    const host = `127.0.53.${String(nextListenHost++)}`;
    const relay = new DnsRelay({ host, port: 0 }, upstreams, () => true, pino({ level: 'silent' }), limits);
    await relay.start();
    cleanups.push(() => relay.stop());
    return { relay, host };
  }

  /** Registers something to close after the test, and returns it. */
  function closedAfter<T extends { close(): unknown }>(thing: T): T {
    cleanups.push(() => thing.close());
    return thing;
  }

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('has the documented defaults and refuses limits that are not positive integers', () => {
    expect(dnsRelayDefaults).toEqual({
      maxTcpConnectionsPerClient: 16,
      maxUdpQueriesInFlightPerClient: 64,
      tcpIdleTimeoutMs: 30_000,
      udpQueryTimeoutMs: 3_000,
    });
    const make = (limits: Partial<DnsRelayLimits>) => () =>
      new DnsRelay({ host: '127.0.0.1', port: 0 }, [], () => true, pino({ level: 'silent' }), limits);
    expect(make({ maxTcpConnectionsPerClient: 0 })).toThrow(RangeError);
    expect(make({ maxUdpQueriesInFlightPerClient: -1 })).toThrow(RangeError);
    expect(make({ tcpIdleTimeoutMs: Number.NaN })).toThrow(RangeError);
    expect(make({ udpQueryTimeoutMs: 1.5 })).toThrow(RangeError);
  });

  it('closes the 17th TCP connection from one client at the defaults while the 16th stays usable', async () => {
    const upstream = closedAfter(await FakeTcpUpstream.start());
    const { relay, host } = await startRelay([{ host: '127.0.0.1', port: upstream.port }]);
    const clients: TcpDnsClient[] = [];
    for (let i = 0; i < 16; i++) clients.push(closedAfter(await TcpDnsClient.open(relay.port, host)));
    // A round trip on each proves the relay accepted and counted all sixteen.
    for (const [index, client] of clients.entries()) expect(await client.ask(index + 1)).toBe('answered');

    const seventeenth = closedAfter(await TcpDnsClient.open(relay.port, host));
    await until(() => seventeenth.closed, 'the 17th connection to be closed', 1000);
    expect(seventeenth.answers).toEqual([]);

    expect(await clients[15]?.ask(1600)).toBe('answered');
    expect(clients.every((c) => !c.closed)).toBe(true);
    // The limit is per client address: another address still gets in.
    const otherClient = closedAfter(await TcpDnsClient.open(relay.port, host, '127.0.0.2'));
    expect(await otherClient.ask(1700)).toBe('answered');
  });

  it('answers a TCP client that shuts down its sending side right after the query', async () => {
    const upstream = closedAfter(await FakeTcpUpstream.start());
    const { relay, host } = await startRelay([{ host: '127.0.0.1', port: upstream.port }]);
    const client = closedAfter(await TcpDnsClient.open(relay.port, host));
    client.socket.end(frame(dnsQuery(7)));
    await until(() => client.closed, 'the relay to close after the answer');
    expect(client.answers).toEqual([7]);
  });

  it('gives a TCP slot back when the client closes, the upstream fails or the relay idles out', async () => {
    const upstream = closedAfter(await FakeTcpUpstream.start());
    const { relay, host } = await startRelay([{ host: '127.0.0.1', port: upstream.port }], {
      maxTcpConnectionsPerClient: 1,
      tcpIdleTimeoutMs: 300,
    });
    const open = async (): Promise<TcpDnsClient> => closedAfter(await TcpDnsClient.open(relay.port, host));

    // The client closes.
    const first = await open();
    expect(await first.ask(1)).toBe('answered');
    expect(await (await open()).ask(2)).toBe('closed');
    first.close();
    await until(() => upstream.connections.size === 0, 'the relay to close the upstream of a closed client');
    const second = await open();
    expect(await second.ask(3)).toBe('answered');

    // The upstream resets the connection: the relay closes the client and frees the slot.
    upstream.mode = 'reset';
    expect(await second.ask(4)).toBe('closed');
    upstream.mode = 'answer';
    const third = await open();
    expect(await third.ask(5)).toBe('answered');

    // The relay idles out.
    await until(() => third.closed, 'the idle timeout');
    expect(await (await open()).ask(6)).toBe('answered');
  });

  it('closes an idle TCP relay on both sides after the timeout, and not while bytes flow', async () => {
    const upstream = closedAfter(await FakeTcpUpstream.start());
    const { relay, host } = await startRelay([{ host: '127.0.0.1', port: upstream.port }], {
      tcpIdleTimeoutMs: 200,
    });
    const idleClient = closedAfter(await TcpDnsClient.open(relay.port, host));
    const busyClient = closedAfter(await TcpDnsClient.open(relay.port, host));
    expect(await idleClient.ask(1)).toBe('answered');
    expect(await busyClient.ask(2)).toBe('answered');
    const [idleUpstream, busyUpstream] = [...upstream.connections];
    const idleSince = performance.now();
    let upstreamClosedAfterMs = Number.NaN;
    idleUpstream?.on('close', () => (upstreamClosedAfterMs = performance.now() - idleSince));

    // A query every 100 ms keeps the busy relay open well past the timeout.
    for (let id = 3; id < 9; id++) {
      await sleep(100);
      expect(await busyClient.ask(id)).toBe('answered');
    }
    expect(idleClient.closed).toBe(true);
    expect(upstreamClosedAfterMs).toBeGreaterThanOrEqual(150);
    expect(upstreamClosedAfterMs).toBeLessThan(600);
    expect(busyClient.closed).toBe(false);
    expect(busyUpstream?.destroyed).toBe(false);
    expect(upstream.connections.size).toBe(1);
  });

  it('drops UDP queries beyond 64 in flight, answers the first ones when the upstream does, then serves again', async () => {
    const upstream = closedAfter(await FakeUdpUpstream.start());
    upstream.mode = 'hold';
    // The default limit; a long query timeout so no slot is freed by a timeout during the test.
    const { relay, host } = await startRelay([{ host: '127.0.0.1', port: upstream.port }], {
      udpQueryTimeoutMs: 20_000,
    });
    const client = closedAfter(await udpClient());
    for (const id of range(1, 70)) client.socket.send(dnsQuery(id), relay.port, host);
    await until(() => upstream.received.length === 64, '64 queries upstream');
    await sleep(200);
    expect(idsOf(upstream.received.map((r) => r.query))).toEqual(range(1, 64));
    expect(client.answers).toEqual([]);

    upstream.answerHeld();
    await until(() => client.answers.length === 64, '64 answers');
    await sleep(100);
    expect(idsOf(client.answers)).toEqual(range(1, 64));

    // All 64 answered: the client has its slots back.
    upstream.mode = 'answer';
    for (const id of range(101, 64)) client.socket.send(dnsQuery(id), relay.port, host);
    await until(() => client.answers.length === 128, '64 more answers');
    expect(idsOf(client.answers.slice(64))).toEqual(range(101, 64));
  });

  it('gives UDP slots back when the upstream never answers', async () => {
    const upstream = closedAfter(await FakeUdpUpstream.start());
    upstream.mode = 'silent';
    const { relay, host } = await startRelay([{ host: '127.0.0.1', port: upstream.port }], {
      maxUdpQueriesInFlightPerClient: 2,
      udpQueryTimeoutMs: 200,
    });
    const client = closedAfter(await udpClient());
    for (const id of [1, 2, 3]) client.socket.send(dnsQuery(id), relay.port, host);
    await until(() => upstream.received.length === 2, 'two queries upstream');
    await sleep(100);
    expect(upstream.received).toHaveLength(2);

    await sleep(300);
    upstream.mode = 'answer';
    client.socket.send(dnsQuery(4), relay.port, host);
    client.socket.send(dnsQuery(5), relay.port, host);
    await until(() => client.answers.length === 2, 'answers after the timeouts');
    expect(idsOf(client.answers)).toEqual([4, 5]);
  });

  it('gives a UDP slot back when the upstream refuses, and asks the next upstream at once', async () => {
    const refusingPort = await refusingUdpPort();
    const { relay, host } = await startRelay([{ host: '127.0.0.1', port: refusingPort }], {
      maxUdpQueriesInFlightPerClient: 1,
      udpQueryTimeoutMs: 20_000,
    });
    const client = closedAfter(await udpClient());
    client.socket.send(dnsQuery(1), relay.port, host);
    await sleep(200);
    // Had the refusal kept the slot (20 s timeout), this query would be dropped.
    const upstream = closedAfter(await FakeUdpUpstream.start(refusingPort));
    client.socket.send(dnsQuery(2), relay.port, host);
    await until(() => client.answers.length === 1, 'the answer once the upstream is there');
    expect(idsOf(client.answers)).toEqual([2]);
    expect(idsOf(upstream.received.map((r) => r.query))).toEqual([2]);

    const working = closedAfter(await FakeUdpUpstream.start());
    const fallback = await startRelay(
      [
        { host: '127.0.0.1', port: await refusingUdpPort() },
        { host: '127.0.0.1', port: working.port },
      ],
      { udpQueryTimeoutMs: 20_000 },
    );
    const started = performance.now();
    client.socket.send(dnsQuery(3), fallback.relay.port, fallback.host);
    await until(() => client.answers.length === 2, 'the second upstream to answer');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('forwards a UDP answer only from the asked upstream address and port, with the query id, once', async () => {
    const upstream = closedAfter(await FakeUdpUpstream.start());
    upstream.mode = 'hold';
    const { relay, host } = await startRelay([{ host: '127.0.0.1', port: upstream.port }]);
    const client = closedAfter(await udpClient());
    client.socket.send(dnsQuery(0x4242), relay.port, host);
    await until(() => upstream.received.length === 1, 'the query upstream');
    const asked = upstream.received[0];
    if (!asked) throw new Error('no query upstream');
    const relaySide = asked.from;

    // The right id from the right address but another port; from the upstream's port on another
    // address; and from the upstream itself with the wrong id.
    const otherPort = closedAfter(await bindUdp('127.0.0.1'));
    const otherAddress = closedAfter(await bindUdp('127.0.0.2', upstream.port));
    otherPort.send(dnsAnswer(asked.query, 0xe1), relaySide.port, relaySide.address);
    otherAddress.send(dnsAnswer(asked.query, 0xe2), relaySide.port, relaySide.address);
    const wrongId = dnsAnswer(asked.query, 0xe3);
    wrongId.writeUInt16BE(0x4243, 0);
    upstream.socket.send(wrongId, relaySide.port, relaySide.address);
    await sleep(200);
    expect(client.answers).toEqual([]);

    // The real answer, sent twice: forwarded once.
    upstream.answer(asked.query, relaySide);
    upstream.answer(asked.query, relaySide);
    await until(() => client.answers.length > 0, 'the real answer');
    await sleep(200);
    expect(client.answers).toHaveLength(1);
    expect(client.answers[0]?.readUInt16BE(0)).toBe(0x4242);
    expect(client.answers[0]?.at(-1)).toBe(realMarker);
  });

  it('stops without waiting for open TCP relays, closing both sides', async () => {
    const upstream = closedAfter(await FakeTcpUpstream.start());
    const { relay, host } = await startRelay([{ host: '127.0.0.1', port: upstream.port }]);
    const client = closedAfter(await TcpDnsClient.open(relay.port, host));
    expect(await client.ask(1)).toBe('answered');
    const started = performance.now();
    await relay.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    await until(() => client.closed && upstream.connections.size === 0, 'both sides closed');
  });
});
