// `kordon daemon`: one per machine (root), owns the tunnel, keeps profiles per OS user and serves each
// user their own profiles and the connection they started; root sees all (DECISIONS 40).
import type { Server } from 'node:net';
import {
  AdminConfigStore,
  ProfileStore,
  detectDomain,
  ensureSsoProfile,
  nodeFileReader,
  userProfilesFolder,
  type Profile,
} from '../config/index.js';
import { RequestError, serve, type Request } from '../ipc/channel.js';
import { createSession } from '../runner.js';
import type { ClientSession, SessionState } from '../session/engine.js';

export interface DaemonOptions {
  stateDir: string;
  socket: string;
  interfaceName: string;
  adminConfigPath?: string;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

interface Active {
  uid: number;
  profile: Profile;
  session: ClientSession;
  state: SessionState;
  logs: string[];
  lastPosture: string | null;
}

export class ClientDaemon {
  private active: Active | undefined;
  private server: Server | undefined;
  private readonly adminConfig: AdminConfigStore;

  constructor(private readonly o: DaemonOptions) {
    this.adminConfig = new AdminConfigStore({
      isRoot: true,
      ...(o.adminConfigPath ? { path: o.adminConfigPath } : {}),
    });
  }

  async start(): Promise<void> {
    this.server = await serve(this.o.socket, (uid, req) => this.handle(uid, req));
    this.o.log('info', `listening on ${this.o.socket}`);
  }

  async stop(): Promise<void> {
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
    const a = req.args;
    switch (req.op) {
      case 'status':
        return this.status(uid);
      case 'connect':
        return this.connect(
          uid,
          typeof a['profile'] === 'string' ? a['profile'] : undefined,
          typeof a['password'] === 'string' ? a['password'] : undefined,
        );
      case 'disconnect': {
        const act = this.mine(uid);
        if (!act) throw new RequestError('not connected');
        this.active = undefined;
        await act.session.stop();
        return { state: 'disconnected' };
      }
      case 'logs':
        return this.mine(uid)?.logs ?? [];
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
  private status(uid: number): Record<string, unknown> {
    const act = this.mine(uid);
    if (!act) return { state: 'disconnected' };
    const s = act.state;
    const base = { state: s.state, profile: act.profile.name, last_posture_report: act.lastPosture };
    switch (s.state) {
      case 'connected':
        return {
          ...base,
          server: s.server,
          user: s.user,
          mode: s.vpn ? 'vpn' : 'local',
          tunnel_address: s.tunnelAddress,
          since: s.since.toISOString(),
        };
      case 'authorizing':
        return { ...base, server: s.server };
      case 'waiting':
        return { ...base, why: s.why, retry_in_seconds: s.retryInSeconds };
      case 'stopped':
        return { ...base, why: s.why };
      default:
        return base;
    }
  }

  private async connect(
    uid: number,
    idOrName: string | undefined,
    password: string | undefined,
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
    if (profile.data.type === 'sso')
      throw new RequestError('single sign-on profiles are not supported yet; use a password profile');
    if (this.active) {
      const old = this.active;
      this.active = undefined;
      await old.session.stop();
    }
    const saved = store.savedPassword(profile.id);
    const userDir = userProfilesFolder(this.o.stateDir, uid);
    let settle: ((s: SessionState) => void) | undefined;
    const settled = new Promise<SessionState>((r) => (settle = r));
    const act: Active = {
      uid,
      profile,
      state: { state: 'connecting' },
      logs: [],
      lastPosture: null,
      session: createSession({
        profile,
        userDir,
        stateDir: this.o.stateDir,
        interfaceName: this.o.interfaceName,
        domain: detectDomain(nodeFileReader)?.realm ?? '',
        // No one to ask in the daemon: a refused password ends the attempt with the gateway's words.
        password: (failed) => Promise.resolve(failed ? undefined : (password ?? saved ?? undefined)),
        onState: (s) => {
          act.state = s;
          act.logs.push(`${new Date().toISOString()} ${describe(s)}`);
          if (act.logs.length > 500) act.logs.shift();
          if (s.state === 'connected' || s.state === 'stopped' || s.state === 'waiting') settle?.(s);
        },
        onPosture: (at) => {
          act.lastPosture = at.toISOString();
        },
        log: (level, message) => {
          act.logs.push(`${new Date().toISOString()} ${level}: ${message}`);
          this.o.log(level, message);
        },
      }),
    };
    this.active = act;
    // A stopped session stays as `active`, so `status` can say why it ended.
    void act.session.run();
    // Answer once the attempt has an outcome (or after a minute of trying).
    await Promise.race([settled, new Promise((r) => setTimeout(r, 60_000))]);
    return this.status(uid);
  }
}

function describe(s: SessionState): string {
  switch (s.state) {
    case 'connected':
      return `connected to ${s.server} as ${s.user}${s.tunnelAddress ? ` (tunnel ${s.tunnelAddress})` : ''}`;
    case 'waiting':
      return `waiting ${s.retryInSeconds} s: ${s.why}`;
    case 'stopped':
      return `stopped: ${s.why}`;
    default:
      return s.state;
  }
}
