// Tunnel address allocation (DECISIONS 5, 19): the gateway takes the first host of the tunnel network,
// devices get the lowest free address after it and keep it (sticky leases). Pure: the store keeps the
// leases and runs this inside a transaction.
import { parseCidr, type Cidr } from './network.js';

export interface TunnelPool {
  network: Cidr;
  /** The gateway's own address (first host), as an integer. */
  gateway: number;
  /** The first and last address a device may get. */
  first: number;
  last: number;
}

export function tunnelPool(
  cidrText: string,
): { ok: true; pool: TunnelPool } | { ok: false; message: string } {
  const parsed = parseCidr(cidrText);
  if (!parsed.ok) return parsed;
  const network = parsed.cidr;
  if (network.family !== 4)
    return { ok: false, message: `the tunnel network must be IPv4, not "${cidrText}"` };
  if (network.prefix > 30) {
    return { ok: false, message: `the tunnel network "${cidrText}" is too small: use /30 or larger` };
  }
  const base = Number(network.base);
  const size = 2 ** (32 - network.prefix);
  return { ok: true, pool: { network, gateway: base + 1, first: base + 2, last: base + size - 2 } };
}

export function ipv4ToInt(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => String(Math.floor(n / 2 ** s) % 256)).join('.');
}

export function inPool(pool: TunnelPool, address: number): boolean {
  return address >= pool.first && address <= pool.last;
}

/**
 * The lowest address of the pool not in `used` (sorted ascending, any addresses), or undefined when
 * the pool is full.
 */
export function lowestFree(pool: TunnelPool, used: readonly number[]): number | undefined {
  let candidate = pool.first;
  for (const u of used) {
    if (u < candidate) continue;
    if (u > candidate) break;
    candidate++;
  }
  return candidate <= pool.last ? candidate : undefined;
}
