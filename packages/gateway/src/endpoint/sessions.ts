// Client sessions: password login, resume, logout, the device limit, the reconnect grace and every
// way a session ends. One instance per gateway process; rules that span sessions run in store
// transactions (ARCHITECTURE principle 6).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  Throttle,
  accountThrottlePolicy,
  evaluateVpnRules,
  inPool,
  intToIpv4,
  lowestFree,
  addressConflicts,
  addressThrottlePolicy,
  authFailureMessage,
  authSuccessMessage,
  isLocalAddress,
  normalizeLocalLogin,
  planActivation,
  toTimeoutSeconds,
  type AuthFailureDetails,
  type Cidr,
  type ClientSettings,
  type Clock,
  type PasswordHasher,
  type Session,
  type Store,
  type TunnelPool,
} from '@kordon/core';
import type { AuthFailureReason, AuthStateMessage, TunnelWgReply } from '@kordon/protocol';
import type { AccessControl } from '../access.js';
import type { SessionControl } from '../control.js';
import type { GatewayMetrics } from '../metrics.js';
import type { ResumeTickets } from './tickets.js';

/** DECISIONS 6: WebSocket close codes. */
export const CloseCode = {
  protocolViolation: 1008,
  endedByAdmin: 4002,
  newerDevice: 4003,
  authorizationOff: 4004,
  localTunnelChanged: 4005,
  shuttingDown: 4006,
  replacedSameDevice: 4007,
} as const;

/** What the session service needs of a client connection. */
export interface SessionConnection {
  readonly sourceAddress: string;
  /** The session this connection holds, or null. */
  sessionId: string | null;
  /** Ends the connection's session from outside: an optional last auth_state, then close. */
  terminate(code: number, reason: string, last?: AuthStateMessage): void;
}

export interface SessionServiceOptions {
  store: Store;
  hasher: PasswordHasher;
  clock: Clock;
  logger: Logger;
  metrics: GatewayMetrics;
  tickets: ResumeTickets;
  localNetworks: readonly Cidr[];
  /** DECISIONS 3, 31: how long a session waits for its client to come back. */
  reconnectGraceMs: number;
  /** DECISIONS 30: how long a tunnel session waits for `tunnel_wg`. */
  tunnelSetupMs: number;
  nodeName: string;
  access: AccessControl;
  /** What `tunnel_wg` hands out; null when this gateway has no WireGuard driver. */
  tunnel: TunnelParams | null;
}

/** The gateway side of every tunnel (PROTOCOL.md `tunnel_wg`, DECISIONS 38). */
interface TunnelParams {
  pool: TunnelPool;
  serverPort: number;
  publicKey: string;
  dnsIpv4: string;
  forwardNets: string[];
  dnsSuffix: string;
}

/** The answer to `tunnel_wg`: the tunnel, an error, or the end of the session (DECISIONS 58). */
export type TunnelOutcome =
  | { kind: 'tunnel'; reply: TunnelWgReply }
  | { kind: 'error'; code: string; message: string; field: string | null }
  | { kind: 'ended'; reply: AuthStateMessage };

/** Access could not be put in place: the login is refused (fail closed). */
export class AccessUnavailableError extends Error {
  override readonly name = 'AccessUnavailableError';
}

export interface AuthOutcome {
  reply: AuthStateMessage;
  /** Set when the connection now holds an authorized session. */
  session?: Session;
}

export function failure(
  reason: AuthFailureReason,
  timeout = 0,
  details: AuthFailureDetails = {},
): AuthStateMessage {
  return {
    type: 'auth_state',
    authorized: false,
    need_tunnel: false,
    timeout,
    message: authFailureMessage(reason, details),
    welcome_url: '',
    reason,
  };
}

export class SessionService implements SessionControl {
  private readonly accountThrottle = new Throttle(accountThrottlePolicy);
  private readonly addressThrottle = new Throttle(addressThrottlePolicy);
  /** Live connections by the session they hold. */
  private readonly live = new Map<string, SessionConnection>();
  /** Sessions without a client, by id: the timer that ends them (grace, or pending tunnel). */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** A hash to verify against when the user does not exist, so both cases take the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly o: SessionServiceOptions) {}

  isLocal(address: string): boolean {
    return isLocalAddress(address, this.o.localNetworks);
  }

  async authorizePassword(
    conn: SessionConnection,
    login: string,
    password: string,
    settings: ClientSettings,
  ): Promise<AuthOutcome> {
    const address = conn.sourceAddress;
    const account = normalizeLocalLogin(login);
    const accountKey = account ?? login.trim().toLowerCase();
    const now = this.o.clock.monotonicMs();
    // DECISIONS 55: an attempt during a back-off is not checked and not counted.
    const wait = Math.max(
      this.accountThrottle.remainingMs(accountKey, now),
      this.addressThrottle.remainingMs(address, now),
    );
    if (wait > 0) {
      this.o.metrics.authAttempts.inc({ result: 'throttled' });
      const seconds = toTimeoutSeconds(wait);
      return { reply: failure('throttled', seconds, { waitSeconds: seconds }) };
    }
    const user = account === undefined ? undefined : await this.o.store.users.get(account);
    const ok = user
      ? await this.o.hasher.verify(user.passwordHash, password)
      : await this.o.hasher.verify(await this.dummy(), password).then(() => false);
    if (!user || !ok) {
      const t = this.o.clock.monotonicMs();
      const backoff = Math.max(
        this.accountThrottle.recordFailure(accountKey, t),
        this.addressThrottle.recordFailure(address, t),
      );
      this.o.metrics.authAttempts.inc({ result: 'failure' });
      await this.event('login_failed', account ?? null, address, 'wrong login or password');
      return { reply: failure('credentials', toTimeoutSeconds(backoff)) };
    }
    this.accountThrottle.reset(accountKey);
    if (user.disabled) {
      this.o.metrics.authAttempts.inc({ result: 'failure' });
      await this.event('login_failed', user.name, address, 'account disabled');
      return { reply: failure('disabled') };
    }
    const local = this.isLocal(address);
    // DECISIONS 17: external access needs a VPN-access rule that allows the account.
    if (
      !local &&
      !evaluateVpnRules(
        await this.o.store.vpnRules.list(),
        user.name,
        await this.o.store.groups.groupsOf(user.name),
      ).allowed
    ) {
      this.o.metrics.authAttempts.inc({ result: 'failure' });
      await this.event('login_failed', user.name, address, 'no VPN-access rule allows this account');
      return { reply: failure('vpn_denied') };
    }
    const needTunnel = !local || settings.local_tunnel;
    return this.open(conn, user.name, needTunnel);
  }

  private async open(conn: SessionConnection, account: string, needTunnel: boolean): Promise<AuthOutcome> {
    const address = conn.sourceAddress;
    const id = randomUUID();
    const issued = this.o.tickets.issue(id);
    const session: Session = {
      id,
      account,
      method: 'password',
      sourceAddress: address,
      vpn: needTunnel,
      tunnelIpv4: null,
      device: needTunnel ? '' : address,
      state: needTunnel ? 'pending' : 'active',
      since: this.o.clock.now(),
      node: this.o.nodeName,
      resumeNonceHash: issued.nonceHash,
    };
    const result = await this.o.store.transaction(async (tx) => {
      let ended: { session: Session; code: number; why: AuthFailureReason | null }[] = [];
      if (!needTunnel) {
        const conflicts = addressConflicts(await tx.sessions.listBySourceAddress(address), account, address);
        // DECISIONS 3: a session in grace has no client, so a new login from its address ends it.
        if (conflicts.some((s) => this.live.has(s.id))) return { refused: true as const, ended };
        ended = conflicts.map((s) => ({ session: s, code: CloseCode.endedByAdmin, why: null }));
        const plan = planActivation(await tx.sessions.listByAccount(account), session);
        ended.push(
          ...plan.replaced.map((s) => ({ session: s, code: CloseCode.replacedSameDevice, why: null })),
          ...plan.evicted.map((s) => ({
            session: s,
            code: CloseCode.newerDevice,
            why: 'device_limit' as const,
          })),
        );
      }
      for (const e of ended) await tx.sessions.remove(e.session.id);
      await tx.sessions.insert(session);
      return { refused: false as const, ended };
    });
    if (result.refused) {
      this.o.metrics.authAttempts.inc({ result: 'failure' });
      await this.event('login_failed', account, address, 'address already authorized for another account');
      return { reply: failure('address_in_use', 0, { address }) };
    }
    for (const e of result.ended) {
      await this.finish(e.session, e.code, endWords(e.code), e.why ? failure(e.why) : undefined);
    }
    if (!needTunnel) await this.grantOrEnd(session);
    this.attach(conn, session);
    if (needTunnel) this.armTimer(session.id, this.o.tunnelSetupMs, () => this.tunnelTimedOut(session.id));
    this.o.metrics.authAttempts.inc({ result: 'success' });
    await this.event(
      'login',
      account,
      address,
      needTunnel ? 'password login, tunnel pending' : 'password login',
    );
    return { reply: success(account, needTunnel, issued.ticket), session };
  }

  /** DECISIONS 4, 54, 58: take a session back with its ticket. */
  async resume(conn: SessionConnection, ticket: string, settings: ClientSettings): Promise<AuthOutcome> {
    const opened = this.o.tickets.open(ticket);
    const session = opened ? await this.o.store.sessions.get(opened.sessionId) : undefined;
    if (!opened || session?.resumeNonceHash !== opened.nonceHash) {
      return { reply: failure('resume_refused') };
    }
    if (!settings.enabled) return { reply: failure('client_authorization_off') };
    if (!session.vpn && session.sourceAddress !== conn.sourceAddress) {
      await this.finish(session, CloseCode.replacedSameDevice, 'device mismatch on resume');
      return { reply: failure('device_mismatch') };
    }
    const issued = this.o.tickets.issue(session.id);
    const resumed: Session = { ...session, resumeNonceHash: issued.nonceHash, node: this.o.nodeName };
    await this.o.store.sessions.update(resumed);
    const previous = this.live.get(session.id);
    if (previous && previous !== conn) {
      previous.sessionId = null;
      previous.terminate(CloseCode.replacedSameDevice, 'session resumed on a new connection');
    }
    this.attach(conn, resumed);
    if (resumed.state === 'pending')
      this.armTimer(resumed.id, this.o.tunnelSetupMs, () => this.tunnelTimedOut(resumed.id));
    await this.event('login', resumed.account, conn.sourceAddress, 'session resumed');
    return { reply: success(resumed.account, resumed.vpn, issued.ticket), session: resumed };
  }

  /** `tunnel_wg` (DECISIONS 1, 5, 27, 30, 58): count the device, lease its address, add the peer. */
  async setupTunnel(conn: SessionConnection, publicKey: string): Promise<TunnelOutcome> {
    const params = this.o.tunnel;
    const id = conn.sessionId;
    const session = id === null ? undefined : await this.o.store.sessions.get(id);
    if (!session)
      return {
        kind: 'error',
        code: 'not_authorized',
        message: 'this connection has no session',
        field: null,
      };
    if (!params) {
      return {
        kind: 'error',
        code: 'tunnel_unavailable',
        message: 'this gateway runs without a WireGuard driver (--wireguard none) and cannot build tunnels',
        field: null,
      };
    }
    if (session.state === 'active') {
      if (session.device === publicKey && session.tunnelIpv4 !== null) {
        await this.grantOrEnd(session);
        return { kind: 'tunnel', reply: tunnelReply(params, session.tunnelIpv4) };
      }
      await this.finish(session, null, 'a different WireGuard key than the session’s device');
      return { kind: 'ended', reply: failure('device_mismatch') };
    }
    const now = this.o.clock.now();
    const result = await this.o.store.transaction(async (tx) => {
      const plan = planActivation(await tx.sessions.listByAccount(session.account), {
        id: session.id,
        device: publicKey,
      });
      const lease = await tx.leases.get(publicKey);
      let address = lease && inPool(params.pool, lease.address) ? lease.address : undefined;
      address ??= lowestFree(
        params.pool,
        await tx.leases.addressesBetween(params.pool.first, params.pool.last),
      );
      if (address === undefined) return undefined;
      await tx.leases.put({ device: publicKey, address, node: this.o.nodeName, lastUsed: now });
      const ended = [
        ...plan.replaced.map((s) => ({
          session: s,
          code: CloseCode.replacedSameDevice,
          why: null,
        })),
        ...plan.evicted.map((s) => ({
          session: s,
          code: CloseCode.newerDevice,
          why: 'device_limit' as const,
        })),
      ];
      for (const e of ended) await tx.sessions.remove(e.session.id);
      const active: Session = {
        ...session,
        state: 'active',
        device: publicKey,
        tunnelIpv4: intToIpv4(address),
        since: now,
      };
      await tx.sessions.update(active);
      return { active, ended };
    });
    if (!result) {
      await this.finish(session, null, 'the tunnel network has no free address');
      return {
        kind: 'error',
        code: 'tunnel_unavailable',
        message: 'the tunnel network has no free address; ask your administrator to enlarge it',
        field: null,
      };
    }
    this.cancelTimer(session.id);
    for (const e of result.ended) {
      // A replaced session of this device shares its lease: its peer goes with it, the new one follows.
      await this.finish(e.session, e.code, endWords(e.code), e.why ? failure(e.why) : undefined);
    }
    await this.grantOrEnd(result.active);
    await this.event(
      'login',
      result.active.account,
      conn.sourceAddress,
      `tunnel ${result.active.tunnelIpv4 ?? ''}`,
    );
    return { kind: 'tunnel', reply: tunnelReply(params, result.active.tunnelIpv4 ?? '') };
  }

  /** Puts a session's access in the kernel; if that fails the session ends (fail closed). */
  private async grantOrEnd(session: Session): Promise<void> {
    try {
      await this.o.access.grant(session);
    } catch (e) {
      await this.finish(session, null, 'access could not be applied');
      throw new AccessUnavailableError('the gateway could not apply its access rules; try again later', {
        cause: e,
      });
    }
  }

  /** Releases leases unused for `idleMs`, keeping those of stored sessions (DECISIONS 5). */
  async releaseIdleLeases(idleMs: number): Promise<number> {
    const keep = (await this.o.store.sessions.list())
      .filter((s) => s.vpn && s.device !== '')
      .map((s) => s.device);
    return this.o.store.leases.removeIdle(new Date(this.o.clock.now().getTime() - idleMs), keep);
  }

  /** `unauthorize`: the session ends at once (DECISIONS 31). */
  async unauthorize(conn: SessionConnection): Promise<AuthStateMessage> {
    const id = conn.sessionId;
    conn.sessionId = null;
    if (id !== null) {
      this.live.delete(id);
      const session = await this.o.store.sessions.get(id);
      if (session) await this.finish(session, null, 'logged out by the user');
    }
    return failure('logged_out');
  }

  /** The connection closed without logging out: its session waits out the grace (DECISIONS 3). */
  connectionClosed(conn: SessionConnection): void {
    const id = conn.sessionId;
    if (id === null || this.live.get(id) !== conn) return;
    this.live.delete(id);
    conn.sessionId = null;
    this.refreshGauge();
    this.armTimer(id, this.o.reconnectGraceMs, () => this.graceExpired(id));
  }

  /** At start: every stored session waits for its client's resume within the grace (DECISIONS 3). */
  async restore(): Promise<number> {
    const sessions = await this.o.store.sessions.list();
    for (const s of sessions) this.armTimer(s.id, this.o.reconnectGraceMs, () => this.graceExpired(s.id));
    return sessions.length;
  }

  /** Graceful stop: clients are told to come back with `resume`; sessions stay stored. */
  shutdown(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const [id, conn] of this.live) {
      conn.sessionId = null;
      conn.terminate(CloseCode.shuttingDown, 'gateway restarting: reconnect and resume');
      this.live.delete(id);
    }
  }

  async endSessionByAdmin(sessionId: string): Promise<boolean> {
    const session = await this.o.store.sessions.get(sessionId);
    if (!session) return false;
    await this.finish(session, CloseCode.endedByAdmin, 'session ended by an administrator');
    return true;
  }

  async settingsChanged(before: ClientSettings, after: ClientSettings): Promise<void> {
    if (before.enabled && !after.enabled) {
      for (const s of await this.o.store.sessions.list()) {
        await this.finish(
          s,
          CloseCode.authorizationOff,
          'client authorization turned off',
          failure('client_authorization_off'),
        );
      }
      return;
    }
    if (before.local_tunnel !== after.local_tunnel) {
      // PROTOCOL.md: changing local_tunnel drops every local session; they reconnect under the new value.
      for (const s of await this.o.store.sessions.list()) {
        if (this.isLocal(s.sourceAddress)) {
          await this.finish(s, CloseCode.localTunnelChanged, 'local_tunnel changed: reconnect');
        }
      }
    }
  }

  async accountRevoked(account: string): Promise<number> {
    const sessions = await this.o.store.sessions.listByAccount(account);
    for (const s of sessions) await this.finish(s, CloseCode.endedByAdmin, 'account removed or disabled');
    return sessions.length;
  }

  private attach(conn: SessionConnection, session: Session): void {
    this.cancelTimer(session.id);
    conn.sessionId = session.id;
    this.live.set(session.id, conn);
    this.refreshGauge();
  }

  /**
   * The one place a session ends: store, access, connection, log. Callers that already removed the
   * session in their own transaction (replaced or evicted devices) come here too, so its access is
   * revoked whatever the store said. `code` null: the caller replies itself.
   */
  private async finish(
    session: Session,
    code: number | null,
    why: string,
    last?: AuthStateMessage,
  ): Promise<void> {
    this.cancelTimer(session.id);
    await this.o.store.sessions.remove(session.id);
    await this.o.access.revoke(session).catch((e: unknown) => {
      this.o.logger.error({ err: e, session: session.id }, 'revoking access failed; retrying');
    });
    if (session.vpn && session.state === 'active') {
      const lease = await this.o.store.leases.get(session.device);
      if (lease) await this.o.store.leases.put({ ...lease, lastUsed: this.o.clock.now() });
    }
    const conn = this.live.get(session.id);
    this.live.delete(session.id);
    if (conn) {
      conn.sessionId = null;
      if (code !== null) conn.terminate(code, why, last);
    }
    await this.event('session_ended', session.account, session.sourceAddress, why);
    this.o.logger.info({ session: session.id, account: session.account, why }, 'session ended');
    this.refreshGauge();
  }

  private async graceExpired(id: string): Promise<void> {
    this.timers.delete(id);
    if (this.live.has(id)) return;
    const session = await this.o.store.sessions.get(id);
    if (session) await this.finish(session, null, 'client did not come back within the reconnect grace');
  }

  private async tunnelTimedOut(id: string): Promise<void> {
    this.timers.delete(id);
    const session = await this.o.store.sessions.get(id);
    if (session?.state !== 'pending') return;
    await this.finish(
      session,
      CloseCode.protocolViolation,
      'no tunnel_wg in time',
      failure('tunnel_timeout'),
    );
  }

  private armTimer(id: string, ms: number, fn: () => Promise<void>): void {
    this.cancelTimer(id);
    const timer = setTimeout(() => {
      fn().catch((e: unknown) => {
        this.o.logger.error({ err: e, session: id }, 'ending a session failed');
      });
    }, ms);
    timer.unref();
    this.timers.set(id, timer);
  }

  private cancelTimer(id: string): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
  }

  private refreshGauge(): void {
    this.o.metrics.sessionsActive.set(this.live.size);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.o.hasher.hash('kordon-dummy-password');
    return this.dummyHash;
  }

  private async event(
    kind: 'login' | 'login_failed' | 'session_ended',
    account: string | null,
    sourceAddress: string,
    detail: string,
  ): Promise<void> {
    await this.o.store.events.append({ at: this.o.clock.now(), kind, account, sourceAddress, detail });
  }
}

function success(account: string, needTunnel: boolean, ticket: string): AuthStateMessage {
  return {
    type: 'auth_state',
    authorized: true,
    need_tunnel: needTunnel,
    timeout: 0,
    message: authSuccessMessage(account, needTunnel),
    welcome_url: '',
    resume_ticket: ticket,
  };
}

function tunnelReply(p: TunnelParams, address: string): TunnelWgReply {
  return {
    type: 'tunnel_wg',
    server_port: p.serverPort,
    public_key: p.publicKey,
    client_tunnel_ipv4: `${address}/32`,
    user_tunnel_ipv4_network: p.pool.network.text,
    dns_ipv4: p.dnsIpv4,
    forward_nets: p.forwardNets,
    dns_suffix: p.dnsSuffix,
  };
}

function endWords(code: number): string {
  switch (code) {
    case CloseCode.newerDevice:
      return 'ended by a newer device of the same account';
    case CloseCode.replacedSameDevice:
      return 'replaced by a new login from the same device';
    default:
      return 'another account logged in from this address';
  }
}
