// Assembles a running gateway from its configuration: storage, TLS, the client endpoint and the
// management API. The order matters: everything stored is restored before any client is accepted.
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { inPool, intToIpv4, ipv4ToInt, type Session, type Store } from '@kordon/core';
import { generateKeyPair } from '@kordon/drivers';
import { AccessControl, type AuthorizedAccess } from './access.js';
import { selectDrivers } from './drivers.js';
import { exemptionLists } from './admin/exemptions.js';
import { createAdminServices } from './admin/index.js';
import { buildManagementApi, consolePath, loadConsole } from './api/index.js';
import { ensureInitialAdmin } from './admins.js';
import { HashPool } from './auth/hash-pool.js';
import { Argon2idHasher } from './auth/password.js';
import { startClientService } from './client-service.js';
import { systemClock } from './clock.js';
import type { GatewayConfig } from './config/options.js';
import { dataPaths, ensureDataDir, loadOrCreateText } from './data-dir.js';
import { DnsRelay, hostResolvers } from './dns-relay.js';
import { removeLeftoverInstallerFiles } from './installers.js';
import { createMetrics } from './metrics.js';
import { describeDatabaseUrl, openStore } from './store/index.js';
import { loadTlsIdentity } from './tls.js';
import { autoWorkerCount } from './workers/count.js';
import { WorkerSupervisor } from './workers/supervisor.js';

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
  const database =
    config.databaseUrl === undefined
      ? `SQLite ${paths.database}`
      : `PostgreSQL ${describeDatabaseUrl(config.databaseUrl)}`;
  logger.info(
    { dataDir: paths.dir },
    `data directory ${paths.dir} (keys, certificate, installers); the store: ${database}`,
  );
  const store = await openStore({
    file: paths.database,
    databaseUrl: config.databaseUrl,
    log: (message) => logger.info(message),
  });
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
  // DECISIONS 68: this process's logins (clients' and administrators') hash on its pool's threads.
  const hashPool = new HashPool();
  const hasher = new Argon2idHasher(hashPool);
  const clock = systemClock;
  const madePasswordFile = await ensureInitialAdmin(store, hasher, clock, paths.initialAdminPassword);
  if (madePasswordFile) {
    logger.warn(
      { file: madePasswordFile },
      `created the administrator "admin"; its password is in ${madePasswordFile} (readable by root only): log in and change it`,
    );
  }
  // Drivers first: a configuration that needs one that cannot run is refused before anything starts.
  const drivers = selectDrivers(config, logger, environment.env, environment.isRoot);
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
    tls.selfSigned
      ? `self-signed TLS certificate, SHA-256 ${tls.fingerprint}: clients pin it (server_sha256), or give your own with --tls-cert`
      : `TLS certificate SHA-256 ${tls.fingerprint}`,
  );
  const metrics = createMetrics();

  // Tunnels and enforcement: in place, matching the stored sessions, before any client is accepted.
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
  const firewallShape = {
    enforcedInterfaces: config.clientInterfaces,
    tunnelInterface: config.wgInterface,
    tunnelNetwork: pool.network.text,
  };
  // The table as the store says: this node's sessions with their profiles, the exemptions, the rules.
  const nodeSessions = async (): Promise<Session[]> =>
    (await store.sessions.list()).filter((s) => s.node === config.nodeName);
  const installTable = async ({ authorized, profiles }: AuthorizedAccess): Promise<void> =>
    drivers.firewall.install({
      ...firewallShape,
      ...exemptionLists(await store.exemptions.list()),
      authorized,
      profiles,
      // In evaluation order, as the repository lists them.
      accessRules: await store.accessRules.list(),
    });
  await access.reconcile(await nodeSessions(), installTable);
  const workerCount = config.workers === 'auto' ? autoWorkerCount() : config.workers;
  // One process: it serves clients itself. Workers: this process owns the node's waiting sessions and
  // the kernel, and the workers serve clients (DECISIONS 71).
  const client = await startClientService({
    config,
    store,
    paths,
    logger,
    metrics,
    access,
    holder: workerCount === 1 ? `${config.nodeName}/0` : `${config.nodeName}/owner`,
    ownsNode: true,
    hashPool,
    wireguardPrivateKey: drivers.tunnel.kind === 'none' ? null : privateKey,
    beforeSessions: async (change) => {
      if (change.kind === 'access_rules') {
        // This process owns the table: it is installed again with the new rules; the sessions'
        // processes then tell their clients what their access is (endpoint/posture.ts).
        await access.reinstall(nodeSessions, installTable);
        logger.info('access rules applied');
        return false;
      }
      if (change.kind !== 'exemptions') return false;
      // DECISIONS 72: this process owns the table; the exemption sets follow the store.
      const { exemptFrom, exemptTo } = exemptionLists(await store.exemptions.list());
      await drivers.firewall.setExemptions(exemptFrom, exemptTo);
      logger.info({ from: exemptFrom, to: exemptTo }, 'exemptions applied');
      return true;
    },
  });
  const { sessions, feed } = client;
  // Hourly upkeep: idle leases (DECISIONS 5), the event log's retention (DECISIONS 23), idle throttle states.
  const upkeep = async (): Promise<void> => {
    const released = await sessions.releaseIdleLeases(config.leaseIdleDays * 86_400_000);
    if (released > 0) logger.info({ leases: released }, 'released idle tunnel addresses');
    const before = new Date(clock.now().getTime() - config.eventRetentionDays * 86_400_000);
    const removed = await store.events.removeBefore(before);
    if (removed > 0)
      logger.info({ events: removed }, `removed events older than ${config.eventRetentionDays} days`);
    // Throttle states untouched for an hour hold no failure that still counts (DECISIONS 47).
    await store.throttle.removeIdle(new Date(clock.now().getTime() - 3_600_000));
  };
  await upkeep();
  const leaseTimer = setInterval(() => {
    upkeep().catch((err: unknown) => {
      logger.error({ err }, 'hourly upkeep (idle leases, event retention) failed');
    });
  }, 3_600_000);
  leaseTimer.unref();
  const workers =
    workerCount === 1
      ? undefined
      : new WorkerSupervisor({
          count: workerCount,
          config,
          tls,
          tunnels: drivers.tunnel.kind !== 'none',
          access,
          logger,
          entry: fileURLToPath(new URL('./workers/worker-main.js', import.meta.url)),
          onWorkerLost: async (holder) => {
            await sessions.holderLost(holder);
          },
        });

  let api: FastifyInstance | undefined;
  // The console's build beside this package (packages/admin-ui/dist), from src and from dist alike.
  const consoleFiles = loadConsole(fileURLToPath(new URL('../../admin-ui/dist/', import.meta.url)));
  try {
    api = await buildManagementApi({
      store,
      hasher,
      admin: createAdminServices({ store, clock, hasher, afterCommit: () => feed.catchUp() }),
      metrics,
      ...(workers ? { workerMetrics: () => workers.metrics() } : {}),
      clock,
      installersDir: paths.installers,
      clientPort: config.listen.port,
      logger,
      https: { key: tls.key, cert: tls.cert },
      console: consoleFiles,
      initialAdminPasswordFile: paths.initialAdminPassword,
      localNetworks: config.localNetworks,
      ...(drivers.tunnel.kind === 'none'
        ? {}
        : {
            tunnelTraffic: async () =>
              new Map((await drivers.tunnel.peers()).map((peer) => [peer.publicKey, peer])),
          }),
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
    const clientAddress = workers
      ? {
          address: config.listen.host,
          family: config.listen.host.includes(':') ? 'IPv6' : 'IPv4',
          port: await workers.start(),
        }
      : await client.serve(tls, false);
    const clientUrl = `wss://${urlHost(clientAddress.address)}:${clientAddress.port}/connect`;
    const adminUrl = `https://${urlHost(adminAddress.address)}:${adminAddress.port}`;
    logger.info(
      { client: clientAddress, admin: adminAddress, node: config.nodeName, workers: workerCount },
      `gateway started: clients connect to ${clientUrl}, the management API is at ${adminUrl} ` +
        `(${workerCount === 1 ? 'one process' : `${workerCount} worker processes`}); ` +
        (consoleFiles === undefined
          ? 'the admin console is not built (npm run build)'
          : `the admin console is at ${adminUrl}${consolePath}`),
    );
    const apiInstance = api;
    /** DECISIONS 70: the closed table, the same one `firewall boot` installs, exemptions kept. */
    const closeFirewall = async (): Promise<void> => {
      await drivers.firewall.installClosed({
        ...firewallShape,
        ...exemptionLists(await store.exemptions.list()),
      });
    };
    return {
      clientAddress,
      adminAddress,
      fingerprint: tls.fingerprint,
      closeFirewall,
      async stop() {
        clearInterval(leaseTimer);
        // Closed first: whatever follows may overrun its time, and no one forwards meanwhile.
        await access.close(closeFirewall);
        await workers?.stop();
        await client.stop();
        await access.shutdown();
        await dnsRelay?.stop();
        await apiInstance.close();
        await hashPool.close();
        await store.close();
        logger.info('gateway stopped');
      },
    };
  } catch (e) {
    clearInterval(leaseTimer);
    await workers?.stop();
    await client.stop();
    await api?.close();
    await access.shutdown().catch(() => undefined);
    await dnsRelay?.stop();
    await hashPool.close();
    throw e;
  }
}

/** An address as a URL's host: IPv6 in brackets. */
function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
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
