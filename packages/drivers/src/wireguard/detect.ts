// Which WireGuard driver a gateway uses (`--wireguard auto|userspace|kernel|none`).
// `auto` picks wireguard-go on these machines, which have no kernel module (DECISIONS 36).
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TunnelDriver, TunnelPeer, TunnelPeerState } from '@kordon/core';
import type { WireGuardDriverOptions } from './link.js';
import { UserspaceWireGuard } from './userspace.js';
import { WgCliWireGuard } from './wg-cli.js';

export type TunnelDriverChoice = 'auto' | 'userspace' | 'kernel' | 'none';

export interface SelectTunnelDriverOptions extends WireGuardDriverOptions {
  /** Where the kernel module shows itself (default /sys/module/wireguard); tests change it. */
  kernelModulePath?: string;
  /** Finds a program on PATH; tests change it. */
  findProgram?: (name: string) => string | undefined;
}

export interface SelectedTunnelDriver {
  driver: TunnelDriver;
  /** Why this driver, for the start log. */
  reason: string;
}

export function selectTunnelDriver(
  choice: TunnelDriverChoice,
  options: SelectTunnelDriverOptions,
): SelectedTunnelDriver {
  const find = options.findProgram ?? findOnPath;
  const modulePath = options.kernelModulePath ?? '/sys/module/wireguard';
  const driverOptions: WireGuardDriverOptions = {
    interfaceName: options.interfaceName,
    ...(options.netns === undefined ? {} : { netns: options.netns }),
    ...(options.log === undefined ? {} : { log: options.log }),
  };
  const kernel = (): WgCliWireGuard => {
    if (find('wg') === undefined) {
      throw new Error('the kernel WireGuard driver needs `wg`: install the wireguard-tools package');
    }
    return new WgCliWireGuard(driverOptions);
  };
  const userspace = (): UserspaceWireGuard => {
    if (find('wireguard-go') === undefined) {
      throw new Error(
        'the userspace WireGuard driver needs `wireguard-go` on PATH: install the wireguard-go package',
      );
    }
    return new UserspaceWireGuard(driverOptions);
  };
  switch (choice) {
    case 'none':
      return {
        driver: new NoTunnelDriver(options.interfaceName),
        reason: 'no WireGuard driver (--wireguard none): tunnels are refused',
      };
    case 'kernel':
      return { driver: kernel(), reason: 'kernel WireGuard through wg (--wireguard kernel)' };
    case 'userspace':
      return { driver: userspace(), reason: 'wireguard-go (--wireguard userspace)' };
    case 'auto':
      if (existsSync(modulePath)) {
        return { driver: kernel(), reason: `kernel WireGuard through wg (auto: ${modulePath} exists)` };
      }
      if (find('wireguard-go') !== undefined) {
        return {
          driver: userspace(),
          reason: `wireguard-go (auto: no kernel module at ${modulePath}, wireguard-go is on PATH)`,
        };
      }
      throw new Error(
        `no WireGuard available: the kernel has no wireguard module (${modulePath}) and wireguard-go is not ` +
          'on PATH; install the wireguard-go package (and wireguard-tools), load the kernel module ' +
          '(modprobe wireguard), or start with --wireguard none',
      );
  }
}

const NO_DRIVER = 'this gateway runs without a WireGuard driver (--wireguard none)';

/** A gateway without tunnels: everything succeeds while there are no peers; adding one fails clearly. */
export class NoTunnelDriver implements TunnelDriver {
  readonly kind = 'none';

  constructor(readonly interfaceName = 'none') {}

  up(): Promise<void> {
    return Promise.resolve();
  }

  applyPeers(changes: { add: TunnelPeer[]; remove: string[] }): Promise<void> {
    return changes.add.length === 0 ? Promise.resolve() : Promise.reject(new Error(NO_DRIVER));
  }

  replacePeers(peers: TunnelPeer[]): Promise<void> {
    return peers.length === 0 ? Promise.resolve() : Promise.reject(new Error(NO_DRIVER));
  }

  peers(): Promise<TunnelPeerState[]> {
    return Promise.resolve([]);
  }

  down(): Promise<void> {
    return Promise.resolve();
  }
}

/** The absolute path of an executable on PATH, or undefined. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}
