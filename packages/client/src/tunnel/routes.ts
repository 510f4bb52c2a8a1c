// Which routes a tunnel needs (pure): `forward_nets` and the tunnel network into the tunnel
// (DECISIONS 38); a default route is split in halves so the host's own default route stays for
// everything else (the WireGuard endpoint), and IPv6 follows an IPv4 default (DECISIONS 18).

export interface TunnelRoutes {
  ipv4: string[];
  ipv6: string[];
  /** Whether all IPv4 traffic goes into the tunnel. */
  fullTunnel: boolean;
}

export function tunnelRoutes(forwardNets: readonly string[], tunnelNetwork: string): TunnelRoutes {
  const fullTunnel = forwardNets.includes('0.0.0.0/0');
  const ipv4 = new Set<string>();
  for (const net of [...forwardNets, tunnelNetwork]) {
    if (net === '0.0.0.0/0') {
      ipv4.add('0.0.0.0/1');
      ipv4.add('128.0.0.0/1');
    } else {
      ipv4.add(net);
    }
  }
  return { ipv4: [...ipv4], ipv6: fullTunnel ? ['::/1', '8000::/1'] : [], fullTunnel };
}

/** The peer's allowed IPs: everything routed into the tunnel. */
export function allowedIps(forwardNets: readonly string[], tunnelNetwork: string): string[] {
  const all = new Set([...forwardNets, tunnelNetwork]);
  if (all.has('0.0.0.0/0')) return ['0.0.0.0/0', '::/0'];
  return [...all];
}
