// What the session service asks of the firewall and WireGuard for each way a session ends: the real
// SessionService, store and access batching over recording drivers (the kernel drivers themselves are
// proved in the end-to-end suites).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  parseCidr,
  tunnelPool,
  type Session,
  type Store,
  type TunnelDriver,
  type TunnelPeer,
} from '@kordon/core';
import type { AuthStateMessage } from '@kordon/protocol';
import { AccessControl } from '../../src/access.js';
import { NoFirewall } from '../../src/drivers.js';
import { Argon2idHasher } from '../../src/auth/password.js';
import { DeviceCertificateAuthenticator } from '../../src/auth/device.js';
import { LocalPasswordAuthenticator } from '../../src/auth/local.js';
import { systemClock } from '../../src/clock.js';
import {
  SessionService,
  type SessionConnection,
  type SessionServiceOptions,
} from '../../src/endpoint/sessions.js';
import { ResumeTickets } from '../../src/endpoint/tickets.js';
import { createMetrics } from '../../src/metrics.js';
import { openSqliteStore } from '../../src/store/index.js';

class RecordingTunnel implements TunnelDriver {
  readonly kind = 'userspace';
  readonly interfaceName = 'test0';
  readonly peers_ = new Map<string, TunnelPeer>();
  up(): Promise<void> {
    return Promise.resolve();
  }
  applyPeers(c: { add: TunnelPeer[]; remove: string[] }): Promise<void> {
    for (const k of c.remove) this.peers_.delete(k);
    for (const p of c.add) this.peers_.set(p.publicKey, p);
    return Promise.resolve();
  }
  replacePeers(p: TunnelPeer[]): Promise<void> {
    this.peers_.clear();
    for (const x of p) this.peers_.set(x.publicKey, x);
    return Promise.resolve();
  }
  peers() {
    return Promise.resolve([]);
  }
  down(): Promise<void> {
    return Promise.resolve();
  }
}

function connection(
  address: string,
): SessionConnection & { closed: number | null; last: AuthStateMessage | undefined } {
  return {
    sourceAddress: address,
    sessionId: null,
    closed: null,
    last: undefined,
    terminate(code, _reason, last) {
      this.closed = code;
      this.last = last;
    },
  };
}

const key = (i: number): string => `${String.fromCharCode(65 + i).repeat(42)}A=`;

let dir: string;
let store: Store;
let firewall: NoFirewall;
let tunnel: RecordingTunnel;
let sessions: SessionService;
let options: SessionServiceOptions;
const settings = {
  enabled: true,
  auth_domain: null,
  local_tunnel: false,
  device_vpn: false,
  trusted_ca_cert: null,
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kordon-access-'));
  store = await openSqliteStore({ file: join(dir, 'k.db') });
  const hasher = new Argon2idHasher();
  await store.users.create({
    id: 'u',
    name: 'alice',
    passwordHash: await hasher.hash('pw'),
    disabled: false,
    createdAt: new Date(),
  });
  await store.vpnRules.create({
    id: 'r',
    position: 1,
    action: 'allow',
    users: ['*'],
    groups: [],
    createdAt: new Date(),
  });
  firewall = new NoFirewall();
  tunnel = new RecordingTunnel();
  const pool = tunnelPool('100.64.0.0/16');
  if (!pool.ok) throw new Error(pool.message);
  const local = parseCidr('127.0.0.0/8');
  if (!local.ok) throw new Error(local.message);
  await store.users.create({
    id: 'u2',
    name: 'bob',
    passwordHash: await hasher.hash('pw'),
    disabled: false,
    createdAt: new Date(),
  });
  const passwords = new LocalPasswordAuthenticator(store, hasher);
  const devices = new DeviceCertificateAuthenticator({
    trust: () => Promise.resolve({ deviceVpn: false, trustedCaCert: null }),
    crlFile: null,
  });
  options = {
    store,
    passwords,
    devices,
    authenticators: [passwords, devices],
    authorizeTimeoutMs: 60_000,
    hashing: { threads: 1, meanHashMs: () => 25, hashCpuMs: () => 25 },
    holder: 'n/0',
    ownsNode: true,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    metrics: createMetrics(),
    tickets: new ResumeTickets(Buffer.alloc(32, 1)),
    localNetworks: [local.cidr],
    reconnectGraceMs: 60_000,
    tunnelSetupMs: 60_000,
    nodeName: 'n',
    access: new AccessControl(tunnel, firewall, pino({ level: 'silent' })),
    tunnel: {
      pool: pool.pool,
      serverPort: 3051,
      publicKey: key(20),
      dnsIpv4: '100.64.0.1',
      forwardNets: ['0.0.0.0/0'],
      dnsSuffix: '',
    },
  };
  sessions = new SessionService(options);
});

afterEach(async () => {
  sessions.shutdown();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('access follows sessions', () => {
  it('the sixth local device revokes the oldest address, a repeat from the same device keeps it', async () => {
    const conns = [1, 2, 3, 4, 5, 6].map((i) => connection(`127.0.9.${i}`));
    for (const c of conns)
      expect((await sessions.authorizePassword(c, 'alice', 'pw', settings)).reply.authorized).toBe(true);
    expect(conns[0]!.closed).toBe(4003);
    expect([...(await firewall.authorized())].sort()).toEqual([
      '127.0.9.2',
      '127.0.9.3',
      '127.0.9.4',
      '127.0.9.5',
      '127.0.9.6',
    ]);
    const again = connection('127.0.9.6');
    await sessions.authorizePassword(again, 'alice', 'pw', settings);
    expect(conns[5]!.closed).toBe(4007);
    expect((await firewall.authorized()).includes('127.0.9.6')).toBe(true);
  });

  it('the sixth tunnel device removes the oldest peer and its address; the lease stays its own', async () => {
    const conns = [0, 1, 2, 3, 4, 5].map((i) => connection(`198.18.9.${i + 1}`));
    for (const [i, c] of conns.entries()) {
      const auth = await sessions.authorizePassword(c, 'alice', 'pw', settings);
      expect(auth.reply).toMatchObject({ authorized: true, need_tunnel: true });
      const t = await sessions.setupTunnel(c, key(i));
      expect(t).toMatchObject({ kind: 'tunnel', reply: { client_tunnel_ipv4: `100.64.0.${i + 2}/32` } });
    }
    expect(conns[0]!.closed).toBe(4003);
    expect([...tunnel.peers_.keys()]).toEqual([1, 2, 3, 4, 5].map(key));
    expect((await firewall.authorized()).includes('100.64.0.2')).toBe(false);
    expect((await firewall.authorized()).includes('100.64.0.7')).toBe(true);
    // The evicted device comes back and gets its own address again (DECISIONS 5).
    const back = connection('198.18.9.1');
    await sessions.authorizePassword(back, 'alice', 'pw', settings);
    expect(await sessions.setupTunnel(back, key(0))).toMatchObject({
      reply: { client_tunnel_ipv4: '100.64.0.2/32' },
    });
    expect((await firewall.authorized()).includes('100.64.0.2')).toBe(true);
  });

  it('logout, administrator end and account removal revoke at once', async () => {
    const a = connection('127.0.8.1');
    await sessions.authorizePassword(a, 'alice', 'pw', settings);
    expect((await firewall.authorized()).includes('127.0.8.1')).toBe(true);
    await sessions.unauthorize(a);
    expect((await firewall.authorized()).length).toBe(0);
    const b = connection('127.0.8.2');
    await sessions.authorizePassword(b, 'alice', 'pw', settings);
    await sessions.applyChange({ kind: 'session_ended', sessionId: b.sessionId! });
    expect((await firewall.authorized()).length).toBe(0);
    const c = connection('198.18.8.3');
    await sessions.authorizePassword(c, 'alice', 'pw', settings);
    await sessions.setupTunnel(c, key(7));
    expect(tunnel.peers_.size).toBe(1);
    await store.users.remove('alice');
    await sessions.applyChange({ kind: 'user', account: 'alice', action: 'removed' });
    expect(tunnel.peers_.size).toBe(0);
    expect((await firewall.authorized()).length).toBe(0);
    expect(c.closed).toBe(4002);
  });

  it('a local_tunnel change read late ends the sessions made under the old value, not one made under the new', async () => {
    const old = connection('127.0.8.4');
    await sessions.authorizePassword(old, 'alice', 'pw', settings);
    // The client logged in again under the new value before this process read the change.
    const on = { ...settings, local_tunnel: true };
    const fresh = connection('127.0.8.5');
    expect((await sessions.authorizePassword(fresh, 'alice', 'pw', on)).reply).toMatchObject({
      need_tunnel: true,
    });
    expect(await sessions.setupTunnel(fresh, key(8))).toMatchObject({ kind: 'tunnel' });
    await sessions.applyChange({ kind: 'settings', before: settings, after: on });
    expect(old.closed).toBe(4005);
    expect(fresh.closed).toBeNull();
    expect(tunnel.peers_.has(key(8))).toBe(true);
    expect(await firewall.authorized()).toHaveLength(1);
  });
});

describe('refusals that change nothing of anyone else (DECISIONS 61, 68, 69)', () => {
  it('a WireGuard key of another account is refused with key_in_use; that account keeps all it had', async () => {
    const a = connection('198.18.9.10');
    await sessions.authorizePassword(a, 'alice', 'pw', settings);
    expect(await sessions.setupTunnel(a, key(3))).toMatchObject({ kind: 'tunnel' });
    const aliceBefore = await store.sessions.listByAccount('alice');
    const leaseBefore = await store.leases.get(key(3));
    const b = connection('198.18.9.11');
    await sessions.authorizePassword(b, 'bob', 'pw', settings);
    expect(await sessions.setupTunnel(b, key(3))).toMatchObject({
      kind: 'ended',
      reply: { authorized: false, reason: 'key_in_use' },
    });
    expect(await store.sessions.listByAccount('bob')).toStrictEqual([]);
    expect(await store.sessions.listByAccount('alice')).toStrictEqual(aliceBefore);
    expect(await store.leases.get(key(3))).toStrictEqual(leaseBefore);
    expect(tunnel.peers_.has(key(3))).toBe(true);
    expect(a.closed).toBeNull();
    // Alice's own key, after her session ended, is still hers: bob cannot take its lease either.
    await sessions.unauthorize(a);
    const c = connection('198.18.9.12');
    await sessions.authorizePassword(c, 'bob', 'pw', settings);
    expect(await sessions.setupTunnel(c, key(3))).toMatchObject({ reply: { reason: 'key_in_use' } });
  });

  it('a login is answered busy when the hashing queue would outlast the authorize deadline', async () => {
    const busy = new SessionService({ ...options, authorizeTimeoutMs: 1 });
    const first = busy.authorizePassword(connection('127.0.7.1'), 'alice', 'pw', settings);
    const second = await busy.authorizePassword(connection('127.0.7.2'), 'alice', 'pw', settings);
    expect(second.reply).toMatchObject({ authorized: false, reason: 'busy' });
    expect(second.reply.timeout).toBeGreaterThan(0);
    expect((await first).reply).toMatchObject({ authorized: true });
    busy.shutdown();
  });

  it('queues no login for longer than a client waits for its answer (30 s), whatever the deadline', async () => {
    // 25 s a hash: one login ahead is within the 60 s deadline but past what a client waits.
    const slow = new SessionService({
      ...options,
      authorizeTimeoutMs: 60_000,
      hashing: { threads: 1, meanHashMs: () => 25_000, hashCpuMs: () => 25_000 },
    });
    const first = slow.authorizePassword(connection('127.0.7.7'), 'alice', 'pw', settings);
    const second = await slow.authorizePassword(connection('127.0.7.8'), 'bob', 'pw', settings);
    expect(second.reply).toMatchObject({ authorized: false, reason: 'busy', timeout: 25 });
    expect((await first).reply).toMatchObject({ authorized: true });
    slow.shutdown();
  });

  /**
   * One thread, a second of wall time per hash (`cpuMs` of CPU): a queue of one login outlasts the
   * half-second deadline, so a crowd arriving while the first login hashes is answered `busy`.
   */
  async function busyCrowd(size: number, cpuMs: number): Promise<unknown[]> {
    const paced = new SessionService({
      ...options,
      authorizeTimeoutMs: 500,
      hashing: { threads: 1, meanHashMs: () => 1000, hashCpuMs: () => cpuMs },
    });
    const first = paced.authorizePassword(connection('127.0.7.3'), 'alice', 'pw', settings);
    // Called together: each is judged before the first login's hash is done.
    const crowd = await Promise.all(
      Array.from({ length: size }, (_, i) =>
        paced.authorizePassword(connection(`127.0.7.${i + 4}`), 'bob', 'pw', settings),
      ),
    );
    expect((await first).reply).toMatchObject({ authorized: true });
    paced.shutdown();
    return crowd.map((outcome) => outcome.reply);
  }

  it('tells a crowd refused as busy to come back one hash apart, at the rate the threads take them', async () => {
    expect(await busyCrowd(3, 1000)).toMatchObject([1, 2, 3].map((timeout) => ({ reason: 'busy', timeout })));
  });

  it('spaces the returns by what a hash costs in CPU, not by a wall time the crowd inflated', async () => {
    // A quarter of the wall time in CPU: 1 s, then 1.25, 1.5, 1.75, 2, 2.25 s, in whole seconds up.
    expect(await busyCrowd(6, 250)).toMatchObject(
      [1, 2, 2, 2, 2, 3].map((timeout) => ({ reason: 'busy', timeout })),
    );
  });

  it('gives connections refused at the pending cap return times after the busy ones, else its own wait', async () => {
    const paced = new SessionService({
      ...options,
      authorizeTimeoutMs: 500,
      hashing: { threads: 1, meanHashMs: () => 1000, hashCpuMs: () => 1000 },
    });
    // No crowd told busy: the cap is not the queue's doing, and the endpoint's own wait stands.
    expect(paced.pendingRefusalSeconds(10)).toBe(10);
    const first = paced.authorizePassword(connection('127.0.7.3'), 'alice', 'pw', settings);
    const busy = await paced.authorizePassword(connection('127.0.7.4'), 'bob', 'pw', settings);
    expect(busy.reply).toMatchObject({ reason: 'busy', timeout: 1 });
    // Turned away at the door meanwhile: each comes back one hash after the one before.
    expect([paced.pendingRefusalSeconds(10), paced.pendingRefusalSeconds(10)]).toStrictEqual([2, 3]);
    expect((await first).reply).toMatchObject({ authorized: true });
    paced.shutdown();
  });
});

describe('a resume right after the connection dropped (same process)', () => {
  it('is never undone by the grace that the drop started', async () => {
    const original = store.sessions.releaseHolder.bind(store.sessions);
    // The grace's write is slow (a busy store): the resume comes in before it lands.
    const spy = vi.spyOn(store.sessions, 'releaseHolder').mockImplementation(async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return original(...args);
    });
    const first = connection('127.0.6.1');
    const login = await sessions.authorizePassword(first, 'alice', 'pw', settings);
    const ticket = login.reply.authorized ? (login.reply.resume_ticket ?? '') : '';
    const id = first.sessionId!;
    sessions.connectionClosed(first);
    const again = connection('127.0.6.1');
    expect((await sessions.resume(again, ticket, settings)).reply).toMatchObject({ authorized: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await store.sessions.get(id)).toMatchObject({ holder: 'n/0', graceUntil: null });
    spy.mockRestore();
  });
});

describe('a tunnel that cannot be served ends the pending session with auth_state (DECISIONS 61)', () => {
  it('a full pool: pool_exhausted, and the connection may log in again', async () => {
    const tiny = tunnelPool('100.64.9.0/30');
    if (!tiny.ok) throw new Error(tiny.message);
    const small = new SessionService({ ...options, tunnel: { ...options.tunnel!, pool: tiny.pool } });
    const first = connection('198.18.9.20');
    await small.authorizePassword(first, 'alice', 'pw', settings);
    expect(await small.setupTunnel(first, key(10))).toMatchObject({ kind: 'tunnel' });
    const second = connection('198.18.9.21');
    await small.authorizePassword(second, 'bob', 'pw', settings);
    expect(await small.setupTunnel(second, key(11))).toMatchObject({
      kind: 'ended',
      reply: { authorized: false, reason: 'pool_exhausted' },
    });
    expect(await store.sessions.listByAccount('bob')).toStrictEqual([]);
    expect(second.sessionId).toBeNull();
    small.shutdown();
  });

  it('access that cannot be applied: internal, the session ends, nothing stays granted', async () => {
    const broken = new RecordingTunnel();
    broken.applyPeers = () => Promise.reject(new Error('wireguard-go is gone'));
    const failing = new SessionService({
      ...options,
      access: new AccessControl(broken, firewall, pino({ level: 'silent' })),
    });
    const c = connection('198.18.9.30');
    await failing.authorizePassword(c, 'alice', 'pw', settings);
    expect(await failing.setupTunnel(c, key(12))).toMatchObject({
      kind: 'ended',
      reply: { authorized: false, reason: 'internal' },
    });
    expect(await store.sessions.listByAccount('alice')).toStrictEqual([]);
    expect(await firewall.authorized()).toStrictEqual([]);
    failing.shutdown();
  });
});

describe('the kernel follows who holds an address or a peer, not the order requests arrive in', () => {
  const session = (id: string, address: string, device: string | null = null): Session => ({
    id,
    account: 'alice',
    method: 'password',
    sourceAddress: address,
    vpn: device !== null,
    tunnelIpv4: device === null ? null : '100.64.0.9',
    device: device ?? address,
    state: 'active',
    since: new Date(),
    node: 'n',
    holder: null,
    graceUntil: null,
    resumeNonceHash: null,
    previousNonceHash: null,
    rotatedAt: null,
    posture: null,
  });

  it("an ended session's late revoke keeps the address of the session granted it since", async () => {
    const access = new AccessControl(tunnel, firewall, pino({ level: 'silent' }));
    const swept = session('swept', '127.0.9.1');
    await access.grant(swept);
    const next = session('next', '127.0.9.1');
    // The same batch, then one after the other: the revoke comes last both times.
    await Promise.all([access.grant(next), access.revoke(swept)]);
    expect([...(await firewall.authorized())]).toEqual(['127.0.9.1']);
    await access.revoke(swept);
    expect([...(await firewall.authorized())]).toEqual(['127.0.9.1']);
    await access.revoke(next);
    expect([...(await firewall.authorized())]).toEqual([]);
  });

  it("a replaced device's late revoke keeps its peer and tunnel address for the new session", async () => {
    const access = new AccessControl(tunnel, firewall, pino({ level: 'silent' }));
    const old = session('old', '198.18.9.1', key(3));
    const replacing = session('replacing', '198.18.9.2', key(3));
    await access.grant(old);
    await access.grant(replacing);
    await access.revoke(old);
    expect([...tunnel.peers_.keys()]).toEqual([key(3)]);
    expect([...(await firewall.authorized())]).toEqual(['100.64.0.9']);
    await access.revoke(replacing);
    expect(tunnel.peers_.size).toBe(0);
    expect([...(await firewall.authorized())]).toEqual([]);
  });

  it('after a restart the holders are the stored sessions: a revoke of one that is not stored changes nothing', async () => {
    const access = new AccessControl(tunnel, firewall, pino({ level: 'silent' }));
    const stored = session('stored', '127.0.9.2');
    await access.reconcile([stored], ({ authorized }) => firewall.allow(authorized));
    await access.revoke(session('gone', '127.0.9.2'));
    expect([...(await firewall.authorized())]).toEqual(['127.0.9.2']);
    await access.revoke(stored);
    expect([...(await firewall.authorized())]).toEqual([]);
  });
});
