// DECISIONS 67, 71, 75: the same gateway with its store on PostgreSQL: workers, the CLI acting on the
// running gateway, and the change feed woken by NOTIFY.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { TestClient } from '../support/client.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { httpsRequest } from '../support/https.js';
import { postgresMissing, usePostgresDatabase } from '../support/postgres.js';

const missing = postgresMissing();

describe.skipIf(missing !== undefined)(
  `--workers 3 on PostgreSQL${missing === undefined ? '' : ` (${missing})`}`,
  () => {
    const database = usePostgresDatabase();
    let dir: string;
    let gateway: GatewayProcess;
    let token = '';
    const env = (): NodeJS.ProcessEnv => ({ KORDON_DATABASE_URL: database().url });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kordon-workers-pg-'));
      const made = await cli(['token', 'create', '--name', 'test', '--json', '--data-dir', dir], '', env());
      expect(made.code, made.stderr).toBe(0);
      token = (JSON.parse(made.stdout) as { token: string }).token;
      for (const name of ['uma', 'vera']) {
        const added = await cli(
          ['user', 'add', name, '--password-stdin', '--data-dir', dir],
          `${name}-pw\n`,
          env(),
        );
        expect(added.code, added.stderr).toBe(0);
      }
      gateway = await startGatewayProcess(dir, ['--workers', '3'], env());
    }, 120_000);

    afterAll(async () => {
      await gateway.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    async function loginAll(account: string, subnet: number): Promise<TestClient[]> {
      return Promise.all(
        [1, 2, 3, 4, 5].map(async (i) => {
          const c = await TestClient.connect(gateway.clientPort, gateway.ca, {
            localAddress: `127.0.${subnet}.${i}`,
          });
          expect(await c.login(account, `${account}-pw`)).toMatchObject({ authorized: true });
          return c;
        }),
      );
    }

    async function workersHolding(account: string): Promise<Set<string | null>> {
      const response = await httpsRequest(gateway.adminPort, '/api/v1/sessions', gateway.ca, {
        headers: { authorization: `Bearer ${token}` },
      });
      const items = (JSON.parse(response.text) as { items: { account: string; worker: string | null }[] })
        .items;
      return new Set(items.filter((s) => s.account === account).map((s) => s.worker));
    }

    for (const [command, account, subnet] of [
      ['remove', 'uma', 90],
      ['disable', 'vera', 91],
    ] as const) {
      it(`user ${command} ends the account's sessions on every worker within a second`, async () => {
        let clients = await loginAll(account, subnet);
        // The kernel spreads connections by a hash of addresses and ports, so now and then all five land
        // on one worker: logging in again (new ports) replaces them until two workers hold some.
        for (let i = 0; i < 5 && (await workersHolding(account)).size < 2; i++) {
          clients = await loginAll(account, subnet);
        }
        expect((await workersHolding(account)).size).toBeGreaterThan(1);
        const run = await cli(['user', command, account, '--data-dir', dir], '', env());
        expect(run.code, run.stderr).toBe(0);
        const done = performance.now();
        const codes = await Promise.all(clients.map((c) => c.closed.then((closed) => closed.code)));
        expect(performance.now() - done).toBeLessThan(1000);
        expect(codes).toStrictEqual([4002, 4002, 4002, 4002, 4002]);
      });
    }
  },
);
