// Chooses the WireGuard and firewall drivers (`--wireguard`, `--firewall`) and says why.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Logger } from 'pino';
import type { ClosedFirewallConfig, FirewallConfig, FirewallDriver, TunnelDriver } from '@kordon/core';
import { NftablesFirewall, selectTunnelDriver } from '@kordon/drivers';
import type { GatewayConfig } from './config/options.js';

/**
 * Enforcement switched off (`--firewall none`): every call succeeds and nothing is enforced; it still
 * keeps the set it was given, so what would be authorized can be read back.
 */
export class NoFirewall implements FirewallDriver {
  readonly kind = 'none';
  private readonly set = new Set<string>();
  install(config: FirewallConfig): Promise<void> {
    this.set.clear();
    for (const a of config.authorized) this.set.add(a);
    return Promise.resolve();
  }
  allow(addresses: string[]): Promise<void> {
    for (const a of addresses) this.set.add(a);
    return Promise.resolve();
  }
  revoke(addresses: string[]): Promise<void> {
    for (const a of addresses) this.set.delete(a);
    return Promise.resolve();
  }
  authorized(): Promise<string[]> {
    return Promise.resolve([...this.set]);
  }
  revokeAll(): Promise<void> {
    this.set.clear();
    return Promise.resolve();
  }
  remove(): Promise<void> {
    return Promise.resolve();
  }
  setExemptions(_exemptFrom: string[], _exemptTo: string[]): Promise<void> {
    return Promise.resolve();
  }
  installClosed(_config: ClosedFirewallConfig): Promise<void> {
    this.set.clear();
    return Promise.resolve();
  }
}

/** A driver the configuration needs cannot run: the gateway does not start. */
export class DriverUnavailableError extends Error {
  override readonly name = 'DriverUnavailableError';
}

function onPath(program: string, env: Record<string, string | undefined>): boolean {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

export interface SelectedDrivers {
  tunnel: TunnelDriver;
  firewall: FirewallDriver;
}

export function selectDrivers(
  config: GatewayConfig,
  logger: Logger,
  env: Record<string, string | undefined>,
  isRoot: boolean,
): SelectedDrivers {
  const log = (level: 'info' | 'warn' | 'error', message: string): void => {
    logger[level]({ component: 'wireguard' }, message);
  };
  let wireguard = config.wireguard;
  if (wireguard === 'auto' && !isRoot) {
    logger.warn(
      'WireGuard: not running as root, so no tunnels (--wireguard none); clients that need one are told so',
    );
    wireguard = 'none';
  }
  const tunnel = selectTunnelDriver(wireguard, { interfaceName: config.wgInterface, log });
  logger.info({ driver: tunnel.driver.kind }, `WireGuard: ${tunnel.reason}`);

  let firewall: FirewallDriver;
  if (config.firewall === 'nftables' || (config.firewall === 'auto' && isRoot && onPath('nft', env))) {
    firewall = new NftablesFirewall({ log: (message) => logger.warn({ component: 'nftables' }, message) });
    logger.info(
      { driver: 'nftables' },
      `firewall: nftables (${config.firewall === 'auto' ? 'auto: root and nft present' : 'chosen'})`,
    );
  } else {
    // DECISIONS 70: with client interfaces named, no enforcement must be chosen, never fallen into.
    if (config.clientInterfaces.length > 0 && config.firewall === 'auto') {
      throw new DriverUnavailableError(
        `--client-interfaces ${config.clientInterfaces.join(',')} needs the nftables firewall, which cannot run here (${
          isRoot ? 'nft is not installed: apt-get install nftables' : 'the gateway is not running as root'
        }); fix that, or choose --firewall none to run without enforcement`,
      );
    }
    firewall = new NoFirewall();
    logger.warn(
      { driver: 'none' },
      config.firewall === 'none'
        ? 'firewall: none (--firewall none): access is NOT enforced'
        : 'firewall: none (auto: needs root and nft): access is NOT enforced',
    );
  }
  return { tunnel: tunnel.driver, firewall };
}
