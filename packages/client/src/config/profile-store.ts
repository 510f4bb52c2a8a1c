/**
 * One OS user's profiles (DECISIONS 40: the daemon keeps them per user, 0600): the administrator's profiles first,
 * then the user's own, kept in `<folder>/profiles.json` with the user's choice of the auto-connect profile and the
 * passwords they chose to save.
 *
 * Which profile is selected by default and which connects by itself is one choice across all profiles, stored as
 * ids, so "only one profile may have auto-connect; turning it on for one turns it off on the one that had it"
 * (PROTOCOL.md) holds by construction. Precedence, highest first:
 *   1. a read-only administrator's profile with autoconnect or autoselect (the administrator decided; the user
 *      cannot change it, so setAutoconnect elsewhere is refused);
 *   2. the user's own choice, once they made one;
 *   3. the administrator's defaults on profiles that are not read-only.
 * A password profile connects by itself only while it has a saved password. "read_only" protects a profile's
 * contents (it cannot be removed); choosing it to connect by itself stays the user's choice unless (1) applies.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseStrictJson } from '@kordon/protocol';

import type { AdminConfigSource } from './admin-config-store.js';
import { writeFileAtomic } from './atomic-write.js';
import { ConfigError } from './errors.js';
import {
  checkCaFile,
  checkLogin,
  checkProfileId,
  checkProfileName,
  checkServer,
  checkSha256Fingerprint,
} from './fields.js';
import type { AdminConfig, Profile, ProfileData, ProfileOptions } from './types.js';

const PROFILES_FILE = 'profiles.json';

/** `<stateDir>/users/<uid>`: one OS user's folder in the daemon's state (DECISIONS 40). */
export function userProfilesFolder(stateDir: string, uid: number): string {
  return join(stateDir, 'users', String(uid));
}

export interface NewProfile {
  name: string;
  data: ProfileData;
  /** 'auto' for the profile the client makes by itself (SSO in a domain); 'user' by default. */
  source?: 'user' | 'auto';
}

export interface ProfileStoreOptions {
  /** The user's folder, created 0700 at the first write. */
  folder: string;
  adminConfig: AdminConfigSource;
  newId?: () => string;
}

interface StoredProfile {
  id: string;
  name: string;
  source: 'user' | 'auto';
  data: ProfileData;
}

interface Selection {
  autoselect: string | null;
  autoconnect: string | null;
}

interface State {
  profiles: StoredProfile[];
  /** Absent until the user first turns auto-connect on or off. */
  selection?: Selection;
  /** By profile id; a Map, so no id (not even "__proto__") can reach an object's prototype. */
  saved_passwords: Map<string, string>;
  /** The client made its own profile once (ensureSsoProfile); it does not make it again after the user removes it. */
  auto_profile_created: boolean;
}

const STATE_VERSION = 1;

export class ProfileStore {
  readonly folder: string;
  readonly file: string;
  private readonly adminConfig: AdminConfigSource;
  private readonly newId: () => string;

  constructor(options: ProfileStoreOptions) {
    this.folder = options.folder;
    this.file = join(options.folder, PROFILES_FILE);
    this.adminConfig = options.adminConfig;
    this.newId = options.newId ?? randomUUID;
  }

  /** The administrator's profiles (source "json"), then the user's, with the options in force. */
  list(): Profile[] {
    return this.view(this.adminConfig.get(), this.read());
  }

  /** A profile by id, else by name (exactly, else ignoring case) (DECISIONS 49). */
  find(idOrName: string): Profile | undefined {
    return pick(this.list(), idOrName);
  }

  add(input: NewProfile): Profile {
    const admin = this.adminConfig.get();
    if (admin?.gui_client_options.deny_create_profiles === true) {
      throw new ConfigError('denied', 'the administrator does not allow adding profiles on this computer');
    }
    const state = this.read();
    const existing = this.view(admin, state);
    const nameProblem = checkProfileName(input.name);
    if (nameProblem !== undefined) throw new ConfigError('invalid', `the profile's name ${nameProblem}`);
    const clash = existing.find(
      (p) => p.name.toLowerCase() === input.name.toLowerCase() || p.id === input.name,
    );
    if (clash !== undefined) {
      throw new ConfigError(
        'invalid',
        `a profile named ${JSON.stringify(clash.name)} exists already; choose another name`,
      );
    }
    const data = checkData(input.data);
    if (typeof data === 'string') throw new ConfigError('invalid', data);
    const stored: StoredProfile = {
      id: this.newId(),
      name: input.name,
      source: input.source ?? 'user',
      data,
    };
    state.profiles.push(stored);
    if (stored.source === 'auto') state.auto_profile_created = true;
    this.write(admin, state);
    return this.mustFind(this.view(admin, state), stored.id);
  }

  /** Removes one of the user's own profiles, with its saved password. The administrator's cannot be removed. */
  remove(idOrName: string): Profile {
    const admin = this.adminConfig.get();
    const state = this.read();
    const profile = this.mustFind(this.view(admin, state), idOrName);
    if (profile.source === 'json') {
      throw new ConfigError(
        'read_only',
        `the profile ${JSON.stringify(profile.name)} comes from the administrator's configuration and cannot be removed`,
      );
    }
    state.profiles = state.profiles.filter((p) => p.id !== profile.id);
    if (state.selection !== undefined) state.selection = withoutId(state.selection, profile.id);
    state.saved_passwords.delete(profile.id);
    this.write(admin, state);
    return profile;
  }

  /**
   * Turns auto-connect on (taking it from the profile that had it, and selecting this one: DECISIONS 25) or off.
   * Refused for a read-only administrator's profile, while such a profile holds auto-connect or the default
   * selection, and for a password profile without a saved password.
   */
  setAutoconnect(idOrName: string, on: boolean): Profile {
    const admin = this.adminConfig.get();
    const state = this.read();
    const profiles = this.view(admin, state);
    const profile = this.mustFind(profiles, idOrName);
    if (profile.profile_options.autoconnect === on) return profile;
    const locked = lockedSelection(admin);
    if (locked !== undefined) {
      const holder = locked.profile;
      const what = holder.profile_options.autoconnect ? 'connects automatically' : 'is selected by default';
      throw new ConfigError(
        'read_only',
        `the administrator's read-only profile ${JSON.stringify(holder.name)} ${what}; auto-connect cannot be changed on this computer`,
      );
    }
    if (on && profile.data.type === 'password' && this.usablePassword(admin, state, profile.id) === null) {
      const why =
        admin?.gui_client_options.deny_save_profile_password === true
          ? 'the administrator does not allow saving passwords, so a password profile cannot connect by itself'
          : 'save its password first: a password profile connects by itself only with a saved password';
      throw new ConfigError(
        'invalid',
        `cannot turn on auto-connect for ${JSON.stringify(profile.name)}: ${why}`,
      );
    }
    const current = currentSelection(profiles);
    state.selection = on
      ? { autoselect: profile.id, autoconnect: profile.id }
      : { autoselect: current.autoselect, autoconnect: null };
    this.write(admin, state);
    return this.mustFind(this.view(admin, state), profile.id);
  }

  /** The saved password of a password profile, or null (none saved, or saving is not allowed). */
  savedPassword(id: string): string | null {
    return this.usablePassword(this.adminConfig.get(), this.read(), id);
  }

  /** Saves (or, with null, forgets) a password profile's password. Forgetting it also ends its auto-connect. */
  setSavedPassword(id: string, password: string | null): void {
    const admin = this.adminConfig.get();
    const state = this.read();
    const profile = this.view(admin, state).find((p) => p.id === id);
    if (profile === undefined) throw new ConfigError('not_found', `no profile with id ${JSON.stringify(id)}`);
    if (password === null) {
      state.saved_passwords.delete(id);
      if (state.selection?.autoconnect === id) state.selection = { ...state.selection, autoconnect: null };
      this.write(admin, state);
      return;
    }
    if (profile.data.type !== 'password') {
      throw new ConfigError(
        'invalid',
        `${JSON.stringify(profile.name)} is an SSO profile; it has no password to save`,
      );
    }
    if (admin?.gui_client_options.deny_save_profile_password === true) {
      throw new ConfigError('denied', 'the administrator does not allow saving passwords on this computer');
    }
    if (password === '') throw new ConfigError('invalid', 'an empty password cannot be saved');
    state.saved_passwords.set(id, password);
    this.write(admin, state);
  }

  /** Whether the client already made its own profile once (ensureSsoProfile), even if the user removed it since. */
  autoProfileCreated(): boolean {
    return this.read().auto_profile_created;
  }

  private usablePassword(admin: AdminConfig | null, state: State, id: string): string | null {
    if (admin?.gui_client_options.deny_save_profile_password === true) return null;
    return state.saved_passwords.get(id) ?? null;
  }

  private mustFind(profiles: readonly Profile[], idOrName: string): Profile {
    const profile = pick(profiles, idOrName);
    if (profile === undefined)
      throw new ConfigError('not_found', `no profile with the id or name ${JSON.stringify(idOrName)}`);
    return profile;
  }

  /** All profiles with the options in force (see the precedence at the top of this file). */
  private view(admin: AdminConfig | null, state: State): Profile[] {
    const adminProfiles = admin?.profiles ?? [];
    const own = state.profiles.map((p) => ({ ...p, profile_options: noOptions() }));
    const all: Profile[] = [
      ...adminProfiles.map((p) => ({ ...p, profile_options: noOptions(p.profile_options.read_only) })),
      ...own,
    ];
    const exists = (id: string | null): string | null =>
      id !== null && all.some((p) => p.id === id) ? id : null;
    const locked = lockedSelection(admin);
    let selection: Selection;
    if (locked !== undefined) selection = locked.selection;
    else if (state.selection !== undefined) {
      selection = {
        autoselect: exists(state.selection.autoselect),
        autoconnect: exists(state.selection.autoconnect),
      };
    } else {
      selection = {
        autoselect: adminProfiles.find((p) => p.profile_options.autoselect)?.id ?? null,
        autoconnect: adminProfiles.find((p) => p.profile_options.autoconnect)?.id ?? null,
      };
    }
    return all.map((p) => {
      const canConnect = p.data.type === 'sso' || this.usablePassword(admin, state, p.id) !== null;
      const options: ProfileOptions = {
        autoselect: selection.autoselect === p.id,
        autoconnect: selection.autoconnect === p.id && canConnect,
        read_only: p.profile_options.read_only,
      };
      return { ...p, profile_options: options };
    });
  }

  private read(): State {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT') {
        return { profiles: [], saved_passwords: new Map(), auto_profile_created: false };
      }
      throw new ConfigError('io', `cannot read ${this.file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const state = parseState(text);
    if (typeof state === 'string') {
      throw new ConfigError(
        'corrupt',
        `${this.file} is damaged (${state}); move it away to start with no profiles of your own`,
      );
    }
    return state;
  }

  private write(admin: AdminConfig | null, state: State): void {
    // Passwords are kept only while allowed and only for profiles that still exist.
    const ids = new Set(this.view(admin, state).map((p) => p.id));
    const passwords: [string, string][] = [];
    if (admin?.gui_client_options.deny_save_profile_password !== true) {
      for (const [id, password] of state.saved_passwords) if (ids.has(id)) passwords.push([id, password]);
    }
    const document = {
      version: STATE_VERSION,
      profiles: state.profiles,
      ...(state.selection === undefined ? {} : { selection: state.selection }),
      saved_passwords: Object.fromEntries(passwords),
      auto_profile_created: state.auto_profile_created,
    };
    try {
      mkdirSync(this.folder, { recursive: true, mode: 0o700 });
      chmodSync(this.folder, 0o700); // the umask, or an older folder, may have left it open
      writeFileAtomic(this.file, `${JSON.stringify(document, null, 2)}\n`, 0o600);
    } catch (e) {
      throw new ConfigError('io', `cannot write ${this.file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function noOptions(readOnly = false): ProfileOptions {
  return { autoselect: false, autoconnect: false, read_only: readOnly };
}

function pick(profiles: readonly Profile[], idOrName: string): Profile | undefined {
  const byId = profiles.find((p) => p.id === idOrName);
  if (byId !== undefined) return byId;
  for (const same of [
    (p: Profile) => p.name === idOrName,
    (p: Profile) => p.name.toLowerCase() === idOrName.toLowerCase(),
  ]) {
    const matches = profiles.filter(same);
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      throw new ConfigError(
        'ambiguous',
        `more than one profile is named ${JSON.stringify(idOrName)}; name it by id: ${matches.map((p) => p.id).join(', ')}`,
      );
    }
  }
  return undefined;
}

/** A read-only administrator's profile that holds auto-connect or the default selection, and the selection it makes. */
function lockedSelection(admin: AdminConfig | null): { profile: Profile; selection: Selection } | undefined {
  const readOnly = admin?.profiles.filter((p) => p.profile_options.read_only) ?? [];
  const connects = readOnly.find((p) => p.profile_options.autoconnect);
  if (connects !== undefined)
    return { profile: connects, selection: { autoselect: connects.id, autoconnect: connects.id } };
  const selected = readOnly.find((p) => p.profile_options.autoselect);
  if (selected !== undefined)
    return { profile: selected, selection: { autoselect: selected.id, autoconnect: null } };
  return undefined;
}

function currentSelection(profiles: readonly Profile[]): Selection {
  return {
    autoselect: profiles.find((p) => p.profile_options.autoselect)?.id ?? null,
    autoconnect: profiles.find((p) => p.profile_options.autoconnect)?.id ?? null,
  };
}

function withoutId(selection: Selection, id: string): Selection {
  return {
    autoselect: selection.autoselect === id ? null : selection.autoselect,
    autoconnect: selection.autoconnect === id ? null : selection.autoconnect,
  };
}

/** A profile's data, checked at run time (it comes from a command or a stored file); a string says what is wrong. */
function checkData(value: unknown): ProfileData | string {
  if (!isRecord(value)) return "the profile's data must be an object";
  const known = ['type', 'server', 'login', 'ca_file', 'server_sha256'];
  const unknown = Object.keys(value).find((k) => !known.includes(k));
  if (unknown !== undefined) return `unknown key ${JSON.stringify(unknown)} in the profile's data`;
  const { type, server, login, ca_file: caFile, server_sha256: sha256 } = value;
  if (type !== 'password' && type !== 'sso') return 'the profile\'s type must be "password" or "sso"';
  if (typeof server !== 'string') return 'the server must be a string';
  const serverProblem = checkServer(server);
  if (serverProblem !== undefined) return `the server ${serverProblem}`;
  const pinning: { ca_file?: string; server_sha256?: string } = {};
  if (caFile !== undefined) {
    if (typeof caFile !== 'string') return 'the CA file must be a string';
    const problem = checkCaFile(caFile);
    if (problem !== undefined) return `the CA file ${problem}`;
    pinning.ca_file = caFile;
  }
  if (sha256 !== undefined) {
    if (typeof sha256 !== 'string') return "the server's fingerprint must be a string";
    const problem = checkSha256Fingerprint(sha256);
    if (problem !== undefined) return `the server's fingerprint ${problem}`;
    pinning.server_sha256 = sha256;
  }
  if (caFile !== undefined && sha256 !== undefined) return 'use either a CA file or a fingerprint, not both';
  if (type === 'sso') {
    if (login !== undefined)
      return 'an SSO profile has no login: it signs in as the user logged in to the computer';
    return { type, server, ...pinning };
  }
  if (typeof login !== 'string') return 'a password profile needs a login';
  const loginProblem = checkLogin(login);
  if (loginProblem !== undefined) return `the login ${loginProblem}`;
  return { type, server, login, ...pinning };
}

/** The stored file, checked as strictly as it is written; a string says what is wrong (never a password). */
function parseState(text: string): State | string {
  const parsed = parseStrictJson(text);
  if (!parsed.ok) return parsed.error.message;
  const value = parsed.value;
  if (!isRecord(value) || value.version !== STATE_VERSION)
    return `not a version ${STATE_VERSION} profiles file`;
  const { profiles, selection, saved_passwords: passwords, auto_profile_created: autoCreated } = value;
  if (!Array.isArray(profiles)) return '"profiles" is not an array';
  const stored: StoredProfile[] = [];
  for (const [index, item] of profiles.entries()) {
    if (!isRecord(item)) return `profile ${index} is not an object`;
    const { id, name, source, data } = item;
    if (typeof id !== 'string' || checkProfileId(id) !== undefined) return `profile ${index} has a bad id`;
    if (typeof name !== 'string' || checkProfileName(name) !== undefined)
      return `profile ${index} has a bad name`;
    if (source !== 'user' && source !== 'auto') return `profile ${index} has a bad source`;
    const checked = checkData(data);
    if (typeof checked === 'string') return `profile ${index}: ${checked}`;
    stored.push({ id, name, source, data: checked });
  }
  if (!isRecord(passwords)) return '"saved_passwords" is not an object';
  const savedPasswords = new Map<string, string>();
  for (const [id, password] of Object.entries(passwords)) {
    if (typeof password !== 'string') return '"saved_passwords" holds a value that is not a string';
    savedPasswords.set(id, password);
  }
  if (typeof autoCreated !== 'boolean') return '"auto_profile_created" is not true or false';
  const state: State = {
    profiles: stored,
    saved_passwords: savedPasswords,
    auto_profile_created: autoCreated,
  };
  if (selection !== undefined) {
    if (!isRecord(selection) || !isIdOrNull(selection.autoselect) || !isIdOrNull(selection.autoconnect)) {
      return '"selection" is not a pair of profile ids';
    }
    state.selection = { autoselect: selection.autoselect, autoconnect: selection.autoconnect };
  }
  return state;
}

function isIdOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
