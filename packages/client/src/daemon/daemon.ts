// `kordon daemon`: one per machine (root), owns the tunnel, keeps profiles per OS user and serves each
// user their own profiles and the connection they started; root sees all (DECISIONS 40). With Device
// VPN on, the device's own session runs while no user's connection is up (DECISIONS 77).
import type { Server } from 'node:net';
import { join } from 'node:path';
import {
  AdminConfigStore,
  ProfileStore,
  detectDomain,
  ensureSsoProfile,
  nodeFileReader,
  userProfilesFolder,
  type Profile,
} from '../config/index.js';
import { userGroups } from '../discovery/index.js';
import { RequestError, serve, type Request } from '../ipc/channel.js';
import { createSession } from '../runner.js';
import { SsoRelay } from '../sso/relay.js';
import type { ClientSession, SessionState } from '../session/engine.js';
import { postureOf, statusOf, statusWords, type Status } from '../session/status.js';
import { ClientTunnel } from '../tunnel/client-tunnel.js';
import { DeviceVpn } from './device-vpn.js';

export interface DaemonOptions {
  stateDir: string;
  socket: string;
  interfaceName: string;
  adminConfigPath?: string;
  deviceVpnConfigPath?: string;
  /** Device VPN's first retry wait, doubling to 5 minutes (for tests); 1 s when absent. */
  deviceFirstRetryMs?: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

interface Active {
  uid: number;
  profile: Profile;
  session: ClientSession;
  /** Resolves when `session.run()` has ended. */
  ended: Promise<unknown>;
  state: SessionState;
  logs: string[];
  lastPosture: string | null;
  posture: Status['posture'];
}

/** A profile whose last attempt ended in a failure that retrying cannot fix (DECISIONS 64). */
interface Held {
  /** The profile as it was then: any change to it lifts the hold. */
  digest: string;
  why: string;
}

export class ClientDaemon {
  private active: Active | undefined;
  /** By `uid:profile id`: not connected again automatically until the profile changes. */
  private readonly held = new Map<string, Held>();
  /** Users' processes that make single sign-on tokens (DECISIONS 78). */
  private readonly sso = new SsoRelay();
  private server: Server | undefined;
  private readonly adminConfig: AdminConfigStore;
  private readonly device: DeviceVpn;

  constructor(private readonly o: DaemonOptions) {
    this.adminConfig = new AdminConfigStore({
      isRoot: true,
      ...(o.adminConfigPath ? { path: o.adminConfigPath } : {}),
    });
    this.device = new DeviceVpn({
      ...(o.deviceVpnConfigPath ? { configPath: o.deviceVpnConfigPath } : {}),
      stateDir: o.stateDir,
      interfaceName: o.interfaceName,
      ...(o.deviceFirstRetryMs !== undefined ? { firstRetryMs: o.deviceFirstRetryMs } : {}),
      domain: () => detectDomain(nodeFileReader)?.realm ?? '',
      log: o.log,
    });
  }

  async start(): Promise<void> {
    // What a crashed run left (an interface, routes, DNS) goes before anything new comes up: the
    // users' tunnel and the device's, each with its own record.
    for (const stateDir of [this.o.stateDir, join(this.o.stateDir, 'device')]) {
      await new ClientTunnel({ interfaceName: this.o.interfaceName, stateDir, log: this.o.log }).recover();
    }
    this.server = await serve(this.o.socket, (uid, req) => this.handle(uid, req), {
      // DECISIONS 78: a user's process that makes single sign-on tokens, for as long as it is open.
      'sso-provider': (uid, req, channel) => {
        const text = (key: string): string | null => {
          const v = req.args[key];
          return typeof v === 'string' && v !== '' && v.length <= 256 ? v : null;
        };
        const info = { user: text('user'), domain: text('domain') };
        this.sso.register(uid, channel, info);
        this.o.log(
          'info',
          `uid ${uid} makes its single sign-on tokens (${info.user ?? '?'}, realm ${info.domain ?? 'unknown'})`,
        );
      },
    });
    this.o.log('info', `listening on ${this.o.socket}`);
    await this.device.refresh();
    this.device.watch();
  }

  async stop(): Promise<void> {
    await this.device.stop();
    await this.active?.session.stop();
    this.active = undefined;
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private profiles(uid: number): ProfileStore {
    const store = new ProfileStore({
      folder: userProfilesFolder(this.o.stateDir, uid),
      adminConfig: this.adminConfig,
    });
    // PROTOCOL.md: on a domain member, each user gets an SSO profile with auto-connect, once.
    const domain = detectDomain(nodeFileReader);
    if (domain) ensureSsoProfile(store, domain, null);
    return store;
  }

  private async handle(uid: number, req: Request): Promise<unknown> {
    // What `kordon --set-enable-devicevpn` just wrote counts from the next answer on.
    await this.device.refresh();
    const a = req.args;
    switch (req.op) {
      case 'status':
        return this.status(uid);
      case 'connect':
        return this.connect(
          uid,
          typeof a['profile'] === 'string' ? a['profile'] : undefined,
          typeof a['password'] === 'string' ? a['password'] : undefined,
          a['auto'] === true,
        );
      case 'disconnect': {
        const act = this.mine(uid);
        if (!act) throw new RequestError('not connected');
        this.active = undefined;
        await act.session.stop();
        await act.ended;
        // DECISIONS 77: the user's connection is over; the device's comes back.
        await this.device.comeBack();
        return { state: 'disconnected' };
      }
      case 'logs':
        return this.mine(uid)?.logs ?? [];
      case 'posture-check': {
        // DECISIONS 11: collect now; sent to the gateway only if something changed.
        const act = this.mine(uid);
        const checked = act ? await act.session.checkPosture() : undefined;
        return checked === undefined ? { connected: false } : { connected: true, ...checked };
      }
      case 'profile-list':
        return this.profiles(uid).list();
      case 'profile-add': {
        const store = this.profiles(uid);
        const data = a['data'] as Profile['data'];
        const profile = store.add({ name: String(a['name']), data });
        if (typeof a['password'] === 'string') store.setSavedPassword(profile.id, a['password']);
        return profile;
      }
      case 'profile-remove':
        return this.profiles(uid).remove(String(a['profile']));
      case 'profile-set-auto':
        return this.profiles(uid).setAutoconnect(String(a['profile']), a['on'] !== false);
      default:
        throw new RequestError(`unknown operation "${req.op}"`);
    }
  }

  /** The caller's connection; root sees any. */
  private mine(uid: number): Active | undefined {
    return this.active && (uid === 0 || this.active.uid === uid) ? this.active : undefined;
  }

  /** What `kordon status --json` shows. */
  private status(uid: number): Status {
    const act = this.mine(uid);
    // The device's session is the machine's, so only root sees it.
    const device = uid === 0 ? this.device.status() : undefined;
    const withDevice = device ? { device } : {};
    if (!act) return { state: 'disconnected', ...withDevice };
    return {
      ...statusOf(act.state),
      profile: act.profile.name,
      last_posture_report: act.lastPosture,
      ...(act.posture ? { posture: act.posture } : {}),
      ...withDevice,
    };
  }

  /**
   * Starts a connection and answers once it has an outcome. `auto`: asked for by a program on the
   * user's behalf (auto-connect), which does not retry a held profile (DECISIONS 64); a user's own
   * `connect` always tries, and lifts the hold.
   */
  private async connect(
    uid: number,
    idOrName: string | undefined,
    password: string | undefined,
    auto: boolean,
  ): Promise<unknown> {
    if (this.active && this.active.uid !== uid && uid !== 0) {
      throw new RequestError("another user's connection is active on this machine");
    }
    const store = this.profiles(uid);
    const profile = idOrName
      ? store.find(idOrName)
      : (store.list().find((p) => p.profile_options.autoselect) ?? store.list()[0]);
    if (!profile)
      throw new RequestError(
        idOrName ? `no profile "${idOrName}"` : 'no profile: add one with `kordon profile add`',
      );
    const realm = detectDomain(nodeFileReader)?.realm ?? '';
    if (profile.data.type === 'sso' && !this.sso.has(uid)) {
      // DECISIONS 78: the tokens come from the user's own process, never from the daemon.
      return {
        state: 'stopped',
        why: 'single sign-on runs as the user: connect with `kordon connect`, or start `kordon agent` in the desktop session',
        final: true,
        profile: profile.name,
      };
    }
    const key = `${uid}:${profile.id}`;
    const digest = JSON.stringify(profile.data);
    const held = this.held.get(key);
    if (held && held.digest === digest && auto) {
      throw new RequestError(
        `not connecting ${profile.name} automatically: ${held.why}; change the profile or connect by hand`,
      );
    }
    this.held.delete(key);
    let owner: { uid: number; gids: number[] };
    try {
      // Only a CA file is read on the user's behalf, so only then are the user's groups needed.
      owner = { uid, gids: uid === 0 || !profile.data.ca_file ? [] : await userGroups(uid) };
    } catch (e) {
      return { state: 'stopped', why: (e as Error).message, final: true, profile: profile.name };
    }
    if (this.active) {
      const old = this.active;
      this.active = undefined;
      await old.session.stop();
      await old.ended;
    }
    // DECISIONS 77: the device logs out and takes its tunnel down before the user's comes up.
    await this.device.stepAside();
    const saved = store.savedPassword(profile.id);
    const userDir = userProfilesFolder(this.o.stateDir, uid);
    let settle: ((s: SessionState) => void) | undefined;
    const settled = new Promise<SessionState>((r) => (settle = r));
    const act: Active = {
      uid,
      profile,
      state: { state: 'locating', server: profile.data.server },
      logs: [],
      lastPosture: null,
      posture: undefined,
      ended: Promise.resolve(),
      session: createSession({
        profile,
        owner,
        userDir,
        stateDir: this.o.stateDir,
        interfaceName: this.o.interfaceName,
        domain: realm,
        ...(profile.data.type === 'sso'
          ? {
              sso: {
                domain: this.sso.infoOf(uid)?.domain ?? realm,
                tokens: this.sso.tokensFor(uid),
                user: this.sso.infoOf(uid)?.user ?? `uid ${uid}`,
              },
            }
          : {}),
        // No one to ask in the daemon: a refused password ends the attempt with the gateway's words.
        password: (failed) => Promise.resolve(failed ? undefined : (password ?? saved ?? undefined)),
        onState: (s) => {
          act.state = s;
          const words = statusWords({ ...statusOf(s), profile: profile.name });
          act.logs.push(`${new Date().toISOString()} ${words}`);
          if (act.logs.length > 500) act.logs.shift();
          this.o.log(s.state === 'stopped' && s.why !== 'disconnected' ? 'warn' : 'info', words);
          if (s.state === 'stopped' && s.final && s.why !== 'disconnected') {
            this.held.set(key, { digest, why: s.why });
          }
          if (['connected', 'stopped', 'waiting', 'second_factor'].includes(s.state)) settle?.(s);
        },
        onPosture: (at) => {
          act.lastPosture = at.toISOString();
        },
        onPostureState: (m) => {
          act.posture = postureOf(m);
          this.o.log(m.limited ? 'warn' : 'info', `posture: ${m.message}`);
        },
        log: (level, message) => {
          act.logs.push(`${new Date().toISOString()} ${level}: ${message}`);
          this.o.log(level, message);
        },
      }),
    };
    this.active = act;
    // A stopped session stays as `active`, so `status` can say why it ended.
    act.ended = act.session.run().then(async () => {
      // Ended by itself (a final stop): the device comes back. A disconnect or a new connect has
      // already taken it off `active`, and decides itself.
      if (this.active === act) await this.device.comeBack();
    });
    // Answer once the attempt has an outcome (or after a minute of trying).
    await Promise.race([settled, new Promise((r) => setTimeout(r, 60_000))]);
    return this.status(uid);
  }
}
