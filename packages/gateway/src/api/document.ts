// The management API's OpenAPI document without a running gateway: the console's types are generated
// from it (packages/admin-ui), and `kordon-gateway openapi` prints it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdminServices } from '../admin/index.js';
import { Argon2idHasher } from '../auth/password.js';
import { systemClock } from '../clock.js';
import { createMetrics } from '../metrics.js';
import { openSqliteStore } from '../store/index.js';
import { buildManagementApi } from './index.js';

/** Builds the API over a throwaway store in a temporary folder (the routes are never called). */
export async function openApiDocument(): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-openapi-'));
  const store = await openSqliteStore({ file: join(dir, 'gateway.db') });
  try {
    const hasher = new Argon2idHasher();
    const app = await buildManagementApi({
      store,
      hasher,
      admin: createAdminServices({ store, clock: systemClock, hasher }),
      metrics: createMetrics(),
      clock: systemClock,
      installersDir: dir,
      logger: false,
    });
    const document = app.swagger();
    await app.close();
    return document;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
