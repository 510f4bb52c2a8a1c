// `kordon agent`: one per desktop session, as the user. At the session's start it asks the daemon to
// connect the user's auto-connect profile (as auto-connect: a profile held after a failure that
// retrying cannot fix is left alone, DECISIONS 64); at the session's end it logs that connection out,
// so the next person at a shared workstation does not browse on this user's session.
import type { Profile } from '../config/index.js';
import type { Request } from '../ipc/channel.js';
import type { Status } from '../session/status.js';
import { statusWords } from '../session/status.js';

export interface AgentParts {
  call: (request: Request) => Promise<unknown>;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export type AgentStart =
  | { kind: 'nothing'; why: string }
  | { kind: 'refused'; why: string }
  | { kind: 'started'; profile: Profile; status: Status };

export class Agent {
  private started: Profile | undefined;
  /** The auto-connect profile when it signs on as the user: connected again when a ticket appears. */
  private sso: Profile | undefined;

  constructor(private readonly p: AgentParts) {}

  /** Connects the auto-connect profile, if there is one; says what happened. */
  async start(): Promise<AgentStart> {
    const profiles = (await this.p.call({ op: 'profile-list', args: {} })) as Profile[];
    const profile = profiles.find((x) => x.profile_options.autoconnect);
    if (!profile) {
      const why = 'no profile connects automatically (`kordon profile set-auto NAME` chooses one)';
      this.p.log('info', why);
      return { kind: 'nothing', why };
    }
    if (profile.data.type === 'sso') this.sso = profile;
    let status: Status;
    try {
      status = (await this.p.call({ op: 'connect', args: { profile: profile.id, auto: true } })) as Status;
    } catch (e) {
      const why = (e as Error).message;
      this.p.log('warn', why);
      return { kind: 'refused', why };
    }
    this.started = profile;
    this.p.log(status.state === 'stopped' ? 'warn' : 'info', statusWords(status));
    return { kind: 'started', profile, status };
  }

  /** Whether the agent has an SSO profile to connect when the user's Kerberos ticket appears. */
  get watchesCredentials(): boolean {
    return this.sso !== undefined;
  }

  /**
   * The user's credential cache appeared or was renewed (a logon, `kinit`): the SSO profile connects
   * unless it already is. A user's new ticket is new credentials, so a hold (DECISIONS 64) is lifted.
   */
  async credentialsAppeared(): Promise<void> {
    const profile = this.sso;
    if (profile === undefined) return;
    const status = (await this.p.call({ op: 'status', args: {} })) as Status;
    // Connected, or on the way (this profile or another the user chose): nothing to do.
    if (status.state !== 'disconnected' && status.state !== 'stopped') return;
    this.p.log('info', `a Kerberos ticket appeared: connecting ${profile.name}`);
    try {
      const after = (await this.p.call({ op: 'connect', args: { profile: profile.id } })) as Status;
      this.started = profile;
      this.p.log(after.state === 'stopped' ? 'warn' : 'info', statusWords(after));
    } catch (e) {
      this.p.log('warn', (e as Error).message);
    }
  }

  /** At the session's end: logs out the connection this agent started, if it is still this user's. */
  async stop(): Promise<void> {
    if (!this.started) return;
    const status = (await this.p.call({ op: 'status', args: {} })) as Status;
    if (status.state === 'disconnected' || status.profile !== this.started.name) return;
    await this.p.call({ op: 'disconnect', args: {} });
    this.p.log('info', `logged out of ${this.started.name}: the desktop session ended`);
  }
}
