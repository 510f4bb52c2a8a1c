import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ConfigError } from './errors.js';
import { ProfileStore } from './profile-store.js';
import { ensureSsoProfile } from './sso-profile.js';
import type { AdminConfig, Profile } from './types.js';

const DOMAIN = { realm: 'CORP.EXAMPLE', via: '/etc/krb5.conf' };

let folder: string;
let admin: AdminConfig | null;

function store(): ProfileStore {
  return new ProfileStore({ folder, adminConfig: { get: () => admin } });
}

function adminWith(profiles: Profile[], denyCreate = false): AdminConfig {
  return {
    profiles,
    gui_client_options: { deny_save_profile_password: false, deny_create_profiles: denyCreate },
  };
}

function adminProfile(id: string, data: Profile['data'], readOnly = false, autoconnect = false): Profile {
  return {
    id,
    name: `Admin ${id}`,
    source: 'json',
    data,
    profile_options: { autoselect: autoconnect, autoconnect, read_only: readOnly },
  };
}

beforeEach(() => {
  folder = join(mkdtempSync(join(tmpdir(), 'kordon-sso-')), 'users', '1000');
  admin = null;
});
afterEach(() => rmSync(join(folder, '..', '..'), { recursive: true, force: true }));

describe('ensureSsoProfile', () => {
  it('does nothing outside a domain', () => {
    expect(ensureSsoProfile(store(), undefined, 'gw.corp.example')).toEqual({
      created: false,
      reason: 'not_in_domain',
      message: 'this computer is not in a domain',
    });
    expect(store().list()).toEqual([]);
  });

  it('makes an SSO profile with auto-connect in a domain (PROTOCOL.md), once', () => {
    const profiles = store();
    const first = ensureSsoProfile(profiles, DOMAIN, 'gw.corp.example');
    expect(first).toMatchObject({ created: true, message: 'made "SSO (CORP.EXAMPLE)" with auto-connect' });
    expect(profiles.list()).toEqual([
      {
        id: expect.any(String),
        name: 'SSO (CORP.EXAMPLE)',
        source: 'auto',
        data: { type: 'sso', server: 'gw.corp.example' },
        profile_options: { autoselect: true, autoconnect: true, read_only: false },
      },
    ]);
    const second = ensureSsoProfile(profiles, DOMAIN, 'gw.corp.example');
    expect(second).toMatchObject({
      created: false,
      reason: 'already_created',
      profile: { name: 'SSO (CORP.EXAMPLE)' },
    });
    expect(profiles.list()).toHaveLength(1);
  });

  it('does not make it again after the user removed it', () => {
    const profiles = store();
    ensureSsoProfile(profiles, DOMAIN, 'gw.corp.example');
    profiles.remove('SSO (CORP.EXAMPLE)');
    expect(ensureSsoProfile(profiles, DOMAIN, 'gw.corp.example')).toEqual({
      created: false,
      reason: 'already_created',
      message: 'the SSO profile for this domain was made before',
    });
    expect(profiles.list()).toEqual([]);
  });

  it("leaves SSO to the administrator's SSO profile when the configuration has one", () => {
    admin = adminWith([adminProfile('a1', { type: 'sso', server: 'gw.corp.example' })]);
    const result = ensureSsoProfile(store(), DOMAIN, 'gw.corp.example');
    expect(result).toMatchObject({
      created: false,
      reason: 'admin_profile',
      message: `the administrator's SSO profile "Admin a1" serves this domain`,
      profile: { id: 'a1' },
    });
    expect(
      store()
        .list()
        .map((p) => p.id),
    ).toEqual(['a1']);
  });

  it("takes the server of the administrator's profiles when none is given and they name one", () => {
    admin = adminWith([
      adminProfile('a1', { type: 'password', server: 'gw.corp.example', login: 'alice' }),
      adminProfile('a2', { type: 'password', server: 'gw.corp.example', login: 'bob' }),
    ]);
    const result = ensureSsoProfile(store(), DOMAIN, null);
    expect(result.created && result.profile.data).toEqual({ type: 'sso', server: 'gw.corp.example' });
  });

  it('makes nothing when no server is known', () => {
    admin = adminWith([
      adminProfile('a1', { type: 'password', server: 'gw1.corp.example', login: 'alice' }),
      adminProfile('a2', { type: 'password', server: 'gw2.corp.example', login: 'alice' }),
    ]);
    expect(ensureSsoProfile(store(), DOMAIN, null)).toEqual({
      created: false,
      reason: 'no_server',
      message:
        "this computer is in the domain CORP.EXAMPLE, but no gateway is known to make an SSO profile for; add one with the gateway's address",
    });
  });

  it('refuses a bad server address', () => {
    expect(() => ensureSsoProfile(store(), DOMAIN, 'gw corp')).toThrow(ConfigError);
  });

  it('honours deny_create_profiles', () => {
    admin = adminWith(
      [adminProfile('a1', { type: 'password', server: 'gw.corp.example', login: 'alice' })],
      true,
    );
    expect(ensureSsoProfile(store(), DOMAIN, 'gw.corp.example')).toEqual({
      created: false,
      reason: 'denied',
      message: 'the administrator does not allow adding profiles on this computer',
    });
  });

  it('leaves auto-connect where the user already put it, and picks a free name', () => {
    const profiles = store();
    profiles.add({ name: 'SSO (CORP.EXAMPLE)', data: { type: 'sso', server: 'other.example' } });
    profiles.setAutoconnect('SSO (CORP.EXAMPLE)', true);
    const result = ensureSsoProfile(profiles, DOMAIN, 'gw.corp.example');
    expect(result).toMatchObject({
      created: true,
      message: 'made "SSO (CORP.EXAMPLE) 2"; "SSO (CORP.EXAMPLE)" keeps auto-connect',
      profile: { name: 'SSO (CORP.EXAMPLE) 2', profile_options: { autoconnect: false } },
    });
  });

  it("makes it without auto-connect when a read-only administrator's profile holds the selection", () => {
    admin = adminWith([
      {
        ...adminProfile('a1', { type: 'password', server: 'gw.corp.example', login: 'alice' }, true),
        profile_options: { autoselect: true, autoconnect: false, read_only: true },
      },
    ]);
    const result = ensureSsoProfile(store(), DOMAIN, null);
    expect(result).toMatchObject({
      created: true,
      message: expect.stringMatching(
        /^made "SSO \(CORP\.EXAMPLE\)" without auto-connect: the administrator's read-only profile/,
      ),
      profile: { profile_options: { autoconnect: false } },
    });
  });
});
