// Where a profile's server lives: an IP is used as it is; a name is looked up as SRV records
// `_ideco-client._tcp.<name>` (PROTOCOL.md "Server discovery"), else as the name's own A/AAAA records.
import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as systemLookup, Resolver } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { badProfile, isClientError, serverNotFound } from './errors.js';
import { orderSrvRecords, type SrvRecord } from './srv.js';

/** The client endpoint's port (PROTOCOL.md "Endpoint path"). */
export const defaultGatewayPort = 14765;

export interface DnsDeps {
  resolveSrv: (name: string) => Promise<SrvRecord[]>;
  /** All A and AAAA addresses of a name; rejects (ENOTFOUND, ENODATA, ...) when there are none. */
  lookup: (host: string) => Promise<LookupAddress[]>;
}

export interface Candidate {
  host: string;
  port: number;
  /** True when the host and port came from an SRV record (DECISIONS 39: its port is used). */
  viaSrv: boolean;
}

export interface ServerAddress {
  host: string;
  port: number | null;
  isIp: boolean;
}

const hostLabel = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

/** Reads a profile's server: `host`, `host:port`, IPv4, `[IPv6]`, `[IPv6]:port` or a bare IPv6 address. */
export function parseServer(server: string): ServerAddress {
  const text = server.trim();
  const fail = (): never => {
    throw badProfile(
      'server',
      `The profile's server ${JSON.stringify(server)} is not a host name or an IP address (with an optional ":port").`,
    );
  };
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::([^:]*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
    if (isIP(host) !== 6) fail();
  } else if (isIP(text) === 6) {
    host = text;
  } else {
    const parts = text.split(':');
    if (parts.length > 2) fail();
    host = parts[0] ?? '';
    portText = parts[1];
  }
  const port = portText === undefined ? null : Number(portText);
  if (port !== null && (!/^\d{1,5}$/.test(portText ?? '') || port < 1 || port > 65535)) fail();
  if (isIP(host) !== 0) return { host, port, isIp: true };
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > 253 || !name.split('.').every((label) => hostLabel.test(label))) {
    fail();
  }
  return { host: name.toLowerCase(), port, isIp: false };
}

/**
 * The places to try, in order. An IP: itself (port 14765 unless given). A name: its SRV records
 * ordered by RFC 2782, each with its own port; without SRV records, the name itself on 14765 (or the
 * given port) when it has an A/AAAA record, else `server_not_found`. A lone "." target is
 * `service_unavailable`.
 */
export async function resolveCandidates(
  server: string,
  deps: DnsDeps,
  random: () => number = Math.random,
): Promise<Candidate[]> {
  const { host, port, isIp } = parseServer(server);
  if (isIp) return [{ host, port: port ?? defaultGatewayPort, viaSrv: false }];

  const srvName = srvNameOf(host);
  let records: SrvRecord[] = [];
  try {
    records = await deps.resolveSrv(srvName);
  } catch {
    // ENOTFOUND/ENODATA is the usual "no SRV records". Other failures (a resolver that refuses SRV
    // queries, a timeout) fall back to the A/AAAA records too: the name may still work, and TLS
    // verification guards whatever it leads to.
  }
  if (records.length > 0) {
    return orderSrvRecords(records, random, { server: host, srvName }).map((target) => ({
      host: dnsName(target.name),
      port: target.port,
      viaSrv: true,
    }));
  }

  let addresses: LookupAddress[];
  try {
    addresses = await deps.lookup(host);
  } catch (e) {
    if (isClientError(e)) throw e;
    throw serverNotFound(host, errorCode(e));
  }
  if (addresses.length === 0) throw serverNotFound(host, null);
  return [{ host, port: port ?? defaultGatewayPort, viaSrv: false }];
}

/** The SRV name asked for a server name (PROTOCOL.md "Server discovery"). */
export function srvNameOf(host: string): string {
  return `_ideco-client._tcp.${host}`;
}

/** A DNS name as it is compared: lower case, without the root's trailing dot. */
function dnsName(name: string): string {
  return name.replace(/\.+$/, '').toLowerCase();
}

/**
 * True when `name` is `domain` or lies under it (`gw1.corp.example` under `corp.example`, not
 * `evilcorp.example`): the SRV targets whose own certificate may stand for `domain` (DECISIONS 65).
 */
export function isWithinDomain(name: string, domain: string): boolean {
  const n = dnsName(name);
  const d = dnsName(domain);
  return d !== '' && (n === d || n.endsWith(`.${d}`));
}

export function errorCode(error: unknown): string | null {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return null;
}

export interface DnsOptions {
  /** DNS servers (`"127.0.0.1:5353"`, `"[::1]:53"`); the system's when absent. */
  servers?: readonly string[];
  /** Per query, in milliseconds. */
  timeoutMs?: number;
  tries?: number;
}

/**
 * DNS through node:dns. With `servers`, SRV and A/AAAA both go to those servers (tests point them at a
 * loopback DNS server); without, SRV goes to the system's resolvers and A/AAAA through getaddrinfo
 * (so /etc/hosts still counts).
 */
export function dnsDeps(options: DnsOptions = {}): DnsDeps {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 3000, tries: options.tries ?? 2 });
  if (options.servers !== undefined) resolver.setServers([...options.servers]);
  const resolveSrv = (name: string): Promise<SrvRecord[]> => resolver.resolveSrv(name);
  if (options.servers === undefined) {
    return { resolveSrv, lookup: (host) => systemLookup(host, { all: true }) };
  }
  return {
    resolveSrv,
    async lookup(host) {
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
      const addresses: LookupAddress[] = [
        ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
        ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
      ];
      if (addresses.length === 0) {
        // NXDOMAIN (ENOTFOUND) says more than "no record of this type" (ENODATA).
        const reasons = [v4, v6].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
        const reason = reasons.find((r) => errorCode(r) !== 'ENODATA') ?? reasons[0];
        throw reason instanceof Error ? reason : notFound(host);
      }
      return addresses;
    },
  };
}

function notFound(host: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND', hostname: host });
}

/** `lookup` in the shape net.connect wants, so connections resolve names the same way discovery did. */
export function connectionLookup(lookup: DnsDeps['lookup']): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    lookup(hostname).then(
      (all) => {
        const addresses = family === 0 ? all : all.filter((a) => a.family === family);
        const first = addresses[0];
        if (first === undefined) callback(notFound(hostname), '');
        else if (options.all === true) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => {
        callback(error instanceof Error ? error : notFound(hostname), '');
      },
    );
  };
}
