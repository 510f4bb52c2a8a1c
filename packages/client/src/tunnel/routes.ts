// Which routes a tunnel needs (pure): `forward_nets` and the tunnel network into the tunnel
// (DECISIONS 38); a default route is split in halves so the host's own default route stays for
// everything else (the WireGuard endpoint), and IPv6 follows an IPv4 default (DECISIONS 18).
// A gateway may route IPv6 networks too (DECISIONS 63): they go in where the host has IPv6.
import { isIP } from 'node:net';

export interface TunnelRoutes {
  ipv4: string[];
  ipv6: string[];
  /** Whether all IPv4 traffic goes into the tunnel. */
  fullTunnel: boolean;
  /** Networks that are not networks (`fd00::1::/64`): left out, for a warning. */
  ignored: string[];
}

function familyOf(net: string): 4 | 6 | 0 {
  const slash = net.lastIndexOf('/');
  if (slash < 0) return 0;
  const family = isIP(net.slice(0, slash)) as 0 | 4 | 6;
  const bits = Number(net.slice(slash + 1));
  if (family === 0 || !/^\d{1,3}$/.test(net.slice(slash + 1))) return 0;
  return bits <= (family === 4 ? 32 : 128) ? family : 0;
}

export function tunnelRoutes(forwardNets: readonly string[], tunnelNetwork: string): TunnelRoutes {
  const fullTunnel = forwardNets.includes('0.0.0.0/0');
  const ipv4 = new Set<string>();
  const ipv6 = new Set<string>();
  const ignored: string[] = [];
  for (const net of [...forwardNets, tunnelNetwork]) {
    const family = familyOf(net);
    if (family === 0) ignored.push(net);
    else if (net === '0.0.0.0/0') ['0.0.0.0/1', '128.0.0.0/1'].forEach((half) => ipv4.add(half));
    else if (net === '::/0') ['::/1', '8000::/1'].forEach((half) => ipv6.add(half));
    else (family === 4 ? ipv4 : ipv6).add(net);
  }
  if (fullTunnel) ['::/1', '8000::/1'].forEach((half) => ipv6.add(half));
  return { ipv4: [...ipv4], ipv6: [...ipv6], fullTunnel, ignored };
}

/** The peer's allowed IPs: everything routed into the tunnel. */
export function allowedIps(forwardNets: readonly string[], tunnelNetwork: string): string[] {
  const all = new Set([...forwardNets, tunnelNetwork].filter((net) => familyOf(net) !== 0));
  if (all.has('0.0.0.0/0')) all.add('::/0');
  return [...all];
}
