// The WireGuard interface driven by `wg` (wireguard-tools): the kernel module's driver. `wg` also speaks
// wireguard-go's control socket, which is how it is tested here (DECISIONS 36): these machines have no
// kernel WireGuard, so creating a kernel interface (`ip link add IF type wireguard`) is untested here.
import type { TunnelDriver, TunnelInterfaceConfig, TunnelPeer, TunnelPeerState } from '@kordon/core';
import type { Netns } from '../netns.js';
import { CommandError, type RunResult } from '../process.js';
import { isValidKey } from './keys.js';
import {
  assignAddressAndUp,
  checkInterfaceName,
  checkTunnelConfig,
  deleteLinkIfPresent,
  linkExists,
  runIn,
  type WireGuardDriverOptions,
} from './link.js';
import { withSecretPipe } from './secret-pipe.js';
import { isCidr } from './uapi.js';

export interface WgCliWireGuardOptions extends WireGuardDriverOptions {
  /**
   * The interface is made by someone else beforehand (in tests: a wireguard-go) and must exist;
   * `up()` never creates it and `down()` only removes its peers. Without it, this driver owns the
   * interface: it creates a kernel one when missing and deletes it in `down()`.
   */
  adoptExisting?: boolean;
  /** The wg program (default "wg" on PATH). */
  wg?: string;
  /** Largest argv of one `wg set` (default 100 kB, well under the kernel's limits). */
  maxArgvBytes?: number;
}

export class WgCliWireGuard implements TunnelDriver {
  readonly kind = 'kernel';
  readonly interfaceName: string;
  private readonly netns: Netns | undefined;
  private readonly adoptExisting: boolean;
  private readonly program: string;
  private readonly maxArgvBytes: number;
  /** Kept for `wg syncconf`, whose configuration names the private key; never logged. */
  private config: TunnelInterfaceConfig | undefined;

  constructor(options: WgCliWireGuardOptions) {
    this.interfaceName = checkInterfaceName(options.interfaceName);
    this.netns = options.netns;
    this.adoptExisting = options.adoptExisting ?? false;
    this.program = options.wg ?? 'wg';
    this.maxArgvBytes = options.maxArgvBytes ?? 100_000;
  }

  async up(config: TunnelInterfaceConfig): Promise<void> {
    checkTunnelConfig(config);
    const name = this.interfaceName;
    if (!(await linkExists(this.netns, name))) {
      if (this.adoptExisting) {
        throw new Error(`interface ${name} does not exist (adoptExisting: it must be made beforehand)`);
      }
      try {
        await runIn(this.netns, 'ip', ['link', 'add', 'dev', name, 'type', 'wireguard']);
      } catch (e) {
        const detail = e instanceof Error ? e.message : String(e);
        throw new Error(
          `cannot create the kernel WireGuard interface ${name} (is the wireguard module available? ` +
            `else use the userspace driver, wireguard-go): ${detail}`,
          { cause: e },
        );
      }
    }
    // The key goes through a named pipe: never argv, never disk (secret-pipe.ts says why not /dev/stdin).
    await withSecretPipe(`${config.privateKey}\n`, (path) =>
      this.wg(
        ['set', name, 'private-key', path, 'listen-port', String(config.listenPort)],
        config.privateKey,
      ),
    );
    await assignAddressAndUp(this.netns, name, config.address);
    this.config = { ...config };
  }

  /** One `wg set` (several when its argv would pass `maxArgvBytes`; then not atomic as a whole). */
  async applyPeers(changes: { add: TunnelPeer[]; remove: string[] }): Promise<void> {
    for (const argv of buildWgSetArgs(this.interfaceName, changes, this.maxArgvBytes)) await this.wg(argv);
  }

  /** `wg syncconf` with a configuration built in memory: peers that stay keep their sessions. */
  async replacePeers(peers: TunnelPeer[]): Promise<void> {
    const config = this.config;
    if (config === undefined) {
      throw new Error(
        `replacePeers on ${this.interfaceName} needs up() first (syncconf names the private key)`,
      );
    }
    await withSecretPipe(buildWgConfig(config, peers), (path) =>
      this.wg(['syncconf', this.interfaceName, path], config.privateKey),
    );
  }

  async peers(): Promise<TunnelPeerState[]> {
    const { stdout } = await this.wg(['show', this.interfaceName, 'dump']);
    return parseWgDump(stdout);
  }

  async down(): Promise<void> {
    if (this.adoptExisting) {
      if (await linkExists(this.netns, this.interfaceName)) {
        const remove = (await this.peers()).map((p) => p.publicKey);
        await this.applyPeers({ add: [], remove });
      }
    } else {
      await deleteLinkIfPresent(this.netns, this.interfaceName);
    }
    this.config = undefined;
  }

  private async wg(args: string[], secret?: string): Promise<RunResult> {
    try {
      return await runIn(this.netns, this.program, args);
    } catch (e) {
      // wg quotes a line it cannot parse; make sure no key can reach a log through that.
      if (secret !== undefined && e instanceof CommandError) {
        throw new CommandError(e.command, e.exitCode, e.stderr.split(secret).join('[redacted]'), e.cause);
      }
      throw e;
    }
  }
}

/** The argv lists (without the program) of `wg set` for these changes, removals first (pure). */
export function buildWgSetArgs(
  interfaceName: string,
  changes: { add: readonly TunnelPeer[]; remove: readonly string[] },
  maxArgvBytes: number,
): string[][] {
  const groups: string[][] = [];
  for (const key of changes.remove) groups.push(['peer', checkKey(key), 'remove']);
  for (const peer of changes.add) {
    for (const cidr of peer.allowedIps) {
      if (!isCidr(cidr))
        throw new TypeError(`invalid allowed IP (a CIDR is needed): ${JSON.stringify(cidr)}`);
    }
    groups.push([
      'peer',
      checkKey(peer.publicKey),
      ...(peer.endpoint === undefined ? [] : ['endpoint', peer.endpoint]),
      ...(peer.persistentKeepalive === undefined
        ? []
        : ['persistent-keepalive', String(peer.persistentKeepalive)]),
      'allowed-ips',
      peer.allowedIps.join(','),
    ]);
  }
  const head = ['set', interfaceName];
  const size = (args: readonly string[]): number => args.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
  const result: string[][] = [];
  let current = [...head];
  let currentSize = size(current);
  for (const group of groups) {
    const groupSize = size(group);
    if (current.length > head.length && currentSize + groupSize > maxArgvBytes) {
      result.push(current);
      current = [...head];
      currentSize = size(current);
    }
    current.push(...group);
    currentSize += groupSize;
  }
  if (current.length > head.length) result.push(current);
  return result;
}

/** A `wg syncconf` configuration (pure). It holds the private key: a named pipe only, never a file or argv. */
export function buildWgConfig(
  config: { privateKey: string; listenPort: number },
  peers: readonly TunnelPeer[],
) {
  const lines = ['[Interface]', `PrivateKey = ${config.privateKey}`, `ListenPort = ${config.listenPort}`];
  for (const peer of peers) {
    for (const cidr of peer.allowedIps) {
      if (!isCidr(cidr))
        throw new TypeError(`invalid allowed IP (a CIDR is needed): ${JSON.stringify(cidr)}`);
    }
    lines.push('', '[Peer]', `PublicKey = ${checkKey(peer.publicKey)}`);
    if (peer.allowedIps.length > 0) lines.push(`AllowedIPs = ${peer.allowedIps.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Parses `wg show IF dump` (pure): the first line is the interface (with its private key, dropped
 * here), then one tab-separated line per peer: public key, preshared key, endpoint, allowed IPs,
 * latest handshake (epoch seconds, 0 = never), rx bytes, tx bytes, persistent keepalive.
 */
export function parseWgDump(text: string): TunnelPeerState[] {
  const lines = text.split('\n').filter((line) => line !== '');
  return lines.slice(1).map((line) => {
    const fields = line.split('\t');
    if (fields.length !== 8) {
      throw new TypeError(`unexpected line in wg show dump (${fields.length} fields, 8 expected)`);
    }
    const [publicKey, , endpoint, allowedIps, handshake, rx, tx] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const handshakeSec = Number(handshake);
    return {
      publicKey,
      endpoint: endpoint === '(none)' ? null : endpoint,
      allowedIps: allowedIps === '(none)' ? [] : allowedIps.split(','),
      lastHandshake: handshakeSec === 0 ? null : new Date(handshakeSec * 1000),
      rxBytes: Number(rx),
      txBytes: Number(tx),
    };
  });
}

function checkKey(key: string): string {
  if (!isValidKey(key)) throw new TypeError(`invalid WireGuard public key: ${JSON.stringify(key)}`);
  return key;
}
