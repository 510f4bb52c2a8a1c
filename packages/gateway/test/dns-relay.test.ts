import { createSocket } from 'node:dgram';
import { createServer, connect } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsRelay, hostResolvers } from '../src/dns-relay.js';

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
