// A worker process (DECISIONS 71): the client endpoint on the shared port (reusePort), its sessions,
// and the change feed for them; access goes to the owner. It exits when the owner is gone, so the
// service manager restarts the whole gateway.
import type { Store } from '@kordon/core';
import { HashPool } from '../auth/hash-pool.js';
import { startClientService, type ClientService } from '../client-service.js';
import { dataPaths, loadOrCreateText } from '../data-dir.js';
import { createLogger } from '../logging.js';
import { createMetrics } from '../metrics.js';
import { openStore } from '../store/index.js';
import type { OwnerMessage, WorkerMessage } from './messages.js';
import { RemoteAccess } from './remote-access.js';

function send(message: WorkerMessage): void {
  if (process.connected) process.send?.(message);
}

let service: ClientService | undefined;
let store: Store | undefined;
const metrics = createMetrics();
const access = new RemoteAccess(send);
let hashPool: HashPool | undefined;

process.on('disconnect', () => {
  // The owner died: the kernel state is gone with it, so nothing here may go on (DECISIONS 71).
  process.exit(1);
});

process.on('message', (message: OwnerMessage) => {
  switch (message.type) {
    case 'start':
      start(message).catch((err: unknown) => {
        send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
        process.exit(1);
      });
      return;
    case 'access_result':
      access.settled(message.id, message.error);
      return;
    case 'metrics_request':
      metrics.registry.getMetricsAsJSON().then(
        (json) => send({ type: 'metrics', id: message.id, metrics: json }),
        () => send({ type: 'metrics', id: message.id, metrics: [] }),
      );
      return;
    case 'stop':
      void stop().finally(() => process.exit(0));
      return;
  }
});

async function start(message: Extract<OwnerMessage, { type: 'start' }>): Promise<void> {
  const { config, worker } = message;
  const logger = createLogger(config, { worker }, message.terminal);
  const paths = dataPaths(config.dataDir);
  store = await openStore({ file: paths.database, databaseUrl: config.databaseUrl });
  hashPool = new HashPool(message.hashThreads);
  service = await startClientService({
    config,
    store,
    paths,
    logger,
    metrics,
    access,
    holder: `${config.nodeName}/${worker}`,
    ownsNode: false,
    hashPool,
    wireguardPrivateKey: message.tunnels
      ? loadOrCreateText(paths.wireguardKey, () => {
          throw new Error('the owner has not made the WireGuard key');
        })
      : null,
  });
  const address = await service.serve(message.tls, true);
  send({ type: 'listening', port: address.port });
}

async function stop(): Promise<void> {
  await service?.stop();
  await hashPool?.close();
  await store?.close();
}
