import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intToIpv4, ipv4ToInt, lowestFree, tunnelPool, type TunnelPool } from './ipam.js';

function pool(text: string): TunnelPool {
  const r = tunnelPool(text);
  if (!r.ok) throw new Error(r.message);
  return r.pool;
}

describe('tunnel pool', () => {
  it('reserves the network, the gateway and the broadcast address', () => {
    const p = pool('100.64.0.0/16');
    expect(intToIpv4(p.gateway)).toBe('100.64.0.1');
    expect(intToIpv4(p.first)).toBe('100.64.0.2');
    expect(intToIpv4(p.last)).toBe('100.64.255.254');
  });

  it('refuses IPv6, too small and malformed networks', () => {
    expect(tunnelPool('fd00::/64')).toMatchObject({ ok: false });
    expect(tunnelPool('100.64.0.0/31')).toMatchObject({ ok: false });
    expect(tunnelPool('100.64.0.1/16')).toMatchObject({ ok: false });
  });

  it('gives the lowest free address', () => {
    const p = pool('100.64.0.0/29'); // .2 to .6
    const a = (s: string) => ipv4ToInt(s)!;
    expect(lowestFree(p, [])).toBe(a('100.64.0.2'));
    expect(lowestFree(p, [a('100.64.0.2'), a('100.64.0.3'), a('100.64.0.5')])).toBe(a('100.64.0.4'));
    expect(lowestFree(p, [a('10.0.0.1'), a('100.64.0.2')])).toBe(a('100.64.0.3'));
    expect(
      lowestFree(
        p,
        ['2', '3', '4', '5', '6'].map((x) => a(`100.64.0.${x}`)),
      ),
    ).toBeUndefined();
  });

  it('never hands out a used address, the gateway or one outside the pool', () => {
    const p = pool('100.64.0.0/26');
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: p.first - 3, max: p.last + 3 })), (used) => {
        const sorted = [...used].sort((x, y) => x - y);
        const got = lowestFree(p, sorted);
        if (got === undefined) {
          for (let x = p.first; x <= p.last; x++) expect(sorted).toContain(x);
        } else {
          expect(sorted).not.toContain(got);
          expect(got).toBeGreaterThanOrEqual(p.first);
          expect(got).toBeLessThanOrEqual(p.last);
        }
      }),
    );
  });

  it('converts addresses both ways', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(intToIpv4(ipv4ToInt(ip)!)).toBe(ip);
      }),
    );
  });
});
