/**
 * The Device VPN configuration (PROTOCOL.md "Device VPN", DECISIONS 77): whether the device connects by
 * itself, to which gateway, with which certificate file, and how the gateway's own certificate is
 * checked (a pin or a CA file, as a profile's: DECISIONS 24). Kept in `/etc/kordon/devicevpn.json`
 * (0644: it names files, it holds no secret), changed by root only, like the JSON configuration
 * (DECISIONS 40), behind `kordon --set-devicevpn-*`, `--set-enable-devicevpn` and
 * `--print-devicevpn-config`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readCaFile } from '../discovery/ca-file.js';
import { writeFileAtomic } from './atomic-write.js';
import { readDeviceCertificate, type DeviceCertificate } from './device-certificate.js';
import { ConfigError } from './errors.js';
import { checkCaFile, checkServer, checkSha256Fingerprint } from './fields.js';

const DEFAULT_DEVICE_VPN_PATH = '/etc/kordon/devicevpn.json';

export interface DeviceVpnConfig {
  enabled: boolean;
  /** The gateway: a name or an address, optionally `:port` (as a profile's `server`). */
  host: string | null;
  /** The PEM file with the device's certificate, its chain and its private key. */
  cert_path: string | null;
  /** The gateway certificate's SHA-256 (replaces the name and chain checks: DECISIONS 24). */
  server_sha256: string | null;
  /** A PEM CA that signed the gateway's certificate, instead of the system's CAs. */
  ca_file: string | null;
}

/** One `kordon --set-...` call: what it changes; `''` clears the pin or the CA file. */
export type DeviceVpnChanges = Partial<DeviceVpnConfig>;

const keys = ['enabled', 'host', 'cert_path', 'server_sha256', 'ca_file'] as const;
const none: DeviceVpnConfig = {
  enabled: false,
  host: null,
  cert_path: null,
  server_sha256: null,
  ca_file: null,
};

export class DeviceVpnStore {
  readonly path: string;
  private readonly isRoot: boolean;

  constructor(options: { isRoot: boolean; path?: string }) {
    this.path = options.path ?? DEFAULT_DEVICE_VPN_PATH;
    this.isRoot = options.isRoot;
  }

  /** The configuration in force, or null when none was ever set. A stored file gone bad is an error. */
  get(): DeviceVpnConfig | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new ConfigError('io', `cannot read ${this.path}: ${(e as Error).message}`);
    }
    const problems: string[] = [];
    const config = parseStored(text, problems);
    if (config) problems.push(...checkFields(config));
    if (config && problems.length === 0) return config;
    throw new ConfigError(
      'invalid_config',
      `the Device VPN configuration ${this.path} is not valid: ${problems.join('; ')}. ` +
        'Set it again with "kordon --set-devicevpn-host HOST --set-devicevpn-cert-path FILE" (root).',
    );
  }

  /**
   * Applies `changes` to the stored configuration, checks the result as a whole (every problem at
   * once), and stores it atomically; returns it with the device certificate when one was checked.
   * Nothing changes when anything is wrong.
   */
  set(changes: DeviceVpnChanges): { config: DeviceVpnConfig; certificate: DeviceCertificate | null } {
    if (!this.isRoot) {
      throw new ConfigError(
        'not_root',
        `only root may change the Device VPN configuration (${this.path}); run "sudo kordon ..."`,
      );
    }
    const config: DeviceVpnConfig = { ...none, ...this.storedForChange(), ...changes };
    if (config.server_sha256 === '') config.server_sha256 = null;
    if (config.ca_file === '') config.ca_file = null;
    const problems = checkFields(config);
    let certificate: DeviceCertificate | null = null;
    // The certificate is checked when it is named or when Device VPN is turned on (it may have
    // changed since), so a configuration that is on always names a usable file when it is stored.
    if (config.cert_path !== null && (changes.cert_path !== undefined || changes.enabled === true)) {
      try {
        certificate = readDeviceCertificate(config.cert_path);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    if (
      config.ca_file !== null &&
      changes.ca_file !== undefined &&
      checkCaFile(config.ca_file) === undefined
    ) {
      try {
        readCaFile(config.ca_file, undefined);
      } catch (e) {
        problems.push(`--set-devicevpn-ca-file: ${(e as Error).message}`);
      }
    }
    if (problems.length > 0) {
      // One problem on the line; several one per line, as `--set-json-config` lists them.
      const list =
        problems.length === 1 ? ` ${problems.join('')}` : `\n${problems.map((p) => `  ${p}`).join('\n')}`;
      throw new ConfigError('invalid', `the Device VPN configuration was not changed:${list}`);
    }
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o755 });
      writeFileAtomic(this.path, `${JSON.stringify(config, null, 2)}\n`, 0o644);
    } catch (e) {
      throw new ConfigError('io', `cannot write ${this.path}: ${(e as Error).message}`);
    }
    return { config, certificate };
  }

  /** What a change starts from: a stored file that went bad is replaced by what the change sets. */
  private storedForChange(): DeviceVpnConfig | null {
    try {
      return this.get();
    } catch (e) {
      if (e instanceof ConfigError && e.code === 'invalid_config') return null;
      throw e;
    }
  }

  /** What `--print-devicevpn-config` prints: the configuration as JSON, `null` when none was set. */
  printable(): string {
    return JSON.stringify(this.get(), null, 2);
  }
}

/** The stored JSON, with its shape checked: known keys only, each of its type. */
function parseStored(text: string, problems: string[]): DeviceVpnConfig | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.push('it is not JSON');
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push('it is not a JSON object');
    return null;
  }
  const record = parsed as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(keys as readonly string[]).includes(key)) problems.push(`unknown key "${key}"`);
  }
  if (typeof record['enabled'] !== 'boolean') problems.push('"enabled" must be true or false');
  for (const key of keys.slice(1)) {
    const value = record[key] ?? null;
    if (value !== null && typeof value !== 'string') problems.push(`"${key}" must be a string or null`);
  }
  if (problems.length > 0) return null;
  const field = (key: (typeof keys)[number]): string | null => (record[key] as string | undefined) ?? null;
  return {
    enabled: record['enabled'] === true,
    host: field('host'),
    cert_path: field('cert_path'),
    server_sha256: field('server_sha256'),
    ca_file: field('ca_file'),
  };
}

/** The checks of each field, and of the whole (on needs a gateway and a certificate). */
function checkFields(c: DeviceVpnConfig): string[] {
  const problems: string[] = [];
  const add = (option: string, why: string | undefined): void => {
    if (why !== undefined) problems.push(`${option} ${why}`);
  };
  if (c.host !== null) add('the gateway (--set-devicevpn-host)', checkServer(c.host));
  if (c.cert_path !== null) add('the certificate file (--set-devicevpn-cert-path)', checkCaFile(c.cert_path));
  if (c.server_sha256 !== null)
    add('the pin (--set-devicevpn-server-sha256)', checkSha256Fingerprint(c.server_sha256));
  if (c.ca_file !== null) add('the CA file (--set-devicevpn-ca-file)', checkCaFile(c.ca_file));
  if (c.server_sha256 !== null && c.ca_file !== null) {
    problems.push(
      "a pin and a CA file cannot both be set (a pin replaces the CA's check: DECISIONS 24); clear one with an empty value",
    );
  }
  if (c.enabled && c.host === null)
    problems.push('Device VPN cannot be on without a gateway (--set-devicevpn-host HOST)');
  if (c.enabled && c.cert_path === null)
    problems.push('Device VPN cannot be on without a certificate file (--set-devicevpn-cert-path FILE)');
  return problems;
}
