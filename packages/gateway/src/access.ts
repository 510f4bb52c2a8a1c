// The one owner of the WireGuard interface and the nftables table (ARCHITECTURE principle 6):
// sessions ask it to grant and revoke access; it coalesces those requests into batches (one UAPI set,
// one nft transaction) so many logins at once cost a few operations, not thousands.
import type { Logger } from 'pino';
import {
  profileKeysOf,
  type FirewallDriver,
  type Session,
  type TunnelDriver,
  type TunnelPeer,
} from '@kordon/core';

interface Pending {
  /** Addresses and public keys whose kernel state is to follow their holders (computed at the flush). */
  addresses: Set<string>;
  peers: Set<string>;
  waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

/**
 * Who holds each address and each peer, by session id, and what the latest grant asked for. The
 * kernel's state is derived from this, never from the order requests arrive in: a revoke of a session
 * that ended (a grace swept, a device replaced) may reach the owner after another session at the same
 * address was granted, from the same worker or from another (DECISIONS 1, 3, 31), and must not take the
 * address from the session that holds it now.
 */
class Holders<V> {
  private readonly held = new Map<string, { sessions: string[]; value: V }>();

  hold(key: string, session: string, value: V): void {
    const entry = this.held.get(key);
    if (!entry) {
      this.held.set(key, { sessions: [session], value });
      return;
    }
    if (!entry.sessions.includes(session)) entry.sessions.push(session);
    entry.value = value;
  }

  release(key: string, session: string): void {
    const entry = this.held.get(key);
    if (!entry) return;
    entry.sessions = entry.sessions.filter((s) => s !== session);
    if (entry.sessions.length === 0) this.held.delete(key);
  }

  /** The latest grant's value while some session holds the key. */
  get(key: string): V | undefined {
    return this.held.get(key)?.value;
  }

  clear(): void {
    this.held.clear();
  }
}

/** What a session is authorized by: its tunnel address (and peer) or its source address (DECISIONS 1). */
interface SessionAccess {
  address: string;
  peer: TunnelPeer | null;
  /** Its posture profile keys, for the access rules (access-rules.ts). */
  profiles: readonly string[];
}

function accessOf(session: Session): SessionAccess | undefined {
  if (session.state !== 'active') return undefined;
  const profiles = profileKeysOf(session.posture?.profileIds ?? null);
  if (session.vpn) {
    if (session.tunnelIpv4 === null) return undefined;
    return {
      address: session.tunnelIpv4,
      peer: { publicKey: session.device, allowedIps: [`${session.tunnelIpv4}/32`] },
      profiles,
    };
  }
  return { address: session.sourceAddress, peer: null, profiles };
}

/** What the table is installed with: the sessions' addresses and the profiles of each. */
export interface AuthorizedAccess {
  authorized: string[];
  profiles: Record<string, readonly string[]>;
}

function authorizedAccess(sessions: readonly Session[]): AuthorizedAccess {
  const access = sessions.map(accessOf).filter((a) => a !== undefined);
  return {
    authorized: access.map((a) => a.address),
    profiles: Object.fromEntries(access.map((a) => [a.address, a.profiles])),
  };
}

/** What sessions need of the kernel owner: in its own process, or across IPC from a worker (DECISIONS 71). */
export interface AccessGate {
  /**
   * Resolves once the session's access is in the kernel, with its posture profiles as `session` has
   * them (granting again moves it between profiles); rejects if it could not be (fail closed).
   */
  grant(session: Session): Promise<void>;
  /** Resolves once the session's access is gone. */
  revoke(session: Session): Promise<void>;
}

export class AccessControl implements AccessGate {
  private readonly addressHolders = new Holders<readonly string[]>();
  private readonly peerHolders = new Holders<TunnelPeer>();
  private pending: Pending | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Set at the start of a stop: no grant is applied after the closed table (DECISIONS 70). */
  private closed = false;

  constructor(
    readonly tunnel: TunnelDriver,
    readonly firewall: FirewallDriver,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the session's access is in the kernel; rejects if it could not be (fail closed). */
  grant(session: Session): Promise<void> {
    const access = accessOf(session);
    if (!access) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('the gateway is stopping: no access is granted'));
    this.addressHolders.hold(access.address, session.id, access.profiles);
    if (access.peer) this.peerHolders.hold(access.peer.publicKey, session.id, access.peer);
    return this.enqueue((p) => {
      if (access.peer) p.peers.add(access.peer.publicKey);
      p.addresses.add(access.address);
    });
  }

  /** Resolves once the session's access is gone (what another session holds stays). */
  revoke(session: Session): Promise<void> {
    const access = accessOf(session);
    if (!access) return Promise.resolve();
    this.addressHolders.release(access.address, session.id);
    if (access.peer) this.peerHolders.release(access.peer.publicKey, session.id);
    return this.enqueue((p) => {
      p.addresses.add(access.address);
      if (access.peer) p.peers.add(access.peer.publicKey);
    });
  }

  private enqueue(change: (p: Pending) => void): Promise<void> {
    if (!this.pending) {
      const batch: Pending = { addresses: new Set(), peers: new Set(), waiters: [] };
      this.pending = batch;
      // The batch closes when the current flush is done: requests arriving meanwhile share one operation.
      this.flushing = this.flushing.then(() => this.flush(batch));
    }
    const batch = this.pending;
    change(batch);
    return new Promise((resolve, reject) => batch.waiters.push({ resolve, reject }));
  }

  private async flush(batch: Pending): Promise<void> {
    await new Promise((r) => setImmediate(r));
    if (this.pending === batch) this.pending = undefined;
    const allow: string[] = [];
    const profiles: Record<string, readonly string[]> = {};
    const revoke: string[] = [];
    for (const address of batch.addresses) {
      const held = this.addressHolders.get(address);
      if (held === undefined) {
        revoke.push(address);
      } else {
        allow.push(address);
        profiles[address] = held;
      }
    }
    const add: TunnelPeer[] = [];
    const remove: string[] = [];
    for (const key of batch.peers) {
      const peer = this.peerHolders.get(key);
      if (peer) add.push(peer);
      else remove.push(key);
    }
    try {
      // Revocations first and on their own: a failure to grant must never keep a revoked address.
      if (revoke.length > 0) await this.firewall.revoke(revoke);
      if (remove.length > 0 || add.length > 0) await this.tunnel.applyPeers({ add, remove });
      if (allow.length > 0) await this.firewall.allow(allow, profiles);
      for (const w of batch.waiters) w.resolve();
    } catch (e) {
      this.logger.error(
        { err: e, allow: allow.length, revoke: revoke.length },
        'applying access changes failed',
      );
      for (const w of batch.waiters) w.reject(e);
      // Revocations are retried until they hold: an ended session must not keep access. The retry
      // follows the holders as they are then (an address granted again meanwhile is allowed).
      if (revoke.length > 0 || remove.length > 0) {
        setTimeout(() => {
          void this.enqueue((p) => {
            for (const a of revoke) p.addresses.add(a);
            for (const k of remove) p.peers.add(k);
          }).catch(() => undefined);
        }, 1000).unref();
      }
    }
  }

  /** At start (DECISIONS 3): the interface and the table become exactly the stored live sessions. */
  async reconcile(
    sessions: readonly Session[],
    install: (access: AuthorizedAccess) => Promise<void>,
  ): Promise<void> {
    this.addressHolders.clear();
    this.peerHolders.clear();
    for (const session of sessions) {
      const access = accessOf(session);
      if (!access) continue;
      this.addressHolders.hold(access.address, session.id, access.profiles);
      if (access.peer) this.peerHolders.hold(access.peer.publicKey, session.id, access.peer);
    }
    await install(authorizedAccess(sessions));
    const peers = sessions.map(accessOf).flatMap((a) => (a?.peer ? [a.peer] : []));
    await this.tunnel.replacePeers(peers);
  }

  /**
   * The access rules changed: the table is installed again, with the sessions the store holds then,
   * in turn with the batches (one that is applied later adds or revokes on top of it, as it would
   * have on the old table). Peers do not change.
   */
  reinstall(
    sessions: () => Promise<readonly Session[]>,
    install: (access: AuthorizedAccess) => Promise<void>,
  ): Promise<void> {
    if (this.closed) return Promise.resolve();
    const done = this.flushing.then(async () => install(authorizedAccess(await sessions())));
    this.flushing = done.catch(() => undefined);
    return done;
  }

  /**
   * The first step of a stop (DECISIONS 3, 70): grants end, and once the batches in flight are applied
   * `installClosed` leaves the closed table (nothing authorized, exemptions kept). Whatever the rest of
   * the stop does, and however long it takes, nobody forwards from here on.
   */
  async close(installClosed: () => Promise<void>): Promise<void> {
    this.closed = true;
    await this.flushing;
    await installClosed();
  }

  /** The end of a graceful stop: the sets emptied (again) and the interface down. */
  async shutdown(): Promise<void> {
    await this.flushing;
    await this.firewall.revokeAll();
    await this.tunnel.down();
  }
}
