// `kordon` (the built CLI) against scripted gateways on loopback, and its daemon with hostile profiles:
// what a user sees and which exit code a script gets (DECISIONS 62, 63, 64, 73).
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { parseClientMessage } from '@kordon/protocol';
import { certificateFolder, type CertificateFolder, type TestCertificate } from './discovery/servers.js';
import { kordon, kordonBin } from './support/kordon.js';

// A user the system knows (its groups are read with `id -G`): Debian's nobody.
const user = 65534;
const stranger = 12346;

let certs: CertificateFolder;
let cert: TestCertificate;
let dir: string;

/** A gateway as a plain WebSocket server is: GET /connect without an upgrade gets 426. */
async function wsGateway(host: string, port: number, secondFactorMs?: number): Promise<Server> {
  const server = createServer({ key: cert.key, cert: cert.cert }, (_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('Upgrade Required');
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { type: string };
      if (msg.type === 'authorize' && secondFactorMs !== undefined) {
        // The vendor's second factor: confirmed in a browser, then the gateway says so.
        const welcome = {
          authorized: false,
          need_tunnel: false,
          timeout: 0,
          message: 'Confirm in your browser',
        };
        ws.send(JSON.stringify({ type: 'auth_state', ...welcome, welcome_url: 'https://127.0.0.1/2fa/k' }));
        setTimeout(() => {
          const done = { authorized: true, need_tunnel: false, timeout: 0, message: 'Welcome' };
          ws.send(JSON.stringify({ type: 'auth_state', ...done, welcome_url: '' }));
        }, secondFactorMs);
        return;
      }
      const reply =
        msg.type === 'version'
          ? { type: 'update', need_update: false, download_url: null }
          : msg.type === 'authorize'
            ? { type: 'auth_state', authorized: true, need_tunnel: false, timeout: 0, message: 'Welcome' }
            : msg.type === 'unauthorize'
              ? { type: 'auth_state', authorized: false, need_tunnel: false, timeout: 0, message: 'Bye' }
              : undefined;
      if (reply) ws.send(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}

beforeAll(() => {
  certs = certificateFolder();
  cert = certs.make('gateway', ['IP:127.0.0.1', 'IP:127.0.0.15']);
  dir = mkdtempSync(join(tmpdir(), 'kordon-cli-'));
  // The daemon's other users must be able to reach what the tests give them.
  chmodSync(dir, 0o755);
});

afterAll(() => {
  certs.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('kordon connect --foreground', () => {
  const foreground = (server: string, extra: string[]): string[] => [
    'connect',
    '--foreground',
    '--server',
    server,
    '--login',
    'alice',
    '--password-stdin',
    '--state-dir',
    join(dir, 'fg'),
    '--interface',
    'kt-fg0',
    ...extra,
  ];

  it('connects to a gateway whose plain GET on /connect answers 426 (DECISIONS 62)', async () => {
    const server = await wsGateway('127.0.0.1', 0);
    const port = (server.address() as AddressInfo).port;
    const child: ChildProcess = spawn(
      process.execPath,
      [kordonBin, ...foreground(`127.0.0.1:${port}`, ['--server-sha256', cert.fingerprint, '--json'])],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    child.stdin?.end('pw\n');
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    for (let i = 0; i < 200 && !stdout.includes('\n'); i++) await new Promise((r) => setTimeout(r, 25));
    expect(JSON.parse(stdout)).toMatchObject({ state: 'connected', server: '127.0.0.1', user: 'alice' });
    const code = new Promise((r) => child.on('close', r));
    child.kill('SIGTERM');
    expect(await code).toBe(0);
    server.close();
  });

  it('exits non-zero within 5 s, with both fingerprints, when the pin does not match', async () => {
    const server = await wsGateway('127.0.0.1', 0);
    const port = (server.address() as AddressInfo).port;
    const wrong = '00'.repeat(32);
    const r = await kordon(foreground(`127.0.0.1:${port}`, ['--server-sha256', wrong]), { stdin: 'pw\n' });
    server.close();
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(5000);
    expect(r.stderr).toContain(cert.fingerprint);
    expect(r.stderr).toContain('stopped:');
  });

  it('exits non-zero within 5 s at the sixth redirect', async () => {
    // Redirects go to port 14765 (DECISIONS 39): one server there sends every probe back to itself.
    const server = createServer({ key: cert.key, cert: cert.cert }, (_req, res) => {
      res.writeHead(302, { location: 'https://127.0.0.15/connect' }).end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new Error(`127.0.0.15:14765 is taken: ${e.message}`)));
      server.listen(14765, '127.0.0.15', resolve);
    });
    const r = await kordon(foreground('127.0.0.15', ['--server-sha256', cert.fingerprint]), {
      stdin: 'pw\n',
    });
    server.close();
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(5000);
    expect(r.stderr).toMatch(/more than 5 times/);
  });
});

describe('kordon daemon with profiles that point at hostile files (DECISIONS 73)', () => {
  let daemon: ChildProcess;
  let socket: string;
  let daemonOut = '';
  const files: Record<string, string> = {};

  beforeAll(async () => {
    socket = join(dir, 'daemon.sock');
    daemon = spawn(
      process.execPath,
      [kordonBin, 'daemon', '--state-dir', join(dir, 'state'), '--socket', socket, '--interface', 'kt-d0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    daemon.stdout?.on('data', (d: Buffer) => (daemonOut += d.toString()));
    for (let i = 0; i < 200 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 25));
    if (!existsSync(socket)) throw new Error('the daemon did not start');
    files['fifo'] = join(dir, 'ca.fifo');
    execFileSync('mkfifo', [files['fifo']]);
    files['symlink'] = join(dir, 'ca-link.pem');
    symlinkSync(cert.certFile, files['symlink']);
    files['big'] = join(dir, 'big.pem');
    writeFileSync(files['big'], Buffer.alloc(2 * 1024 * 1024, 'A'));
    files['theirs'] = join(dir, 'theirs.pem');
    writeFileSync(files['theirs'], cert.cert, { mode: 0o600 });
    chownSync(files['theirs'], stranger, stranger);
    files['mine'] = join(dir, 'mine.pem');
    writeFileSync(files['mine'], cert.cert, { mode: 0o600 });
    chownSync(files['mine'], user, user);
  });

  afterAll(async () => {
    const exited = new Promise((r) => daemon.on('close', r));
    daemon.kill('SIGTERM');
    await exited;
  });

  const as = { uid: user };
  const withSocket = (args: string[]): string[] => [...args, '--socket', socket];

  it.each([
    ['fifo', /not a regular file/],
    ['symlink', /symbolic link/],
    ['big', /larger than 1 MiB/],
    ['theirs', /cannot be read by/],
  ])('refuses a ca_file that is %s at once, with its reason, and stays responsive', async (kind, reason) => {
    const added = await kordon(
      withSocket([
        'profile',
        'add',
        kind,
        '--server',
        '127.0.0.1:1',
        '--login',
        'a',
        '--ca-file',
        files[kind] ?? '',
      ]),
      as,
    );
    expect(added.code, added.stderr).toBe(0);
    const r = await kordon(withSocket(['connect', kind, '--password-stdin', '--json']), {
      ...as,
      stdin: 'pw\n',
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.ms).toBeLessThan(3000);
    const status = JSON.parse(r.stdout) as { state: string; why: string; final: boolean };
    expect(status).toMatchObject({ state: 'stopped', final: true });
    expect(status.why).toMatch(reason);
    const after = await kordon(withSocket(['status']), as);
    expect(after.code).toBe(0);
    expect(after.ms).toBeLessThan(3000);
  });

  it("connects with the user's own readable ca_file, and holds a profile that failed for good", async () => {
    const server = await wsGateway('127.0.0.1', 0);
    const port = (server.address() as AddressInfo).port;
    await kordon(
      withSocket([
        'profile',
        'add',
        'ok',
        '--server',
        `127.0.0.1:${port}`,
        '--login',
        'a',
        '--ca-file',
        files['mine'] ?? '',
      ]),
      as,
    );
    const r = await kordon(withSocket(['connect', 'ok', '--password-stdin', '--json']), {
      ...as,
      stdin: 'pw\n',
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'connected', server: '127.0.0.1' });
    await kordon(withSocket(['disconnect']), as);
    server.close();
    // The FIFO profile failed for good: auto-connect leaves it alone, the user's own connect tries.
    const auto = await kordon(withSocket(['connect', 'fifo', '--auto', '--password-stdin']), {
      ...as,
      stdin: 'pw\n',
    });
    expect(auto.code).toBe(1);
    expect(auto.stderr).toContain('not connecting fifo automatically');
    const byHand = await kordon(withSocket(['connect', 'fifo', '--password-stdin']), {
      ...as,
      stdin: 'pw\n',
    });
    expect(byHand.code).toBe(1);
    expect(byHand.stdout).toMatch(/not a regular file/);
  });

  it('kordon connect shows the second factor URL and exits 0 once the gateway confirms the login', async () => {
    const server = await wsGateway('127.0.0.1', 0, 1500);
    const port = (server.address() as AddressInfo).port;
    const mine = files['mine'] ?? '';
    const add = ['profile', 'add', 'tfa', '--server', `127.0.0.1:${port}`, '--login', 'a', '--ca-file', mine];
    expect((await kordon(withSocket(add), as)).code).toBe(0);
    const r = await kordon(withSocket(['connect', 'tfa', '--password-stdin', '--json']), {
      ...as,
      stdin: 'pw\n',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('open https://127.0.0.1/2fa/k in a browser to finish logging in');
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'connected', profile: 'tfa' });
    await kordon(withSocket(['disconnect']), as);
    server.close();
  });

  it('kordon agent connects the auto-connect profile and logs it out when the session ends', async () => {
    const server = await wsGateway('127.0.0.1', 0);
    const port = (server.address() as AddressInfo).port;
    const mine = files['mine'] ?? '';
    const add = [
      'profile',
      'add',
      'auto',
      '--server',
      `127.0.0.1:${port}`,
      '--login',
      'a',
      '--ca-file',
      mine,
    ];
    expect((await kordon(withSocket([...add, '--save-password']), { ...as, stdin: 'pw\n' })).code).toBe(0);
    expect((await kordon(withSocket(['profile', 'set-auto', 'auto']), as)).code).toBe(0);
    const agent = spawn(process.execPath, [kordonBin, 'agent', '--socket', socket], {
      stdio: ['ignore', 'pipe', 'pipe'],
      uid: user,
      gid: user,
      env: { ...process.env, HOME: '/' },
    });
    let agentErr = '';
    agent.stderr.on('data', (d: Buffer) => (agentErr += d.toString()));
    const exited = new Promise<number | null>((r) => agent.on('close', r));
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 100 && status['state'] !== 'connected'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = JSON.parse((await kordon(withSocket(['status', '--json']), as)).stdout) as Record<
        string,
        unknown
      >;
    }
    expect(status).toMatchObject({ state: 'connected', profile: 'auto' });
    agent.kill('SIGTERM');
    expect(await exited, agentErr).toBe(0);
    expect(JSON.parse((await kordon(withSocket(['status', '--json']), as)).stdout), agentErr).toEqual({
      state: 'disconnected',
    });
    server.close();
  });

  it('kordon agent leaves alone a profile held after a failure that retrying cannot fix', async () => {
    const fifo = files['fifo'] ?? '';
    const add = ['profile', 'add', 'held', '--server', '127.0.0.1:1', '--login', 'a', '--ca-file', fifo];
    expect((await kordon(withSocket([...add, '--save-password']), { ...as, stdin: 'pw\n' })).code).toBe(0);
    expect((await kordon(withSocket(['profile', 'set-auto', 'held']), as)).code).toBe(0);
    expect((await kordon(withSocket(['connect', 'held']), as)).code).toBe(1);
    const agent = await kordon(withSocket(['agent']), as);
    expect(agent.code).toBe(1);
    expect(agent.stderr).toContain('not connecting held automatically');
  });

  it('logs JSON lines when its output is not a terminal, each state in words (DECISIONS 74)', () => {
    const lines = daemonOut
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines[0]?.msg).toBe(`listening on ${socket}`);
    expect(lines.some((l) => l.level === 40 && /^stopped: .*not a regular file/.test(l.msg))).toBe(true);
    expect(lines.some((l) => /^connected to 127\.0\.0\.1 as a /.test(l.msg))).toBe(true);
  });
});

describe('the client units', () => {
  it('are valid (systemd-analyze verify)', () => {
    const units = ['kordon-client.service', 'kordon-agent.service'].map((u) =>
      fileURLToPath(new URL(`../${u}`, import.meta.url)),
    );
    const result = spawnSync('systemd-analyze', ['verify', ...units], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr.trim()).toBe('');
  });

  it('include a valid XDG autostart entry that systemd sessions leave to the user unit', () => {
    const entry = fileURLToPath(new URL('../kordon-agent.desktop', import.meta.url));
    const result = spawnSync('desktop-file-validate', [entry], { encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('');
    expect(readFileSync(entry, 'utf8')).toMatch(/^Exec=\/usr\/local\/bin\/kordon agent$/m);
    expect(readFileSync(entry, 'utf8')).toMatch(/^X-systemd-skip=true$/m);
  });
});

describe('kordon posture check', () => {
  it('works without a daemon: the ztna message a full request would get, and says nothing was sent', async () => {
    const socket = join(tmpdir(), `kordon-no-daemon-${process.pid}.sock`);
    const json = await kordon(['posture', 'check', '--json', '--socket', socket]);
    expect(json.code, json.stderr).toBe(0);
    const parsed = parseClientMessage(json.stdout.trim());
    expect(parsed.ok, json.stdout).toBe(true);
    expect(JSON.parse(json.stdout)).toMatchObject({
      type: 'ztna',
      node_name: expect.any(String) as unknown,
      operation_system: { type: 'Linux' },
    });
    const words = await kordon(['posture', 'check', '--socket', socket]);
    expect(words.stdout).toContain('not connected: nothing was sent');
  });
});
