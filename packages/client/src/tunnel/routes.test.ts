import { describe, expect, it } from 'vitest';
import { allowedIps, tunnelRoutes } from './routes.js';

describe('tunnel routes', () => {
  it('splits a default route and sends IPv6 in too (DECISIONS 18)', () => {
    expect(tunnelRoutes(['0.0.0.0/0'], '100.64.0.0/16')).toEqual({
      ipv4: ['0.0.0.0/1', '128.0.0.0/1', '100.64.0.0/16'],
      ipv6: ['::/1', '8000::/1'],
      fullTunnel: true,
    });
    expect(allowedIps(['0.0.0.0/0'], '100.64.0.0/16')).toEqual(['0.0.0.0/0', '::/0']);
  });

  it('routes a split tunnel and the tunnel network only', () => {
    expect(tunnelRoutes(['10.0.0.0/8', '198.18.3.0/24'], '100.64.0.0/16')).toEqual({
      ipv4: ['10.0.0.0/8', '198.18.3.0/24', '100.64.0.0/16'],
      ipv6: [],
      fullTunnel: false,
    });
    expect(allowedIps(['10.0.0.0/8'], '100.64.0.0/16')).toEqual(['10.0.0.0/8', '100.64.0.0/16']);
  });
});
