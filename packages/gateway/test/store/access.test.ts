import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreConflictError, type Store } from '@kordon/core';
import { openSqliteStore } from '../../src/store/index.js';
import { at, makeTempDir, session, t0, type TempDir } from './fixtures.js';

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
    await store.leases.put({ device: 'key-a', address: 100, node: 'n2', account: 'alice', lastUsed: at(5) });
    expect(await store.leases.get('key-a')).toMatchObject({ node: 'n2', account: 'alice', lastUsed: at(5) });
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
    await store.close();
    store = await openSqliteStore({ file: temp.file });
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
  it('lists rules in position order and refuses a taken position', async () => {
    const rule = { action: 'allow' as const, users: ['alice'], groups: ['staff'], createdAt: t0 };
    await store.vpnRules.create({ ...rule, id: 'b', position: 20 });
    await store.vpnRules.create({ ...rule, id: 'a', position: 10, action: 'deny', users: ['*'] });
    await expect(store.vpnRules.create({ ...rule, id: 'c', position: 10 })).rejects.toThrow(
      'a rule already has position 10',
    );
    expect(await store.vpnRules.list()).toStrictEqual([
      { ...rule, id: 'a', position: 10, action: 'deny', users: ['*'] },
      { ...rule, id: 'b', position: 20 },
    ]);
    expect(await store.vpnRules.remove('a')).toBe(true);
    expect(await store.vpnRules.remove('a')).toBe(false);
  });
});
