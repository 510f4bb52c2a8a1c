import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexToKey, keyToHex, publicKeyOf } from './keys.js';
import {
  UapiError,
  buildSetRequest,
  isCidr,
  parseGetResponse,
  probeUapiSocket,
  splitAnswer,
  uapiGet,
  uapiSet,
  uapiSocketPath,
} from './uapi.js';

const PRIVATE = hexToKey('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
const PEER_A = 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=';
const PEER_B = hexToKey('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');

describe('UAPI requests', () => {
  it('builds one set for the device and many peers, removals and upserts in order', () => {
    expect(
      buildSetRequest({
        privateKey: PRIVATE,
        listenPort: 51820,
        replacePeers: true,
        peers: [
          { publicKey: PEER_A, remove: true },
          { publicKey: PEER_B, allowedIps: ['100.64.0.2/32', 'fd00::2/128'] },
          { publicKey: PEER_A, allowedIps: [], endpoint: '198.18.0.1:51820', persistentKeepalive: 25 },
        ],
      }),
    ).toBe(
      [
        'set=1',
        `private_key=${keyToHex(PRIVATE)}`,
        'listen_port=51820',
        'replace_peers=true',
        `public_key=${keyToHex(PEER_A)}`,
        'remove=true',
        `public_key=${keyToHex(PEER_B)}`,
        'replace_allowed_ips=true',
        'allowed_ip=100.64.0.2/32',
        'allowed_ip=fd00::2/128',
        `public_key=${keyToHex(PEER_A)}`,
        'endpoint=198.18.0.1:51820',
        'persistent_keepalive_interval=25',
        'replace_allowed_ips=true',
        '',
        '',
      ].join('\n'),
    );
    expect(buildSetRequest({})).toBe('set=1\n\n');
  });

  it('refuses values that could inject lines or that wireguard-go would reject', () => {
    const peer = { publicKey: PEER_A };
    expect(() =>
      buildSetRequest({ peers: [{ ...peer, allowedIps: ['100.64.0.2/32\nremove=true'] }] }),
    ).toThrow('invalid allowed IP (a CIDR is needed)');
    expect(() => buildSetRequest({ peers: [{ ...peer, allowedIps: ['100.64.0.2'] }] })).toThrow(
      'invalid allowed IP',
    );
    expect(() => buildSetRequest({ peers: [{ ...peer, allowedIps: ['100.64.0.2/33'] }] })).toThrow(
      'invalid allowed IP',
    );
    expect(() =>
      buildSetRequest({ peers: [{ ...peer, allowedIps: [], endpoint: '198.18.0.1:1\nremove=true' }] }),
    ).toThrow('invalid WireGuard endpoint');
    expect(() => buildSetRequest({ listenPort: 65536 })).toThrow('invalid listen port: 65536');
    expect(() => buildSetRequest({ peers: [{ publicKey: 'nope', remove: true }] })).toThrow(
      'a WireGuard key must be 32 bytes in standard base64',
    );
    expect(isCidr('fd00::/64')).toBe(true);
    expect(isCidr('fd00::/129')).toBe(false);
    expect(isCidr('100.64.0.0/16')).toBe(true);
    expect(isCidr('100.64.0.256/32')).toBe(false);
  });
});

describe('UAPI answers', () => {
  const answer = [
    `private_key=${keyToHex(PRIVATE)}`,
    'listen_port=51820',
    `public_key=${keyToHex(PEER_A)}`,
    'preshared_key=0000000000000000000000000000000000000000000000000000000000000000',
    'protocol_version=1',
    'endpoint=198.18.0.2:41234',
    'last_handshake_time_sec=1764120000',
    'last_handshake_time_nsec=250000000',
    'tx_bytes=1000',
    'rx_bytes=2000',
    'persistent_keepalive_interval=0',
    'allowed_ip=100.64.0.2/32',
    'allowed_ip=fd00::2/128',
    `public_key=${keyToHex(PEER_B)}`,
    'protocol_version=1',
    'last_handshake_time_sec=0',
    'last_handshake_time_nsec=0',
    'tx_bytes=0',
    'rx_bytes=0',
    'persistent_keepalive_interval=25',
    'errno=0',
    '',
    '',
  ].join('\n');

  it('parses the device and its peers, keeping no private key', () => {
    const device = parseGetResponse(answer);
    expect(device).toEqual({
      publicKey: publicKeyOf(PRIVATE),
      listenPort: 51820,
      peers: [
        {
          publicKey: PEER_A,
          endpoint: '198.18.0.2:41234',
          allowedIps: ['100.64.0.2/32', 'fd00::2/128'],
          lastHandshake: new Date(1764120000250),
          rxBytes: 2000,
          txBytes: 1000,
          persistentKeepalive: 0,
        },
        {
          publicKey: PEER_B,
          endpoint: null,
          allowedIps: [],
          lastHandshake: null,
          rxBytes: 0,
          txBytes: 0,
          persistentKeepalive: 25,
        },
      ],
    });
    expect(JSON.stringify(device)).not.toContain(keyToHex(PRIVATE));
    expect(parseGetResponse('listen_port=0\n')).toEqual({ publicKey: null, listenPort: 0, peers: [] });
    expect(() => parseGetResponse('garbage\n')).toThrow('malformed UAPI line');
  });

  it('finds the errno line that ends an answer', () => {
    expect(splitAnswer('errno=0\n\n')).toEqual({ body: '', errno: 0 });
    expect(splitAnswer('listen_port=1\nerrno=0\n\n')).toEqual({ body: 'listen_port=1\n', errno: 0 });
    expect(splitAnswer('errno=-22\n\n')).toEqual({ body: '', errno: -22 });
    expect(splitAnswer('listen_port=1\nerrno=0\n')).toBeUndefined();
    expect(splitAnswer('listen_port=1\n\n')).toBeUndefined();
  });
});

/** A fake wireguard-go control socket: records each request and answers with what the test says. */
describe('UAPI over a unix socket', () => {
  let dir: string;
  let server: Server;
  const requests: string[] = [];
  let reply: (request: string, socket: Socket) => void = () => undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kordon-uapi-'));
    server = createServer((socket) => {
      let text = '';
      socket.on('data', (data: Buffer) => {
        text += data.toString('utf8');
        if (text.endsWith('\n\n')) {
          requests.push(text);
          reply(text, socket);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'kdfake0.sock'), resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('sends a set and accepts errno=0', async () => {
    reply = (_request, socket) => socket.write('errno=0\n\n');
    requests.length = 0;
    await uapiSet('kdfake0', { listenPort: 1234 }, { socketDir: dir });
    expect(requests).toEqual(['set=1\nlisten_port=1234\n\n']);
  });

  it('reads an answer that arrives in pieces', async () => {
    reply = (_request, socket) => {
      socket.write(`listen_port=7\npublic_key=${keyToHex(PEER_A)}\n`);
      setTimeout(() => socket.write('allowed_ip=100.64.0.9/32\nerrno=0\n'), 20);
      setTimeout(() => socket.write('\n'), 40);
    };
    const device = await uapiGet('kdfake0', { socketDir: dir });
    expect(device.listenPort).toBe(7);
    expect(device.peers.map((p) => [p.publicKey, p.allowedIps])).toEqual([[PEER_A, ['100.64.0.9/32']]]);
  });

  it('fails with the interface and the errno named', async () => {
    reply = (_request, socket) => socket.write('errno=-22\n\n');
    const error = await uapiSet('kdfake0', { listenPort: 1 }, { socketDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UapiError);
    expect((error as UapiError).errno).toBe(-22);
    expect((error as UapiError).interfaceName).toBe('kdfake0');
    expect((error as UapiError).message).toBe(
      'wireguard-go of interface kdfake0 refused a set: EINVAL (invalid value)',
    );
  });

  it('fails when the socket closes without an answer, or answers too late', async () => {
    reply = (_request, socket) => socket.end();
    await expect(uapiGet('kdfake0', { socketDir: dir })).rejects.toThrow(
      'wireguard-go of interface kdfake0 closed its socket without an answer',
    );
    reply = () => undefined;
    await expect(uapiGet('kdfake0', { socketDir: dir, timeoutMs: 100 })).rejects.toThrow(
      'wireguard-go of interface kdfake0 did not answer a get in time',
    );
  });

  it('names the interface and path when nothing listens, and tells stale sockets apart', async () => {
    await expect(uapiGet('kdnobody0', { socketDir: dir })).rejects.toThrow(
      `cannot reach wireguard-go of interface kdnobody0 at ${dir}/kdnobody0.sock: ENOENT`,
    );
    expect(await probeUapiSocket('kdnobody0', { socketDir: dir })).toBe('absent');
    expect(await probeUapiSocket('kdfake0', { socketDir: dir })).toBe('answering');
    await writeFile(join(dir, 'kdstale0.sock'), '');
    expect(await probeUapiSocket('kdstale0', { socketDir: dir })).toBe('stale');
    await expect(uapiGet('kdstale0', { socketDir: dir })).rejects.toThrow(
      `cannot reach wireguard-go of interface kdstale0 at ${dir}/kdstale0.sock: ECONNREFUSED`,
    );
    expect(uapiSocketPath('kordon-gw0')).toBe('/var/run/wireguard/kordon-gw0.sock');
  });
});
