import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultClientSettings, StoreConflictError, type ClientSettings, type Store } from '@kordon/core';
import { openSqliteStore } from '../../src/store/index.js';
import {
  admin,
  adminSession,
  at,
  event,
  installer,
  makeTempDir,
  session,
  t0,
  token,
  user,
  type TempDir,
} from './fixtures.js';

let temp: TempDir;
let store: Store;

beforeEach(async () => {
  temp = makeTempDir();
  store = await openSqliteStore({ file: temp.file });
});

afterEach(async () => {
  await store.close();
  temp.remove();
});

async function reopen(): Promise<Store> {
  await store.close();
  store = await openSqliteStore({ file: temp.file });
  return store;
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
    expect(await store.admins.setPassword('root', 'h2')).toBe(true);
    expect((await store.admins.get('root'))?.passwordHash).toBe('h2');
    expect(await store.admins.setPassword('none', 'h2')).toBe(false);
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

  it('makes root calls wait for a running transaction instead of deadlocking', async () => {
    const order: string[] = [];
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const running = store.transaction(async (tx) => {
      await tx.users.create(user('alice'));
      order.push('tx wrote');
      await gate;
      order.push('tx done');
    });
    const outside = store.users.list().then((users) => {
      order.push('root read');
      return users;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toStrictEqual(['tx wrote']);
    release();
    await running;
    expect(await outside).toStrictEqual([user('alice')]);
    expect(order).toStrictEqual(['tx wrote', 'tx done', 'root read']);
  });

  it('refuses close() on a transaction-bound store', async () => {
    await expect(store.transaction((tx) => tx.close())).rejects.toThrow(
      'close() is not available on a transaction-bound store',
    );
  });
});
