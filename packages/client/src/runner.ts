// Builds a running session for one profile from the parts: discovery, TLS policy, keys, tunnel,
// update download and posture. Used by the daemon and by `kordon connect --foreground`; and the
// device's own session of Device VPN (DECISIONS 77), used by the daemon.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PostureStateMessage } from '@kordon/protocol';
import { readDeviceCertificate, type DeviceVpnConfig, type Profile } from './config/index.js';
import {
  dnsDeps,
  downloadFile,
  findGateway,
  resolveDownloadUrl,
  tlsPolicyFor,
  webSocketTlsOptions,
} from './discovery/index.js';
import { identity } from './identity.js';
import { deviceKeys, profileKeys } from './keys.js';
import { collectPosture } from './posture/index.js';
import { ClientSession, type SessionState } from './session/engine.js';
import type { SsoTokens } from './sso/tokens.js';
import { ClientTunnel } from './tunnel/client-tunnel.js';

export interface RunnerOptions {
  profile: Profile;
  /** The OS user's folder: keys and downloads. */
  userDir: string;
  /** Where the tunnel's crash-recovery record lives. */
  stateDir: string;
  interfaceName: string;
  password: (failed: { message: string } | null) => Promise<string | undefined>;
  onState: (s: SessionState) => void;
  onProgress?: (received: number, total: number | null) => void;
  /** A posture report was sent. */
  onPosture?: (at: Date) => void;
  /** The gateway's verdict on this device (DECISIONS 76). */
  onPostureState?: (message: PostureStateMessage) => void;
  /** Whose profile this is: its `ca_file` is read only as that user could (DECISIONS 73). */
  owner?: { uid: number; gids: number[] };
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** The domain this machine is in, for posture. */
  domain: string;
  dnsServers?: readonly string[];
  /** An SSO profile's tokens (DECISIONS 78) and the name the session shows for the user. */
  sso?: { domain: string; tokens: SsoTokens; user: string };
}

export function createSession(o: RunnerOptions): ClientSession {
  const policy = tlsPolicyFor(o.profile.data, o.owner);
  const dns = dnsDeps(o.dnsServers ? { servers: o.dnsServers } : {});
  const tunnel = new ClientTunnel({ interfaceName: o.interfaceName, stateDir: o.stateDir, log: o.log });
  const login = o.profile.data.type === 'password' ? o.profile.data.login : (o.sso?.user ?? '');
  const keys = profileKeys(o.userDir, o.profile.id);
  return new ClientSession({
    server: o.profile.data.server,
    locate: async () => {
      const gw = await findGateway(o.profile.data.server, policy, dns);
      return { ...gw, tls: webSocketTlsOptions(policy, gw.host) };
    },
    password: o.password,
    login,
    ...(o.profile.data.type === 'sso' && o.sso
      ? { sso: { domain: o.sso.domain, tokens: o.sso.tokens } }
      : {}),
    identity: identity(),
    keys: () => keys,
    tunnel,
    update: async (message, gateway) => {
      if (message.download_url === null) return 'the gateway did not say where';
      const url = resolveDownloadUrl(message.download_url, gateway.host);
      const dir = join(o.userDir, 'downloads');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const name = url.pathname.split('/').pop() ?? 'installer';
      const file = await downloadFile(url, policy, join(dir, name), o.onProgress);
      o.log('info', `downloaded the update to ${file.path} (sha256 ${file.sha256})`);
      return file.path;
    },
    posture: async (request) => {
      const report = await collectPosture(request, { log: o.log });
      o.onPosture?.(new Date());
      return report;
    },
    ...(o.onPostureState ? { onPostureState: o.onPostureState } : {}),
    onState: o.onState,
    log: o.log,
  });
}

export interface DeviceRunnerOptions {
  config: DeviceVpnConfig & { host: string; cert_path: string };
  /** The daemon's state folder: the device's key and tunnel record go in its `device/`. */
  stateDir: string;
  interfaceName: string;
  /** The back-off's first wait (tests shorten it); 1 s when absent. */
  firstRetryMs?: number;
  onState: (s: SessionState) => void;
  onPostureState?: (message: PostureStateMessage) => void;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  domain: string;
  dnsServers?: readonly string[];
}

/** The device's session: its certificate on every connection, its own WireGuard key and record. */
export function createDeviceSession(o: DeviceRunnerOptions): ClientSession {
  const { host, cert_path: certPath } = o.config;
  const dns = dnsDeps(o.dnsServers ? { servers: o.dnsServers } : {});
  const tunnel = new ClientTunnel({
    interfaceName: o.interfaceName,
    stateDir: join(o.stateDir, 'device'),
    log: o.log,
  });
  let name = '';
  let lastFingerprint = '';
  return new ClientSession({
    server: host,
    locate: async () => {
      // Read at every attempt, so a renewed certificate is used without a restart; a file that
      // fails a check fails this attempt, which is retried (DECISIONS 64).
      const device = readDeviceCertificate(certPath);
      name = device.name;
      if (device.fingerprint !== lastFingerprint) {
        lastFingerprint = device.fingerprint;
        o.log('info', `Device VPN: the device is ${device.name} (certificate SHA-256 ${device.fingerprint})`);
        for (const w of device.warnings) o.log('warn', `Device VPN: ${w}; the gateway may refuse it`);
      }
      const policy = {
        ...tlsPolicyFor({
          ...(o.config.ca_file !== null ? { ca_file: o.config.ca_file } : {}),
          ...(o.config.server_sha256 !== null ? { server_sha256: o.config.server_sha256 } : {}),
        }),
        client: { cert: device.chain, key: device.key },
      };
      const gw = await findGateway(host, policy, dns);
      return { ...gw, tls: webSocketTlsOptions(policy, gw.host) };
    },
    password: () => Promise.resolve(undefined),
    login: '',
    identity: identity(),
    keys: () => deviceKeys(o.stateDir),
    tunnel,
    // The daemon is no installer, and a retry would fetch it again and again: only say where it is.
    update: (message, gateway) =>
      Promise.resolve(
        message.download_url === null
          ? 'the gateway did not say where'
          : resolveDownloadUrl(message.download_url, gateway.host).href,
      ),
    posture: (request) => collectPosture(request, { log: o.log }),
    ...(o.onPostureState ? { onPostureState: o.onPostureState } : {}),
    onState: o.onState,
    log: o.log,
    device: { name: () => name, ...(o.firstRetryMs !== undefined ? { firstRetryMs: o.firstRetryMs } : {}) },
  });
}
