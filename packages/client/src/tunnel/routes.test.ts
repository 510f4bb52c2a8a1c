import { describe, expect, it } from 'vitest';
import { allowedIps, tunnelRoutes } from './routes.js';

describe('tunnel routes', () => {
  it('splits a default route and sends IPv6 in too (DECISIONS 18)', () => {
    expect(tunnelRoutes(['0.0.0.0/0'], '100.64.0.0/16')).toEqual({
      ipv4: ['0.0.0.0/1', '128.0.0.0/1', '100.64.0.0/16'],
      ipv6: ['::/1', '8000::/1'],
      fullTunnel: true,
      ignored: [],
    });
    expect(allowedIps(['0.0.0.0/0'], '100.64.0.0/16')).toEqual(['0.0.0.0/0', '100.64.0.0/16', '::/0']);
  });

  it('routes a split tunnel and the tunnel network only', () => {
    expect(tunnelRoutes(['10.0.0.0/8', '198.18.3.0/24'], '100.64.0.0/16')).toEqual({
      ipv4: ['10.0.0.0/8', '198.18.3.0/24', '100.64.0.0/16'],
      ipv6: [],
      fullTunnel: false,
      ignored: [],
    });
    expect(allowedIps(['10.0.0.0/8'], '100.64.0.0/16')).toEqual(['10.0.0.0/8', '100.64.0.0/16']);
  });

  it('routes IPv6 networks a gateway sends, and leaves out what is not a network (DECISIONS 63)', () => {
    const nets = ['10.0.0.0/8', '2001:db8::/32', '::/0', 'fd00::1::/64', '2001:db8::/129'];
    expect(tunnelRoutes(nets, '100.64.0.0/16')).toEqual({
      ipv4: ['10.0.0.0/8', '100.64.0.0/16'],
      ipv6: ['2001:db8::/32', '::/1', '8000::/1'],
      fullTunnel: false,
      ignored: ['fd00::1::/64', '2001:db8::/129'],
    });
    expect(allowedIps(nets, '100.64.0.0/16')).toEqual([
      '10.0.0.0/8',
      '2001:db8::/32',
      '::/0',
      '100.64.0.0/16',
    ]);
  });
});
