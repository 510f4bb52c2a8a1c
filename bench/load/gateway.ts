// The built gateway (packages/gateway/dist) started for a scenario: a fresh data directory with local
// accounts written straight into its store (one password hash for all, so that setting up thousands of
// accounts costs one hash), an API token for /metrics, no tunnels and no firewall, loopback as the local
// network; stopped and removed at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Argon2idHasher } from '../../packages/gateway/dist/auth/password.js';
import { openSqliteStore } from '../../packages/gateway/dist/store/index.js';
import { repoRoot } from '../support/report.ts';
import type { Login } from './protocol.ts';

export interface BenchGateway {
  pid: number;
  url: string;
  /** The gateway's certificate (PEM), which clients check the connection against. */
  ca: string;
  logins: Login[];
  /** GET /metrics with the API token. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

const password = 'bench password';

export async function startBenchGateway(options: {
  accounts: number;
  workers: string;
}): Promise<BenchGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-bench-gw-'));
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
      role: 'viewer',
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
    metrics: () => get(`https://127.0.0.1:${adminPort}/metrics`, ca, secret),
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

function get(url: string, ca: string, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const asked = request(url, { ca, headers: { authorization: `Bearer ${token}` } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        if (response.statusCode === 200) resolve(body);
        else reject(new Error(`${url}: ${response.statusCode} ${body.slice(0, 200)}`));
      });
    });
    asked.on('error', reject);
    asked.end();
  });
}
