// The client's WireGuard tunnel: interface, address, peer, routes and DNS, all taken down again on
// disconnect, and after a crash at the next start (a small state file records what was added).
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, findOnPath, selectTunnelDriver } from '@kordon/drivers';
import type { TunnelDriver } from '@kordon/core';
import type { TunnelWgReply } from '@kordon/protocol';
import { writeFileAtomic } from '../config/atomic-write.js';
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
    for (const net of routes.ignored)
      this.o.log('warn', `the gateway routes ${net}, which is not a network: left out`);
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
    rmSync(this.stateFile, { force: true, recursive: true });
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

  // Whole or not at all (temporary file, flush, rename): a crash mid-write must not leave a record
  // that the next start cannot read, and so an interface nobody removes.
  private save(): void {
    mkdirSync(this.o.stateDir, { recursive: true, mode: 0o700 });
    writeFileAtomic(this.stateFile, JSON.stringify(this.leftovers), 0o600);
  }

  /** What a previous run left; no file is nothing to clean, a bad one is the configured interface. */
  private load(): Leftovers | undefined {
    let text: string;
    try {
      text = readFileSync(this.stateFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return this.assumeLeftovers(`cannot be read (${(e as Error).message})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.assumeLeftovers('is not JSON');
    }
    const left = parsed as Partial<Record<keyof Leftovers, unknown>> | null;
    if (
      typeof left !== 'object' ||
      left === null ||
      typeof left.interfaceName !== 'string' ||
      // The kernel's rule for a link name (at most 15, no "/", ":" or spaces), and no leading "-" for ip.
      !/^[^\s/:-][^\s/:]{0,14}$/.test(left.interfaceName) ||
      (left.hostRoute !== null && typeof left.hostRoute !== 'string') ||
      typeof left.dns !== 'boolean'
    ) {
      return this.assumeLeftovers('is not a tunnel record');
    }
    return { interfaceName: left.interfaceName, hostRoute: left.hostRoute, dns: left.dns };
  }

  // Not knowing what was added is not "nothing": remove what this daemon would have added by name
  // (the host route is unknown; it goes when its gateway's address is routed again).
  private assumeLeftovers(why: string): Leftovers {
    this.o.log(
      'warn',
      `the tunnel record ${this.stateFile} ${why}; removing the interface ${this.o.interfaceName} in case a previous run left it`,
    );
    return { interfaceName: this.o.interfaceName, hostRoute: null, dns: true };
  }
}
