// IP addresses and CIDR networks as plain data, for the local/external decision (DECISIONS 16).
// Pure: no node:net, so the core stays free of I/O modules.

export interface Cidr {
  family: 4 | 6;
  /** The network address as a bigint (32 or 128 bits). */
  base: bigint;
  prefix: number;
  /** The text form, normalized (e.g. "10.0.0.0/8"). */
  text: string;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parseGroups(halves[0] ?? '');
  const right = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!left || !right) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...right];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

const mappedPrefix = 0xffffn << 32n;

/**
 * Parses an address as sockets report it. An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`,
 * what a dual-stack listener sees) is the IPv4 address it carries.
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const zoneless = text.split('%')[0] ?? '';
  const v6 = parseIpv6(zoneless);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === mappedPrefix >> 32n) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

/** The canonical text of an address: dotted IPv4, or the IPv4 inside a mapped IPv6 address. */
export function canonicalAddress(text: string): string {
  const ip = parseIpAddress(text);
  if (ip?.family !== 4) return text;
  const v = ip.value;
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
}

/** Parses "10.0.0.0/8" or "fc00::/7"; a bare address is a /32 or /128. Host bits must be zero. */
export function parseCidr(text: string): { ok: true; cidr: Cidr } | { ok: false; message: string } {
  const [addr = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return { ok: false, message: `"${text}" is not a network (one "/" at most)` };
  const v4 = parseIpv4(addr);
  const v6 = v4 === undefined ? parseIpv6(addr) : undefined;
  if (v4 === undefined && v6 === undefined) {
    return { ok: false, message: `"${text}" is not a network: "${addr}" is not an IP address` };
  }
  const family: 4 | 6 = v4 !== undefined ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
    return { ok: false, message: `"${text}" has an invalid prefix length (0 to ${bits} for IPv${family})` };
  }
  const base = (v4 ?? v6) as bigint;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((base & hostMask) !== 0n) {
    return {
      ok: false,
      message: `"${text}" has host bits set; did you mean ${formatNetwork(family, base & ~hostMask, prefix)}?`,
    };
  }
  return { ok: true, cidr: { family, base, prefix, text: formatNetwork(family, base, prefix) } };
}

function formatNetwork(family: 4 | 6, base: bigint, prefix: number): string {
  if (family === 4)
    return `${[24n, 16n, 8n, 0n].map((s) => String((base >> s) & 0xffn)).join('.')}/${prefix}`;
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((base >> BigInt(i * 16)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const text =
    bestStart < 0
      ? groups.join(':')
      : `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLen).join(':')}`;
  return `${text}/${prefix}`;
}

export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  if (cidr.family !== address.family) return false;
  const bits = cidr.family === 4 ? 32 : 128;
  const shift = BigInt(bits - cidr.prefix);
  return address.value >> shift === cidr.base >> shift;
}

/** DECISIONS 16: the default local networks, loopback included (the gateway's own host is local). */
export const defaultLocalNetworks: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
  '127.0.0.0/8',
  '::1/128',
];

/** Whether a connection from `address` is local. An unparseable address is external (fail closed). */
export function isLocalAddress(address: string, localNetworks: readonly Cidr[]): boolean {
  const ip = parseIpAddress(address);
  if (!ip) return false;
  return localNetworks.some((n) => cidrContains(n, ip));
}

/**
 * The key that per-address limits count by (DECISIONS 68): an IPv4 address itself, an IPv6 address's
 * /64 (one host usually holds a whole /64, and could otherwise take a new address per attempt).
 */
export function addressGroup(address: string): string {
  const parsed = parseIpAddress(address);
  if (parsed?.family !== 6) return canonicalAddress(address);
  const prefix = parsed.value >> 64n;
  const groups = [48n, 32n, 16n, 0n].map((shift) => ((prefix >> shift) & 0xffffn).toString(16));
  return `${groups.join(':')}::/64`;
}

/** Whether two networks share any address (one contains the other's base). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const shorter = a.prefix <= b.prefix ? a : b;
  const longer = shorter === a ? b : a;
  return cidrContains(shorter, { family: longer.family, value: longer.base });
}
