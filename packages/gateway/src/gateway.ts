// Assembles a running gateway from its configuration: storage, TLS, the client endpoint and the
// management API. The order matters: everything stored is restored before any client is accepted.
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { inPool, intToIpv4, ipv4ToInt, type Store } from '@kordon/core';
import { generateKeyPair, publicKeyOf } from '@kordon/drivers';
import { AccessControl } from './access.js';
import { selectDrivers } from './drivers.js';
import { exemptionLists } from './admin/exemptions.js';
import { createAdminServices } from './admin/index.js';
import { buildManagementApi } from './api/index.js';
import { ensureInitialAdmin } from './admins.js';
import { LocalPasswordAuthenticator } from './auth/local.js';
import { Argon2idHasher } from './auth/password.js';
import { ChangeFeed } from './changes/feed.js';
import { systemClock } from './clock.js';
import type { GatewayConfig } from './config/options.js';
import { dataPaths, ensureDataDir, loadOrCreateKey, loadOrCreateText } from './data-dir.js';
import { ClientEndpoint } from './endpoint/server.js';
import { SessionService } from './endpoint/sessions.js';
import { ResumeTickets } from './endpoint/tickets.js';
import { DnsRelay, hostResolvers } from './dns-relay.js';
import { removeLeftoverInstallerFiles } from './installers.js';
import { createMetrics } from './metrics.js';
import { openSqliteStore } from './store/index.js';
import { loadTlsIdentity } from './tls.js';

export interface RunningGateway {
  clientAddress: AddressInfo;
  adminAddress: AddressInfo;
  fingerprint: string;
  /** Graceful stop (DECISIONS 3): clients told to resume later, sessions kept. */
  stop(): Promise<void>;
  /** DECISIONS 70: a stop that overran leaves the closed table (nothing authorized, exemptions kept). */
  closeFirewall(): Promise<void>;
}

export interface GatewayEnvironment {
  env: Record<string, string | undefined>;
  isRoot: boolean;
}

export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  environment: GatewayEnvironment,
): Promise<RunningGateway> {
  const paths = dataPaths(config.dataDir);
  ensureDataDir(paths);
  logger.info({ dataDir: paths.dir }, 'data directory');
  const store = await openSqliteStore({ file: paths.database });
  try {
    return await run(config, logger, store, paths, environment);
  } catch (e) {
    await store.close();
    throw e;
  }
}

async function run(
  config: GatewayConfig,
  logger: Logger,
  store: Store,
  paths: ReturnType<typeof dataPaths>,
  environment: GatewayEnvironment,
): Promise<RunningGateway> {
  const hasher = new Argon2idHasher();
  const clock = systemClock;
  const madePasswordFile = await ensureInitialAdmin(store, hasher, clock, paths.initialAdminPassword);
  if (madePasswordFile) {
    logger.warn(
      { file: madePasswordFile },
      'created the administrator "admin"; its password is in this file (readable by root only): log in and change it',
    );
  }
  // A crash during an installer upload leaves partial files; they go before anything is served.
  await removeLeftoverInstallerFiles(store, paths.installers, logger);
  const settings = await store.settings.get();
  const tls = await loadTlsIdentity({
    dataDir: paths.dir,
    certFile: config.tlsCert,
    keyFile: config.tlsKey,
    authDomain: settings.auth_domain,
  });
  logger.info(
    { fingerprint: tls.fingerprint, selfSigned: tls.selfSigned },
    'TLS certificate SHA-256 fingerprint',
  );
  const metrics = createMetrics();

  // Tunnels and enforcement: in place, matching the stored sessions, before any client is accepted.
  const drivers = selectDrivers(config, logger, environment.env, environment.isRoot);
  const access = new AccessControl(drivers.tunnel, drivers.firewall, logger);
  const pool = config.tunnelNetwork;
  const gatewayTunnelAddress = intToIpv4(pool.gateway);
  // The gateway's WireGuard key pair is made once and kept (0600).
  const privateKey = loadOrCreateText(paths.wireguardKey, () => generateKeyPair().privateKey);
  if (drivers.tunnel.kind !== 'none') {
    await drivers.tunnel.up({
      privateKey,
      listenPort: config.wgPort,
      address: `${gatewayTunnelAddress}/${pool.network.prefix}`,
    });
  }
  const dnsRelay = await startDnsRelay(config, drivers.tunnel.kind, gatewayTunnelAddress, logger);
  if (config.clientInterfaces.length === 0) {
    logger.warn('LAN enforcement is off: name the client-facing interfaces with --client-interfaces');
  }
  const passwords = new LocalPasswordAuthenticator(store, hasher);
  const sessions = new SessionService({
    store,
    clock,
    passwords,
    authenticators: [passwords],
    authorizeTimeoutMs: config.authorizeTimeoutSeconds * 1000,
    holder: `${config.nodeName}/0`,
    logger,
    metrics,
    tickets: new ResumeTickets(loadOrCreateKey(paths.resumeKey)),
    localNetworks: config.localNetworks,
    reconnectGraceMs: config.reconnectGraceSeconds * 1000,
    tunnelSetupMs: config.tunnelSetupSeconds * 1000,
    nodeName: config.nodeName,
    access,
    tunnel:
      drivers.tunnel.kind === 'none'
        ? null
        : {
            pool,
            serverPort: config.wgPort,
            publicKey: publicKeyOf(privateKey),
            dnsIpv4: config.dns ?? gatewayTunnelAddress,
            forwardNets: config.forwardNets.map((n) => n.text),
            dnsSuffix: config.dnsSuffix,
          },
  });
  const stored = await store.sessions.list();
  const firewallShape = {
    enforcedInterfaces: config.clientInterfaces,
    tunnelInterface: config.wgInterface,
    tunnelNetwork: pool.network.text,
  };
  await access.reconcile(stored, async (authorized) =>
    drivers.firewall.install({
      ...firewallShape,
      ...exemptionLists(await store.exemptions.list()),
      authorized,
    }),
  );
  const released = await sessions.releaseIdleLeases(config.leaseIdleDays * 86_400_000);
  if (released > 0) logger.info({ leases: released }, 'released idle tunnel addresses');
  const leaseTimer = setInterval(() => {
    sessions.releaseIdleLeases(config.leaseIdleDays * 86_400_000).catch((err: unknown) => {
      logger.error({ err }, 'releasing idle tunnel addresses failed');
    });
  }, 3_600_000);
  leaseTimer.unref();
  const restored = await sessions.restore();
  if (restored > 0)
    logger.info({ sessions: restored }, 'restored sessions; waiting for their clients to resume');
  // DECISIONS 67: changes made by the CLI or another process reach this process's sessions.
  const feed = new ChangeFeed({
    store,
    clock,
    logger,
    apply: async (change) => {
      if (change.kind !== 'exemptions') return sessions.applyChange(change);
      // DECISIONS 72: this process owns the table; the exemption sets follow the store.
      const { exemptFrom, exemptTo } = exemptionLists(await store.exemptions.list());
      await drivers.firewall.setExemptions(exemptFrom, exemptTo);
      logger.info({ from: exemptFrom, to: exemptTo }, 'exemptions applied');
    },
  });
  await feed.start();

  const endpoint = new ClientEndpoint({
    tls,
    sessions,
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
  let api: FastifyInstance | undefined;
  try {
    api = await buildManagementApi({
      store,
      hasher,
      admin: createAdminServices({ store, clock, hasher, afterCommit: () => feed.catchUp() }),
      metrics,
      clock,
      installersDir: paths.installers,
      logger,
      https: { key: tls.key, cert: tls.cert },
      // DECISIONS 37: say whether LAN enforcement is on, and which drivers run.
      health: () => ({
        lan_enforcement:
          config.clientInterfaces.length > 0 && drivers.firewall.kind !== 'none' ? 'on' : 'off',
        wireguard: drivers.tunnel.kind,
        firewall: drivers.firewall.kind,
      }),
    });
    await api.listen({
      host: config.adminListen.host,
      port: config.adminListen.port,
      // Fastify would say "http://": the server is the HTTPS one made above.
      listenTextResolver: (address) => `management API listening at ${address.replace(/^http:/, 'https:')}`,
    });
    const adminAddress = api.server.address() as AddressInfo;
    const clientAddress = await endpoint.listen(config.listen.host, config.listen.port);
    logger.info(
      { client: clientAddress, admin: adminAddress, node: config.nodeName },
      'gateway started: client endpoint and management API listening',
    );
    const apiInstance = api;
    return {
      clientAddress,
      adminAddress,
      fingerprint: tls.fingerprint,
      async closeFirewall() {
        await drivers.firewall.installClosed({
          ...firewallShape,
          ...exemptionLists(await store.exemptions.list()),
        });
      },
      async stop() {
        clearInterval(leaseTimer);
        feed.stop();
        sessions.shutdown();
        await endpoint.close();
        await access.shutdown();
        await dnsRelay?.stop();
        await apiInstance.close();
        await store.close();
        logger.info('gateway stopped');
      },
    };
  } catch (e) {
    clearInterval(leaseTimer);
    feed.stop();
    sessions.shutdown();
    await api?.close();
    await endpoint.close().catch(() => undefined);
    await access.shutdown().catch(() => undefined);
    await dnsRelay?.stop();
    throw e;
  }
}

/** DECISIONS 38: without --dns, the gateway answers DNS on its tunnel address by relaying. */
async function startDnsRelay(
  config: GatewayConfig,
  tunnelKind: string,
  address: string,
  logger: Logger,
): Promise<DnsRelay | undefined> {
  if (config.dns !== undefined || tunnelKind === 'none') return undefined;
  const upstreams = hostResolvers();
  if (upstreams.length === 0) {
    logger.warn(
      'DNS relay: the host has no resolvers in /etc/resolv.conf; tunnel clients get no DNS (use --dns)',
    );
    return undefined;
  }
  const pool = config.tunnelNetwork;
  const relay = new DnsRelay(
    { host: address, port: 53 },
    upstreams,
    (client) => {
      const n = ipv4ToInt(client);
      return n !== undefined && inPool(pool, n);
    },
    logger,
  );
  try {
    await relay.start();
    logger.info({ address, upstreams: upstreams.map((u) => u.host) }, 'DNS relay for tunnel clients');
    return relay;
  } catch (err) {
    logger.error({ err, address }, 'DNS relay could not start; tunnel clients get no DNS (use --dns)');
    return undefined;
  }
}
