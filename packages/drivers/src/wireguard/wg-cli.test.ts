import { describe, expect, it } from 'vitest';
import { generateKeyPair } from './keys.js';
import { WgCliWireGuard, buildWgConfig, buildWgSetArgs, parseWgDump } from './wg-cli.js';

const A = 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=';
const B = '3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08=';

describe('wg set arguments', () => {
  it('puts removals first, then peers with their allowed IPs, in one invocation', () => {
    expect(
      buildWgSetArgs(
        'kordon-gw0',
        {
          add: [
            { publicKey: B, allowedIps: ['100.64.0.2/32', 'fd00::2/128'] },
            { publicKey: A, allowedIps: [] },
          ],
          remove: [A],
        },
        100_000,
      ),
    ).toEqual([
      [
        'set',
        'kordon-gw0',
        'peer',
        A,
        'remove',
        'peer',
        B,
        'allowed-ips',
        '100.64.0.2/32,fd00::2/128',
        'peer',
        A,
        'allowed-ips',
        '',
      ],
    ]);
    expect(buildWgSetArgs('kordon-gw0', { add: [], remove: [] }, 100_000)).toEqual([]);
  });

  it('splits a long argv into invocations under the limit, never splitting a peer', () => {
    const add = Array.from({ length: 3000 }, (_, i) => ({
      publicKey: generateKeyPair().publicKey,
      allowedIps: [`100.64.${Math.floor(i / 250)}.${(i % 250) + 1}/32`],
    }));
    const chunks = buildWgSetArgs('kordon-gw0', { add, remove: [] }, 100_000);
    expect(chunks.length).toBe(3); // about 80 bytes per peer: 3000 peers are 240 kB
    for (const argv of chunks) {
      expect(argv.slice(0, 2)).toEqual(['set', 'kordon-gw0']);
      expect(argv.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0)).toBeLessThanOrEqual(100_000);
      expect((argv.length - 2) % 4).toBe(0);
    }
    const keys = chunks.flatMap((argv) => argv.filter((_, i) => i >= 2 && (i - 2) % 4 === 1));
    expect(keys).toEqual(add.map((p) => p.publicKey));
  });

  it('rejects bad keys and allowed IPs before running wg', () => {
    expect(() => buildWgSetArgs('wg0', { add: [], remove: ['--help'] }, 100_000)).toThrow(
      'invalid WireGuard public key: "--help"',
    );
    expect(() =>
      buildWgSetArgs('wg0', { add: [{ publicKey: A, allowedIps: ['10.0.0.1'] }], remove: [] }, 100_000),
    ).toThrow('invalid allowed IP (a CIDR is needed): "10.0.0.1"');
  });
});

describe('wg syncconf configuration', () => {
  it('holds the interface and every peer', () => {
    const privateKey = generateKeyPair().privateKey;
    expect(
      buildWgConfig({ privateKey, listenPort: 51820 }, [
        { publicKey: A, allowedIps: ['100.64.0.2/32', '100.64.1.0/24'] },
        { publicKey: B, allowedIps: [] },
      ]),
    ).toBe(
      [
        '[Interface]',
        `PrivateKey = ${privateKey}`,
        'ListenPort = 51820',
        '',
        '[Peer]',
        `PublicKey = ${A}`,
        'AllowedIPs = 100.64.0.2/32, 100.64.1.0/24',
        '',
        '[Peer]',
        `PublicKey = ${B}`,
        '',
      ].join('\n'),
    );
  });
});

describe('wg show dump', () => {
  it('parses peers and drops the interface line with its private key', () => {
    const privateKey = generateKeyPair().privateKey;
    const dump = [
      `${privateKey}\t${A}\t51820\toff`,
      `${B}\t(none)\t198.18.0.2:41234\t100.64.0.2/32,fd00::2/128\t1764120000\t2000\t1000\toff`,
      `${A}\t(none)\t(none)\t(none)\t0\t0\t0\t25`,
      '',
    ].join('\n');
    const peers = parseWgDump(dump);
    expect(peers).toEqual([
      {
        publicKey: B,
        endpoint: '198.18.0.2:41234',
        allowedIps: ['100.64.0.2/32', 'fd00::2/128'],
        lastHandshake: new Date(1764120000 * 1000),
        rxBytes: 2000,
        txBytes: 1000,
      },
      { publicKey: A, endpoint: null, allowedIps: [], lastHandshake: null, rxBytes: 0, txBytes: 0 },
    ]);
    expect(JSON.stringify(peers)).not.toContain(privateKey);
    expect(parseWgDump(`${privateKey}\t${A}\t51820\toff\n`)).toEqual([]);
    expect(() => parseWgDump(`${privateKey}\t${A}\t51820\toff\n${B}\t(none)\n`)).toThrow(
      'unexpected line in wg show dump (2 fields, 8 expected)',
    );
  });
});

describe('WgCliWireGuard', () => {
  it('validates the interface name and needs up() before replacePeers', async () => {
    expect(() => new WgCliWireGuard({ interfaceName: 'a-name-longer-than-15' })).toThrow(
      'invalid WireGuard interface name "a-name-longer-than-15": 1 to 15 characters of A-Z a-z 0-9 _ . -',
    );
    expect(() => new WgCliWireGuard({ interfaceName: 'wg0;rm' })).toThrow('invalid WireGuard interface name');
    const driver = new WgCliWireGuard({ interfaceName: 'kdw-unused0' });
    expect(driver.kind).toBe('kernel');
    await expect(driver.replacePeers([])).rejects.toThrow(
      'replacePeers on kdw-unused0 needs up() first (syncconf names the private key)',
    );
  });
});
