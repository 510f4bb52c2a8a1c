import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addressGroup,
  canonicalAddress,
  cidrsOverlap,
  defaultLocalNetworks,
  isLocalAddress,
  parseCidr,
  parseIpAddress,
  type Cidr,
} from './network.js';

function cidrs(list: readonly string[]): Cidr[] {
  return list.map((t) => {
    const r = parseCidr(t);
    if (!r.ok) throw new Error(r.message);
    return r.cidr;
  });
}

describe('addresses and networks', () => {
  const local = cidrs(defaultLocalNetworks);

  it.each([
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.32.0.1', false],
    ['192.168.255.255', true],
    ['127.0.0.1', true],
    ['::1', true],
    ['::ffff:10.0.0.7', true],
    ['::ffff:198.18.0.1', false],
    ['fd12:3456::1', true],
    ['2001:db8::1', false],
    ['198.18.0.5', false],
    ['100.64.0.2', false],
    ['not-an-ip', false],
    ['', false],
  ])('%s local=%s', (address, expected) => {
    expect(isLocalAddress(address, local)).toBe(expected);
  });

  it('normalizes networks and names what is wrong', () => {
    expect(parseCidr('fc00:0000::/7')).toMatchObject({ ok: true, cidr: { text: 'fc00::/7' } });
    expect(parseCidr('10.1.0.0/8')).toEqual({
      ok: false,
      message: '"10.1.0.0/8" has host bits set; did you mean 10.0.0.0/8?',
    });
    expect(parseCidr('10.0.0.0/33')).toMatchObject({ ok: false });
    expect(parseCidr('300.0.0.0/8')).toMatchObject({ ok: false });
    expect(parseCidr('1.2.3.4')).toMatchObject({ ok: true, cidr: { prefix: 32 } });
    expect(parseCidr('010.0.0.0/8')).toMatchObject({ ok: false });
  });

  it('gives the IPv4 inside a mapped address', () => {
    expect(canonicalAddress('::ffff:192.168.1.9')).toBe('192.168.1.9');
    expect(canonicalAddress('2001:db8::1')).toBe('2001:db8::1');
  });

  it('parses every IPv4 address it prints', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(parseIpAddress(ip)?.family).toBe(4);
        expect(canonicalAddress(ip)).toBe(ip);
      }),
    );
  });

  it('parses every IPv6 address fast-check makes', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        expect(parseIpAddress(ip)).toBeDefined();
      }),
    );
  });
});

describe('addressGroup (DECISIONS 68)', () => {
  it('counts an IPv6 source by its /64 and an IPv4 source by itself', () => {
    expect(addressGroup('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressGroup('198.18.0.7')).toBe('198.18.0.7');
    expect(addressGroup('::ffff:198.18.0.7')).toBe('198.18.0.7');
  });
});

describe('cidrsOverlap (DECISIONS 16)', () => {
  const net = (text: string) => {
    const parsed = parseCidr(text);
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.cidr;
  };
  it('tells networks that share addresses from those that do not', () => {
    expect(cidrsOverlap(net('100.64.0.0/16'), net('100.64.5.0/24'))).toBe(true);
    expect(cidrsOverlap(net('100.64.5.0/24'), net('100.64.0.0/10'))).toBe(true);
    expect(cidrsOverlap(net('100.64.0.0/16'), net('10.0.0.0/8'))).toBe(false);
    expect(cidrsOverlap(net('100.64.0.0/16'), net('100.65.0.0/16'))).toBe(false);
    expect(cidrsOverlap(net('100.64.0.0/16'), net('::/0'))).toBe(false);
  });
});
