// The built gateway for S6, started as bench/load/gateway.ts starts it (a fresh data directory,
// accounts written into its store with one password hash, no tunnels, no firewall, loopback as the
// local network) but with an administrator's API token: the posture is set up through the management
// API, as an administrator would, and the stored results are read back through it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Argon2idHasher } from '../../packages/gateway/dist/auth/password.js';
import { openSqliteStore } from '../../packages/gateway/dist/store/index.js';
import type { Login } from '../load/protocol.ts';
import { repoRoot } from '../support/report.ts';

export interface PostureGateway {
  pid: number;
  url: string;
  ca: string;
  logins: Login[];
  /** A management API call with the administrator's token; the reply's JSON. */
  api(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

const password = 'bench password';

export async function startPostureGateway(options: {
  accounts: number;
  workers: string;
  /** Options for the gateway's Node (`--cpu-prof`, ...). */
  nodeOptions?: string[];
}): Promise<PostureGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-bench-s6-'));
  const store = await openSqliteStore({ file: join(dir, 'kordon.db') });
  const logins: Login[] = [];
  const secret = randomBytes(32).toString('base64url');
  try {
    const hash = await new Argon2idHasher().hash(password);
    const now = new Date();
    for (let i = 0; i < options.accounts; i += 1) {
      const name = `bench${i}`;
      await store.users.create({
        id: randomUUID(),
        name,
        passwordHash: hash,
        disabled: false,
        createdAt: now,
      });
      logins.push({ login: name, password });
    }
    await store.tokens.create({
      id: randomUUID(),
      name: 'bench',
      role: 'admin',
      tokenHash: createHash('sha256').update(secret).digest('hex'),
      createdAt: now,
    });
  } finally {
    await store.close();
  }
  const port = 20_000 + Math.floor(Math.random() * 10_000);
  const adminPort = port + 1;
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeOptions ?? []),
      join(repoRoot, 'packages/gateway/dist/cli/main.js'),
      'start',
      ...['--data-dir', dir, '--listen', `127.0.0.1:${port}`, '--admin-listen', `127.0.0.1:${adminPort}`],
      ...['--local-networks', '127.0.0.0/8', '--wireguard', 'none', '--firewall', 'none'],
      ...['--workers', options.workers, '--log-format', 'json'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await started(child);
  const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
  return {
    pid: child.pid as number,
    url: `wss://127.0.0.1:${port}/connect`,
    ca,
    logins,
    api: (method, path, body) => call(`https://127.0.0.1:${adminPort}${path}`, ca, secret, method, body),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function started(child: ChildProcess): Promise<void> {
  let output = '';
  let up = false;
  return new Promise((resolve, reject) => {
    // The log is read to its end (a full pipe would stop the gateway) but kept only until it is up.
    const read = (data: Buffer) => {
      if (up) return;
      output += data.toString();
      if (output.includes('gateway started')) {
        up = true;
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      reject(new Error(`the gateway exited with ${code}:\n${output.slice(-2000)}`));
    });
  });
}

function call(url: string, ca: string, token: string, method: string, body: unknown): Promise<unknown> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const asked = request(url, { method, ca, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(text === '' ? null : (JSON.parse(text) as unknown));
        else reject(new Error(`${method} ${url}: ${status} ${text.slice(0, 300)}`));
      });
    });
    asked.on('error', reject);
    asked.end(payload);
  });
}
