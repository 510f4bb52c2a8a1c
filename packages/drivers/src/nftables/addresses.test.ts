import { describe, expect, it } from 'vitest';
import {
  FirewallInputError,
  normalizeAddress,
  parseNetwork,
  splitAddresses,
  splitNetworks,
  validateInterfaceName,
} from './addresses.js';

describe('normalizeAddress', () => {
  it.each([
    ['198.18.10.2', 4, '198.18.10.2'],
    ['2001:DB8:0:0:0:0:0:1', 6, '2001:db8::1'],
    ['::1', 6, '::1'],
    // What a dual-stack listener reports for an IPv4 client: its packets are IPv4.
    ['::ffff:198.18.10.2', 4, '198.18.10.2'],
    ['::FFFF:C612:0A02', 4, '198.18.10.2'],
    ['0:0:0:0:0:ffff:1.2.3.4', 4, '1.2.3.4'],
  ] as const)('%s is IPv%i %s', (text, family, address) => {
    expect(normalizeAddress(text)).toEqual({ family, address });
  });

  it.each(['', ' 198.18.10.2', '198.018.10.2', '198.18.10.2/32', 'fe80::1%eth0', 'localhost', '1.2.3.4\n'])(
    'refuses %j',
    (text) => {
      expect(() => normalizeAddress(text)).toThrow(FirewallInputError);
    },
  );
});

describe('splitAddresses', () => {
  it('splits by family and drops duplicates in their normal form', () => {
    expect(
      splitAddresses(['198.18.10.2', '::ffff:198.18.10.2', 'fd00::1', 'FD00::1', '198.18.10.3']),
    ).toEqual({
      ipv4: ['198.18.10.2', '198.18.10.3'],
      ipv6: ['fd00::1'],
    });
  });
});

describe('parseNetwork', () => {
  it.each([
    ['100.64.0.0/16', 4, '100.64.0.0', 16],
    ['100.64.3.9/16', 4, '100.64.0.0', 16],
    ['255.255.255.255/0', 4, '0.0.0.0', 0],
    ['198.18.10.2/32', 4, '198.18.10.2', 32],
    ['fd00:1:2:3:4::1/64', 6, 'fd00:1:2:3::', 64],
    ['::/0', 6, '::', 0],
    ['2001:db8::1/128', 6, '2001:db8::1', 128],
  ] as const)('%s is %s/%i', (text, family, address, prefixLength) => {
    expect(parseNetwork(text)).toEqual({ family, address, prefixLength });
  });

  it.each(['100.64.0.0', '100.64.0.0/', '100.64.0.0/33', 'fd00::/129', '100.64.0.0/16/1', 'x/8'])(
    'refuses %j',
    (text) => {
      expect(() => parseNetwork(text)).toThrow(FirewallInputError);
    },
  );
});

describe('splitNetworks (exemptions)', () => {
  it('takes addresses and CIDRs of both families; a single host is a bare address; host bits cleared', () => {
    expect(
      splitNetworks(
        [
          '198.18.40.0/24',
          '198.18.41.7',
          '198.18.42.9/32',
          '198.18.43.5/24',
          '2001:DB8::/32',
          'fd00::1',
          'fd00::2/128',
          '0.0.0.0/0',
          '::/0',
        ],
        'exemptFrom',
      ),
    ).toEqual({
      ipv4: ['198.18.40.0/24', '198.18.41.7', '198.18.42.9', '198.18.43.0/24', '0.0.0.0/0'],
      ipv6: ['2001:db8::/32', 'fd00::1', 'fd00::2', '::/0'],
    });
  });

  it('drops exact duplicates in their normal form and keeps overlaps (the set merges them)', () => {
    expect(
      splitNetworks(['198.18.40.0/24', '198.18.40.9/24', '198.18.40.7', '::ffff:198.18.40.7'], 'exemptTo'),
    ).toEqual({ ipv4: ['198.18.40.0/24', '198.18.40.7'], ipv6: [] });
  });

  it('reads IPv4-mapped IPv6 networks as IPv4, since those packets are IPv4', () => {
    expect(splitNetworks(['::ffff:198.18.40.0/120', '::ffff:0:0/96', '::ffff:0:0/95'], 'exemptTo')).toEqual({
      ipv4: ['198.18.40.0/24', '0.0.0.0/0'],
      ipv6: ['::fffe:0:0/95'],
    });
  });

  it.each([
    '',
    ' 198.18.40.0/24',
    '198.18.40.0/24 ',
    '198.18.40.0/',
    '198.18.40.0/33',
    '2001:db8::/129',
    '198.18.40.0-198.18.40.9',
    '198.18.40.0/255.255.255.0',
    'fe80::1%eth0',
    'fe80::%eth0/64',
    'dc.example',
    '198.18.40.0/24, 198.18.41.0/24',
    '198.18.40.0/24 }',
  ])('refuses %j, naming the list and the entry', (text) => {
    expect(() => splitNetworks(['198.18.40.0/24', text], 'exemptFrom')).toThrow(FirewallInputError);
    expect(() => splitNetworks(['198.18.40.0/24', text], 'exemptFrom')).toThrow(
      `exemptFrom: not an IP address or a network in CIDR notation: ${JSON.stringify(text)}`,
    );
  });
});

describe('validateInterfaceName', () => {
  it('accepts Linux names of up to 15 characters', () => {
    expect(validateInterfaceName('kordon-gw0')).toBe('kordon-gw0');
    expect(validateInterfaceName('eth0.100')).toBe('eth0.100');
    expect(validateInterfaceName('abcdefghijklmno')).toBe('abcdefghijklmno');
  });

  it.each(['', 'abcdefghijklmnop', 'eth*', 'eth 0', 'eth0"', 'eth0;'])('refuses %j', (name) => {
    expect(() => validateInterfaceName(name)).toThrow(FirewallInputError);
  });
});
