// The Store's contract, run once per engine (contract-sqlite.test.ts, contract-postgres.test.ts): every
// repository, the transactions, and the rules that span rows when two transactions race.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultClientSettings,
  defaultPostureSettings,
  NO_PROFILE_KEY,
  StoreConflictError,
  type AccessRule,
  type ClientSettings,
  type PostureObject,
  type SessionPosture,
  type PostureProfile,
  type Session,
  type Store,
} from '@kordon/core';
import { StoreDataError } from '../../src/store/index.js';
import { admin, adminSession, at, event, installer, lease, session, t0, token, user } from './fixtures.js';

export interface StoreHarness {
  readonly dialect: 'sqlite' | 'postgres';
  /** Makes an empty database for the next test. */
  fresh(): Promise<void>;
  /** A store on the test's database; each call is a connection of its own, as another process has. */
  open(): Promise<Store>;
  /** Runs SQL on the database behind the store's back, for rows the repositories would never write. */
  execute(sql: string): Promise<void>;
  cleanup(): Promise<void>;
}

export function storeContract(harness: StoreHarness): void {
  let store: Store;
  const others: Store[] = [];

  beforeEach(async () => {
    await harness.fresh();
    store = await harness.open();
  });

  afterEach(async () => {
    await store.close();
    for (const other of others.splice(0)) await other.close();
    await harness.cleanup();
  });

  async function reopen(): Promise<Store> {
    await store.close();
    store = await harness.open();
    return store;
  }

  /** Another store on the same database, closed after the test. */
  async function another(): Promise<Store> {
    const other = await harness.open();
    others.push(other);
    return other;
  }

  const customSettings: ClientSettings = {
    enabled: false,
    auth_domain: 'corp.example',
    local_tunnel: true,
    device_vpn: true,
    trusted_ca_cert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  };

  describe('settings', () => {
    it('gives the defaults when none were stored', async () => {
      expect(await store.settings.get()).toStrictEqual(defaultClientSettings);
    });

    it('stores, replaces and keeps settings across a restart', async () => {
      await store.settings.put(customSettings);
      expect(await store.settings.get()).toStrictEqual(customSettings);
      const second: ClientSettings = { ...defaultClientSettings, auth_domain: 'other.example' };
      await store.settings.put(second);
      expect(await store.settings.get()).toStrictEqual(second);
      await reopen();
      expect(await store.settings.get()).toStrictEqual(second);
    });

    it('does not hand out the shared default object', async () => {
      const got = await store.settings.get();
      got.enabled = false;
      expect(defaultClientSettings.enabled).toBe(true);
    });
  });

  describe('directory', () => {
    it('has none at first, stores one, replaces it, keeps it across a restart and clears it', async () => {
      expect(await store.directory.get()).toBeUndefined();
      const config = {
        url: 'ldaps://dc1.corp.test',
        domain: 'CORP',
        realm: 'CORP.TEST',
        baseDn: 'DC=corp,DC=test',
        bindDn: 'CN=kordon,CN=Users,DC=corp,DC=test',
        bindPassword: 'service-password',
        caCert: null,
        adminGroup: 'CORP\\kordon-admins',
        viewerGroup: null,
        keytab: 'BQIAAAA=',
        ntlm: true,
        updatedAt: new Date(1_700_000_000_000),
      };
      await store.directory.put(config);
      expect(await store.directory.get()).toStrictEqual(config);
      const replaced = { ...config, url: 'ldap://dc2.corp.test', caCert: '-----BEGIN CERTIFICATE-----' };
      await store.directory.put(replaced);
      await reopen();
      expect(await store.directory.get()).toStrictEqual(replaced);
      expect(await store.directory.clear()).toBe(true);
      expect(await store.directory.clear()).toBe(false);
      expect(await store.directory.get()).toBeUndefined();
    });
  });

  describe('users', () => {
    it('creates, reads, updates and removes', async () => {
      const bob = user('bob', { disabled: true, createdAt: at(5) });
      await store.users.create(user('alice'));
      await store.users.create(bob);
      expect(await store.users.get('bob')).toStrictEqual(bob);
      expect(await store.users.get('carol')).toBeUndefined();
      expect(await store.users.list()).toStrictEqual([user('alice'), bob]);

      expect(await store.users.setPassword('alice', 'new-hash')).toBe(true);
      expect(await store.users.setDisabled('alice', true)).toBe(true);
      expect(await store.users.get('alice')).toStrictEqual(
        user('alice', { passwordHash: 'new-hash', disabled: true }),
      );
      expect(await store.users.setDisabled('alice', false)).toBe(true);
      expect((await store.users.get('alice'))?.disabled).toBe(false);
      expect(await store.users.setPassword('nobody', 'x')).toBe(false);
      expect(await store.users.setDisabled('nobody', true)).toBe(false);

      expect(await store.users.remove('bob')).toBe(true);
      expect(await store.users.remove('bob')).toBe(false);
      expect(await store.users.list()).toStrictEqual([user('alice', { passwordHash: 'new-hash' })]);
    });

    it('refuses a second user of the same name or id', async () => {
      await store.users.create(user('alice'));
      const byName = store.users.create(user('alice', { id: 'other' }));
      await expect(byName).rejects.toBeInstanceOf(StoreConflictError);
      await expect(byName).rejects.toThrow('user "alice" already exists');
      await expect(store.users.create(user('bob', { id: 'u-alice' }))).rejects.toThrow(
        new StoreConflictError('user id "u-alice" already exists'),
      );
      expect(await store.users.list()).toStrictEqual([user('alice')]);
    });
  });

  describe('admins', () => {
    it('creates, reads, counts and removes', async () => {
      const viewer = admin('viewer1', { role: 'viewer', createdAt: at(1) });
      expect(await store.admins.count()).toBe(0);
      await store.admins.create(admin('root'));
      await store.admins.create(viewer);
      expect(await store.admins.count()).toBe(2);
      expect(await store.admins.get('viewer1')).toStrictEqual(viewer);
      expect(await store.admins.getById('a-root')).toStrictEqual(admin('root'));
      expect(await store.admins.getById('a-none')).toBeUndefined();
      expect(await store.admins.list()).toStrictEqual([admin('root'), viewer]);
      expect(await store.admins.setPassword('root', 'h2', true)).toBe(true);
      expect(await store.admins.get('root')).toMatchObject({ passwordHash: 'h2', mustChangePassword: true });
      expect(await store.admins.setPassword('root', 'h3', false)).toBe(true);
      expect(await store.admins.get('root')).toMatchObject({ passwordHash: 'h3', mustChangePassword: false });
      expect(await store.admins.setPassword('none', 'h2', false)).toBe(false);
      expect(await store.admins.remove('viewer1')).toBe(true);
      expect(await store.admins.remove('viewer1')).toBe(false);
      expect(await store.admins.count()).toBe(1);
    });

    it('refuses a duplicate name', async () => {
      await store.admins.create(admin('root'));
      await expect(store.admins.create(admin('root', { id: 'a-2' }))).rejects.toThrow(
        new StoreConflictError('administrator "root" already exists'),
      );
    });
  });

  describe('API tokens', () => {
    it('creates, finds by hash, lists in creation order and removes', async () => {
      const older = token('t1', { role: 'admin' });
      const newer = token('t2', { createdAt: at(10) });
      await store.tokens.create(newer);
      await store.tokens.create(older);
      expect(await store.tokens.getByHash('sha256-t2')).toStrictEqual(newer);
      expect(await store.tokens.getByHash('sha256-none')).toBeUndefined();
      expect(await store.tokens.list()).toStrictEqual([older, newer]);
      expect(await store.tokens.remove('t1')).toBe(true);
      expect(await store.tokens.remove('t1')).toBe(false);
      expect(await store.tokens.list()).toStrictEqual([newer]);
    });

    it('refuses a duplicate hash without revealing it', async () => {
      await store.tokens.create(token('t1'));
      const duplicate = store.tokens.create(token('t2', { tokenHash: 'sha256-t1', name: 'ci' }));
      await expect(duplicate).rejects.toThrow(new StoreConflictError('API token "ci" already exists'));
    });
  });

  describe('admin sessions', () => {
    beforeEach(async () => {
      await store.admins.create(admin('root'));
    });

    it('creates, reads, removes and expires', async () => {
      const live = adminSession('s-live', 'a-root', at(60_000));
      const due = adminSession('s-due', 'a-root', at(0));
      const old = adminSession('s-old', 'a-root', at(-1));
      for (const s of [live, due, old]) await store.adminSessions.create(s);
      expect(await store.adminSessions.get('s-live')).toStrictEqual(live);
      expect(await store.adminSessions.get('s-none')).toBeUndefined();
      expect(await store.adminSessions.removeExpired(t0)).toBe(2);
      expect(await store.adminSessions.get('s-due')).toBeUndefined();
      expect(await store.adminSessions.get('s-old')).toBeUndefined();
      expect(await store.adminSessions.remove('s-live')).toBe(true);
      expect(await store.adminSessions.remove('s-live')).toBe(false);
    });

    it('ends every console session of one administrator, and only theirs', async () => {
      await store.admins.create(admin('other'));
      await store.adminSessions.create(adminSession('s1', 'a-root', at(60_000)));
      await store.adminSessions.create(adminSession('s2', 'a-root', at(60_000)));
      await store.adminSessions.create(adminSession('s3', 'a-other', at(60_000)));
      expect(await store.adminSessions.removeForAdmin('a-root')).toBe(2);
      expect(await store.adminSessions.removeForAdmin('a-root')).toBe(0);
      expect(await store.adminSessions.get('s1')).toBeUndefined();
      expect(await store.adminSessions.get('s3')).toStrictEqual(adminSession('s3', 'a-other', at(60_000)));
    });

    it('ends the sessions of a removed administrator (foreign keys are on)', async () => {
      await store.adminSessions.create(adminSession('s1', 'a-root', at(60_000)));
      await store.admins.remove('root');
      expect(await store.adminSessions.get('s1')).toBeUndefined();
    });

    it('refuses a duplicate id', async () => {
      await store.adminSessions.create(adminSession('s1', 'a-root', at(1)));
      await expect(store.adminSessions.create(adminSession('s1', 'a-root', at(2)))).rejects.toThrow(
        new StoreConflictError('administrator session already exists'),
      );
    });
  });

  describe('installers', () => {
    it('puts, replaces per OS, finds by file name and removes', async () => {
      const win = installer('windows');
      const mac = installer('macos', { policy: 'exact', size: 1 });
      await store.installers.put(win);
      await store.installers.put(mac);
      expect(await store.installers.list()).toStrictEqual([mac, win]);
      expect(await store.installers.get('windows')).toStrictEqual(win);
      expect(await store.installers.get('linux')).toBeUndefined();
      expect(await store.installers.getByFileName(mac.fileName)).toStrictEqual(mac);
      expect(await store.installers.getByFileName('nope.bin')).toBeUndefined();

      await store.installers.put(win); // the same again is a no-op replacement
      const newer = installer('windows', {
        build: 3100,
        fileName: 'kordon-windows-4.12.3100.bin',
        addedAt: at(9),
      });
      await store.installers.put(newer);
      expect(await store.installers.get('windows')).toStrictEqual(newer);
      expect(await store.installers.getByFileName(win.fileName)).toBeUndefined();

      expect(await store.installers.remove('macos')).toBe(true);
      expect(await store.installers.remove('macos')).toBe(false);
      expect(await store.installers.list()).toStrictEqual([newer]);
    });

    it("refuses another OS's file name", async () => {
      await store.installers.put(installer('windows', { fileName: 'kordon.bin' }));
      await expect(store.installers.put(installer('linux', { fileName: 'kordon.bin' }))).rejects.toThrow(
        new StoreConflictError('installer file "kordon.bin" is already used by another OS'),
      );
      expect(await store.installers.get('linux')).toBeUndefined();
    });
  });

  describe('sessions', () => {
    it('inserts, lists by since, lists by account, updates and removes', async () => {
      const late = session('s-late', { since: at(2000) });
      const early = session('s-early', {
        since: at(-5),
        vpn: false,
        tunnelIpv4: null,
        device: '198.18.0.10',
        resumeNonceHash: null,
      });
      const bob = session('s-bob', {
        account: 'bob',
        since: at(1000),
        state: 'pending',
        sourceAddress: '198.18.0.11',
      });
      for (const s of [late, early, bob]) await store.sessions.insert(s);
      expect(await store.sessions.listBySourceAddress('198.18.0.10')).toStrictEqual([early, late]);
      expect(await store.sessions.listBySourceAddress('198.18.0.11')).toStrictEqual([bob]);
      expect(await store.sessions.listBySourceAddress('198.18.0.12')).toStrictEqual([]);
      expect(await store.sessions.get('s-early')).toStrictEqual(early);
      expect(await store.sessions.get('s-none')).toBeUndefined();
      expect(await store.sessions.list()).toStrictEqual([early, bob, late]);
      expect(await store.sessions.listByAccount('alice')).toStrictEqual([early, late]);
      expect(await store.sessions.listByAccount('nobody')).toStrictEqual([]);

      const activated = {
        ...bob,
        state: 'active' as const,
        since: at(3000),
        node: 'node-2',
        resumeNonceHash: null,
      };
      await store.sessions.update(activated);
      expect(await store.sessions.get('s-bob')).toStrictEqual(activated);
      expect(await store.sessions.list()).toStrictEqual([early, late, activated]);

      expect(await store.sessions.remove('s-late')).toBe(true);
      expect(await store.sessions.remove('s-late')).toBe(false);
      expect(await store.sessions.listByAccount('alice')).toStrictEqual([early]);
    });

    it('refuses a duplicate id and ignores the update of an unknown one', async () => {
      await store.sessions.insert(session('s1'));
      await expect(store.sessions.insert(session('s1', { account: 'bob' }))).rejects.toThrow(
        new StoreConflictError('session "s1" already exists'),
      );
      await store.sessions.update(session('s-gone'));
      expect(await store.sessions.list()).toStrictEqual([session('s1')]);
    });
  });

  describe('events', () => {
    it('removes the events older than a moment', async () => {
      for (const e of [event('old', at(-10)), event('edge', at(0)), event('new', at(10))]) {
        await store.events.append(e);
      }
      expect(await store.events.removeBefore(at(0))).toBe(1);
      expect((await store.events.list(10)).map((e) => e.detail)).toStrictEqual(['new', 'edge']);
    });

    it('lists the newest first, up to the limit', async () => {
      const first = event('first', at(0));
      const second = event('second', at(10), { kind: 'login_failed', account: null, sourceAddress: null });
      const sameTime = event('same time, appended later', at(10), { kind: 'settings_changed' });
      const backdated = event('backdated', at(-10), { kind: 'session_ended' });
      for (const e of [first, second, sameTime, backdated]) await store.events.append(e);
      expect(await store.events.list(10)).toStrictEqual([sameTime, second, first, backdated]);
      expect(await store.events.list(2)).toStrictEqual([sameTime, second]);
      expect(await store.events.list(0)).toStrictEqual([]);
    });

    it('pages with filters and a search, either way, continuing after (time, id), and counts every page', async () => {
      const events = [
        event('alice logged in', at(0)),
        event('100% sure_thing', at(10), { kind: 'settings_changed', account: null, sourceAddress: null }),
        event('bob failed', at(10), { kind: 'login_failed', account: 'bob' }),
        event('alice again', at(20), { sourceAddress: '198.18.7.7' }),
        event('late', at(30), { kind: 'session_ended', account: 'carol' }),
      ];
      for (const e of events) await store.events.append(e);
      const details = (page: { events: { detail: string }[] }): string[] => page.events.map((e) => e.detail);

      const newest = await store.events.page({ ascending: false, limit: 2 });
      expect(details(newest)).toStrictEqual(['late', 'alice again']);
      expect(newest.total).toBe(5);
      const last = newest.events.at(-1);
      const next = await store.events.page({
        ascending: false,
        limit: 10,
        after: { at: last?.at ?? t0, id: last?.id ?? 0 },
      });
      // The two events of one instant come newest-appended first and neither is skipped.
      expect(details(next)).toStrictEqual(['bob failed', '100% sure_thing', 'alice logged in']);
      expect(next.total).toBe(5);

      const oldest = await store.events.page({ ascending: true, limit: 3 });
      expect(details(oldest)).toStrictEqual(['alice logged in', '100% sure_thing', 'bob failed']);

      expect(
        details(await store.events.page({ ascending: true, limit: 10, kinds: ['login', 'session_ended'] })),
      ).toStrictEqual(['alice logged in', 'alice again', 'late']);
      expect(details(await store.events.page({ ascending: true, limit: 10, account: 'bob' }))).toStrictEqual([
        'bob failed',
      ]);
      const window = await store.events.page({ ascending: true, limit: 10, since: at(10), until: at(30) });
      expect(details(window)).toStrictEqual(['100% sure_thing', 'bob failed', 'alice again']);
      expect(window.total).toBe(3);

      // Case-insensitive, in the detail, the account and the address; % and _ are literal (as a
      // wildcard, "l_c" would match "alice").
      expect(details(await store.events.page({ ascending: true, limit: 10, search: 'ALICE' }))).toStrictEqual(
        ['alice logged in', 'alice again'],
      );
      expect(details(await store.events.page({ ascending: true, limit: 10, search: '%' }))).toStrictEqual([
        '100% sure_thing',
      ]);
      expect(details(await store.events.page({ ascending: true, limit: 10, search: 'l_c' }))).toStrictEqual(
        [],
      );
      expect(details(await store.events.page({ ascending: true, limit: 10, search: '18.7.' }))).toStrictEqual(
        ['alice again'],
      );
      expect((await store.events.page({ ascending: true, limit: 10, search: 'CAROL' })).total).toBe(1);
    });
  });

  describe('restart', () => {
    it('keeps every repository across close and reopen', async () => {
      await store.settings.put(customSettings);
      await store.users.create(user('alice', { disabled: true }));
      await store.admins.create(admin('root'));
      await store.tokens.create(token('t1'));
      await store.adminSessions.create(adminSession('as1', 'a-root', at(60_000)));
      await store.installers.put(installer('linux'));
      await store.sessions.insert(session('s1'));
      await store.events.append(event('e1', t0));

      await reopen();
      expect(await store.settings.get()).toStrictEqual(customSettings);
      expect(await store.users.list()).toStrictEqual([user('alice', { disabled: true })]);
      expect(await store.admins.list()).toStrictEqual([admin('root')]);
      expect(await store.tokens.list()).toStrictEqual([token('t1')]);
      expect(await store.adminSessions.get('as1')).toStrictEqual(adminSession('as1', 'a-root', at(60_000)));
      expect(await store.installers.list()).toStrictEqual([installer('linux')]);
      expect(await store.sessions.list()).toStrictEqual([session('s1')]);
      expect(await store.events.list(5)).toStrictEqual([event('e1', t0)]);
    });
  });

  describe('transaction', () => {
    it('commits everything done through the bound store and returns the result', async () => {
      const result = await store.transaction(async (tx) => {
        await tx.users.create(user('alice'));
        await tx.sessions.insert(session('s1'));
        return tx.sessions.listByAccount('alice');
      });
      expect(result).toStrictEqual([session('s1')]);
      expect(await store.users.get('alice')).toStrictEqual(user('alice'));
      expect(await store.sessions.get('s1')).toStrictEqual(session('s1'));
    });

    it('rolls everything back when fn throws, including nested calls', async () => {
      await store.users.create(user('existing'));
      const failure = new Error('rule broken');
      await expect(
        store.transaction(async (tx) => {
          await tx.users.create(user('alice'));
          await tx.users.remove('existing');
          await tx.transaction(async (inner) => {
            await inner.sessions.insert(session('s1'));
            await inner.settings.put(customSettings);
          });
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store.users.list()).toStrictEqual([user('existing')]);
      expect(await store.sessions.list()).toStrictEqual([]);
      expect(await store.settings.get()).toStrictEqual(defaultClientSettings);
    });

    it('runs a nested transaction inside the outer one and sees its uncommitted writes', async () => {
      await store.transaction(async (tx) => {
        await tx.users.create(user('alice'));
        const seen = await tx.transaction((inner) => inner.users.get('alice'));
        expect(seen).toStrictEqual(user('alice'));
      });
      expect(await store.users.list()).toStrictEqual([user('alice')]);
    });

    it('rolls back a conflict so the whole rule fails', async () => {
      await store.users.create(user('alice'));
      await expect(
        store.transaction(async (tx) => {
          await tx.sessions.insert(session('s1'));
          await tx.users.create(user('alice', { id: 'u-2' }));
        }),
      ).rejects.toBeInstanceOf(StoreConflictError);
      expect(await store.sessions.list()).toStrictEqual([]);
    });

    it('refuses close() on a transaction-bound store', async () => {
      await expect(store.transaction((tx) => tx.close())).rejects.toThrow(
        'close() is not available on a transaction-bound store',
      );
    });
  });

  describe('leases', () => {
    it('keeps one address per device and one device per address', async () => {
      await store.leases.put({ device: 'key-a', address: 100, node: 'n1', account: 'alice', lastUsed: t0 });
      await store.leases.put({ device: 'key-b', address: 102, node: 'n1', account: 'alice', lastUsed: t0 });
      expect(await store.leases.get('key-a')).toStrictEqual({
        device: 'key-a',
        address: 100,
        node: 'n1',
        account: 'alice',
        lastUsed: t0,
      });
      await expect(
        store.leases.put({ device: 'key-c', address: 100, node: 'n1', account: 'alice', lastUsed: t0 }),
      ).rejects.toThrow(StoreConflictError);
      await store.leases.put({
        device: 'key-a',
        address: 100,
        node: 'n2',
        account: 'alice',
        lastUsed: at(5),
      });
      expect(await store.leases.get('key-a')).toMatchObject({
        node: 'n2',
        account: 'alice',
        lastUsed: at(5),
      });
      expect(await store.leases.addressesBetween(101, 200)).toStrictEqual([102]);
      expect(await store.leases.addressesBetween(0, 200)).toStrictEqual([100, 102]);
    });

    it('releases idle leases except those in use, and survives a restart', async () => {
      await store.leases.put({ device: 'old', address: 1, node: 'n', account: null, lastUsed: at(-10_000) });
      await store.leases.put({
        device: 'old-live',
        address: 2,
        node: 'n',
        account: null,
        lastUsed: at(-10_000),
      });
      await store.leases.put({ device: 'new', address: 3, node: 'n', account: null, lastUsed: at(0) });
      await store.sessions.insert(
        session('s-live', { vpn: true, device: 'old-live', tunnelIpv4: '100.64.0.2' }),
      );
      expect(await store.leases.removeIdle(at(-1))).toBe(1);
      await reopen();
      expect((await store.leases.list()).map((l) => l.device)).toStrictEqual(['old-live', 'new']);
    });
  });

  describe('groups', () => {
    it('holds members and tells the groups of a user', async () => {
      await store.groups.create({ name: 'staff', createdAt: t0 });
      await store.groups.create({ name: 'vpn', createdAt: t0 });
      await expect(store.groups.create({ name: 'staff', createdAt: t0 })).rejects.toThrow(
        'group "staff" already exists',
      );
      expect(await store.groups.addMember('staff', 'alice')).toBe(true);
      expect(await store.groups.addMember('staff', 'alice')).toBe(true);
      expect(await store.groups.addMember('vpn', 'alice')).toBe(true);
      expect(await store.groups.addMember('nope', 'alice')).toBe(false);
      expect(await store.groups.groupsOf('alice')).toStrictEqual(['staff', 'vpn']);
      expect(await store.groups.members('staff')).toStrictEqual(['alice']);
      expect(await store.groups.removeMember('staff', 'alice')).toBe(true);
      expect(await store.groups.remove('vpn')).toBe(true);
      expect(await store.groups.groupsOf('alice')).toStrictEqual([]);
      expect((await store.groups.list()).map((g) => g.name)).toStrictEqual(['staff']);
    });
  });

  describe('VPN-access rules', () => {
    it('lists rules in position order and refuses a taken id', async () => {
      const rule = { action: 'allow' as const, users: ['alice'], groups: ['staff'], createdAt: t0 };
      await store.vpnRules.create({ ...rule, id: 'b', position: 20 });
      await store.vpnRules.create({ ...rule, id: 'a', position: 10, action: 'deny', users: ['*'] });
      await expect(store.vpnRules.create({ ...rule, id: 'a', position: 30 })).rejects.toThrow(
        'rule "a" already exists',
      );
      expect(await store.vpnRules.list()).toStrictEqual([
        { ...rule, id: 'a', position: 10, action: 'deny', users: ['*'] },
        { ...rule, id: 'b', position: 20 },
      ]);
      expect(await store.vpnRules.remove('a')).toBe(true);
      expect(await store.vpnRules.remove('a')).toBe(false);
    });

    it('updates a rule in place; equal positions are listed by age, then id (migration 0011)', async () => {
      const rule = { action: 'allow' as const, users: ['alice'], groups: [], createdAt: t0 };
      const later = new Date(t0.getTime() + 1000);
      await store.vpnRules.create({ ...rule, id: 'old', position: 10 });
      await store.vpnRules.create({ ...rule, id: 'new', position: 20, createdAt: later });
      await store.vpnRules.create({ ...rule, id: 'z', position: 30 });
      // Moved onto the older rule's position: the older is evaluated first.
      expect(
        await store.vpnRules.update({
          ...rule,
          id: 'new',
          position: 10,
          action: 'deny',
          users: ['*'],
          groups: ['staff'],
          createdAt: t0,
        }),
      ).toBe(true);
      expect(await store.vpnRules.update({ ...rule, id: 'a', position: 10 })).toBe(false);
      await store.vpnRules.create({ ...rule, id: 'y', position: 10 });
      expect(await store.vpnRules.list()).toStrictEqual([
        { ...rule, id: 'old', position: 10 },
        { ...rule, id: 'y', position: 10 },
        // createdAt is not changed by an update.
        {
          ...rule,
          id: 'new',
          position: 10,
          action: 'deny',
          users: ['*'],
          groups: ['staff'],
          createdAt: later,
        },
        { ...rule, id: 'z', position: 30 },
      ]);
    });
  });

  describe('sessions across nodes and holders', () => {
    const held = (id: string, overrides: Partial<Session> = {}): Session =>
      session(id, { holder: 'node-1/0', node: 'node-1', ...overrides });

    it('lists by device, releases a holder, one session or all, and a node', async () => {
      await store.sessions.insert(held('s1', { device: 'key-1' }));
      await store.sessions.insert(held('s2', { device: 'key-1', account: 'bob' }));
      await store.sessions.insert(held('s3', { device: 'key-3', holder: 'node-1/1' }));
      await store.sessions.insert(held('s4', { device: 'key-4', node: 'node-2', holder: 'node-2/0' }));
      expect((await store.sessions.listByDevice('key-1')).map((s) => s.id).sort()).toStrictEqual([
        's1',
        's2',
      ]);
      expect(await store.sessions.listByDevice('key-none')).toStrictEqual([]);

      expect(await store.sessions.releaseHolder('node-1/0', at(100), 's2')).toBe(1);
      expect(await store.sessions.get('s2')).toMatchObject({ holder: null, graceUntil: at(100) });
      expect(await store.sessions.get('s1')).toMatchObject({ holder: 'node-1/0', graceUntil: null });
      expect(await store.sessions.releaseHolder('node-1/0', at(200))).toBe(1);
      expect(await store.sessions.get('s1')).toMatchObject({ holder: null, graceUntil: at(200) });
      expect(await store.sessions.releaseHolder('node-1/9', at(200))).toBe(0);

      expect(await store.sessions.releaseNode('node-1', at(300))).toBe(3);
      expect((await store.sessions.list()).map((s) => [s.id, s.holder, s.graceUntil])).toStrictEqual([
        ['s1', null, at(300)],
        ['s2', null, at(300)],
        ['s3', null, at(300)],
        ['s4', 'node-2/0', null],
      ]);
    });

    it("lists a node's sessions whose grace is over and that nobody holds, oldest grace first", async () => {
      await store.sessions.insert(held('due-late', { holder: null, graceUntil: at(50) }));
      await store.sessions.insert(held('due-now', { holder: null, graceUntil: at(0) }));
      await store.sessions.insert(held('waiting', { holder: null, graceUntil: at(1) }));
      await store.sessions.insert(held('held', { graceUntil: at(-5) }));
      await store.sessions.insert(held('other-node', { node: 'node-2', holder: null, graceUntil: at(-5) }));
      await store.sessions.insert(held('no-grace', { holder: null }));
      const due = await store.sessions.listGraceExpired('node-1', at(0));
      expect(due.map((s) => s.id)).toStrictEqual(['due-now']);
      const later = await store.sessions.listGraceExpired('node-1', at(60));
      expect(later.map((s) => s.id)).toStrictEqual(['due-now', 'waiting', 'due-late']);
    });

    it('keeps the previous ticket and its rotation time', async () => {
      const rotated = held('s1', { previousNonceHash: 'e'.repeat(64), rotatedAt: at(7), graceUntil: at(9) });
      await store.sessions.insert(rotated);
      expect(await store.sessions.get('s1')).toStrictEqual(rotated);
    });

    it('keeps a posture evaluation that only setPosture writes: update leaves it as it is', async () => {
      const s = held('s1');
      await store.sessions.insert(s);
      const posture: SessionPosture = {
        report: { type: 'ztna', node_name: 'ws-1', proc_list: ['osqueryd'] },
        reportedAt: at(3),
        profileIds: ['p-ok'],
        profiles: ['Compliant'],
        checks: [{ object: 'Tools', criterion: 'processes', passed: true, why: 'osqueryd is running' }],
        checkedAt: at(4),
        changes: 2,
        note: null,
      };
      expect(await store.sessions.setPosture('s1', posture)).toBe(true);
      expect((await store.sessions.get('s1'))?.posture).toStrictEqual(posture);
      // A lifecycle step that read the session before the evaluation does not undo it.
      await store.sessions.update({ ...s, graceUntil: at(9) });
      expect(await store.sessions.get('s1')).toStrictEqual({ ...s, graceUntil: at(9), posture });
      expect(await store.sessions.setPosture('gone', posture)).toBe(false);
      const unanswered = { ...posture, report: null, reportedAt: null, note: 'no answer' };
      expect(await store.sessions.setPosture('s1', unanswered)).toBe(true);
      expect((await store.sessions.list())[0]?.posture).toStrictEqual(unanswered);
    });
  });

  describe('posture (docs/posture.md)', () => {
    const antivirus: PostureObject = {
      id: 'o-av',
      name: 'Antivirus',
      criteria: [
        { check: 'av_active' },
        { check: 'av_update', max_days: 7 },
        {
          check: 'registry',
          operator: 'contains',
          keys: [{ key: 'HKLM\\SOFTWARE\\Policies\\Kordon\\On', value: { operator: 'equals', text: '1' } }],
        },
      ],
    };
    const firewall: PostureObject = {
      id: 'o-fw',
      name: 'firewall',
      criteria: [{ check: 'fw_active' }, { check: 'os_version', operator: '>=', value: '10.0.19045' }],
    };
    const compliant: PostureProfile = {
      id: 'p-ok',
      name: 'Compliant',
      expression: { op: 'and', of: [{ object: 'o-av' }, { op: 'or', of: [{ object: 'o-fw' }] }] },
    };

    it('creates, lists by name without regard to case, replaces and removes objects and profiles', async () => {
      expect(await store.posture.listObjects()).toStrictEqual([]);
      expect(await store.posture.listProfiles()).toStrictEqual([]);
      await store.posture.createObject(firewall);
      await store.posture.createObject(antivirus);
      expect(await store.posture.listObjects()).toStrictEqual([antivirus, firewall]);
      expect(await store.posture.getObject('o-av')).toStrictEqual(antivirus);
      expect(await store.posture.getObject('o-none')).toBeUndefined();
      await store.posture.createProfile(compliant);
      await store.posture.createProfile({ id: 'p-any', name: 'any', expression: { object: 'o-fw' } });
      expect((await store.posture.listProfiles()).map((p) => p.name)).toStrictEqual(['any', 'Compliant']);
      expect(await store.posture.getProfile('p-ok')).toStrictEqual(compliant);

      const renamed: PostureObject = { ...firewall, name: 'Firewall on', criteria: [{ check: 'fw_active' }] };
      expect(await store.posture.updateObject(renamed)).toBe(true);
      expect(await store.posture.updateObject({ ...renamed, id: 'o-none' })).toBe(false);
      expect(await store.posture.getObject('o-fw')).toStrictEqual(renamed);
      const changed: PostureProfile = { ...compliant, expression: { object: 'o-av' } };
      expect(await store.posture.updateProfile(changed)).toBe(true);
      expect(await store.posture.updateProfile({ ...changed, id: 'p-none' })).toBe(false);

      await reopen();
      expect(await store.posture.listObjects()).toStrictEqual([antivirus, renamed]);
      expect(await store.posture.getProfile('p-ok')).toStrictEqual(changed);
      expect(await store.posture.removeProfile('p-ok')).toBe(true);
      expect(await store.posture.removeProfile('p-ok')).toBe(false);
      expect(await store.posture.removeObject('o-av')).toBe(true);
      expect(await store.posture.removeObject('o-av')).toBe(false);
      expect((await store.posture.listObjects()).map((o) => o.id)).toStrictEqual(['o-fw']);
    });

    it('refuses a second object or profile of the same name, whatever its case, or id', async () => {
      await store.posture.createObject(antivirus);
      await store.posture.createObject(firewall);
      await expect(store.posture.createObject({ ...firewall, id: 'o-2', name: 'ANTIVIRUS' })).rejects.toThrow(
        new StoreConflictError('a posture object is named "ANTIVIRUS"'),
      );
      await expect(store.posture.createObject({ ...firewall, name: 'other' })).rejects.toThrow(
        new StoreConflictError('posture object id "o-fw" already exists'),
      );
      await expect(store.posture.updateObject({ ...firewall, name: 'antiVirus' })).rejects.toBeInstanceOf(
        StoreConflictError,
      );
      await store.posture.createProfile(compliant);
      await expect(
        store.posture.createProfile({ ...compliant, id: 'p-2', name: 'compliant' }),
      ).rejects.toThrow(new StoreConflictError('a posture profile is named "compliant"'));
      expect(await store.posture.listObjects()).toStrictEqual([antivirus, firewall]);
      expect(await store.posture.listProfiles()).toStrictEqual([compliant]);
    });

    it('gives the default settings until some are stored, then those, across a restart', async () => {
      expect(await store.posture.getSettings()).toStrictEqual(defaultPostureSettings);
      const got = await store.posture.getSettings();
      got.period = 1;
      expect(defaultPostureSettings.period).toBe(60);
      await store.posture.putSettings({ period: 0, recheck_minutes: 5, silent_periods: 2 });
      await store.posture.putSettings({ period: 5, recheck_minutes: 5, silent_periods: 2 });
      await reopen();
      expect(await store.posture.getSettings()).toStrictEqual({
        period: 5,
        recheck_minutes: 5,
        silent_periods: 2,
      });
    });

    it('reads a posture change record back', async () => {
      await store.changes.append({ kind: 'posture' }, at(1));
      expect((await store.changes.after(0, 10)).map((record) => record.change)).toStrictEqual([
        { kind: 'posture' },
      ]);
    });

    it('rolls posture writes back with their transaction', async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.posture.createObject(antivirus);
          await tx.posture.putSettings({ ...defaultPostureSettings, period: 1 });
          throw new Error('rule broken');
        }),
      ).rejects.toThrow('rule broken');
      expect(await store.posture.listObjects()).toStrictEqual([]);
      expect(await store.posture.getSettings()).toStrictEqual(defaultPostureSettings);
    });

    it('refuses to read criteria or an expression it cannot, naming the table, column and field', async () => {
      await store.posture.createObject(antivirus);
      await store.posture.createProfile(compliant);
      await harness.execute(
        `UPDATE posture_objects SET criteria = '[{"check":"av_update","max_days":-1}]' WHERE id = 'o-av'`,
      );
      await expect(store.posture.listObjects()).rejects.toBeInstanceOf(StoreDataError);
      await expect(store.posture.getObject('o-av')).rejects.toThrow(
        'posture_objects.criteria of "Antivirus" (o-av) holds what this version cannot read: ' +
          '/criteria/0/max_days an age is 0 days or more, not -1',
      );
      await harness.execute(`UPDATE posture_objects SET criteria = 'not json' WHERE id = 'o-av'`);
      await expect(store.posture.getObject('o-av')).rejects.toThrow(
        'posture_objects.criteria of "Antivirus"',
      );
      await harness.execute(
        `UPDATE posture_profiles SET expression = '{"op":"xor","of":[{"object":"o-av"}]}' WHERE id = 'p-ok'`,
      );
      await expect(store.posture.listProfiles()).rejects.toThrow(
        'posture_profiles.expression of "Compliant" (p-ok) holds what this version cannot read: /expression/op',
      );
    });
  });

  describe('access rules by posture profile (docs/posture.md)', () => {
    const rule = (id: string, overrides: Partial<AccessRule> = {}): AccessRule => ({
      id,
      position: 10,
      action: 'allow',
      profiles: ['p-ok', NO_PROFILE_KEY],
      to: ['10.0.0.0/8', '2001:db8::/32'],
      createdAt: t0,
      ...overrides,
    });

    it('lists by position, then by when they were made; gets, updates and removes', async () => {
      expect(await store.accessRules.list()).toStrictEqual([]);
      const later = rule('a-later', { position: 20, createdAt: at(1) });
      const sameLater = rule('b-same-later', { createdAt: at(5) });
      const sameFirst = rule('c-same-first', { action: 'deny', to: ['0.0.0.0/0'], createdAt: at(2) });
      const first = rule('d-first', { position: 0, profiles: [NO_PROFILE_KEY], createdAt: at(9) });
      for (const r of [later, sameLater, sameFirst, first]) await store.accessRules.create(r);
      expect(await store.accessRules.list()).toStrictEqual([first, sameFirst, sameLater, later]);
      expect(await store.accessRules.get('c-same-first')).toStrictEqual(sameFirst);
      expect(await store.accessRules.get('none')).toBeUndefined();
      await expect(store.accessRules.create(rule('a-later'))).rejects.toThrow(
        new StoreConflictError('access rule "a-later" already exists'),
      );

      // Everything but when it was made is replaced.
      const moved: AccessRule = {
        ...later,
        position: 5,
        action: 'deny',
        profiles: ['p-other'],
        to: ['192.168.1.7/32'],
      };
      expect(await store.accessRules.update({ ...moved, createdAt: at(99) })).toBe(true);
      expect(await store.accessRules.update(rule('none'))).toBe(false);
      await reopen();
      expect(await store.accessRules.list()).toStrictEqual([first, moved, sameFirst, sameLater]);
      expect(await store.accessRules.remove('d-first')).toBe(true);
      expect(await store.accessRules.remove('d-first')).toBe(false);
      expect((await store.accessRules.list()).map((r) => r.id)).toStrictEqual([
        'a-later',
        'c-same-first',
        'b-same-later',
      ]);
    });

    it('reads an access_rules change record back, and rolls rules back with their transaction', async () => {
      await store.changes.append({ kind: 'access_rules' }, at(1));
      expect((await store.changes.after(0, 10)).map((record) => record.change)).toStrictEqual([
        { kind: 'access_rules' },
      ]);
      await expect(
        store.transaction(async (tx) => {
          await tx.accessRules.create(rule('r1'));
          throw new Error('rule broken');
        }),
      ).rejects.toThrow('rule broken');
      expect(await store.accessRules.list()).toStrictEqual([]);
    });

    it('refuses to read profiles or networks it cannot, naming the table and column', async () => {
      await store.accessRules.create(rule('r1'));
      await harness.execute(`UPDATE access_rules SET destinations = '["10.0.0.1/8"]' WHERE id = 'r1'`);
      await expect(store.accessRules.list()).rejects.toBeInstanceOf(StoreDataError);
      await expect(store.accessRules.get('r1')).rejects.toThrow(
        'access_rules.destinations holds "[\\"10.0.0.1/8\\"]", not a JSON array of networks',
      );
      await harness.execute(
        `UPDATE access_rules SET destinations = '["10.0.0.0/8"]', profiles = '"p-ok"' WHERE id = 'r1'`,
      );
      await expect(store.accessRules.get('r1')).rejects.toThrow(
        'access_rules.profiles holds "\\"p-ok\\"", not a JSON array of names',
      );
      // The action is one of two words in the table itself.
      await expect(
        Promise.resolve().then(() =>
          harness.execute(`UPDATE access_rules SET profiles = '[]', action = 'DENY' WHERE id = 'r1'`),
        ),
      ).rejects.toThrow(/check constraint/i);
    });
  });

  describe('change records', () => {
    it('appends in order, reads after an id up to a limit, and removes the old ones', async () => {
      expect(await store.changes.lastId()).toBe(0);
      expect(await store.changes.after(0, 10)).toStrictEqual([]);
      await store.changes.append({ kind: 'user', account: 'bob', action: 'disabled' }, at(1));
      await store.transaction(async (tx) => {
        await tx.changes.append({ kind: 'vpn_rules' }, at(2));
        await tx.changes.append({ kind: 'session_ended', sessionId: 's1' }, at(3));
      });
      const all = await store.changes.after(0, 10);
      expect(all).toStrictEqual([
        { id: all[0]?.id, at: at(1), change: { kind: 'user', account: 'bob', action: 'disabled' } },
        { id: all[1]?.id, at: at(2), change: { kind: 'vpn_rules' } },
        { id: all[2]?.id, at: at(3), change: { kind: 'session_ended', sessionId: 's1' } },
      ]);
      const ids = all.map((record) => record.id);
      expect(ids.every((id) => Number.isSafeInteger(id))).toBe(true);
      expect([...ids].sort((a, b) => a - b)).toStrictEqual(ids);
      expect(await store.changes.lastId()).toBe(ids[2]);
      expect((await store.changes.after(ids[0] ?? 0, 1)).map((record) => record.id)).toStrictEqual([ids[1]]);
      expect(await store.changes.removeBefore(at(3))).toBe(2);
      expect((await store.changes.after(0, 10)).map((record) => record.id)).toStrictEqual([ids[2]]);
    });

    it('never reuses an id, and gives a kind it cannot read as undefined', async () => {
      await store.changes.append({ kind: 'exemptions' }, at(1));
      const [first] = await store.changes.after(0, 1);
      expect(await store.changes.removeBefore(at(2))).toBe(1);
      await harness.execute(
        `INSERT INTO changes (at, kind, payload) VALUES (${at(3).getTime()}, 'from_the_future', '{}')`,
      );
      const [next] = await store.changes.after(0, 10);
      expect(next?.id).toBeGreaterThan(first?.id ?? Infinity);
      expect(next?.change).toBeUndefined();
    });

    it('rolls a record back with its transaction', async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.changes.append({ kind: 'vpn_rules' }, at(1));
          throw new Error('rule broken');
        }),
      ).rejects.toThrow('rule broken');
      expect(await store.changes.after(0, 10)).toStrictEqual([]);
    });
  });

  describe('exemptions', () => {
    it('lists by direction then age, refuses a duplicate, removes', async () => {
      const to = { id: 'x-to', direction: 'to' as const, network: '198.18.9.0/24', createdAt: at(1) };
      const fromNew = { id: 'x-new', direction: 'from' as const, network: '198.18.5.7/32', createdAt: at(5) };
      const fromOld = { id: 'x-old', direction: 'from' as const, network: '2001:db8::/64', createdAt: at(2) };
      for (const exemption of [to, fromNew, fromOld]) await store.exemptions.create(exemption);
      expect(await store.exemptions.list()).toStrictEqual([fromOld, fromNew, to]);
      // The same network the other way is another exemption.
      await store.exemptions.create({ ...to, id: 'x-to-from', direction: 'from' });
      await expect(store.exemptions.create({ ...to, id: 'x-again' })).rejects.toThrow(
        new StoreConflictError('an exemption --to 198.18.9.0/24 exists'),
      );
      expect(await store.exemptions.remove('x-to')).toBe(true);
      expect(await store.exemptions.remove('x-to')).toBe(false);
      expect((await store.exemptions.list()).map((exemption) => exemption.id)).toStrictEqual([
        'x-to-from',
        'x-old',
        'x-new',
      ]);
    });
  });

  describe('login throttle (DECISIONS 47, 71)', () => {
    it('keeps one state per key, replaces it, forgets idle keys, and refuses a state it cannot read', async () => {
      const state = {
        failures: [t0.getTime(), at(5).getTime()],
        blockedUntil: at(2000).getTime(),
        checking: [],
      };
      expect(await store.throttle.get('account:alice')).toBeUndefined();
      await store.throttle.put('account:alice', state, at(0));
      await store.throttle.put('address:198.18.0.1', { ...state, checking: [at(60_000).getTime()] }, at(10));
      expect(await store.throttle.get('account:alice')).toStrictEqual(state);
      await store.throttle.put('account:alice', { ...state, blockedUntil: 0 }, at(20));
      expect(await store.throttle.get('account:alice')).toMatchObject({ blockedUntil: 0 });
      expect(await store.throttle.removeIdle(at(15))).toBe(1);
      expect(await store.throttle.get('address:198.18.0.1')).toBeUndefined();
      await store.throttle.remove('account:alice');
      expect(await store.throttle.get('account:alice')).toBeUndefined();
      await harness.execute(
        `INSERT INTO login_throttle (throttle_key, state, updated_at) VALUES ('bad', '{"failures":"x"}', 0)`,
      );
      await expect(store.throttle.get('bad')).rejects.toThrow('login_throttle.state holds');
    });
  });

  describe('values at the edges of their types', () => {
    it('keeps IPv4 addresses as numbers up to 2^32 - 1 and sizes beyond 4 GiB', async () => {
      await store.leases.put(lease('key-top', 4_294_967_295));
      await store.installers.put(installer('linux', { size: 6_000_000_000 }));
      expect(await store.leases.get('key-top')).toStrictEqual(lease('key-top', 4_294_967_295));
      expect(await store.leases.addressesBetween(4_294_967_000, 4_294_967_295)).toStrictEqual([
        4_294_967_295,
      ]);
      expect((await store.installers.get('linux'))?.size).toBe(6_000_000_000);
    });

    it('refuses to read a word it does not know, naming the table, column and value', async () => {
      await store.sessions.insert(session('s1'));
      await harness.execute(`UPDATE sessions SET state = 'hibernating' WHERE id = 's1'`);
      await expect(store.sessions.get('s1')).rejects.toBeInstanceOf(StoreDataError);
      await expect(store.sessions.get('s1')).rejects.toThrow(
        'sessions.state holds "hibernating", which this version does not know (it knows pending, active)',
      );
      await store.vpnRules.create({
        id: 'r1',
        position: 1,
        action: 'allow',
        users: ['alice'],
        groups: [],
        createdAt: t0,
      });
      await harness.execute(`UPDATE vpn_rules SET users = '{"alice":1}' WHERE id = 'r1'`);
      await expect(store.vpnRules.list()).rejects.toThrow(
        'vpn_rules.users holds "{\\"alice\\":1}", not a JSON array of names',
      );
    });
  });

  describe('the parameter limit', () => {
    it('releases idle leases among 40,000 stored tunnel sessions with a fixed number of parameters', async () => {
      // SQLite binds at most 32,766 parameters a statement: no query may bind one per stored row.
      const count = 40_000;
      await harness.execute(`
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
        INSERT INTO sessions (id, account, method, source_address, vpn, tunnel_ipv4, device, state, since, node)
        SELECT 's-' || i, 'alice', 'password', '198.18.0.10', 1, NULL, 'key-' || i, 'active', 0, 'node-1' FROM n
      `);
      await harness.execute(`
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
        INSERT INTO leases (device, address, node, account, last_used)
        SELECT 'key-' || i, 1681915904 + i, 'node-1', 'alice', 0 FROM n
      `);
      await store.leases.put(lease('idle-1', 1, { lastUsed: at(-10_000) }));
      await store.leases.put(lease('idle-2', 2, { lastUsed: at(-10_000) }));
      await store.leases.put(lease('recent', 3, { lastUsed: at(0) }));
      expect(await store.leases.removeIdle(at(-1))).toBe(2);
      expect(await store.leases.get('idle-1')).toBeUndefined();
      expect(await store.leases.get('key-40000')).toMatchObject({ address: 1681915904 + count });
      expect((await store.leases.list()).length).toBe(count + 1);
      expect((await store.sessions.listByAccount('alice')).length).toBe(count);
    });
  });

  describe('rules that span rows, with two transactions racing', () => {
    /** Resolves once `parties` callers have arrived, or after `ms` when the others cannot (SQLite's one writer). */
    function meeting(parties: number, ms: number): () => Promise<void> {
      let arrived = 0;
      let open = (): void => undefined;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return async () => {
        arrived += 1;
        if (arrived >= parties) open();
        await Promise.race([opened, new Promise((resolve) => setTimeout(resolve, ms))]);
      };
    }

    it('lets one of two compare-and-swaps on one session row win', async () => {
      await store.sessions.insert(session('s1', { resumeNonceHash: 'ticket-0' }));
      const bothRead = meeting(2, 150);
      let attempts = 0;
      const claim = (next: string): Promise<boolean> =>
        store.transaction(async (tx) => {
          attempts += 1;
          const current = await tx.sessions.get('s1');
          if (attempts <= 2) await bothRead();
          if (current?.resumeNonceHash !== 'ticket-0') return false;
          await tx.sessions.update({ ...current, resumeNonceHash: next });
          return true;
        });
      const [first, second] = await Promise.all([claim('ticket-a'), claim('ticket-b')]);
      expect([first, second].filter(Boolean)).toStrictEqual([true]);
      expect((await store.sessions.get('s1'))?.resumeNonceHash).toBe(first ? 'ticket-a' : 'ticket-b');
      // SQLite's second transaction begins after the first commits; PostgreSQL runs the loser again.
      expect(attempts).toBe(harness.dialect === 'postgres' ? 3 : 2);
    });

    it('admits one of two logins racing for the last free device slot', async () => {
      const limit = 1;
      const bothCounted = meeting(2, 150);
      let attempts = 0;
      const login = (id: string): Promise<boolean> =>
        store.transaction(async (tx) => {
          attempts += 1;
          const sessions = await tx.sessions.listByAccount('alice');
          if (attempts <= 2) await bothCounted();
          if (sessions.length >= limit) return false;
          await tx.sessions.insert(session(id, { device: `key-${id}` }));
          return true;
        });
      const results = await Promise.all([login('s1'), login('s2')]);
      expect(results.filter(Boolean)).toStrictEqual([true]);
      expect((await store.sessions.listByAccount('alice')).length).toBe(1);
    });

    // SQLite's connections in one thread cannot wait for each other (better-sqlite3 blocks while it waits
    // for the lock): open.test.ts races separate processes there.
    if (harness.dialect === 'postgres') {
      it('keeps the rule between two stores on one database, as between two processes', async () => {
        const other = await another();
        await store.sessions.insert(session('s1', { resumeNonceHash: 'ticket-0' }));
        const claim = (on: Store, next: string): Promise<boolean> =>
          on.transaction(async (tx) => {
            const current = await tx.sessions.get('s1');
            if (current?.resumeNonceHash !== 'ticket-0') return false;
            await tx.sessions.update({ ...current, resumeNonceHash: next });
            return true;
          });
        const wins = await Promise.all([claim(store, 'ticket-a'), claim(other, 'ticket-b')]);
        expect(wins.filter(Boolean)).toStrictEqual([true]);
        expect((await other.sessions.get('s1'))?.resumeNonceHash).toBe(wins[0] ? 'ticket-a' : 'ticket-b');
      });
    }
  });
}
