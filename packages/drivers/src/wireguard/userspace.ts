// The gateway's WireGuard interface run by wireguard-go, a child process this driver supervises,
// configured through its control socket (UAPI). ARCHITECTURE "Pitfalls": foreground mode only
// (`wg set` hung against the self-daemonizing mode), unique names, stale sockets after a crash.
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import type { TunnelDriver, TunnelInterfaceConfig, TunnelPeer, TunnelPeerState } from '@kordon/core';
import type { Netns } from '../netns.js';
import {
  assignAddressAndUp,
  checkInterfaceName,
  checkTunnelConfig,
  deleteLinkIfPresent,
  type WireGuardDriverOptions,
  type WireGuardLog,
} from './link.js';
import {
  GET_REQUEST,
  probeUapiSocket,
  uapiGet,
  uapiRequest,
  uapiSet,
  uapiSocketPath,
  type UapiCallOptions,
  type UapiPeerChange,
} from './uapi.js';

export interface UserspaceWireGuardOptions extends WireGuardDriverOptions {
  /** The wireguard-go program (default "wireguard-go" on PATH). */
  wireguardGo?: string;
  /** How long `up()` waits for the control socket to answer (default 5000 ms). */
  startTimeoutMs?: number;
  /** For each UAPI request (default 60 s: a set of 10,000 peers takes a few seconds). */
  requestTimeoutMs?: number;
}

const STOP_GRACE_MS = 2000;
const OUTPUT_LINES_KEPT = 20;

export class UserspaceWireGuard implements TunnelDriver {
  readonly kind = 'userspace';
  readonly interfaceName: string;
  private readonly netns: Netns | undefined;
  private readonly log: WireGuardLog;
  private readonly program: string;
  private readonly startTimeoutMs: number;
  private readonly uapiOptions: UapiCallOptions;
  private child: ChildProcess | undefined;
  private stopping = false;
  /** The last lines wireguard-go printed (its banner left out), for error messages. */
  private output: string[] = [];

  constructor(options: UserspaceWireGuardOptions) {
    this.interfaceName = checkInterfaceName(options.interfaceName);
    this.netns = options.netns;
    this.log = options.log ?? (() => undefined);
    this.program = options.wireguardGo ?? 'wireguard-go';
    this.startTimeoutMs = options.startTimeoutMs ?? 5000;
    this.uapiOptions = { timeoutMs: options.requestTimeoutMs ?? 60_000 };
  }

  /** The process id of the running wireguard-go, if any (for supervision and tests). */
  get pid(): number | undefined {
    return this.child !== undefined && isRunning(this.child) ? this.child.pid : undefined;
  }

  async up(config: TunnelInterfaceConfig): Promise<void> {
    checkTunnelConfig(config);
    if (this.pid === undefined) await this.start();
    await uapiSet(
      this.interfaceName,
      { privateKey: config.privateKey, listenPort: config.listenPort },
      this.uapiOptions,
    );
    await assignAddressAndUp(this.netns, this.interfaceName, config.address);
  }

  async applyPeers(changes: { add: TunnelPeer[]; remove: string[] }): Promise<void> {
    if (changes.add.length === 0 && changes.remove.length === 0) return;
    // One request: wireguard-go applies it under one lock, in order (removals first).
    await uapiSet(
      this.interfaceName,
      { peers: [...changes.remove.map(removal), ...changes.add.map(upsert)] },
      this.uapiOptions,
    );
  }

  /**
   * Makes the peers exactly `peers` in one set: the others are removed, the wanted ones created or
   * given their allowed IPs. Unlike `replace_peers=true` (which drops every peer first), a peer that
   * stays keeps its session, so a reconcile at start does not cut live tunnels (like `wg syncconf`).
   */
  async replacePeers(peers: TunnelPeer[]): Promise<void> {
    const wanted = new Set(peers.map((p) => p.publicKey));
    const current = await uapiGet(this.interfaceName, this.uapiOptions);
    const stale = current.peers.map((p) => p.publicKey).filter((key) => !wanted.has(key));
    await uapiSet(
      this.interfaceName,
      { peers: [...stale.map(removal), ...peers.map(upsert)] },
      this.uapiOptions,
    );
  }

  async peers(): Promise<TunnelPeerState[]> {
    const device = await uapiGet(this.interfaceName, this.uapiOptions);
    return device.peers.map((p) => ({
      publicKey: p.publicKey,
      allowedIps: p.allowedIps,
      endpoint: p.endpoint,
      lastHandshake: p.lastHandshake,
      rxBytes: p.rxBytes,
      txBytes: p.txBytes,
    }));
  }

  /** Stops wireguard-go (SIGTERM, SIGKILL after 2 s), then removes what it may have left. */
  async down(): Promise<void> {
    const child = this.child;
    this.stopping = true;
    try {
      if (child !== undefined && isRunning(child)) {
        child.kill('SIGTERM');
        if (!(await exited(child, STOP_GRACE_MS))) {
          this.log('warn', `wireguard-go of ${this.interfaceName} ignored SIGTERM for 2 s; killing it`);
          child.kill('SIGKILL');
          await exited(child, STOP_GRACE_MS);
        }
      }
      this.child = undefined;
      await deleteLinkIfPresent(this.netns, this.interfaceName);
      // Never remove a socket somebody answers on: wireguard-go exits when its socket disappears.
      if ((await probeUapiSocket(this.interfaceName)) === 'stale') {
        await rm(uapiSocketPath(this.interfaceName), { force: true });
      }
    } finally {
      this.stopping = false;
    }
  }

  private async start(): Promise<void> {
    const socketPath = uapiSocketPath(this.interfaceName);
    const state = await probeUapiSocket(this.interfaceName);
    if (state === 'answering') {
      throw new Error(
        `interface ${this.interfaceName} is already run by another wireguard-go (its control socket ` +
          `${socketPath} answers): stop that process or choose another interface name`,
      );
    }
    if (state === 'stale') {
      await rm(socketPath, { force: true });
      this.log(
        'info',
        `removed the stale control socket ${socketPath} (left by a wireguard-go that crashed)`,
      );
    }

    const argv = [...(this.netns?.execPrefix() ?? []), this.program, '-f', this.interfaceName];
    const [command, ...args] = argv as [string, ...string[]];
    this.output = [];
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let spawnError: Error | undefined;
    child.on('error', (e) => {
      spawnError = e;
    });
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      this.keepOutput(text);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      this.keepOutput(text);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (!this.stopping && spawnError === undefined) {
        this.log(
          'error',
          `wireguard-go of ${this.interfaceName} exited unexpectedly (${signal ?? `code ${code}`})${this.outputTail()}`,
        );
      }
    });

    const deadline = performance.now() + this.startTimeoutMs;
    for (;;) {
      if (spawnError !== undefined) {
        throw new Error(`cannot start ${this.program} for ${this.interfaceName}: ${spawnError.message}`);
      }
      if (!isRunning(child)) {
        throw new Error(
          `${this.program} for ${this.interfaceName} exited during start ` +
            `(${child.signalCode ?? `code ${child.exitCode}`})${this.outputTail()}`,
        );
      }
      try {
        await uapiRequest(this.interfaceName, GET_REQUEST, { timeoutMs: 1000 });
        return;
      } catch {
        // Not listening yet.
      }
      if (performance.now() > deadline) {
        this.stopping = true;
        child.kill('SIGKILL');
        await exited(child, STOP_GRACE_MS);
        this.stopping = false;
        throw new Error(
          `${this.program} for ${this.interfaceName} did not answer on ${socketPath} within ` +
            `${this.startTimeoutMs} ms${this.outputTail()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private keepOutput(text: string): void {
    for (const line of text.split('\n')) {
      const trimmed = line.trim();
      // The banner says kernel support exists; it does not here (ARCHITECTURE "Pitfalls").
      if (trimmed === '' || /^[┌│└]/.test(trimmed)) continue;
      this.output.push(trimmed);
      if (!this.stopping) this.log('warn', `wireguard-go ${this.interfaceName}: ${trimmed}`);
    }
    this.output.splice(0, Math.max(0, this.output.length - OUTPUT_LINES_KEPT));
  }

  private outputTail(): string {
    return this.output.length === 0 ? '' : `: ${this.output.slice(-5).join(' | ')}`;
  }
}

function removal(publicKey: string): UapiPeerChange {
  return { publicKey, remove: true };
}

function upsert(peer: TunnelPeer): UapiPeerChange {
  return { publicKey: peer.publicKey, allowedIps: peer.allowedIps };
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolves true once the child has exited, false after `ms`. */
function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (!isRunning(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}
