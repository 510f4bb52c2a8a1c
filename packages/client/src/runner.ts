// Builds a running session for one profile from the parts: discovery, TLS policy, keys, tunnel,
// update download and posture. Used by the daemon and by `kordon connect --foreground`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PostureStateMessage } from '@kordon/protocol';
import type { Profile } from './config/index.js';
import {
  dnsDeps,
  downloadFile,
  findGateway,
  resolveDownloadUrl,
  tlsPolicyFor,
  webSocketTlsOptions,
} from './discovery/index.js';
import { identity } from './identity.js';
import { profileKeys } from './keys.js';
import { postureReport } from './posture.js';
import { ClientSession, type SessionState } from './session/engine.js';
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
}

export function createSession(o: RunnerOptions): ClientSession {
  const policy = tlsPolicyFor(o.profile.data, o.owner);
  const dns = dnsDeps(o.dnsServers ? { servers: o.dnsServers } : {});
  const tunnel = new ClientTunnel({ interfaceName: o.interfaceName, stateDir: o.stateDir, log: o.log });
  const login = o.profile.data.type === 'password' ? o.profile.data.login : '';
  return new ClientSession({
    server: o.profile.data.server,
    locate: async () => {
      const gw = await findGateway(o.profile.data.server, policy, dns);
      return { ...gw, tls: webSocketTlsOptions(policy, gw.host) };
    },
    password: o.password,
    login,
    identity: identity(),
    keys: profileKeys(o.userDir, o.profile.id),
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
    posture: (request) => {
      const report = postureReport(request, o.domain);
      o.onPosture?.(new Date());
      return Promise.resolve(report);
    },
    ...(o.onPostureState ? { onPostureState: o.onPostureState } : {}),
    onState: o.onState,
    log: o.log,
  });
}
