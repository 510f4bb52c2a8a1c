// The built gateway (packages/gateway/dist) as S2, S3 and S7 need it: a data directory that survives
// its process (S2 kills it with SIGKILL and starts it again on the same directory and port), accounts of
// two kinds written straight into its store, extra start options (drivers, networks, grace), its own
// process group (so a SIGKILL reaches every worker: DECISIONS 71), and the times its log gives.
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

const password = 'bench password';

/**
 * Accounts `<prefix>0`, `<prefix>1`, ... with one password hash: `standard` is the gateway's own
 * (argon2id, 19 MiB, two passes), what a real login costs; `light` is a valid argon2id hash with the
 * least memory and one pass, which the gateway verifies by the parameters the hash carries, so that
 * thousands of standing sessions are set up in seconds rather than minutes.
 */
export interface AccountSet {
  prefix: string;
  count: number;
  hash: 'standard' | 'light';
}

async function passwordHash(kind: AccountSet['hash']): Promise<string> {
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

export class StormGateway {
  readonly dir: string;
  readonly url: string;
  /** The gateway's certificate (PEM), once it has started the first time. */
  ca = '';
  /** The command line after the program: the same at every start. */
  readonly args: string[];
  private readonly port: number;
  private readonly adminPort: number;
  private readonly secret: string;
  private readonly accounts: readonly AccountSet[];
  private child: ChildProcess | undefined;
  private starts = 0;
  private readonly problemCounts = new Map<string, number>();

  private constructor(options: {
    dir: string;
    secret: string;
    accounts: readonly AccountSet[];
    args: string[];
  }) {
    this.dir = options.dir;
    this.secret = options.secret;
    this.accounts = options.accounts;
    this.port = 20_000 + Math.floor(Math.random() * 10_000);
    this.adminPort = this.port + 1;
    this.url = `wss://127.0.0.1:${this.port}/connect`;
    this.args = [
      join(repoRoot, 'packages/gateway/dist/cli/main.js'),
      'start',
      ...['--data-dir', this.dir, '--listen', `127.0.0.1:${this.port}`],
      ...['--admin-listen', `127.0.0.1:${this.adminPort}`, '--log-format', 'json'],
      ...options.args,
    ];
  }

  /**
   * A data directory with the accounts, an API token for /metrics and, with `allowVpn`, a VPN-access
   * rule that lets every account in from outside (external clients then need a tunnel). `args`: more
   * options for `start` (`--workers`, drivers, `--local-networks`, `--reconnect-grace`, ...).
   */
  static async create(options: {
    accounts: readonly AccountSet[];
    args: string[];
    allowVpn?: boolean;
  }): Promise<StormGateway> {
    const dir = mkdtempSync(join(tmpdir(), 'kordon-bench-gw-'));
    const store = await openSqliteStore({ file: join(dir, 'kordon.db') });
    const secret = randomBytes(32).toString('base64url');
    try {
      const now = new Date();
      for (const set of options.accounts) {
        const hash = await passwordHash(set.hash);
        for (let i = 0; i < set.count; i += 1) {
          await store.users.create({
            id: randomUUID(),
            name: `${set.prefix}${i}`,
            passwordHash: hash,
            disabled: false,
            createdAt: now,
          });
        }
      }
      if (options.allowVpn === true) {
        await store.vpnRules.create({
          id: randomUUID(),
          position: 0,
          action: 'allow',
          users: ['*'],
          groups: [],
          createdAt: now,
        });
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
    return new StormGateway({ dir, secret, accounts: options.accounts, args: options.args });
  }

  /** The logins of one account set, each `perAccount` times in a row (DECISIONS 2: at most 5). */
  logins(prefix: string, perAccount = 1): Login[] {
    const set = this.accounts.find((s) => s.prefix === prefix);
    if (set === undefined) throw new Error(`no account set "${prefix}"`);
    return Array.from({ length: set.count * perAccount }, (_, i) => ({
      login: `${prefix}${Math.floor(i / perAccount)}`,
      password,
    }));
  }

  /** The owner's pid (its workers are its children). */
  get pid(): number {
    if (this.child?.pid === undefined) throw new Error('the gateway is not running');
    return this.child.pid;
  }

  /** Starts the gateway; resolves with the time (epoch ms) its log says it started: listening. */
  async start(): Promise<number> {
    // A process group of its own: one SIGKILL to the group reaches the owner and every worker.
    const child = spawn(process.execPath, this.args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    this.starts += 1;
    const startedAt = await this.read(child);
    this.ca = readFileSync(join(this.dir, 'tls', 'cert.pem'), 'utf8');
    return startedAt;
  }

  /** SIGKILL to the whole process group, as a crash or the OOM killer would; resolves once it exited. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-this.pid, 'SIGKILL');
    await exited;
  }

  /** GET /metrics with the API token. */
  metrics(): Promise<string> {
    return get(`https://127.0.0.1:${this.adminPort}/metrics`, this.ca, this.secret);
  }

  /** Warnings and errors logged since the first start was up, by message, with how often. */
  problems(): Map<string, number> {
    return new Map(this.problemCounts);
  }

  /** A graceful stop (SIGTERM: DECISIONS 3, 52), then the data directory goes. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Reads the log to its end (a full pipe would stop the gateway); resolves at "gateway started". */
  private read(child: ChildProcess): Promise<number> {
    let output = '';
    let partial = '';
    let up = false;
    return new Promise((resolve, reject) => {
      const onData = (data: Buffer) => {
        const lines = (partial + data.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (!up) output += `${line}\n`;
          const entry = parseLine(line);
          if (entry === undefined) continue;
          if (!up && entry.msg.startsWith('gateway started')) {
            up = true;
            resolve(entry.time);
          }
          // pino: 40 warn, 50 error, 60 fatal. The first start's own warnings (no firewall, the first
          // administrator) are the set-up's; a restart's are part of what is measured.
          if (entry.level >= 40 && (up || this.starts > 1)) {
            this.problemCounts.set(entry.text, (this.problemCounts.get(entry.text) ?? 0) + 1);
          }
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => {
        if (!up) reject(new Error(`the gateway exited with ${code ?? signal}:\n${output.slice(-3000)}`));
      });
    });
  }
}

function parseLine(line: string): { msg: string; time: number; level: number; text: string } | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry = JSON.parse(line) as {
      msg?: unknown;
      time?: unknown;
      level?: unknown;
      err?: { message?: unknown };
    };
    const msg = String(entry.msg);
    const err = typeof entry.err?.message === 'string' ? `: ${entry.err.message}` : '';
    return {
      msg,
      time: typeof entry.time === 'number' ? entry.time : Date.now(),
      level: typeof entry.level === 'number' ? entry.level : 30,
      text: `${msg}${err}`.slice(0, 300),
    };
  } catch {
    return undefined;
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
