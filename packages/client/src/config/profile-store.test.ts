import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ConfigError } from './errors.js';
import { ProfileStore, userProfilesFolder } from './profile-store.js';
import type { AdminConfig, Profile, ProfileOptions } from './types.js';

let root: string;
let folder: string;
let admin: AdminConfig | null;
let ids: number;

function store(): ProfileStore {
  return new ProfileStore({ folder, adminConfig: { get: () => admin }, newId: () => `u${++ids}` });
}

function adminProfile(id: string, type: 'sso' | 'password', options: Partial<ProfileOptions> = {}): Profile {
  return {
    id,
    name: `Admin ${id}`,
    source: 'json',
    data:
      type === 'sso'
        ? { type, server: 'gw.corp.example' }
        : { type, server: 'gw.corp.example', login: 'alice' },
    profile_options: { autoselect: false, autoconnect: false, read_only: false, ...options },
  };
}

function adminConfig(profiles: Profile[], gui: Partial<AdminConfig['gui_client_options']> = {}): AdminConfig {
  return {
    profiles,
    gui_client_options: { deny_save_profile_password: false, deny_create_profiles: false, ...gui },
  };
}

function errorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

/** Which profiles have autoselect and autoconnect, by name. */
function selection(profiles: Profile[]): { autoselect: string[]; autoconnect: string[] } {
  return {
    autoselect: profiles.filter((p) => p.profile_options.autoselect).map((p) => p.name),
    autoconnect: profiles.filter((p) => p.profile_options.autoconnect).map((p) => p.name),
  };
}

const SSO = { type: 'sso', server: 'gw.corp.example' } as const;
const PASSWORD = { type: 'password', server: 'gw.corp.example', login: 'CORP\\alice' } as const;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kordon-profiles-'));
  folder = userProfilesFolder(join(root, 'state'), 1000);
  admin = null;
  ids = 0;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('ProfileStore: files', () => {
  it('keeps each user in <stateDir>/users/<uid>', () => {
    expect(userProfilesFolder('/var/lib/kordon-client', 1000)).toBe('/var/lib/kordon-client/users/1000');
  });

  it('writes nothing on reads; the first write makes the folder 0700 and profiles.json 0600', () => {
    const profiles = store();
    expect(profiles.list()).toEqual([]);
    expect(existsSync(folder)).toBe(false);
    profiles.add({ name: 'Home', data: SSO });
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, 'profiles.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(folder, 'profiles.json'), 'utf8'))).toEqual({
      version: 1,
      profiles: [{ id: 'u1', name: 'Home', source: 'user', data: SSO }],
      saved_passwords: {},
      auto_profile_created: false,
    });
  });

  it('closes a folder that an older set-up left open', () => {
    mkdirSync(folder, { recursive: true, mode: 0o755 });
    chmodSync(folder, 0o755);
    store().add({ name: 'Home', data: SSO });
    expect(statSync(folder).mode & 0o777).toBe(0o700);
  });

  it('replaces profiles.json atomically, leaving no temporary file', () => {
    const profiles = store();
    profiles.add({ name: 'One', data: SSO });
    const before = statSync(join(folder, 'profiles.json')).ino;
    profiles.add({ name: 'Two', data: SSO });
    expect(statSync(join(folder, 'profiles.json')).ino).not.toBe(before);
    expect(readdirSync(folder)).toEqual(['profiles.json']);
    expect(
      store()
        .list()
        .map((p) => p.name),
    ).toEqual(['One', 'Two']);
  });

  it('reports a damaged file and never shows a password in the message', () => {
    const profiles = store();
    const added = profiles.add({ name: 'Work', data: PASSWORD });
    profiles.setSavedPassword(added.id, 's3cret!');
    const path = join(folder, 'profiles.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"version": 1', '"version": 1, "version": 2'));
    const error = errorOf(() => profiles.list());
    expect(error.code).toBe('corrupt');
    expect(error.message).toContain(`${path} is damaged (`);
    expect(error.message).not.toContain('s3cret');
    writeFileSync(
      path,
      JSON.stringify({ version: 1, profiles: [], saved_passwords: { u1: 7 }, auto_profile_created: false }),
    );
    expect(errorOf(() => profiles.list()).message).toBe(
      `${path} is damaged ("saved_passwords" holds a value that is not a string); move it away to start with no profiles of your own`,
    );
  });
});

describe('ProfileStore: list, add, remove, find', () => {
  it("lists the administrator's profiles first, with their read-only mark, then the user's own", () => {
    admin = adminConfig([adminProfile('a1', 'sso', { read_only: true }), adminProfile('a2', 'password')]);
    const profiles = store();
    profiles.add({ name: 'Mine', data: PASSWORD });
    expect(profiles.list().map((p) => [p.id, p.source, p.profile_options.read_only])).toEqual([
      ['a1', 'json', true],
      ['a2', 'json', false],
      ['u1', 'user', false],
    ]);
  });

  it('checks what is added: server, login, name', () => {
    const profiles = store();
    const cases: [Parameters<ProfileStore['add']>[0], string][] = [
      [{ name: 'A', data: { ...SSO, server: 'gw corp' } }, 'the server must be a host name'],
      [{ name: 'A', data: { ...SSO, server: '198.51.100.7:99999' } }, 'the server must be a host name'],
      [{ name: 'A', data: { ...PASSWORD, login: '' } }, 'the login must not be empty'],
      [{ name: 'A', data: { ...PASSWORD, login: ' alice' } }, 'the login must not begin or end with spaces'],
      [{ name: '', data: SSO }, "the profile's name must not be empty"],
      [{ name: 'A\u0007', data: SSO }, "the profile's name must not contain control characters"],
      [{ name: 'A', data: { ...SSO, login: 'alice' } as never }, 'an SSO profile has no login'],
      [
        { name: 'A', data: { type: 'password', server: 'gw.corp.example' } as never },
        'a password profile needs a login',
      ],
      [
        { name: 'A', data: { ...SSO, domain: 'CORP' } as never },
        'unknown key "domain" in the profile\'s data',
      ],
      [{ name: 'A', data: { ...SSO, ca_file: 'ca.pem' } }, 'the CA file must be an absolute path'],
    ];
    for (const [input, message] of cases) {
      const error = errorOf(() => profiles.add(input));
      expect(error.code).toBe('invalid');
      expect(error.message).toContain(message);
    }
    expect(profiles.list()).toEqual([]);
    for (const server of [
      'gw.corp.example',
      'gw.corp.example:14765',
      '198.51.100.7',
      '198.51.100.7:443',
      '2001:db8::1',
      '[2001:db8::1]:14765',
    ]) {
      expect(profiles.add({ name: server, data: { ...SSO, server } }).data.server).toBe(server);
    }
  });

  it('refuses a name that another profile has, whatever its case, or that is a profile id', () => {
    admin = adminConfig([adminProfile('a1', 'sso')]);
    const profiles = store();
    profiles.add({ name: 'Office', data: SSO });
    for (const name of ['office', 'ADMIN A1', 'a1']) {
      const error = errorOf(() => profiles.add({ name, data: SSO }));
      expect(error.code).toBe('invalid');
      expect(error.message).toMatch(/^a profile named ".*" exists already; choose another name$/);
    }
  });

  it('refuses to add when the administrator denies it (deny_create_profiles)', () => {
    admin = adminConfig([], { deny_create_profiles: true });
    const error = errorOf(() => store().add({ name: 'Mine', data: SSO }));
    expect(error.code).toBe('denied');
    expect(error.message).toBe('the administrator does not allow adding profiles on this computer');
  });

  it('finds a profile by id or by name (DECISIONS 49), exactly first, then ignoring case', () => {
    admin = adminConfig([adminProfile('a1', 'sso')]);
    const profiles = store();
    profiles.add({ name: 'Home', data: SSO });
    expect(profiles.find('a1')?.name).toBe('Admin a1');
    expect(profiles.find('u1')?.name).toBe('Home');
    expect(profiles.find('Home')?.id).toBe('u1');
    expect(profiles.find('HOME')?.id).toBe('u1');
    expect(profiles.find('nothing')).toBeUndefined();
  });

  it('says when a name is ambiguous', () => {
    admin = adminConfig([
      { ...adminProfile('a1', 'sso'), name: 'Office' },
      { ...adminProfile('a2', 'sso'), name: 'office' },
    ]);
    expect(store().find('Office')?.id).toBe('a1');
    const error = errorOf(() => store().find('OFFICE'));
    expect(error.code).toBe('ambiguous');
    expect(error.message).toBe('more than one profile is named "OFFICE"; name it by id: a1, a2');
  });

  it("removes the user's own profiles with their saved password, and never the administrator's", () => {
    admin = adminConfig([adminProfile('a1', 'password', { read_only: true }), adminProfile('a2', 'sso')]);
    const profiles = store();
    const mine = profiles.add({ name: 'Mine', data: PASSWORD });
    profiles.setSavedPassword(mine.id, 'pw');
    for (const idOrName of ['a1', 'Admin a2']) {
      const error = errorOf(() => profiles.remove(idOrName));
      expect(error.code).toBe('read_only');
      expect(error.message).toMatch(/comes from the administrator's configuration and cannot be removed$/);
    }
    expect(profiles.remove('mine').id).toBe('u1');
    expect(profiles.list().map((p) => p.id)).toEqual(['a1', 'a2']);
    expect(JSON.parse(readFileSync(join(folder, 'profiles.json'), 'utf8')).saved_passwords).toEqual({});
    expect(errorOf(() => profiles.remove('Mine')).code).toBe('not_found');
  });
});

describe('ProfileStore: auto-connect', () => {
  it('lets only one profile auto-connect: turning it on for one turns it off on the other (PROTOCOL.md)', () => {
    const profiles = store();
    profiles.add({ name: 'A', data: SSO });
    profiles.add({ name: 'B', data: SSO });
    expect(profiles.setAutoconnect('A', true).profile_options).toEqual({
      autoselect: true,
      autoconnect: true,
      read_only: false,
    });
    expect(selection(profiles.list())).toEqual({ autoselect: ['A'], autoconnect: ['A'] });
    profiles.setAutoconnect('B', true);
    expect(selection(profiles.list())).toEqual({ autoselect: ['B'], autoconnect: ['B'] });
    // Off: auto-connect goes, the selection stays.
    expect(profiles.setAutoconnect('B', false).profile_options).toEqual({
      autoselect: true,
      autoconnect: false,
      read_only: false,
    });
    expect(selection(store().list())).toEqual({ autoselect: ['B'], autoconnect: [] });
  });

  it('lets a password profile auto-connect only with a saved password, and stops when it is forgotten', () => {
    const profiles = store();
    const work = profiles.add({ name: 'Work', data: PASSWORD });
    const refused = errorOf(() => profiles.setAutoconnect('Work', true));
    expect(refused.code).toBe('invalid');
    expect(refused.message).toBe(
      'cannot turn on auto-connect for "Work": save its password first: a password profile connects by itself only with a saved password',
    );
    profiles.setSavedPassword(work.id, 'pw');
    expect(profiles.savedPassword(work.id)).toBe('pw');
    expect(profiles.setAutoconnect(work.id, true).profile_options.autoconnect).toBe(true);
    profiles.setSavedPassword(work.id, null);
    expect(profiles.savedPassword(work.id)).toBeNull();
    expect(selection(profiles.list())).toEqual({ autoselect: ['Work'], autoconnect: [] });
  });

  it("follows the administrator's defaults until the user chooses, then the user's choice", () => {
    admin = adminConfig([adminProfile('a1', 'sso', { autoselect: true, autoconnect: true })]);
    const profiles = store();
    profiles.add({ name: 'Mine', data: SSO });
    expect(selection(profiles.list())).toEqual({ autoselect: ['Admin a1'], autoconnect: ['Admin a1'] });
    profiles.setAutoconnect('Mine', true);
    expect(selection(profiles.list())).toEqual({ autoselect: ['Mine'], autoconnect: ['Mine'] });
    profiles.setAutoconnect('a1', true);
    expect(selection(profiles.list())).toEqual({ autoselect: ['Admin a1'], autoconnect: ['Admin a1'] });
  });

  it("keeps a read-only administrator's profile that holds auto-connect or the selection, and refuses changes", () => {
    admin = adminConfig([
      adminProfile('a1', 'sso', { autoselect: true, autoconnect: true, read_only: true }),
    ]);
    const profiles = store();
    profiles.add({ name: 'Mine', data: SSO });
    const error = errorOf(() => profiles.setAutoconnect('Mine', true));
    expect(error.code).toBe('read_only');
    expect(error.message).toBe(
      `the administrator's read-only profile "Admin a1" connects automatically; auto-connect cannot be changed on this computer`,
    );
    expect(errorOf(() => profiles.setAutoconnect('a1', false)).code).toBe('read_only');
    expect(selection(profiles.list())).toEqual({ autoselect: ['Admin a1'], autoconnect: ['Admin a1'] });

    admin = adminConfig([adminProfile('a1', 'sso', { autoselect: true, read_only: true })]);
    expect(errorOf(() => profiles.setAutoconnect('Mine', true)).message).toBe(
      `the administrator's read-only profile "Admin a1" is selected by default; auto-connect cannot be changed on this computer`,
    );
  });

  it('lets the user pick a read-only profile to auto-connect when the administrator chose none', () => {
    admin = adminConfig([adminProfile('a1', 'sso', { read_only: true })]);
    const profiles = store();
    expect(profiles.setAutoconnect('a1', true).profile_options).toEqual({
      autoselect: true,
      autoconnect: true,
      read_only: true,
    });
  });

  it('refuses an unknown profile', () => {
    const error = errorOf(() => store().setAutoconnect('ghost', true));
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('no profile with the id or name "ghost"');
  });
});

describe('ProfileStore: saved passwords', () => {
  it("saves a password for the user's and the administrator's password profiles, never for SSO ones", () => {
    admin = adminConfig([adminProfile('a1', 'password', { read_only: true }), adminProfile('a2', 'sso')]);
    const profiles = store();
    profiles.setSavedPassword('a1', 'admin-profile-pw');
    expect(profiles.savedPassword('a1')).toBe('admin-profile-pw');
    expect(statSync(join(folder, 'profiles.json')).mode & 0o777).toBe(0o600);
    const error = errorOf(() => profiles.setSavedPassword('a2', 'pw'));
    expect(error.code).toBe('invalid');
    expect(error.message).toBe('"Admin a2" is an SSO profile; it has no password to save');
    expect(errorOf(() => profiles.setSavedPassword('a1', '')).message).toBe(
      'an empty password cannot be saved',
    );
    expect(errorOf(() => profiles.setSavedPassword('nope', 'pw')).code).toBe('not_found');
  });

  it('honours deny_save_profile_password: refused, earlier ones unusable, then dropped from the file', () => {
    const profiles = store();
    const work = profiles.add({ name: 'Work', data: PASSWORD });
    profiles.setSavedPassword(work.id, 'pw');
    profiles.setAutoconnect('Work', true);

    admin = adminConfig([], { deny_save_profile_password: true });
    const error = errorOf(() => profiles.setSavedPassword(work.id, 'pw2'));
    expect(error.code).toBe('denied');
    expect(error.message).toBe('the administrator does not allow saving passwords on this computer');
    expect(profiles.savedPassword(work.id)).toBeNull();
    expect(selection(profiles.list())).toEqual({ autoselect: ['Work'], autoconnect: [] });
    expect(errorOf(() => profiles.setAutoconnect('Work', true)).message).toBe(
      'cannot turn on auto-connect for "Work": the administrator does not allow saving passwords, so a password profile cannot connect by itself',
    );
    profiles.add({ name: 'Other', data: SSO });
    expect(readFileSync(join(folder, 'profiles.json'), 'utf8')).not.toContain('"pw"');
  });

  it('keeps an id like "__proto__" as plain data', () => {
    admin = adminConfig([{ ...adminProfile('__proto__', 'password'), name: 'Odd' }]);
    const profiles = store();
    profiles.setSavedPassword('__proto__', 'pw');
    expect(store().savedPassword('__proto__')).toBe('pw');
    expect(JSON.parse(readFileSync(join(folder, 'profiles.json'), 'utf8')).saved_passwords).toEqual(
      JSON.parse('{"__proto__": "pw"}'),
    );
  });
});
