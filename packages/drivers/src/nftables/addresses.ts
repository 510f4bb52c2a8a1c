// Validation of everything that is spliced into an nft script: addresses, networks, interface
// and table names. Nothing reaches nft without passing through here.
import { isIP } from 'node:net';

export class FirewallInputError extends Error {
  override readonly name = 'FirewallInputError';
}

export interface FamilyAddress {
  family: 4 | 6;
  address: string;
}

/** The canonical form (RFC 5952, lower case) of a valid IPv6 address without a zone. */
function canonicalIpv6(address: string): string {
  // WHATWG URL parsing canonicalizes IPv6 hosts and writes an embedded IPv4 part as hex.
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

const MAPPED_IPV4 = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * Validates one address and gives its family. An IPv4-mapped IPv6 address ("::ffff:198.18.10.2",
 * what a dual-stack socket reports for an IPv4 client) becomes the IPv4 address: the packets of
 * that client are IPv4, so only the IPv4 set can match them.
 */
export function normalizeAddress(text: string): FamilyAddress {
  const family = isIP(text);
  if (family === 4) return { family, address: text };
  if (family === 6 && !text.includes('%')) {
    const canonical = canonicalIpv6(text);
    const mapped = MAPPED_IPV4.exec(canonical);
    if (mapped) {
      const high = Number.parseInt(mapped[1] ?? '', 16);
      const low = Number.parseInt(mapped[2] ?? '', 16);
      return { family: 4, address: [high >> 8, high & 255, low >> 8, low & 255].join('.') };
    }
    return { family, address: canonical };
  }
  throw new FirewallInputError(`not an IP address: ${JSON.stringify(text)}`);
}

export interface SplitAddresses {
  ipv4: string[];
  ipv6: string[];
}

/** Validates every address, drops duplicates (first wins) and splits them by family. */
export function splitAddresses(addresses: readonly string[]): SplitAddresses {
  const ipv4 = new Set<string>();
  const ipv6 = new Set<string>();
  for (const text of addresses) {
    const { family, address } = normalizeAddress(text);
    (family === 4 ? ipv4 : ipv6).add(address);
  }
  return { ipv4: [...ipv4], ipv6: [...ipv6] };
}

export interface Network {
  family: 4 | 6;
  /** The network address (host bits cleared). */
  address: string;
  prefixLength: number;
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

function numberToIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function ipv6ToBigInt(canonical: string): bigint {
  const [head = '', tail] = canonical.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros: string[] = new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = tail === undefined ? headGroups : [...headGroups, ...zeros, ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

function bigIntToIpv6(value: bigint): string {
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
  return canonicalIpv6(groups.join(':'));
}

/** Parses "100.64.0.0/16" or "fd00::/64"; host bits are cleared, as the kernel would. */
export function parseNetwork(text: string): Network {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  const address = match?.[1] ?? '';
  const prefixLength = Number(match?.[2]);
  const family = isIP(address);
  if (family === 4 && prefixLength <= 32) {
    const hostBits = 32 - prefixLength;
    const network = hostBits === 32 ? 0 : ((ipv4ToNumber(address) >>> hostBits) << hostBits) >>> 0;
    return { family, address: numberToIpv4(network), prefixLength };
  }
  if (family === 6 && !address.includes('%') && prefixLength <= 128) {
    const hostBits = BigInt(128 - prefixLength);
    const network = (ipv6ToBigInt(canonicalIpv6(address)) >> hostBits) << hostBits;
    return { family, address: bigIntToIpv6(network), prefixLength };
  }
  throw new FirewallInputError(`not a network in CIDR notation: ${JSON.stringify(text)}`);
}

/** "::ffff:198.18.10.0/120" is the IPv4 network 198.18.10.0/24: those packets are IPv4 (see normalizeAddress). */
function mappedIpv4Network(network: Network): Network | undefined {
  if (network.family !== 6 || network.prefixLength < 96) return undefined;
  const value = ipv6ToBigInt(network.address);
  if (value >> 32n !== 0xffffn) return undefined;
  return {
    family: 4,
    address: numberToIpv4(Number(value & 0xffffffffn)),
    prefixLength: network.prefixLength - 96,
  };
}

/** A bare address is a network of one host; anything with a slash must be CIDR. */
function parseAddressOrNetwork(text: string): Network {
  if (!text.includes('/')) {
    const { family, address } = normalizeAddress(text);
    return { family, address, prefixLength: family === 4 ? 32 : 128 };
  }
  const network = parseNetwork(text);
  return mappedIpv4Network(network) ?? network;
}

export interface SplitNetworks {
  /** nft elements: a bare address for a single host, else "address/prefix". */
  ipv4: string[];
  ipv6: string[];
}

/**
 * Validates every entry of an exemption list (DECISIONS 72): an address or a network in CIDR
 * notation, IPv4 or IPv6; host bits are cleared. The error names the list and the bad entry.
 * Exact duplicates are dropped; overlaps are left to the sets' auto-merge.
 */
export function splitNetworks(entries: readonly string[], listName: string): SplitNetworks {
  const ipv4 = new Set<string>();
  const ipv6 = new Set<string>();
  for (const text of entries) {
    let network: Network;
    try {
      network = parseAddressOrNetwork(text);
    } catch (error) {
      if (!(error instanceof FirewallInputError)) throw error;
      throw new FirewallInputError(
        `${listName}: not an IP address or a network in CIDR notation: ${JSON.stringify(text)}`,
      );
    }
    const hostLength = network.family === 4 ? 32 : 128;
    const element =
      network.prefixLength === hostLength ? network.address : `${network.address}/${network.prefixLength}`;
    (network.family === 4 ? ipv4 : ipv6).add(element);
  }
  return { ipv4: [...ipv4], ipv6: [...ipv6] };
}

const INTERFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

/** A Linux interface name (at most 15 characters); it need not exist yet. */
export function validateInterfaceName(name: string): string {
  if (!INTERFACE_NAME.test(name)) {
    throw new FirewallInputError(
      `not an interface name (1 to 15 of A-Z a-z 0-9 _ . -): ${JSON.stringify(name)}`,
    );
  }
  return name;
}

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export function validateTableName(name: string): string {
  if (!TABLE_NAME.test(name)) {
    throw new FirewallInputError(`not an nftables table name: ${JSON.stringify(name)}`);
  }
  return name;
}
