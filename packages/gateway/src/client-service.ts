// The client side of a gateway process: the session service, the change feed it follows, and (when the
// process serves clients) the client endpoint. The single process and each worker build theirs here,
// so both run the same code (DECISIONS 71).
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { accountOfNtlmUser, intToIpv4, type Change, type Store } from '@kordon/core';
import { publicKeyOf } from '@kordon/drivers';
import type { AccessGate } from './access.js';
import { DeviceCertificateAuthenticator } from './auth/device.js';
import { syncDirectoryAdmins } from './admin/directory-sync.js';
import { LdapDirectory } from './auth/directory.js';
import { LocalPasswordAuthenticator } from './auth/local.js';
import { KerberosAuthenticator } from './auth/kerberos.js';
import { NtlmAuthenticator } from './auth/ntlm.js';
import { PasswordRouter } from './auth/password-router.js';
import type { HashPool } from './auth/hash-pool.js';
import { Argon2idHasher } from './auth/password.js';
import { ChangeFeed } from './changes/feed.js';
import { systemClock } from './clock.js';
import type { GatewayConfig } from './config/options.js';
import { loadOrCreateKey, type DataPaths } from './data-dir.js';
import { PostureService } from './endpoint/posture.js';
import { ClientEndpoint } from './endpoint/server.js';
import { SessionService } from './endpoint/sessions.js';
import { SingleSignOn } from './endpoint/single-sign-on.js';
import { ResumeTickets } from './endpoint/tickets.js';
import { listenForChanges } from './store/index.js';
import type { GatewayMetrics } from './metrics.js';
import type { TlsIdentity } from './tls.js';

export interface ClientServiceOptions {
  config: GatewayConfig;
  store: Store;
  paths: DataPaths;
  logger: Logger;
  metrics: GatewayMetrics;
  access: AccessGate;
  /** "<node>/<worker>" (DECISIONS 71). */
  holder: string;
  ownsNode: boolean;
  /** The gateway's WireGuard private key when a tunnel driver runs, else null (no tunnels). */
  wireguardPrivateKey: string | null;
  /** The process's password-hashing threads (DECISIONS 68). */
  hashPool: HashPool;
  /** Handles a change before the sessions see it (the kernel owner's exemptions); true when handled. */
  beforeSessions?: (change: Change) => Promise<boolean>;
}

export interface ClientService {
  sessions: SessionService;
  feed: ChangeFeed;
  /** Starts the client endpoint (`reusePort` when several workers share the port). */
  serve(tls: TlsIdentity, reusePort: boolean): Promise<AddressInfo>;
  stop(): Promise<void>;
}

export async function startClientService(options: ClientServiceOptions): Promise<ClientService> {
  const { config, store, paths, logger, metrics, holder, ownsNode } = options;
  const pool = config.tunnelNetwork;
  const gatewayTunnelAddress = intToIpv4(pool.gateway);
  // DECISIONS 14: a login goes to the local accounts or to the directory, read from the store each time.
  const directoryConfig = () => store.directory.get();
  const ldap = new LdapDirectory(directoryConfig);
  const passwords = new PasswordRouter({
    local: new LocalPasswordAuthenticator(store, new Argon2idHasher(options.hashPool)),
    directory: ldap,
    directoryConfig,
    users: store.users,
  });
  // DECISIONS 77: read at every device login, so a settings or CRL change applies to the next one.
  const devices = new DeviceCertificateAuthenticator({
    trust: async () => {
      const settings = await store.settings.get();
      return { deviceVpn: settings.device_vpn, trustedCaCert: settings.trusted_ca_cert };
    },
    crlFile: config.deviceCrlFile ?? null,
    groups: (name) => ldap.computerGroups(name),
  });
  // DECISIONS 13: Kerberos with the keytab the directory settings hold, for HTTP/<auth_domain>.
  const kerberos = new KerberosAuthenticator({
    directoryConfig,
    authDomain: async () => (await store.settings.get()).auth_domain,
    directory: ldap,
    keytabFile: paths.keytab,
  });
  // NTLM through winbind (the host is joined), offered when the directory settings turn it on.
  const ntlm = new NtlmAuthenticator({
    resolve: async ({ domain, name }) => {
      const directory = await directoryConfig();
      if (directory === undefined) return { ok: false, reason: 'credentials', detail: 'no directory' };
      const verified = accountOfNtlmUser(domain, name, directory);
      if (!verified.ok) return { ok: false, reason: 'credentials', detail: verified.why };
      const result = await ldap.resolve(verified.user);
      return result.ok ? { ok: true, identity: { ...result.identity, method: 'ntlm' } } : result;
    },
    lookup: (account) => ldap.lookup(account),
  });
  const sessions = new SessionService({
    store,
    clock: systemClock,
    passwords,
    devices,
    authenticators: [passwords, devices, kerberos, ntlm],
    authorizeTimeoutMs: config.authorizeTimeoutSeconds * 1000,
    hashing: options.hashPool,
    holder,
    ownsNode,
    logger,
    metrics,
    tickets: new ResumeTickets(loadOrCreateKey(paths.resumeKey)),
    localNetworks: config.localNetworks,
    reconnectGraceMs: config.reconnectGraceSeconds * 1000,
    tunnelSetupMs: config.tunnelSetupSeconds * 1000,
    nodeName: config.nodeName,
    access: options.access,
    tunnel:
      options.wireguardPrivateKey === null
        ? null
        : {
            pool,
            serverPort: config.wgPort,
            publicKey: publicKeyOf(options.wireguardPrivateKey),
            dnsIpv4: config.dns ?? gatewayTunnelAddress,
            forwardNets: config.forwardNets.map((n) => n.text),
            dnsSuffix: config.dnsSuffix,
          },
  });
  const sso = new SingleSignOn({ sessions, directoryConfig, kerberos, ntlm, logger });
  const posture = new PostureService({
    store,
    clock: systemClock,
    logger,
    grant: (session) => sessions.grantOrEnd(session),
  });
  // DECISIONS 67: changes made by the CLI, the API or another process reach this process's sessions.
  const feed = new ChangeFeed({
    store,
    clock: systemClock,
    logger,
    apply: async (change) => {
      if (options.beforeSessions && (await options.beforeSessions(change))) return;
      await sessions.applyChange(change);
      await posture.applyChange(change);
    },
  });
  if (ownsNode) {
    const restored = await sessions.restore();
    if (restored > 0)
      logger.info({ sessions: restored }, 'restored sessions; waiting for their clients to resume');
  }
  await feed.start();
  // DECISIONS 67, 75: on PostgreSQL a NOTIFY wakes the feed at once; SQLite keeps the poll.
  const listener =
    config.databaseUrl === undefined
      ? undefined
      : await listenForChanges(config.databaseUrl, () => void feed.catchUp(), {
          log: (message) => logger.warn(message),
        });
  // DECISIONS 67: every process judges the directory accounts it holds; the owner of the node also
  // the directory's administrators.
  const directorySync = setInterval(() => {
    const run = async (): Promise<void> => {
      await sessions.syncDirectory();
      if (ownsNode) await syncDirectoryAdmins(store, ldap, logger);
    };
    run().catch((err: unknown) => {
      logger.error({ err }, 'the directory sync failed');
    });
  }, config.directorySyncSeconds * 1000);
  directorySync.unref();
  let endpoint: ClientEndpoint | undefined;
  return {
    sessions,
    feed,
    async serve(tls, reusePort) {
      endpoint = new ClientEndpoint({
        tls,
        sessions,
        sso,
        posture,
        settings: store.settings,
        installers: store.installers,
        installersDir: paths.installers,
        metrics,
        logger,
        versionTimeoutMs: config.versionTimeoutSeconds * 1000,
        authorizeTimeoutMs: config.authorizeTimeoutSeconds * 1000,
        pingIntervalMs: 30_000,
        maxConnectionsPerAddress: config.maxConnectionsPerAddress,
        maxPendingConnections: config.maxPendingConnections,
      });
      return endpoint.listen(config.listen.host, config.listen.port, reusePort);
    },
    async stop() {
      clearInterval(directorySync);
      feed.stop();
      await listener?.close();
      sessions.shutdown();
      posture.stop();
      ntlm.close();
      await endpoint?.close();
    },
  };
}
