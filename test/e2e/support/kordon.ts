// The real `kordon` client inside a test namespace: its daemon, its CLI, and the gateway arguments the
// client suites share (a LAN and a WAN side enforced, nftables, wireguard-go).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Netns } from '@kordon/drivers';
import { node24 } from './agent-client.js';
import { clientBin, type Network } from './hosts.js';

/** A client machine: its namespace, the daemon's socket, tunnel interface and state folder. */
export interface KordonHost {
  ns: Netns;
  socket: string;
  iface: string;
  stateDir: string;
}

export interface KordonRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `kordon <args>` in the host's namespace, talking to its daemon. */
export function kordonIn(host: KordonHost, args: string[], stdin = ''): Promise<KordonRun> {
  return new Promise((resolve) => {
    const child = spawn('ip', [
      'netns',
      'exec',
      host.ns.name,
      node24,
      clientBin,
      ...args,
      '--socket',
      host.socket,
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/**
 * The daemon of `host`, started and waited for. Never the machine's own /etc/kordon: each test daemon
 * has its own Device VPN file (DECISIONS 77).
 */
export async function startKordonDaemon(host: KordonHost, deviceVpnConfig: string): Promise<ChildProcess> {
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      host.ns.name,
      node24,
      clientBin,
      'daemon',
      '--state-dir',
      host.stateDir,
      '--socket',
      host.socket,
      '--interface',
      host.iface,
      '--devicevpn-config-path',
      deviceVpnConfig,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  for (let i = 0; i < 100 && !existsSync(host.socket); i++) await new Promise((r) => setTimeout(r, 50));
  if (!existsSync(host.socket)) throw new Error('the kordon daemon did not start');
  return child;
}

/** The gateway of the client suites: the LAN is local, LAN and WAN enforced, real WireGuard and nftables. */
export function clientSuiteGatewayArgs(net: Network, dataDir: string): string[] {
  return [
    '--data-dir',
    dataDir,
    '--listen',
    '0.0.0.0:14765',
    '--local-networks',
    '198.18.1.0/24',
    '--client-interfaces',
    'lan0,wan0',
    '--wg-interface',
    `k${net.id}gw0`,
    '--wireguard',
    'userspace',
    '--firewall',
    'nftables',
  ];
}
