// The gateway's options: one table gives the flags, the environment variables (KORDON_<OPTION>),
// the configuration file's keys and the defaults (DECISIONS 42). Parsed and validated once.
import { isIPv4 } from 'node:net';
import { parseCidr, tunnelPool, type Cidr, defaultLocalNetworks, type TunnelPool } from '@kordon/core';

export interface HostPort {
  host: string;
  port: number;
}

export interface GatewayConfig {
  dataDir: string;
  listen: HostPort;
  adminListen: HostPort;
  localNetworks: Cidr[];
  reconnectGraceSeconds: number;
  maxConnectionsPerAddress: number;
  versionTimeoutSeconds: number;
  authorizeTimeoutSeconds: number;
  maxPendingConnections: number;
  tunnelSetupSeconds: number;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  nodeName: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** DECISIONS 74: auto is readable lines on a terminal and JSON lines otherwise. */
  logFormat: 'auto' | 'json' | 'pretty';
  wireguard: 'auto' | 'userspace' | 'kernel' | 'none';
  firewall: 'auto' | 'nftables' | 'none';
  wgInterface: string;
  wgPort: number;
  tunnelNetwork: TunnelPool;
  forwardNets: Cidr[];
  /** A resolver handed to tunnel clients instead of the gateway's own relay (DECISIONS 38). */
  dns: string | undefined;
  dnsSuffix: string;
  /** Client-facing interfaces whose forwarded traffic is enforced (DECISIONS 37). */
  clientInterfaces: string[];
  leaseIdleDays: number;
  /** Events older than this are removed (DECISIONS 23). */
  eventRetentionDays: number;
  /** Client endpoint processes (DECISIONS 71); 1 keeps one process. */
  workers: number | 'auto';
  /** A file holding the PostgreSQL URL (DECISIONS 22, 75); none: the embedded SQLite store. */
  databaseUrlFile: string | undefined;
  /**
   * The PostgreSQL URL, read once from `databaseUrlFile` or KORDON_DATABASE_URL by `loadConfig`. It may hold
   * a password: never logged, never on a command line.
   */
  databaseUrl: string | undefined;
  /** A PEM CRL of the device CA, read at every device login (DECISIONS 77); none: no revocation check. */
  deviceCrlFile: string | undefined;
  /** Seconds between the directory's syncs: its accounts' sessions judged again. */
  directorySyncSeconds: number;
}

type Parser<T> = (text: string) => { ok: true; value: T } | { ok: false; message: string };

interface OptionSpec<K extends keyof GatewayConfig> {
  key: K;
  /** The long option name: `--<name>`, `KORDON_<NAME>`, and the file's key. */
  name: string;
  description: string;
  parse: Parser<GatewayConfig[K]>;
}

function hostPort(defaultHost: string): Parser<HostPort> {
  return (text) => {
    const t = text.trim();
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(t) ?? /^()()(\d{1,5})$/.exec(t);
    const port = m ? Number(m[3]) : NaN;
    if (!m || port > 65535) {
      return { ok: false, message: `"${text}" is not HOST:PORT (e.g. 0.0.0.0:14765, [::]:14765 or 14765)` };
    }
    const host = m[1] ?? (m[2] === '' ? defaultHost : (m[2] ?? defaultHost));
    return { ok: true, value: { host, port } };
  };
}

function integer(min: number, max: number): Parser<number> {
  return (text) => {
    const t = text.trim();
    return /^\d+$/.test(t) && Number(t) >= min && Number(t) <= max
      ? { ok: true, value: Number(t) }
      : { ok: false, message: `"${text}" is not a whole number from ${min} to ${max}` };
  };
}

const cidrList: Parser<Cidr[]> = (text) => {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const out: Cidr[] = [];
  for (const item of items) {
    const r = parseCidr(item);
    if (!r.ok) return { ok: false, message: r.message };
    out.push(r.cidr);
  }
  return { ok: true, value: out };
};

const text: Parser<string> = (t) =>
  t.trim() === '' ? { ok: false, message: 'must not be empty' } : { ok: true, value: t.trim() };

const optionalPath: Parser<string | undefined> = (t) =>
  t.trim() === '' ? { ok: false, message: 'must be a file path' } : { ok: true, value: t.trim() };

function oneOf<T extends string>(values: readonly T[]): Parser<T> {
  return (t) => {
    const found = values.find((v) => v === t.trim());
    return found
      ? { ok: true, value: found }
      : { ok: false, message: `"${t}" is not one of ${values.join(', ')}` };
  };
}

const pool: Parser<TunnelPool> = (t) => {
  const r = tunnelPool(t.trim());
  return r.ok ? { ok: true, value: r.pool } : r;
};

const ipv4Networks: Parser<Cidr[]> = (t) => {
  const r = cidrList(t);
  if (!r.ok) return r;
  if (r.value.length === 0) return { ok: false, message: 'give at least one network' };
  const v6 = r.value.find((c) => c.family !== 4);
  return v6 ? { ok: false, message: `"${v6.text}" is not an IPv4 network (tunnels carry IPv4)` } : r;
};

const ipv4: Parser<string | undefined> = (t) =>
  isIPv4(t.trim()) ? { ok: true, value: t.trim() } : { ok: false, message: `"${t}" is not an IPv4 address` };

const interfaceName = /^[A-Za-z0-9_.-]{1,15}$/;
const oneInterface: Parser<string> = (t) =>
  interfaceName.test(t.trim())
    ? { ok: true, value: t.trim() }
    : { ok: false, message: `"${t}" is not an interface name (1 to 15 letters, digits, "_", ".", "-")` };

const interfaces: Parser<string[]> = (t) => {
  const out: string[] = [];
  for (const item of t
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')) {
    const r = oneInterface(item);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return { ok: true, value: out };
};

const domainSuffix: Parser<string> = (t) =>
  /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(
    t.trim(),
  )
    ? { ok: true, value: t.trim() }
    : { ok: false, message: `"${t}" is not a DNS suffix such as corp.example` };

const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
const logLevel: Parser<GatewayConfig['logLevel']> = (t) => {
  const found = levels.find((l) => l === t.trim());
  return found
    ? { ok: true, value: found }
    : { ok: false, message: `"${t}" is not one of ${levels.join(', ')}` };
};

export const optionSpecs = [
  {
    key: 'dataDir',
    name: 'data-dir',
    description: 'where the database, keys and installers live',
    parse: text,
  },
  {
    key: 'listen',
    name: 'listen',
    description: 'client endpoint (TLS WebSocket and installers), HOST:PORT',
    parse: hostPort('::'),
  },
  {
    key: 'adminListen',
    name: 'admin-listen',
    description: 'management API (TLS), HOST:PORT',
    parse: hostPort('127.0.0.1'),
  },
  {
    key: 'localNetworks',
    name: 'local-networks',
    description: 'networks whose clients are local, CIDR,CIDR,...',
    parse: cidrList,
  },
  {
    key: 'reconnectGraceSeconds',
    name: 'reconnect-grace',
    description: 'seconds a session waits for its client to reconnect (0: ends at once)',
    parse: integer(0, 86_400),
  },
  {
    key: 'maxConnectionsPerAddress',
    name: 'max-connections-per-address',
    description: 'connections not yet authorized from one address',
    parse: integer(1, 100_000),
  },
  {
    key: 'versionTimeoutSeconds',
    name: 'version-timeout',
    description: 'seconds a new connection has to send its version',
    parse: integer(1, 600),
  },
  {
    key: 'authorizeTimeoutSeconds',
    name: 'authorize-timeout',
    description:
      'seconds a connection has to log in after its upgrade or a refused login (close 4008; DECISIONS 68)',
    parse: integer(1, 3600),
  },
  {
    key: 'maxPendingConnections',
    name: 'max-pending-connections',
    description: 'connections not yet authorized in all (DECISIONS 68)',
    parse: integer(1, 1_000_000),
  },
  {
    key: 'tunnelSetupSeconds',
    name: 'tunnel-setup-timeout',
    description: 'seconds a session that needs a tunnel has to send tunnel_wg (DECISIONS 30)',
    parse: integer(1, 600),
  },
  {
    key: 'tlsCert',
    name: 'tls-cert',
    description: 'PEM certificate (chain) file; default: self-signed',
    parse: optionalPath,
  },
  { key: 'tlsKey', name: 'tls-key', description: 'PEM private key file for --tls-cert', parse: optionalPath },
  { key: 'nodeName', name: 'node-name', description: 'this gateway node’s name in sessions', parse: text },
  { key: 'logLevel', name: 'log-level', description: levels.join('|'), parse: logLevel },
  {
    key: 'logFormat',
    name: 'log-format',
    description: 'auto|json|pretty: JSON lines, or readable lines (auto: readable on a terminal)',
    parse: oneOf(['auto', 'json', 'pretty'] as const),
  },
  {
    key: 'wireguard',
    name: 'wireguard',
    description:
      'auto|userspace|kernel|none: the WireGuard driver (auto: kernel if loaded, else wireguard-go)',
    parse: oneOf(['auto', 'userspace', 'kernel', 'none'] as const),
  },
  {
    key: 'firewall',
    name: 'firewall',
    description: 'auto|nftables|none: access enforcement (auto: nftables when root and nft exist)',
    parse: oneOf(['auto', 'nftables', 'none'] as const),
  },
  {
    key: 'wgInterface',
    name: 'wg-interface',
    description: 'the WireGuard interface name',
    parse: oneInterface,
  },
  { key: 'wgPort', name: 'wg-port', description: 'WireGuard UDP port', parse: integer(1, 65535) },
  {
    key: 'tunnelNetwork',
    name: 'tunnel-network',
    description: 'tunnel address pool, IPv4 CIDR',
    parse: pool,
  },
  {
    key: 'forwardNets',
    name: 'forward-nets',
    description: 'networks routed into the tunnel, CIDR,CIDR,...',
    parse: ipv4Networks,
  },
  {
    key: 'dns',
    name: 'dns',
    description:
      "resolver for tunnel clients (default: the gateway's tunnel address, relaying to the host's)",
    parse: ipv4,
  },
  { key: 'dnsSuffix', name: 'dns-suffix', description: 'DNS suffix for tunnel clients', parse: domainSuffix },
  {
    key: 'clientInterfaces',
    name: 'client-interfaces',
    description:
      'client-facing interfaces (LAN, and the external one) whose forwarding is enforced, IF,IF,...',
    parse: interfaces,
  },
  {
    key: 'leaseIdleDays',
    name: 'lease-idle-days',
    description: 'days after which an unused tunnel address is released',
    parse: integer(1, 3650),
  },
  {
    key: 'eventRetentionDays',
    name: 'event-retention-days',
    description: 'days the event log keeps an event',
    parse: integer(1, 36_500),
  },
  {
    key: 'databaseUrlFile',
    name: 'database-url-file',
    description:
      'a file holding the PostgreSQL URL (postgres://...); KORDON_DATABASE_URL gives the URL itself; default: SQLite in the data directory',
    parse: optionalPath,
  },
  {
    key: 'directorySyncSeconds',
    name: 'directory-sync',
    description:
      "seconds between syncs with the directory: sessions it no longer allows (disabled, removed, out of a rule's group) end",
    parse: integer(1, 86_400),
  },
  {
    key: 'deviceCrlFile',
    name: 'device-crl-file',
    description:
      'a PEM CRL of the CA that issues device certificates, read at every Device VPN login (a new file applies at once)',
    parse: optionalPath,
  },
  {
    key: 'workers',
    name: 'workers',
    description:
      'N|auto: client endpoint processes on the client port (auto: one per core, at least enough for 100,000 connections; 1: one process)',
    parse: workerCount,
  },
] as const satisfies readonly OptionSpec<keyof GatewayConfig>[];

function workerCount(text: string): { ok: true; value: number | 'auto' } | { ok: false; message: string } {
  const t = text.trim();
  if (t === 'auto') return { ok: true, value: 'auto' };
  const parsed = integer(1, 64)(t);
  return parsed.ok
    ? parsed
    : { ok: false, message: `"${text}" is not auto or a number of workers from 1 to 64` };
}

export function defaultConfig(defaults: { dataDir: string; nodeName: string }): GatewayConfig {
  return {
    dataDir: defaults.dataDir,
    listen: { host: '::', port: 14765 },
    adminListen: { host: '127.0.0.1', port: 8443 },
    localNetworks: defaultLocalNetworks.map((n) => must(parseCidr(n)).cidr),
    reconnectGraceSeconds: 120,
    maxConnectionsPerAddress: 64,
    versionTimeoutSeconds: 10,
    authorizeTimeoutSeconds: 60,
    maxPendingConnections: 4096,
    tunnelSetupSeconds: 30,
    tlsCert: undefined,
    tlsKey: undefined,
    nodeName: defaults.nodeName,
    logLevel: 'info',
    logFormat: 'auto',
    wireguard: 'auto',
    firewall: 'auto',
    wgInterface: 'kordon-gw0',
    wgPort: 3051,
    tunnelNetwork: must(tunnelPool('100.64.0.0/16')).pool,
    forwardNets: [must(parseCidr('0.0.0.0/0')).cidr],
    dns: undefined,
    dnsSuffix: '',
    clientInterfaces: [],
    leaseIdleDays: 7,
    eventRetentionDays: 90,
    workers: 'auto',
    databaseUrlFile: undefined,
    databaseUrl: undefined,
    deviceCrlFile: undefined,
    directorySyncSeconds: 900,
  };
}

function must<T extends { ok: true }>(r: T | { ok: false; message: string }): T {
  if (!r.ok) throw new Error(r.message);
  return r;
}
