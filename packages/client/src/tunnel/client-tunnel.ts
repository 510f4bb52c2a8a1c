// The client's WireGuard tunnel: interface, address, peer, routes and DNS, all taken down again on
// disconnect, and after a crash at the next start (a small state file records what was added).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, findOnPath, selectTunnelDriver } from '@kordon/drivers';
import type { TunnelDriver } from '@kordon/core';
import type { TunnelWgReply } from '@kordon/protocol';
import { allowedIps, tunnelRoutes } from './routes.js';

type TunnelLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface ClientTunnelOptions {
  interfaceName: string;
  stateDir: string;
  log: TunnelLog;
}

export interface TunnelInfo {
  interfaceName: string;
  address: string;
  routes: string[];
  /** How DNS was set: "systemd-resolved", or why not. */
  dns: string;
}

interface Leftovers {
  interfaceName: string;
  hostRoute: string | null;
  dns: boolean;
}

async function ip(args: string[]): Promise<string> {
  return (await runCommand('ip', args)).stdout;
}

export class ClientTunnel {
  private wg: TunnelDriver | undefined;
  private leftovers: Leftovers | undefined;

  constructor(private readonly o: ClientTunnelOptions) {}

  private get stateFile(): string {
    return join(this.o.stateDir, 'tunnel.json');
  }

  /** Brings the tunnel up from the gateway's `tunnel_wg`; `endpointHost` is the gateway connected to (DECISIONS 39). */
  async up(reply: TunnelWgReply, endpointHost: string, privateKey: string): Promise<TunnelInfo> {
    await this.down();
    const name = this.o.interfaceName;
    // Kernel WireGuard where its module is loaded, else wireguard-go (DECISIONS 36).
    const { driver: wg, reason } = selectTunnelDriver('auto', { interfaceName: name, log: this.o.log });
    this.o.log('info', `tunnel: ${reason}`);
    this.wg = wg;
    this.leftovers = { interfaceName: name, hostRoute: null, dns: false };
    this.save();
    await wg.up({ privateKey, listenPort: 0, address: reply.client_tunnel_ipv4 });
    const endpoint = endpointHost.includes(':')
      ? `[${endpointHost}]:${reply.server_port}`
      : `${endpointHost}:${reply.server_port}`;
    await wg.applyPeers({
      add: [
        {
          publicKey: reply.public_key,
          allowedIps: allowedIps(reply.forward_nets, reply.user_tunnel_ipv4_network),
          endpoint,
          persistentKeepalive: 25,
        },
      ],
      remove: [],
    });
    const routes = tunnelRoutes(reply.forward_nets, reply.user_tunnel_ipv4_network);
    // The endpoint keeps its way outside the tunnel, even when a routed network covers it.
    this.leftovers.hostRoute = await this.pinEndpointRoute(endpointHost);
    this.save();
    for (const net of routes.ipv4) await ip(['route', 'replace', net, 'dev', name]);
    for (const net of routes.ipv6) {
      await ip(['-6', 'route', 'replace', net, 'dev', name]).catch((e: unknown) => {
        // With IPv6 off on this host nothing can leak around the tunnel either.
        this.o.log('warn', `IPv6 route ${net} into the tunnel not added: ${(e as Error).message}`);
      });
    }
    const dns = await this.setDns(reply.dns_ipv4, reply.dns_suffix, routes.fullTunnel);
    return {
      interfaceName: name,
      address: reply.client_tunnel_ipv4,
      routes: [...routes.ipv4, ...routes.ipv6],
      dns,
    };
  }

  /** Takes down everything `up` added (routes go with the interface). Safe to call twice. */
  async down(): Promise<void> {
    const left = this.leftovers ?? this.load();
    if (!left) return;
    if (left.dns) await runCommand('resolvectl', ['revert', left.interfaceName]).catch(() => undefined);
    if (left.hostRoute) await ip(['route', 'del', left.hostRoute]).catch(() => undefined);
    if (this.wg) await this.wg.down().catch(() => undefined);
    await ip(['link', 'del', left.interfaceName]).catch(() => undefined);
    this.wg = undefined;
    this.leftovers = undefined;
    rmSync(this.stateFile, { force: true });
  }

  /** At start: removes what a crashed run left behind. */
  async recover(): Promise<boolean> {
    if (!existsSync(this.stateFile)) return false;
    this.o.log('warn', 'removing the tunnel a previous run left behind');
    await this.down();
    return true;
  }

  private async pinEndpointRoute(host: string): Promise<string | null> {
    if (host.includes(':')) return null;
    const out = await ip(['-j', 'route', 'get', host]).catch(() => '[]');
    const [route] = JSON.parse(out) as { gateway?: string; dev?: string }[];
    if (!route?.dev) return null;
    const spec = `${host}/32`;
    await ip(['route', 'replace', spec, ...(route.gateway ? ['via', route.gateway] : []), 'dev', route.dev]);
    return spec;
  }

  private async setDns(server: string, suffix: string, allNames: boolean): Promise<string> {
    if (!findOnPath('resolvectl') || !existsSync('/run/systemd/resolve')) {
      return 'not set: systemd-resolved is not running';
    }
    const name = this.o.interfaceName;
    try {
      await runCommand('resolvectl', ['dns', name, server]);
      const domains = [...(suffix ? [suffix] : []), ...(allNames ? ['~.'] : [])];
      if (domains.length > 0) await runCommand('resolvectl', ['domain', name, ...domains]);
      if (this.leftovers) this.leftovers.dns = true;
      this.save();
      return 'systemd-resolved';
    } catch (e) {
      this.o.log('warn', `DNS not set: ${(e as Error).message}`);
      return `not set: ${(e as Error).message}`;
    }
  }

  private save(): void {
    mkdirSync(this.o.stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(this.stateFile, JSON.stringify(this.leftovers), { mode: 0o600 });
  }

  private load(): Leftovers | undefined {
    try {
      return JSON.parse(readFileSync(this.stateFile, 'utf8')) as Leftovers;
    } catch {
      return undefined;
    }
  }
}
