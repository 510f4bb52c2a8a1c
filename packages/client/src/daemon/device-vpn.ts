// Device VPN in the daemon (DECISIONS 77): while it is on and no user's connection is up, the device's
// own session runs; a user's connection makes it step aside (logged out, tunnel down) and it comes back
// when that connection ends. The configuration is read again on every request the daemon answers and
// whenever its file changes (polled: it is replaced by a rename, and may appear later).
import { unwatchFile, watchFile } from 'node:fs';
import { DeviceVpnStore, type DeviceVpnConfig } from '../config/index.js';
import { createDeviceSession } from '../runner.js';
import type { ClientSession, SessionState } from '../session/engine.js';
import { postureOf, statusOf, statusWords, type Status } from '../session/status.js';

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface DeviceVpnOptions {
  configPath?: string;
  stateDir: string;
  interfaceName: string;
  /** The back-off's first wait (`kordon daemon --device-backoff-ms`, for tests). */
  firstRetryMs?: number;
  domain: () => string;
  log: Log;
}

interface Running {
  session: ClientSession;
  ended: Promise<unknown>;
  state: SessionState;
  posture: Status['posture'];
  /** The configuration it runs with, as JSON: another one restarts it. */
  digest: string;
}

/** How often the file is looked at (a stat); a request to the daemon reads it at once. */
const pollMs = 2000;

export class DeviceVpn {
  private readonly store: DeviceVpnStore;
  private config: DeviceVpnConfig | null = null;
  /** Why the configuration cannot be used, when it cannot. */
  private problem: string | null = null;
  private running: Running | undefined;
  /** A user's connection is up (or coming up): the device stays away. */
  private aside = false;
  private closed = false;
  /** Start, stop, step aside and come back run one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly o: DeviceVpnOptions) {
    this.store = new DeviceVpnStore({ isRoot: true, ...(o.configPath ? { path: o.configPath } : {}) });
  }

  /** Reads the configuration and starts, restarts or stops the device's session to match it. */
  refresh(): Promise<void> {
    return this.serially(() => this.apply());
  }

  /** Follows the file from now on. */
  watch(): void {
    watchFile(this.store.path, { interval: pollMs, persistent: false }, () => {
      void this.refresh();
    });
  }

  /** Before a user's connection: the device logs out and takes its tunnel down, and waits. */
  stepAside(): Promise<void> {
    return this.serially(async () => {
      this.aside = true;
      await this.halt("stepping aside: a user's connection starts on this machine");
    });
  }

  /** After the user's connection ended: the device connects again, if Device VPN is still on. */
  comeBack(): Promise<void> {
    return this.serially(async () => {
      this.aside = false;
      await this.apply();
    });
  }

  stop(): Promise<void> {
    return this.serially(async () => {
      this.closed = true;
      unwatchFile(this.store.path);
      await this.halt('the daemon stops');
    });
  }

  /** For root's `kordon status`; undefined while Device VPN is off. */
  status(): Status | undefined {
    if (this.problem !== null) return { state: 'stopped', why: this.problem, final: false };
    const c = this.config;
    if (!c?.enabled || c.host === null) return undefined;
    if (this.aside) {
      return {
        state: 'stepped_aside',
        server: c.host,
        why: "a user's connection is up on this machine; the device connects again when it ends",
      };
    }
    if (!this.running) return { state: 'locating', server: c.host };
    return {
      ...statusOf(this.running.state),
      ...(this.running.posture ? { posture: this.running.posture } : {}),
    };
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step);
    this.queue = next.catch((e: unknown) => {
      this.o.log('error', `Device VPN: ${(e as Error).message}`);
    });
    return this.queue;
  }

  private async apply(): Promise<void> {
    if (this.closed) return;
    let config: DeviceVpnConfig | null = null;
    let problem: string | null = null;
    try {
      config = this.store.get();
    } catch (e) {
      problem = (e as Error).message;
    }
    if (problem !== null && problem !== this.problem) this.o.log('warn', `Device VPN: ${problem}`);
    const wanted = config?.enabled === true && problem === null ? config : null;
    const digest = JSON.stringify(wanted);
    if (this.running && this.running.digest !== digest) {
      await this.halt(wanted ? 'its configuration changed' : 'it was turned off');
    }
    if (!wanted && this.config?.enabled === true && problem === null) this.o.log('info', 'Device VPN is off');
    this.config = config;
    this.problem = problem;
    if (wanted && !this.aside && !this.running) this.start(wanted, digest);
  }

  private start(config: DeviceVpnConfig, digest: string): void {
    const { host, cert_path: certPath } = config;
    if (host === null || certPath === null) return; // the store refuses "on" without them
    this.o.log('info', `Device VPN is on: connecting the device to ${host}`);
    const running: Running = {
      digest,
      state: { state: 'locating', server: host },
      posture: undefined,
      session: createDeviceSession({
        config: { ...config, host, cert_path: certPath },
        stateDir: this.o.stateDir,
        interfaceName: this.o.interfaceName,
        ...(this.o.firstRetryMs !== undefined ? { firstRetryMs: this.o.firstRetryMs } : {}),
        domain: this.o.domain(),
        onState: (s) => {
          running.state = s;
          const words = statusWords(statusOf(s));
          this.o.log(s.state === 'waiting' ? 'warn' : 'info', `Device VPN: ${words}`);
        },
        onPostureState: (m) => {
          running.posture = postureOf(m);
          this.o.log(m.limited ? 'warn' : 'info', `Device VPN: posture: ${m.message}`);
        },
        log: (level, message) => {
          this.o.log(level, message.startsWith('Device VPN') ? message : `Device VPN: ${message}`);
        },
      }),
      ended: Promise.resolve(),
    };
    running.ended = running.session.run();
    this.running = running;
  }

  /** Logs the device out (its WebSocket closes after `unauthorize`), and waits until it has ended. */
  private async halt(why: string): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.o.log('info', `Device VPN: ${why}`);
    await running.session.stop();
    await running.ended;
    this.running = undefined;
  }
}
