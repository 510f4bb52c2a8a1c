// Client sessions: login, resume, tunnel, logout, the device limit, the reconnect grace, and every
// re-check after an administrative change. Each lifecycle step is one store transaction that returns
// what it ended; `settle` turns that into kernel revocations, closed connections and the event log.
// Which process holds a session's connection is the session's `holder` column, so liveness, grace and
// eviction are decided in the store, not in this process's memory (ARCHITECTURE principle 6).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  CloseCode,
  addressConflicts,
  addressGroup,
  authFailureMessage,
  authSuccessMessage,
  decideAdmission,
  inPool,
  intToIpv4,
  isLocalAddress,
  lowestFree,
  normalizeLocalLogin,
  planActivation,
  toTimeoutSeconds,
  type AuthFailureDetails,
  type AuthMethod,
  AuthUnavailable,
  isDirectoryAccount,
  type Authenticator,
  type CertificateAuthenticator,
  type Change,
  type Cidr,
  type ClientSettings,
  type Clock,
  type Identity,
  type PasswordAuthenticator,
  type PresentedCertificates,
  type Session,
  type Store,
  type TunnelPool,
} from '@kordon/core';
import {
  AUTH_FAILURE_REASONS,
  type AuthFailureReason,
  type AuthStateMessage,
  type TunnelWgReply,
} from '@kordon/protocol';
import type { AccessGate } from '../access.js';
import type { HashingCapacity } from '../auth/hash-pool.js';
import type { GatewayMetrics } from '../metrics.js';
import { SharedLoginThrottle } from './shared-throttle.js';
import type { ResumeTickets } from './tickets.js';

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
  /** This process as sessions record their holder: "<node>/<worker>" (DECISIONS 71). */
  holder: string;
  /**
   * Whether this process looks after the node's sessions that no process holds (grace): it sweeps them
   * and applies changes to them. One per node: the single process, or the owner of workers.
   */
  ownsNode: boolean;
  access: AccessGate;
  /** What `tunnel_wg` hands out; null when this gateway has no WireGuard driver. */
  tunnel: TunnelParams | null;
  /** The password login method (the local argon2id accounts today). */
  passwords: PasswordAuthenticator;
  /** Device VPN: the client certificate of a mutual-TLS connection (DECISIONS 77). */
  devices: CertificateAuthenticator;
  /** Every method's authenticator, for resume and re-checks (DECISIONS 66, 67). */
  authenticators: readonly Authenticator[];
  /** DECISIONS 68: a login that would wait longer than this in the hashing queue is answered `busy`. */
  authorizeTimeoutMs: number;
  /** The threads that hash passwords and what a hash costs on them, for that wait. */
  hashing: HashingCapacity;
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

/** The answer to `tunnel_wg`: the tunnel, an error, or the end of the session (DECISIONS 58, 61). */
export type TunnelOutcome =
  | { kind: 'tunnel'; reply: TunnelWgReply }
  | { kind: 'error'; code: string; message: string; field: string | null }
  | { kind: 'ended'; reply: AuthStateMessage };

export interface AuthOutcome {
  reply: AuthStateMessage;
  /** Set when the connection now holds an authorized session. */
  session?: Session;
}

/** A session a transaction ended, and how its client learns of it. */
interface Ending {
  session: Session;
  /** The close code for its connection; null when the caller answers the connection itself. */
  code: number | null;
  why: string;
  last?: AuthStateMessage;
}

/**
 * The longest wait a login is queued for. A client gives up on an answer after 30 s (DECISIONS 63):
 * a login queued longer would be hashed for a client that has gone (S3 measured 2,771 such at a queue
 * of 60 s), so past this the login is answered `busy` (DECISIONS 68) even under a longer
 * --authorize-timeout; the margin covers the estimate's error.
 */
const loginQueueLimitMs = 20_000;
/** DECISIONS 79: how long a replaced ticket stays good from the same device. */
const replacedTicketMs = 60_000;
/** How often sessions whose grace ended are swept from the store. */
const graceSweepMs = 500;

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

export class SessionService {
  private readonly throttle: SharedLoginThrottle;
  /** This process's connections, by the session they hold. */
  private readonly live = new Map<string, SessionConnection>();
  /** Grace starts being written, by session: a resume here waits for them (same holder name). */
  private readonly releasing = new Map<string, Promise<unknown>>();
  /** Pending tunnel sessions of this process's connections: the timer that ends them (DECISIONS 30). */
  private readonly tunnelTimers = new Map<string, NodeJS.Timeout>();
  private readonly byMethod: ReadonlyMap<AuthMethod, Authenticator>;
  private sweepTimer: NodeJS.Timeout | undefined;
  /** Password logins admitted and not yet checked, for `busy` (DECISIONS 68). */
  private loginsInFlight = 0;
  /** When the last client told `busy` is due back (monotonic ms). */
  private busyReturnsUntilMs = 0;

  constructor(private readonly options: SessionServiceOptions) {
    this.byMethod = new Map(options.authenticators.map((a) => [a.method, a]));
    this.throttle = new SharedLoginThrottle(options.store, options.clock);
  }

  /**
   * The directory's sync: each directory account's session is judged again with what the directory
   * says now (removed, disabled, out of the group a rule needs), and ends when it is no longer admitted.
   */
  async syncDirectory(): Promise<void> {
    // Devices too: their computer account's groups come from the directory.
    const sessions = (await this.options.store.sessions.list()).filter(
      (s) => this.mine(s) && (isDirectoryAccount(s.account) || s.method === 'device'),
    );
    await this.recheck(sessions);
  }

  isLocal(address: string): boolean {
    return isLocalAddress(address, this.options.localNetworks);
  }

  /**
   * DECISIONS 68: the `Retry-After` of a connection refused at the pending-connection cap. While
   * clients told `busy` are still to come back (the password queue is what keeps connections
   * pending), it is a return time of its own after theirs, so a crowd turned away at the door comes
   * back at the rate the threads take it instead of all at once every few seconds, each time costing
   * a TLS handshake; otherwise `fallbackSeconds`.
   */
  pendingRefusalSeconds(fallbackSeconds: number): number {
    if (this.busyReturnsUntilMs <= this.options.clock.monotonicMs()) return fallbackSeconds;
    return Math.max(1, toTimeoutSeconds(this.returnSlotMs(this.loginsInFlight * this.hashSlotMs())));
  }

  /** One hash's share of the threads' time, ms: as it takes now (the queue's wait). */
  private hashSlotMs(): number {
    return this.options.hashing.meanHashMs() / this.options.hashing.threads;
  }

  /**
   * Each client turned away is given a return time of its own, one hash after the one told before it,
   * so that a crowd refused together comes back at the rate the threads can take it. Returns its wait.
   */
  private returnSlotMs(atLeastMs: number): number {
    const now = this.options.clock.monotonicMs();
    const waitMs = Math.max(atLeastMs, this.busyReturnsUntilMs - now);
    // Spaced by the hash's CPU, not its wall time: S3's crowd, spaced by a wall time its own handshakes
    // had tripled, was told to return up to 983 s later while the threads idled at a quarter of their rate.
    this.busyReturnsUntilMs = now + waitMs + this.options.hashing.hashCpuMs() / this.options.hashing.threads;
    return waitMs;
  }

  async authorizePassword(
    conn: SessionConnection,
    login: string,
    password: string,
    settings: ClientSettings,
  ): Promise<AuthOutcome> {
    const { metrics } = this.options;
    const address = conn.sourceAddress;
    const accountKey = normalizeLocalLogin(login) ?? login.trim().toLowerCase();
    const addressKey = addressGroup(address);
    // DECISIONS 68: the queue's expected wait is checked before anything is queued. Every login in
    // flight counts, from its admission to its answer: one hash each (a directory login's bind too).
    const queueWaitMs = this.loginsInFlight * this.hashSlotMs();
    if (queueWaitMs > Math.min(this.options.authorizeTimeoutMs, loginQueueLimitMs)) {
      metrics.authAttempts.inc({ result: 'busy' });
      const seconds = toTimeoutSeconds(this.returnSlotMs(queueWaitMs));
      return { reply: failure('busy', seconds, { waitSeconds: seconds }) };
    }
    // DECISIONS 55, 68, 71: checked and reserved in one step in the store, shared by every worker; an
    // attempt during a back-off is not checked and not counted.
    const keys = { account: accountKey, address: addressKey };
    // Queued work from here on, for `busy`: waiting for a reservation, then hashing.
    this.loginsInFlight++;
    let result;
    try {
      const waitMs = await this.throttle.reserve(keys);
      if (waitMs > 0) {
        metrics.authAttempts.inc({ result: 'throttled' });
        const seconds = toTimeoutSeconds(waitMs);
        return { reply: failure('throttled', seconds, { waitSeconds: seconds }) };
      }
      try {
        result = await this.options.passwords.authenticate({ login, password });
      } catch (err) {
        await this.throttle.release(keys);
        if (!(err instanceof AuthUnavailable)) throw err;
        // DECISIONS 61: the client retries; nothing is allowed while the backend is away.
        metrics.authAttempts.inc({ result: 'failure' });
        this.options.logger.warn({ err, address }, 'a login could not be checked');
        await this.event('login_failed', null, address, err.message);
        return { reply: failure('internal', 5, { what: err.what }) };
      }
    } finally {
      this.loginsInFlight--;
    }
    // A disabled account gave the right password: no guess to slow down (DECISIONS 15).
    const backoff = await this.throttle.settle(keys, !result.ok && result.reason === 'credentials');
    if (!result.ok) {
      metrics.authAttempts.inc({ result: 'failure' });
      await this.event('login_failed', normalizeLocalLogin(login) ?? null, address, result.detail);
      if (result.reason === 'disabled') {
        return { reply: failure('disabled', 0, result.what === undefined ? {} : { what: result.what }) };
      }
      return { reply: failure('credentials', toTimeoutSeconds(backoff)) };
    }
    return this.admit(conn, result.identity, settings);
  }

  /**
   * DECISIONS 77: a device logs in with the certificate its TLS handshake presented (null: none). A
   * refusal says which check failed, and is logged; admission then decides as for every method.
   */
  async authorizeDevice(
    conn: SessionConnection,
    presented: PresentedCertificates | null,
    settings: ClientSettings,
  ): Promise<AuthOutcome> {
    let result;
    try {
      result = await this.options.devices.authenticate(presented);
    } catch (err) {
      if (!(err instanceof AuthUnavailable)) throw err;
      // The device's groups could not be read: nothing is allowed without them (DECISIONS 61).
      this.options.logger.warn({ err, address: conn.sourceAddress }, 'a device login could not be checked');
      return { reply: failure('internal', 5, { what: err.what }) };
    }
    if (!result.ok) {
      this.options.metrics.authAttempts.inc({ result: 'failure' });
      this.options.logger.warn(
        { address: conn.sourceAddress, why: result.what },
        'a device certificate was refused',
      );
      await this.event(
        'login_failed',
        null,
        conn.sourceAddress,
        `device certificate refused: ${result.what}`,
      );
      return { reply: failure('certificate', 0, { what: result.what }) };
    }
    return this.admit(conn, result.identity, settings);
  }

  /** A login a multi-step method proved (single sign-on): admitted as every other. */
  admitVerified(conn: SessionConnection, identity: Identity, settings: ClientSettings): Promise<AuthOutcome> {
    return this.admit(conn, identity, settings);
  }

  /** A login refused before admission by a method outside this service (single sign-on). */
  async loginFailed(account: string | null, address: string, detail: string): Promise<void> {
    this.options.metrics.authAttempts.inc({ result: 'failure' });
    await this.event('login_failed', account, address, detail);
  }

  /** Admission, then a session: the same for every login method. */
  private async admit(
    conn: SessionConnection,
    identity: Identity,
    settings: ClientSettings,
  ): Promise<AuthOutcome> {
    const address = conn.sourceAddress;
    const decision = decideAdmission({
      identity,
      settings,
      local: this.isLocal(address),
      vpnRules: await this.options.store.vpnRules.list(),
    });
    if (!decision.admitted) {
      this.options.metrics.authAttempts.inc({ result: 'failure' });
      await this.event('login_failed', identity.account, address, decision.detail);
      return { reply: failure(decision.reason) };
    }
    return this.open(conn, identity, decision.needTunnel);
  }

  private async open(conn: SessionConnection, identity: Identity, needTunnel: boolean): Promise<AuthOutcome> {
    const { store, clock, tickets, nodeName, holder } = this.options;
    const address = conn.sourceAddress;
    const account = identity.account;
    const id = randomUUID();
    const issued = tickets.issue(id);
    const session: Session = {
      id,
      account,
      method: identity.method,
      sourceAddress: address,
      vpn: needTunnel,
      tunnelIpv4: null,
      device: needTunnel ? '' : address,
      state: needTunnel ? 'pending' : 'active',
      since: clock.now(),
      node: nodeName,
      holder,
      graceUntil: null,
      resumeNonceHash: issued.nonceHash,
      previousNonceHash: null,
      rotatedAt: null,
      posture: null,
    };
    const result = await store.transaction(async (tx) => {
      const ended: Ending[] = [];
      if (!needTunnel) {
        const conflicts = addressConflicts(await tx.sessions.listBySourceAddress(address), account, address);
        // DECISIONS 3: a session in grace has no client, so a new login from its address ends it.
        if (conflicts.some((s) => s.holder !== null)) return { refused: true as const, ended };
        for (const s of conflicts) ended.push(ending(s, CloseCode.endedByAdmin));
        const plan = planActivation(await tx.sessions.listByAccount(account), session);
        for (const s of plan.replaced) ended.push(ending(s, CloseCode.replacedSameDevice));
        for (const s of plan.evicted) ended.push(ending(s, CloseCode.newerDevice, 'device_limit'));
      }
      for (const e of ended) await tx.sessions.remove(e.session.id);
      await this.displace(tx, ended);
      await tx.sessions.insert(session);
      return { refused: false as const, ended };
    });
    if (result.refused) {
      this.options.metrics.authAttempts.inc({ result: 'failure' });
      await this.event('login_failed', account, address, 'address already authorized for another account');
      return { reply: failure('address_in_use', 0, { address }) };
    }
    await this.settle(result.ended);
    if (!needTunnel && !(await this.grantOrEnd(session))) {
      return { reply: failure('internal', 0, { what: 'access could not be applied' }) };
    }
    this.attach(conn, session);
    if (needTunnel) this.armTunnelTimer(session.id);
    this.options.metrics.authAttempts.inc({ result: 'success' });
    await this.event(
      'login',
      account,
      address,
      `${identity.method} login${needTunnel ? ', tunnel pending' : ''}`,
    );
    return { reply: success(account, needTunnel, issued.ticket), session };
  }

  /**
   * DECISIONS 4, 54, 58, 66, 79: take a session back with its ticket. The ticket check and its rotation
   * are one transaction; then the session is judged as a login would be, but for the password.
   */
  async resume(conn: SessionConnection, ticket: string, settings: ClientSettings): Promise<AuthOutcome> {
    const { store, clock, tickets, holder, nodeName } = this.options;
    const opened = tickets.open(ticket);
    if (!opened) return { reply: failure('resume_refused') };
    await this.releasing.get(opened.sessionId);
    const next = tickets.rotate(opened);
    const now = clock.now();
    const claim = await store.transaction(async (tx) => {
      const session = await tx.sessions.get(opened.sessionId);
      if (!session) return { kind: 'refused' as const };
      const current = session.resumeNonceHash === opened.nonceHash;
      const sameDevice = session.vpn || session.sourceAddress === conn.sourceAddress;
      // DECISIONS 79: the replaced ticket, back within 60 s from the same device, gets the same answer.
      const retried =
        session.previousNonceHash === opened.nonceHash &&
        session.resumeNonceHash === next.nonceHash &&
        session.rotatedAt !== null &&
        now.getTime() - session.rotatedAt.getTime() <= replacedTicketMs &&
        sameDevice;
      if (!current && !retried) return { kind: 'refused' as const };
      if (!sameDevice) {
        // DECISIONS 58: a session without a tunnel is its address; from another one it is not this device.
        const ended = ending(session, CloseCode.replacedSameDevice, null, 'device mismatch on resume');
        await tx.sessions.remove(session.id);
        await this.displace(tx, [ended]);
        return { kind: 'mismatch' as const, ended };
      }
      const resumed: Session = {
        ...session,
        // DECISIONS 66: a tunnel session takes the resuming connection's address and is judged there.
        sourceAddress: conn.sourceAddress,
        node: nodeName,
        holder,
        graceUntil: null,
        resumeNonceHash: next.nonceHash,
        previousNonceHash: current ? opened.nonceHash : session.previousNonceHash,
        rotatedAt: current ? now : session.rotatedAt,
      };
      await tx.sessions.update(resumed);
      // A connection of this session still open in another process is replaced by this one (4007).
      await this.displace(tx, [ending(session, CloseCode.replacedSameDevice, null, 'resumed elsewhere')]);
      return { kind: 'resumed' as const, before: session, resumed };
    });
    if (claim.kind === 'refused') return { reply: failure('resume_refused') };
    if (claim.kind === 'mismatch') {
      await this.settle([claim.ended]);
      return { reply: failure('device_mismatch') };
    }
    const { resumed } = claim;
    const decision = decideAdmission({
      identity: await this.lookup(resumed),
      settings,
      local: this.isLocal(conn.sourceAddress),
      vpnRules: await store.vpnRules.list(),
      existingTunnel: resumed.vpn,
    });
    if (!decision.admitted) {
      await this.end(resumed, null, `resume refused: ${decision.detail}`);
      return { reply: failure(decision.reason) };
    }
    const previous = this.live.get(resumed.id);
    if (previous && previous !== conn) {
      previous.sessionId = null;
      previous.terminate(CloseCode.replacedSameDevice, 'session resumed on a new connection');
    }
    this.attach(conn, resumed);
    if (resumed.state === 'pending') this.armTunnelTimer(resumed.id);
    await this.event('login', resumed.account, conn.sourceAddress, 'session resumed');
    return { reply: success(resumed.account, resumed.vpn, next.ticket), session: resumed };
  }

  /** `tunnel_wg` (DECISIONS 1, 5, 27, 30, 58, 61, 69): count the device, lease its address, add the peer. */
  async setupTunnel(conn: SessionConnection, publicKey: string): Promise<TunnelOutcome> {
    const { store, clock, nodeName } = this.options;
    const params = this.options.tunnel;
    const id = conn.sessionId;
    const session = id === null ? undefined : await store.sessions.get(id);
    if (!session)
      return {
        kind: 'error',
        code: 'not_authorized',
        message: 'this connection has no session',
        field: null,
      };
    if (!params) {
      await this.end(session, null, 'no WireGuard driver for the tunnel');
      return {
        kind: 'ended',
        reply: failure('internal', 0, {
          what: 'this gateway runs without a WireGuard driver and cannot build tunnels',
        }),
      };
    }
    if (session.state === 'active') {
      if (session.device === publicKey && session.tunnelIpv4 !== null) {
        if (!(await this.grantOrEnd(session))) return { kind: 'ended', reply: accessFailure() };
        return { kind: 'tunnel', reply: tunnelReply(params, session.tunnelIpv4) };
      }
      await this.end(session, null, 'a different WireGuard key than the session’s device');
      return { kind: 'ended', reply: failure('device_mismatch') };
    }
    const now = clock.now();
    const result = await store.transaction(async (tx) => {
      // DECISIONS 69: a key that another account's lease or session holds is refused, and nothing of theirs changes.
      const lease = await tx.leases.get(publicKey);
      const holders = await tx.sessions.listByDevice(publicKey);
      if (
        (lease?.account != null && lease.account !== session.account) ||
        holders.some((s) => s.account !== session.account)
      ) {
        await tx.sessions.remove(session.id);
        return { kind: 'key_in_use' as const };
      }
      let address = lease && inPool(params.pool, lease.address) ? lease.address : undefined;
      address ??= lowestFree(
        params.pool,
        await tx.leases.addressesBetween(params.pool.first, params.pool.last),
      );
      if (address === undefined) {
        await tx.sessions.remove(session.id);
        return { kind: 'pool_exhausted' as const };
      }
      await tx.leases.put({
        device: publicKey,
        address,
        node: nodeName,
        account: session.account,
        lastUsed: now,
      });
      const plan = planActivation(await tx.sessions.listByAccount(session.account), {
        id: session.id,
        device: publicKey,
      });
      // A replaced session of this device shares its lease: its peer goes with it, the new one follows.
      const ended = [
        ...plan.replaced.map((s) => ending(s, CloseCode.replacedSameDevice)),
        ...plan.evicted.map((s) => ending(s, CloseCode.newerDevice, 'device_limit')),
      ];
      for (const e of ended) await tx.sessions.remove(e.session.id);
      await this.displace(tx, ended);
      const active: Session = {
        ...session,
        state: 'active',
        device: publicKey,
        tunnelIpv4: intToIpv4(address),
        since: now,
      };
      await tx.sessions.update(active);
      return { kind: 'active' as const, active, ended };
    });
    this.cancelTunnelTimer(session.id);
    if (result.kind !== 'active') {
      await this.settle([ending(session, null, null, result.kind.replaceAll('_', ' '))]);
      return { kind: 'ended', reply: failure(result.kind) };
    }
    await this.settle(result.ended);
    if (!(await this.grantOrEnd(result.active))) return { kind: 'ended', reply: accessFailure() };
    await this.event(
      'login',
      result.active.account,
      conn.sourceAddress,
      `tunnel ${result.active.tunnelIpv4 ?? ''}`,
    );
    return { kind: 'tunnel', reply: tunnelReply(params, result.active.tunnelIpv4 ?? '') };
  }

  /** Puts a session's access in the kernel; if that fails the session ends (fail closed, DECISIONS 61). */
  async grantOrEnd(session: Session): Promise<boolean> {
    try {
      await this.options.access.grant(session);
      return true;
    } catch (err) {
      this.options.logger.error({ err, session: session.id }, 'granting access failed; the login is refused');
      await this.end(session, null, 'access could not be applied');
      return false;
    }
  }

  /** Releases leases unused for `idleMs`, keeping those of stored sessions (DECISIONS 5). */
  releaseIdleLeases(idleMs: number): Promise<number> {
    return this.options.store.leases.removeIdle(new Date(this.options.clock.now().getTime() - idleMs));
  }

  /** `unauthorize`: the session ends at once (DECISIONS 31). */
  async unauthorize(conn: SessionConnection): Promise<AuthStateMessage> {
    const id = conn.sessionId;
    conn.sessionId = null;
    if (id !== null) {
      this.live.delete(id);
      const session = await this.options.store.sessions.get(id);
      if (session) await this.end(session, null, 'logged out by the user');
    }
    return failure('logged_out');
  }

  /** The connection closed without logging out: its session waits out the grace (DECISIONS 3). */
  connectionClosed(conn: SessionConnection): void {
    const id = conn.sessionId;
    if (id === null || this.live.get(id) !== conn) return;
    this.live.delete(id);
    conn.sessionId = null;
    this.cancelTunnelTimer(id);
    this.refreshGauge();
    const graceUntil = new Date(this.options.clock.now().getTime() + this.options.reconnectGraceMs);
    // A resume of this session in this process waits for this write, so it can never undo the resume.
    const released = this.options.store.sessions
      .releaseHolder(this.options.holder, graceUntil, id)
      .catch((err: unknown) => {
        this.options.logger.error({ err, session: id }, 'recording the start of a grace failed');
      })
      .finally(() => {
        if (this.releasing.get(id) === released) this.releasing.delete(id);
      });
    this.releasing.set(id, released);
  }

  /**
   * At start: every session this node held waits for its client's resume within the grace (DECISIONS 3),
   * and the sweep that ends them afterwards begins. Returns how many sessions wait.
   */
  async restore(): Promise<number> {
    const graceUntil = new Date(this.options.clock.now().getTime() + this.options.reconnectGraceMs);
    const waiting = await this.options.store.sessions.releaseNode(this.options.nodeName, graceUntil);
    this.startSweep();
    return waiting;
  }

  /** The sweep of sessions whose grace ended; only the process that owns the node runs it. */
  private startSweep(): void {
    if (!this.options.ownsNode) return;
    this.sweepTimer = setInterval(() => {
      this.sweepGrace().catch((err: unknown) => {
        this.options.logger.error({ err }, 'sweeping sessions whose grace ended failed');
      });
    }, graceSweepMs);
    this.sweepTimer.unref();
  }

  /** A holder (a worker) is gone: its sessions wait out the grace, then the sweep ends them (DECISIONS 71). */
  async holderLost(holder: string): Promise<number> {
    const graceUntil = new Date(this.options.clock.now().getTime() + this.options.reconnectGraceMs);
    return this.options.store.sessions.releaseHolder(holder, graceUntil);
  }

  /** Ends the sessions of this node whose grace is over (DECISIONS 3), decided in the store. */
  async sweepGrace(): Promise<number> {
    const { store, clock, nodeName } = this.options;
    const now = clock.now();
    const expired = await store.transaction(async (tx) => {
      const sessions = await tx.sessions.listGraceExpired(nodeName, now);
      for (const s of sessions) await tx.sessions.remove(s.id);
      return sessions;
    });
    await this.settle(
      expired.map((s) => ending(s, null, null, 'client did not come back within the reconnect grace')),
    );
    return expired.length;
  }

  /** Graceful stop: clients are told to come back with `resume`; sessions stay stored. */
  shutdown(): void {
    clearInterval(this.sweepTimer);
    for (const t of this.tunnelTimers.values()) clearTimeout(t);
    this.tunnelTimers.clear();
    for (const [id, conn] of this.live) {
      conn.sessionId = null;
      conn.terminate(CloseCode.shuttingDown, 'gateway restarting: reconnect and resume');
      this.live.delete(id);
    }
  }

  /**
   * A change from the feed (DECISIONS 67): every session of this node it concerns is judged again,
   * with the same admission a login uses, and those no longer admitted end.
   */
  async applyChange(change: Change): Promise<void> {
    const { store } = this.options;
    const mine = (sessions: Session[]): Session[] => sessions.filter((s) => this.mine(s));
    switch (change.kind) {
      case 'user': {
        const sessions = mine(await store.sessions.listByAccount(change.account));
        if (change.action === 'password') {
          // DECISIONS 67: a changed password ends the account's sessions.
          for (const s of sessions) await this.end(s, CloseCode.endedByAdmin, 'password changed');
        } else if (change.action !== 'created' && change.action !== 'enabled') {
          await this.recheck(sessions);
        }
        return;
      }
      case 'group':
      case 'vpn_rules':
        // Only external sessions depend on VPN-access rules and the groups they name (DECISIONS 17).
        await this.recheck(mine(await store.sessions.list()).filter((s) => !this.isLocal(s.sourceAddress)));
        return;
      case 'settings':
        await this.settingsChanged(change.before, change.after);
        return;
      case 'session_ended': {
        const session = await store.sessions.get(change.sessionId);
        if (session && this.mine(session)) {
          await this.end(session, CloseCode.endedByAdmin, 'session ended by an administrator');
        }
        return;
      }
      case 'session_displaced': {
        // Another process ended or took the session and did the rest; only the connection is left here.
        const conn = this.live.get(change.sessionId);
        if (!conn) return;
        this.live.delete(change.sessionId);
        this.cancelTunnelTimer(change.sessionId);
        conn.sessionId = null;
        const reason = AUTH_FAILURE_REASONS.find((known) => known === change.reason);
        conn.terminate(change.code, endWords(change.code), reason ? failure(reason) : undefined);
        this.refreshGauge();
        return;
      }
      case 'exemptions':
        return;
      case 'directory':
        await this.recheck(mine(await store.sessions.list()).filter((s) => isDirectoryAccount(s.account)));
        return;
      case 'posture':
        // Nothing is enforced by posture yet: the posture exchange (the next slice) re-evaluates every
        // live session's last report here.
        return;
      case 'access_rules':
        // The posture service and the access owner follow this change (endpoint/posture.ts, access.ts).
        return;
    }
  }

  private async recheck(sessions: readonly Session[]): Promise<void> {
    if (sessions.length === 0) return;
    const settings = await this.options.store.settings.get();
    const vpnRules = await this.options.store.vpnRules.list();
    const identities = new Map<string, Promise<Identity | undefined>>();
    for (const session of sessions) {
      const key = `${session.method}:${session.account}`;
      let identity = identities.get(key);
      if (!identity) {
        identity = this.lookup(session);
        identities.set(key, identity);
      }
      let current: Identity | undefined;
      try {
        current = await identity;
      } catch (err) {
        if (!(err instanceof AuthUnavailable)) throw err;
        // A directory that cannot be asked ends nobody's session: new logins are what it refuses.
        this.options.logger.warn({ err, session: session.id }, 'a session could not be judged again');
        continue;
      }
      const decision = decideAdmission({
        identity: current,
        settings,
        local: this.isLocal(session.sourceAddress),
        vpnRules,
        existingTunnel: session.vpn,
      });
      if (!decision.admitted) {
        await this.end(session, CloseCode.endedByAdmin, decision.detail, failure(decision.reason));
      }
    }
  }

  private async settingsChanged(before: ClientSettings, after: ClientSettings): Promise<void> {
    const sessions = (await this.options.store.sessions.list()).filter((s) => this.mine(s));
    if (before.enabled && !after.enabled) {
      for (const s of sessions) {
        await this.end(
          s,
          CloseCode.authorizationOff,
          'client authorization turned off',
          failure('client_authorization_off'),
        );
      }
      return;
    }
    if ((before.device_vpn && !after.device_vpn) || before.trusted_ca_cert !== after.trusted_ca_cert) {
      // DECISIONS 77: a device was admitted by Device VPN and this CA; without either it must log in
      // again (and a device retries, so one the new CA vouches for is back within its back-off).
      for (const s of sessions.filter((x) => x.method === 'device')) {
        await this.end(
          s,
          CloseCode.endedByAdmin,
          after.device_vpn ? 'the trusted CA for devices changed' : 'Device VPN turned off',
          failure('certificate', 0, {
            what: after.device_vpn
              ? 'the trusted CA for devices changed; log in again'
              : 'Device VPN was turned off',
          }),
        );
      }
    }
    if (before.local_tunnel !== after.local_tunnel) {
      // PROTOCOL.md: changing local_tunnel drops every local session; they reconnect under the new value.
      // Only those made under the old value: a worker may read this change after a client has already
      // logged in again under the new one (a tunnel now, or none), and that session must stay.
      for (const s of sessions) {
        if (this.isLocal(s.sourceAddress) && s.vpn !== after.local_tunnel) {
          await this.end(s, CloseCode.localTunnelChanged, 'local_tunnel changed: reconnect');
        }
      }
    }
  }

  /** The sessions this process acts on: those it holds, and the node's waiting ones if it owns the node. */
  private mine(session: Session): boolean {
    const { nodeName, holder, ownsNode } = this.options;
    if (session.node !== nodeName) return false;
    return session.holder === holder || (ownsNode && session.holder === null);
  }

  /**
   * Inside an ending transaction: tells whichever other process holds a session's connection to close it
   * (DECISIONS 67, 71). This process's own connections are closed by `settle`.
   */
  private async displace(tx: Store, endings: readonly Ending[]): Promise<void> {
    for (const { session, code, last } of endings) {
      if (code === null || session.holder === null || session.holder === this.options.holder) continue;
      await tx.changes.append(
        { kind: 'session_displaced', sessionId: session.id, code, reason: reasonOf(last) },
        this.options.clock.now(),
      );
    }
  }

  private lookup(session: Session): Promise<Identity | undefined> {
    const authenticator = this.byMethod.get(session.method);
    // Fail closed: a session whose method is not configured any more cannot be judged, so it ends.
    return authenticator ? authenticator.lookup(session.account) : Promise.resolve(undefined);
  }

  private attach(conn: SessionConnection, session: Session): void {
    conn.sessionId = session.id;
    this.live.set(session.id, conn);
    this.refreshGauge();
  }

  /** Ends a stored session: one transaction, then what follows from it. */
  private async end(
    session: Session,
    code: number | null,
    why: string,
    last?: AuthStateMessage,
  ): Promise<void> {
    const removed = await this.options.store.sessions.remove(session.id);
    // Its access goes whatever the store said: a session another path removed must not keep it.
    await this.settle([{ session, code, why, ...(last ? { last } : {}) }], removed);
  }

  /**
   * What follows once sessions left the store: access revoked, the lease marked used, the connection
   * told and closed, the event logged. Revocations that fail are retried by the access owner.
   */
  private async settle(endings: readonly Ending[], log = true): Promise<void> {
    const { access, store, clock, logger } = this.options;
    for (const { session, code, why, last } of endings) {
      this.cancelTunnelTimer(session.id);
      await access.revoke(session).catch((err: unknown) => {
        logger.error({ err, session: session.id }, 'revoking access failed; retrying');
      });
      if (session.vpn && session.state === 'active') {
        const lease = await store.leases.get(session.device);
        if (lease) await store.leases.put({ ...lease, lastUsed: clock.now() });
      }
      const conn = this.live.get(session.id);
      this.live.delete(session.id);
      if (conn) {
        conn.sessionId = null;
        if (code !== null) conn.terminate(code, why, last);
      }
      if (log) {
        await this.event('session_ended', session.account, session.sourceAddress, why);
        logger.info({ session: session.id, account: session.account, why }, 'session ended');
      }
    }
    this.refreshGauge();
  }

  private armTunnelTimer(id: string): void {
    this.cancelTunnelTimer(id);
    const timer = setTimeout(() => {
      this.tunnelTimers.delete(id);
      this.tunnelTimedOut(id).catch((err: unknown) => {
        this.options.logger.error({ err, session: id }, 'ending a session without a tunnel failed');
      });
    }, this.options.tunnelSetupMs);
    timer.unref();
    this.tunnelTimers.set(id, timer);
  }

  private cancelTunnelTimer(id: string): void {
    clearTimeout(this.tunnelTimers.get(id));
    this.tunnelTimers.delete(id);
  }

  private async tunnelTimedOut(id: string): Promise<void> {
    const session = await this.options.store.sessions.get(id);
    if (session?.state !== 'pending') return;
    await this.end(session, CloseCode.protocolViolation, 'no tunnel_wg in time', failure('tunnel_timeout'));
  }

  private refreshGauge(): void {
    this.options.metrics.sessionsActive.set(this.live.size);
  }

  private async event(
    kind: 'login' | 'login_failed' | 'session_ended',
    account: string | null,
    sourceAddress: string,
    detail: string,
  ): Promise<void> {
    await this.options.store.events.append({
      at: this.options.clock.now(),
      kind,
      account,
      sourceAddress,
      detail,
    });
  }
}

function ending(
  session: Session,
  code: number | null,
  reason: AuthFailureReason | null = null,
  why: string = endWords(code),
): Ending {
  return { session, code, why, ...(reason ? { last: failure(reason) } : {}) };
}

function reasonOf(message: AuthStateMessage | undefined): AuthFailureReason | null {
  return message && !message.authorized ? (message.reason ?? null) : null;
}

function accessFailure(): AuthStateMessage {
  return failure('internal', 0, { what: 'access could not be applied' });
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

function endWords(code: number | null): string {
  switch (code) {
    case CloseCode.newerDevice:
      return 'ended by a newer device of the same account';
    case CloseCode.replacedSameDevice:
      return 'replaced by a new login from the same device';
    default:
      return 'another account logged in from this address';
  }
}
