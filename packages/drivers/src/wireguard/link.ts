// The WireGuard interface as `ip` sees it, and what both drivers share: name checks, logging, netns.
import type { TunnelInterfaceConfig } from '@kordon/core';
import type { Netns } from '../netns.js';
import { CommandError, runCommand, type RunOptions, type RunResult } from '../process.js';
import { isValidKey } from './keys.js';
import { isCidr } from './uapi.js';

export type WireGuardLogLevel = 'info' | 'warn' | 'error';
export type WireGuardLog = (level: WireGuardLogLevel, message: string) => void;

export interface WireGuardDriverOptions {
  /** At most 15 characters; unique on the machine (the control sockets are shared: DECISIONS 57). */
  interfaceName: string;
  /** Runs everything inside this network namespace (tests). */
  netns?: Netns;
  log?: WireGuardLog;
}

/** Linux interface names: 1 to 15 characters; we allow the conservative set that needs no quoting anywhere. */
export function checkInterfaceName(name: string): string {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name) || name === '.' || name === '..') {
    throw new TypeError(
      `invalid WireGuard interface name ${JSON.stringify(name)}: 1 to 15 characters of A-Z a-z 0-9 _ . -`,
    );
  }
  return name;
}

/** Checks the interface config without ever putting the private key in a message. */
export function checkTunnelConfig(config: TunnelInterfaceConfig): void {
  if (!isValidKey(config.privateKey)) {
    throw new TypeError('the WireGuard private key must be 32 bytes in standard base64');
  }
  if (!Number.isInteger(config.listenPort) || config.listenPort < 0 || config.listenPort > 65535) {
    throw new TypeError(`invalid WireGuard listen port: ${config.listenPort}`);
  }
  if (!isCidr(config.address)) {
    throw new TypeError(`invalid tunnel address (ADDRESS/PREFIX needed): ${JSON.stringify(config.address)}`);
  }
}

/** Runs a program in the namespace when there is one, else here. */
export function runIn(
  netns: Netns | undefined,
  command: string,
  args: readonly string[],
  options?: RunOptions,
): Promise<RunResult> {
  return netns === undefined ? runCommand(command, args, options) : netns.run(command, args, options);
}

export async function linkExists(netns: Netns | undefined, name: string): Promise<boolean> {
  try {
    await runIn(netns, 'ip', ['link', 'show', 'dev', name]);
    return true;
  } catch (e) {
    if (e instanceof CommandError && e.exitCode !== null) return false;
    throw e;
  }
}

/** Gives the interface its address and brings it up; both commands are idempotent. */
export async function assignAddressAndUp(
  netns: Netns | undefined,
  name: string,
  address: string,
): Promise<void> {
  await runIn(netns, 'ip', ['addr', 'replace', address, 'dev', name]);
  await runIn(netns, 'ip', ['link', 'set', name, 'up']);
}

export async function deleteLinkIfPresent(netns: Netns | undefined, name: string): Promise<void> {
  if (await linkExists(netns, name)) {
    await runIn(netns, 'ip', ['link', 'del', 'dev', name]).catch((e: unknown) => {
      // It may have gone between the check and the delete (wireguard-go removes its own).
      if (!(e instanceof CommandError) || e.exitCode === null) throw e;
    });
  }
}
