// The gateway's options: one table gives the flags, the environment variables (KORDON_<OPTION>),
// the configuration file's keys and the defaults (DECISIONS 42). Parsed and validated once.
import { parseCidr, type Cidr, defaultLocalNetworks } from '@kordon/core';

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
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  nodeName: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
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
    key: 'tlsCert',
    name: 'tls-cert',
    description: 'PEM certificate (chain) file; default: self-signed',
    parse: optionalPath,
  },
  { key: 'tlsKey', name: 'tls-key', description: 'PEM private key file for --tls-cert', parse: optionalPath },
  { key: 'nodeName', name: 'node-name', description: 'this gateway node’s name in sessions', parse: text },
  { key: 'logLevel', name: 'log-level', description: levels.join('|'), parse: logLevel },
] as const satisfies readonly OptionSpec<keyof GatewayConfig>[];

export function defaultConfig(defaults: { dataDir: string; nodeName: string }): GatewayConfig {
  return {
    dataDir: defaults.dataDir,
    listen: { host: '::', port: 14765 },
    adminListen: { host: '127.0.0.1', port: 8443 },
    localNetworks: defaultLocalNetworks.map((n) => {
      const r = parseCidr(n);
      if (!r.ok) throw new Error(r.message);
      return r.cidr;
    }),
    reconnectGraceSeconds: 120,
    maxConnectionsPerAddress: 64,
    versionTimeoutSeconds: 10,
    tlsCert: undefined,
    tlsKey: undefined,
    nodeName: defaults.nodeName,
    logLevel: 'info',
  };
}
