// Starts a real gateway in this process (real TLS, real SQLite, real sockets on loopback) for tests.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Store } from '@kordon/core';
import { Argon2idHasher } from '../../src/auth/password.js';
import { defaultConfig, type GatewayConfig } from '../../src/config/options.js';
import { dataPaths } from '../../src/data-dir.js';
import { startGateway, type RunningGateway } from '../../src/gateway.js';
import { openSqliteStore } from '../../src/store/index.js';

export interface TestGateway {
  dir: string;
  config: GatewayConfig;
  running: RunningGateway;
  /** The gateway's certificate, to trust in clients. */
  ca: string;
  port: number;
  adminPort: number;
  /** A second connection to the gateway's database, for test set-up and checks. */
  store: Store;
  addUser(name: string, password: string): Promise<void>;
  /** Stops the gateway (graceful) and keeps the data directory. */
  stop(): Promise<void>;
  /** Starts it again on the same data directory and ports. */
  restart(): Promise<void>;
  /** Stops and removes everything. */
  dispose(): Promise<void>;
  /** What the gateway logged at warn level and above, as JSON lines. */
  logs(): string;
}

const hasher = new Argon2idHasher();

export async function startTestGateway(overrides: Partial<GatewayConfig> = {}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-gw-'));
  const config: GatewayConfig = {
    ...defaultConfig({ dataDir: dir, nodeName: 'test-node' }),
    listen: { host: '127.0.0.1', port: 0 },
    adminListen: { host: '127.0.0.1', port: 0 },
    logLevel: 'silent' as GatewayConfig['logLevel'],
    // In-process tests touch no interface or firewall of the host; the end-to-end suites do, in namespaces.
    wireguard: 'none',
    firewall: 'none',
    // In-process: one process (workers are real child processes, tested through the built CLI).
    workers: 1,
    ...overrides,
  };
  const logged: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
  const environment = { env: {}, isRoot: false };
  let running = await startGateway(config, logger, environment);
  const store = await openSqliteStore({ file: dataPaths(dir).database });
  let stopped = false;
  const gw: TestGateway = {
    dir,
    config,
    running,
    ca: readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'),
    port: running.clientAddress.port,
    adminPort: running.adminAddress.port,
    store,
    async addUser(name, password) {
      await store.users.create({
        id: randomUUID(),
        name,
        passwordHash: await hasher.hash(password),
        disabled: false,
        createdAt: new Date(),
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await running.stop();
    },
    async restart() {
      running = await startGateway(
        {
          ...config,
          listen: { host: '127.0.0.1', port: gw.port },
          adminListen: { host: '127.0.0.1', port: gw.adminPort },
        },
        logger,
        environment,
      );
      stopped = false;
      gw.running = running;
    },
    async dispose() {
      await gw.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    logs: () => logged.join(''),
  };
  return gw;
}
