// The password prompt and the download progress bar, in a real terminal (tmux), against a real
// gateway process on loopback (no tunnel needed: 127.0.0.1 is a local network).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '@kordon/drivers';

const root = resolve(import.meta.dirname, '../../..');
const node = join(root, 'node_modules/.bin/node');
const gatewayBin = join(root, 'packages/gateway/bin/kordon-gateway.js');
const clientBin = join(root, 'packages/client/bin/kordon.js');
const dir = mkdtempSync(join(tmpdir(), 'kordon-term-'));
const data = join(dir, 'gw');
const session = `kordon-${randomBytes(3).toString('hex')}`;
let gateway: ChildProcess;
let port = 0;

function gw(args: string[], stdin = ''): Promise<unknown> {
  return runCommand(node, [gatewayBin, ...args, '--data-dir', data], { stdin });
}

async function tmux(args: string[]): Promise<string> {
  return (await runCommand('tmux', args)).stdout;
}

async function screen(): Promise<string> {
  return tmux(['capture-pane', '-p', '-t', session]);
}

async function waitFor(text: string | RegExp, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await screen();
    if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
    if (Date.now() > deadline) throw new Error(`"${String(text)}" did not appear; the screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function connectArgs(): string[] {
  return [
    node,
    clientBin,
    'connect',
    '--foreground',
    '--server',
    `127.0.0.1:${port}`,
    '--login',
    'alice',
    '--ca-file',
    join(data, 'tls', 'cert.pem'),
    '--state-dir',
    join(dir, 'client'),
  ];
}

beforeAll(async () => {
  await gw(['user', 'add', 'alice', '--password-stdin'], 'alice-password\n');
  gateway = spawn(node, [
    gatewayBin,
    'start',
    '--data-dir',
    data,
    '--listen',
    '127.0.0.1:0',
    '--admin-listen',
    '127.0.0.1:0',
    '--wireguard',
    'none',
    '--firewall',
    'none',
  ]);
  port = await new Promise<number>((done, fail) => {
    let out = '';
    gateway.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('gateway started'));
      if (line) done((JSON.parse(line) as { client: { port: number } }).client.port);
    });
    gateway.on('exit', () => fail(new Error(out)));
  });
  await tmux(['new-session', '-d', '-s', session, '-x', '160', '-y', '40', 'sh']);
  // Keep the pane (and its screen) when the program in it ends.
  await tmux(['set-option', '-t', session, 'remain-on-exit', 'on']);
});

afterAll(async () => {
  await tmux(['kill-session', '-t', session]).catch(() => undefined);
  gateway.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<void> {
  await tmux(['respawn-pane', '-k', '-t', session, ...argv]);
}

describe('kordon in a terminal', () => {
  it('asks for the password without echoing it, connects, and logs out on Ctrl-C', async () => {
    await run(connectArgs());
    await waitFor('Password:');
    await tmux(['send-keys', '-t', session, '-l', 'alice-password']);
    await tmux(['send-keys', '-t', session, 'Enter']);
    const s = await waitFor(`connected to 127.0.0.1 as alice (local network)`);
    expect(s).not.toContain('alice-password');
    await tmux(['send-keys', '-t', session, 'C-c']);
    await waitFor(/disconnected$/m);
  });

  it('asks again after a wrong password, saying why', async () => {
    await run(connectArgs());
    await waitFor('Password:');
    await tmux(['send-keys', '-t', session, '-l', 'nope']);
    await tmux(['send-keys', '-t', session, 'Enter']);
    await waitFor('Wrong login or password.');
    await waitFor(/Wrong login or password\.\nPassword:/);
    await tmux(['send-keys', '-t', session, '-l', 'alice-password']);
    await tmux(['send-keys', '-t', session, 'Enter']);
    await waitFor('connected to 127.0.0.1 as alice');
    await tmux(['send-keys', '-t', session, 'C-c']);
    await waitFor(/disconnected$/m);
  });

  it('downloads a required update with a progress bar, keeps it, and says where', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const installer = join(dir, 'kordon-9.9.9.deb');
    writeFileSync(installer, bytes);
    await gw(['installer', 'add', '--os', 'linux', '--version', '9.9.9', installer]);
    await run(connectArgs());
    const s = await waitFor('an update is required');
    expect(s).toMatch(/downloading the update \[#{30}\] 100% {2}3\.0 MiB \/ 3\.0 MiB/);
    const kept = join(
      dir,
      'client',
      'users',
      String(process.getuid?.() ?? 0),
      'downloads',
      'kordon-9.9.9.deb',
    );
    expect(s.replace(/\n/g, '')).toContain(kept);
    expect(readFileSync(kept).equals(bytes)).toBe(true);
  });
});
