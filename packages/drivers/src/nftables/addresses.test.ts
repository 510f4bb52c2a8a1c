import { describe, expect, it } from 'vitest';
import {
  FirewallInputError,
  normalizeAddress,
  parseNetwork,
  splitAddresses,
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
