// The end-to-end network: namespaces for the gateway, a LAN client, a WAN client and an "internet"
// host, linked by veth pairs in 198.18.0.0/15, plus helpers to run the real gateway and plain
// WireGuard clients (wireguard-go driven by `wg` and `ip`) inside them.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Netns, link, runCommand } from '@kordon/drivers';
import { node24, repoRoot } from './agent-client.js';

export const gatewayBin = join(repoRoot, 'packages/gateway/bin/kordon-gateway.js');
export const clientBin = join(repoRoot, 'packages/client/bin/kordon.js');

export interface Network {
  id: string;
  gw: Netns;
  lan: Netns;
  wan: Netns;
  inet: Netns;
  remove(): Promise<void>;
}

/** gateway: lan0 198.18.1.1, wan0 198.18.2.1, inet0 198.18.3.1; lan 198.18.1.2; wan 198.18.2.2; internet 198.18.3.2. */
export async function createNetwork(): Promise<Network> {
  const id = randomBytes(2).toString('hex');
  const [gw, lan, wan, inet] = (await Promise.all(
    ['gw', 'lan', 'wan', 'inet'].map((n) => Netns.create(`k${id}${n}`)),
  )) as [Netns, Netns, Netns, Netns];
  await link(gw, 'lan0', '198.18.1.1/24', lan, 'eth0', '198.18.1.2/24');
  await link(gw, 'wan0', '198.18.2.1/24', wan, 'eth0', '198.18.2.2/24');
  await link(gw, 'inet0', '198.18.3.1/24', inet, 'eth0', '198.18.3.2/24');
  await gw.run('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
  await lan.run('ip', ['route', 'add', 'default', 'via', '198.18.1.1']);
  // The WAN host may try the internet through the gateway: enforcement on wan0 must stop it.
  await wan.run('ip', ['route', 'add', '198.18.3.0/24', 'via', '198.18.2.1']);
  // LAN clients are not masqueraded: the internet host routes back to them.
  await inet.run('ip', ['route', 'add', '198.18.1.0/24', 'via', '198.18.3.1']);
  return {
    id,
    gw,
    lan,
    wan,
    inet,
    async remove() {
      await Promise.all([gw, lan, wan, inet].map((ns) => ns.remove()));
    },
  };
}

/** Whether `ns` gets an answer to one ping of `host` within a second. */
export async function pings(ns: Netns, host: string): Promise<boolean> {
  try {
    await ns.run('ping', ['-c', '1', '-W', '1', host]);
    return true;
  } catch {
    return false;
  }
}

export function cli(args: string[], stdin = ''): Promise<string> {
  return runCommand(node24, [gatewayBin, ...args], { stdin }).then((r) => r.stdout);
}

export interface GatewayProcess {
  child: ChildProcess;
  output: () => string;
}

/** Starts `kordon-gateway start` in the gateway namespace and waits for its "gateway started" line. */
export async function startGateway(
  ns: Netns,
  args: string[],
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const child = spawn('ip', ['netns', 'exec', ns.name, node24, gatewayBin, 'start', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes('"gateway started')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`the gateway exited with ${code}:\n${out}`));
    });
  });
  return { child, output: () => out };
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** A WireGuard client made with the real tools: wireguard-go, `wg` and `ip`. */
export class PlainWireGuardClient {
  readonly publicKey: string;
  private child: ChildProcess | undefined;

  private constructor(
    readonly ns: Netns,
    readonly ifname: string,
    private readonly privateKey: string,
    publicKey: string,
  ) {
    this.publicKey = publicKey;
  }

  static async create(ns: Netns, ifname: string): Promise<PlainWireGuardClient> {
    const privateKey = (await runCommand('wg', ['genkey'])).stdout.trim();
    const publicKey = (await runCommand('wg', ['pubkey'], { stdin: `${privateKey}\n` })).stdout.trim();
    return new PlainWireGuardClient(ns, ifname, privateKey, publicKey);
  }

  /** Brings the interface up with the gateway's `tunnel_wg` answer; `endpoint` is the gateway's address. */
  async up(reply: Record<string, unknown>, endpoint: string, routes: string[]): Promise<void> {
    if (!this.child) {
      this.child = spawn('ip', ['netns', 'exec', this.ns.name, 'wireguard-go', '-f', this.ifname], {
        stdio: 'ignore',
      });
      const sock = `/var/run/wireguard/${this.ifname}.sock`;
      for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      // `wg` reads the key from a file: Node's child stdin is a socket, which /dev/stdin cannot open.
      const keyDir = mkdtempSync(join(tmpdir(), 'kordon-wgkey-'));
      const keyFile = join(keyDir, 'key');
      writeFileSync(keyFile, `${this.privateKey}\n`, { mode: 0o600 });
      try {
        await this.ns.run('wg', ['set', this.ifname, 'private-key', keyFile]);
      } finally {
        rmSync(keyDir, { recursive: true, force: true });
      }
    } else {
      // A new tunnel: drop the old peer so the next packet starts a fresh handshake, as a client does.
      const peers = await this.ns.run('wg', ['show', this.ifname, 'peers']);
      for (const peer of peers.stdout.split('\n').filter((p) => p !== '')) {
        await this.ns.run('wg', ['set', this.ifname, 'peer', peer, 'remove']);
      }
    }
    await this.ns.run('ip', ['addr', 'replace', String(reply['client_tunnel_ipv4']), 'dev', this.ifname]);
    await this.ns.run('ip', ['link', 'set', this.ifname, 'up']);
    await this.ns.run('wg', [
      'set',
      this.ifname,
      'peer',
      String(reply['public_key']),
      'endpoint',
      `${endpoint}:${String(reply['server_port'])}`,
      'allowed-ips',
      '0.0.0.0/0',
      'persistent-keepalive',
      '1',
    ]);
    for (const route of [String(reply['user_tunnel_ipv4_network']), ...routes]) {
      await this.ns.run('ip', ['route', 'replace', route, 'dev', this.ifname]);
    }
  }

  async down(): Promise<void> {
    await this.ns.run('ip', ['link', 'del', this.ifname]).catch(() => undefined);
    this.child?.kill();
    this.child = undefined;
  }
}

export function makeDataDir(): { dir: string; ca: () => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-e2e-'));
  return {
    dir,
    ca: () => readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
