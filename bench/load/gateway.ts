// The built gateway (packages/gateway/dist) started for a scenario: a fresh data directory with local
// accounts written straight into its store (one password hash for all, so that setting up thousands of
// accounts costs one hash), an API token for /metrics, no tunnels and no firewall, loopback as the local
// network; stopped and removed at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { argon2, createHash, randomBytes, randomUUID } from 'node:crypto';
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
  /** Warnings and errors logged since it started, by message, with how often. */
  problems(): Map<string, number>;
  stop(): Promise<void>;
}

const password = 'bench password';

/**
 * The accounts' password hash: `standard` is the gateway's own (argon2id, 19 MiB, two passes: about
 * 40 logins per second on two cores); `light` is a valid argon2id hash with the least memory and one
 * pass, which the gateway verifies by the parameters the hash carries, for scenarios that measure
 * what sessions cost once they are open rather than the logins (S3's subject).
 */
export type BenchPasswordHash = 'standard' | 'light';

async function passwordHash(kind: BenchPasswordHash): Promise<string> {
  if (kind === 'standard') return new Argon2idHasher().hash(password);
  const salt = randomBytes(16);
  const p = { memory: 8, passes: 1, parallelism: 1 };
  const key = await new Promise<Buffer>((resolve, reject) => {
    argon2('argon2id', { message: password, nonce: salt, tagLength: 32, ...p }, (err, derived) => {
      if (err) reject(err);
      else resolve(derived);
    });
  });
  const b64 = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');
  return `$argon2id$v=19$m=${p.memory},t=${p.passes},p=${p.parallelism}$${b64(salt)}$${b64(key)}`;
}

export async function startBenchGateway(options: {
  accounts: number;
  /** `--workers`; none: the gateway's default (auto: DECISIONS 71). */
  workers?: string;
  passwordHash?: BenchPasswordHash;
  /** Node options for the gateway's processes (the workers inherit them), e.g. the probe's. */
  execArgv?: string[];
  env?: Record<string, string>;
}): Promise<BenchGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-bench-gw-'));
  const store = await openSqliteStore({ file: join(dir, 'kordon.db') });
  const logins: Login[] = [];
  const secret = randomBytes(32).toString('base64url');
  try {
    const hash = await passwordHash(options.passwordHash ?? 'standard');
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
      ...(options.execArgv ?? []),
      join(repoRoot, 'packages/gateway/dist/cli/main.js'),
      'start',
      ...['--data-dir', dir, '--listen', `127.0.0.1:${port}`, '--admin-listen', `127.0.0.1:${adminPort}`],
      ...['--local-networks', '127.0.0.0/8', '--wireguard', 'none', '--firewall', 'none'],
      ...(options.workers === undefined ? [] : ['--workers', options.workers]),
      '--log-format',
      'json',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  const problems: LogProblems = new Map();
  await started(child, problems);
  const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
  return {
    pid: child.pid as number,
    url: `wss://127.0.0.1:${port}/connect`,
    ca,
    logins,
    metrics: () => get(`https://127.0.0.1:${adminPort}/metrics`, ca, secret),
    problems: () => new Map(problems),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Warnings and errors the gateway logged since it started, counted by message (JSON log lines). */
type LogProblems = Map<string, number>;

function started(child: ChildProcess, problems: LogProblems): Promise<void> {
  let output = '';
  let up = false;
  let partial = '';
  return new Promise((resolve, reject) => {
    // The log is read to its end (a full pipe would stop the gateway): kept until it is up, and after
    // that only its warnings and errors, counted.
    const read = (data: Buffer) => {
      const text = data.toString();
      if (up) {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) countProblem(line, problems);
        return;
      }
      output += text;
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

function countProblem(line: string, problems: LogProblems): void {
  // pino: 40 warn, 50 error, 60 fatal.
  if (!line.startsWith('{') || !/"level":[456]0/.test(line)) return;
  try {
    const entry = JSON.parse(line) as { msg?: unknown; err?: { message?: unknown } };
    const message = `${String(entry.msg)}${typeof entry.err?.message === 'string' ? `: ${entry.err.message}` : ''}`;
    problems.set(message, (problems.get(message) ?? 0) + 1);
  } catch {
    problems.set(line.slice(0, 200), (problems.get(line.slice(0, 200)) ?? 0) + 1);
  }
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
