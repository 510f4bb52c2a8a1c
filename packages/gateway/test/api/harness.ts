// A management API over the real SQLite store and the real argon2id hasher, with a recording SessionControl.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { ClientSettings, Clock, Role, Store } from '@kordon/core';
import { buildManagementApi } from '../../src/api/index.js';
import { Argon2idHasher } from '../../src/auth/password.js';
import { randomSecret, sha256Hex } from '../../src/auth/secrets.js';
import type { SessionControl } from '../../src/control.js';
import { createMetrics } from '../../src/metrics.js';
import { openSqliteStore } from '../../src/store/index.js';

export class RecordingControl implements SessionControl {
  readonly ended: string[] = [];
  readonly settingsChanges: { before: ClientSettings; after: ClientSettings }[] = [];
  readonly revoked: string[] = [];
  /** Session ids endSessionByAdmin knows. */
  readonly live = new Set<string>();

  endSessionByAdmin(sessionId: string): Promise<boolean> {
    this.ended.push(sessionId);
    return Promise.resolve(this.live.delete(sessionId));
  }

  settingsChanged(before: ClientSettings, after: ClientSettings): Promise<void> {
    this.settingsChanges.push({ before, after });
    return Promise.resolve();
  }

  accountRevoked(account: string): Promise<number> {
    this.revoked.push(account);
    return Promise.resolve(0);
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
  control: RecordingControl;
  clock: TestClock;
  dir: string;
  installersDir: string;
  /** Bearer tokens made directly in the store. */
  adminToken: string;
  viewerToken: string;
  /** app.inject with `Authorization: Bearer <adminToken>` unless headers say otherwise. */
  asAdmin(options: InjectOptions): Promise<LightMyRequestResponse>;
  asViewer(options: InjectOptions): Promise<LightMyRequestResponse>;
  addAdmin(name: string, password: string, role?: Role): Promise<void>;
  close(): Promise<void>;
}

export async function createHarness(
  options: { https?: { key: string; cert: string }; health?: () => Record<string, string> } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-api-'));
  const store = await openSqliteStore({ file: join(dir, 'kordon.db') });
  const control = new RecordingControl();
  const clock = new TestClock();
  const installersDir = join(dir, 'installers');
  const app = await buildManagementApi({
    store,
    hasher,
    control,
    metrics: createMetrics(),
    clock,
    installersDir,
    logger: false,
    ...(options.https === undefined ? {} : { https: options.https }),
    ...(options.health === undefined ? {} : { health: options.health }),
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
    async addAdmin(name, password, role = 'admin') {
      await store.admins.create({
        id: randomUUID(),
        name,
        passwordHash: await hasher.hash(password),
        role,
        createdAt: clock.now(),
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
