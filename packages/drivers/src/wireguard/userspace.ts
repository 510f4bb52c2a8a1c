// The gateway's WireGuard interface run by wireguard-go, a child process this driver supervises,
// configured through its control socket (UAPI). ARCHITECTURE "Pitfalls": foreground mode only
// (`wg set` hung against the self-daemonizing mode), unique names, stale sockets after a crash.
// After SIGKILL of the gateway its wireguard-go keeps running (re-parented to PID 1): the next start
// adopts it, so live tunnels survive the restart (DECISIONS 3: restore, then reconcile).
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
import { findWireguardGo, processAlive } from './orphans.js';
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
/** How often an adopted wireguard-go (not our child: no exit event) is checked. */
const ADOPTED_CHECK_MS = 1000;

export class UserspaceWireGuard implements TunnelDriver {
  readonly kind = 'userspace';
  readonly interfaceName: string;
  private readonly netns: Netns | undefined;
  private readonly log: WireGuardLog;
  private readonly program: string;
  private readonly startTimeoutMs: number;
  private readonly uapiOptions: UapiCallOptions;
  private child: ChildProcess | undefined;
  /** A wireguard-go left running by an earlier process, adopted by `up()`. */
  private adopted: { pid: number; timer: NodeJS.Timeout } | undefined;
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

  /** The process id of the running wireguard-go (our child or an adopted one), if any. */
  get pid(): number | undefined {
    if (this.adopted !== undefined) return this.adopted.pid;
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
    const adopted = this.adopted;
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
      if (adopted !== undefined) {
        clearInterval(adopted.timer);
        this.adopted = undefined;
        await stopProcess(adopted.pid);
      }
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
      await this.adoptOrRefuse(socketPath);
      return;
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
    // Its own process group: a Ctrl-C or a group signal meant for the gateway must not stop the tunnel
    // before the gateway's graceful stop (which stops it itself).
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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

  /**
   * Somebody answers on the socket. A wireguard-go for this interface whose parent is PID 1 was left
   * by an earlier gateway process (killed with SIGKILL): adopt it, keeping its peers' sessions. Any
   * other owner is alive, so the interface is not ours to take.
   */
  private async adoptOrRefuse(socketPath: string): Promise<void> {
    const found = await findWireguardGo(this.interfaceName);
    const orphan = found.length === 1 && found[0]?.ppid === 1 ? found[0] : undefined;
    if (orphan === undefined) {
      const who = found.map((p) => `pid ${p.pid}, parent ${p.ppid}`).join('; ');
      throw new Error(
        `interface ${this.interfaceName} is already run by another wireguard-go (its control socket ` +
          `${socketPath} answers${who ? `: ${who}` : ''}): stop that process or choose another interface name`,
      );
    }
    const timer = setInterval(() => {
      void processAlive(orphan.pid).then((alive) => {
        if (alive || this.adopted?.pid !== orphan.pid) return;
        clearInterval(timer);
        this.adopted = undefined;
        if (!this.stopping) {
          this.log(
            'error',
            `wireguard-go of ${this.interfaceName} (adopted, pid ${orphan.pid}) exited unexpectedly`,
          );
        }
      });
    }, ADOPTED_CHECK_MS);
    timer.unref();
    this.adopted = { pid: orphan.pid, timer };
    this.log(
      'warn',
      `adopted the wireguard-go of ${this.interfaceName} (pid ${orphan.pid}) left running by an earlier ` +
        'gateway process; its peers stay until they are reconciled',
    );
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
  return {
    publicKey: peer.publicKey,
    allowedIps: peer.allowedIps,
    ...(peer.endpoint === undefined ? {} : { endpoint: peer.endpoint }),
    ...(peer.persistentKeepalive === undefined ? {} : { persistentKeepalive: peer.persistentKeepalive }),
  };
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGTERM, then SIGKILL after 2 s, for a process that is not our child (so: polled). */
async function stopProcess(pid: number): Promise<void> {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return; // already gone
    }
    const deadline = performance.now() + STOP_GRACE_MS;
    while (performance.now() < deadline) {
      if (!(await processAlive(pid))) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
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
