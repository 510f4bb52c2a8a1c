// A management API over the real SQLite store and the real argon2id hasher; what it tells live sessions
// is read back from the change feed.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Change, ClientSettings, Clock, Role, Store } from '@kordon/core';
import { createAdminServices } from '../../src/admin/index.js';
import { buildManagementApi, type ManagementApiDeps } from '../../src/api/index.js';
import { Argon2idHasher } from '../../src/auth/password.js';
import { randomSecret, sha256Hex } from '../../src/auth/secrets.js';
import { createMetrics } from '../../src/metrics.js';
import { openSqliteStore } from '../../src/store/index.js';

/**
 * What the API's writes told the running sessions, read from the change feed as the gateway would:
 * settings changes, accounts whose sessions must be judged again, sessions an administrator ended.
 */
export class RecordedChanges {
  readonly all: Change[] = [];
  private last = 0;

  constructor(private readonly store: Store) {}

  async catchUp(): Promise<void> {
    for (const record of await this.store.changes.after(this.last, 1000)) {
      this.last = record.id;
      if (record.change) this.all.push(record.change);
    }
  }

  get settingsChanges(): { before: ClientSettings; after: ClientSettings }[] {
    return this.all.flatMap((c) => (c.kind === 'settings' ? [{ before: c.before, after: c.after }] : []));
  }

  /** Accounts removed or disabled (their sessions end). */
  get revoked(): string[] {
    return this.all.flatMap((c) =>
      c.kind === 'user' && (c.action === 'removed' || c.action === 'disabled') ? [c.account] : [],
    );
  }

  get ended(): string[] {
    return this.all.flatMap((c) => (c.kind === 'session_ended' ? [c.sessionId] : []));
  }
}

export class TestClock implements Clock {
  wall = new Date('2026-11-26T10:00:00.000Z');
  mono = 1_000;

  monotonicMs(): number {
    return this.mono;
  }

  now(): Date {
    return new Date(this.wall);
  }

  advance(ms: number): void {
    this.wall = new Date(this.wall.getTime() + ms);
    this.mono += ms;
  }
}

export const hasher = new Argon2idHasher();

export interface Harness {
  app: FastifyInstance;
  store: Store;
  control: RecordedChanges;
  clock: TestClock;
  dir: string;
  installersDir: string;
  /** Bearer tokens made directly in the store. */
  adminToken: string;
  viewerToken: string;
  /** app.inject with `Authorization: Bearer <adminToken>` unless headers say otherwise. */
  asAdmin(options: InjectOptions): Promise<LightMyRequestResponse>;
  asViewer(options: InjectOptions): Promise<LightMyRequestResponse>;
  addAdmin(name: string, password: string, role?: Role, mustChangePassword?: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function createHarness(
  options: {
    https?: { key: string; cert: string };
    health?: () => Record<string, string>;
    /** Further dependencies as the gateway passes them (local networks, tunnel counters, the console). */
    deps?: Partial<ManagementApiDeps>;
  } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-api-'));
  const store = await openSqliteStore({ file: join(dir, 'kordon.db') });
  const control = new RecordedChanges(store);
  const clock = new TestClock();
  const installersDir = join(dir, 'installers');
  const app = await buildManagementApi({
    store,
    hasher,
    admin: createAdminServices({ store, clock, hasher, afterCommit: () => control.catchUp() }),
    metrics: createMetrics(),
    clock,
    installersDir,
    logger: false,
    ...(options.https === undefined ? {} : { https: options.https }),
    ...(options.health === undefined ? {} : { health: options.health }),
    ...options.deps,
  });
  const makeToken = async (name: string, role: Role): Promise<string> => {
    const secret = randomSecret();
    await store.tokens.create({
      id: randomUUID(),
      name,
      role,
      tokenHash: sha256Hex(secret),
      createdAt: clock.now(),
    });
    return secret;
  };
  const adminToken = await makeToken('test-admin', 'admin');
  const viewerToken = await makeToken('test-viewer', 'viewer');
  const withToken = (token: string) => (request: InjectOptions) =>
    app.inject({ ...request, headers: { authorization: `Bearer ${token}`, ...request.headers } });
  return {
    app,
    store,
    control,
    clock,
    dir,
    installersDir,
    adminToken,
    viewerToken,
    asAdmin: withToken(adminToken),
    asViewer: withToken(viewerToken),
    async addAdmin(name, password, role = 'admin', mustChangePassword = false) {
      await store.admins.create({
        id: randomUUID(),
        name,
        passwordHash: await hasher.hash(password),
        role,
        createdAt: clock.now(),
        mustChangePassword,
      });
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The body of an error reply, checked for its exact shape. */
export function errorOf(response: LightMyRequestResponse): {
  code: string;
  message: string;
  field: string | null;
} {
  const body = response.json<{ error: { code: string; message: string; field: string | null } }>();
  if (Object.keys(body).join() !== 'error' || Object.keys(body.error).join() !== 'code,message,field') {
    throw new Error(`not an error body: ${response.body}`);
  }
  return body.error;
}
