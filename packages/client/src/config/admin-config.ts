/**
 * The administrator's JSON configuration of the client (PROTOCOL.md "Client configuration pushed by an
 * administrator"; DECISIONS 7, 24, 25): parsed strictly, with every problem listed at once and each one placed
 * by line, column and JSON Pointer, so an administrator fixes a file in one round.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

import { parseStrictJson } from '@kordon/protocol';

import {
  checkCaFile,
  checkLogin,
  checkProfileId,
  checkProfileName,
  checkServer,
  checkSha256Fingerprint,
} from './fields.js';
import { JsonPositions, childPointer } from './json-positions.js';
import type {
  AdminConfig,
  AdminConfigResult,
  ConfigIssue,
  GuiClientOptions,
  Profile,
  ProfileData,
  ProfileOptions,
} from './types.js';

/** The vendor's limit on the file's size: 1 MB. */
export const MAX_ADMIN_CONFIG_BYTES = 1024 * 1024;

const TOP_KEYS = ['profiles', 'gui_client_options'] as const;
const PROFILE_KEYS = ['id', 'source', 'name', 'data', 'profile_options'] as const;
const DATA_KEYS = ['type', 'login', 'server', 'ca_file', 'server_sha256'] as const;
const OPTION_KEYS = ['autoselect', 'autoconnect', 'read_only'] as const;
const GUI_KEYS = ['deny_save_profile_password', 'deny_create_profiles'] as const;

/** Where each known key belongs, to tell an administrator who put a key one level off where it goes. */
const HOMES: readonly { name: string; keys: readonly string[] }[] = [
  { name: 'the top level', keys: TOP_KEYS },
  { name: 'a profile', keys: PROFILE_KEYS },
  { name: 'a profile\'s "data"', keys: DATA_KEYS },
  { name: 'a profile\'s "profile_options"', keys: OPTION_KEYS },
  { name: '"gui_client_options"', keys: GUI_KEYS },
];

type JsonObject = Record<string, unknown>;

/** Parses and checks a configuration's text; `source` names it (a file name) in the failure. */
export function parseAdminConfig(text: string, source: string): AdminConfigResult {
  const fail = (message: string): AdminConfigResult => ({
    ok: false,
    source,
    issues: [{ line: 1, column: 1, pointer: '', message: `line 1, column 1: ${message}` }],
  });
  // A byte-order mark is what Windows editors put first; RFC 8259 lets a parser ignore it.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_ADMIN_CONFIG_BYTES) {
    return fail(`the file is ${bytes} bytes long; the limit is 1 MB (${MAX_ADMIN_CONFIG_BYTES} bytes)`);
  }
  if (body.trim() === '')
    return fail('the file is empty; it must hold a JSON object with "profiles" and "gui_client_options"');

  const strict = parseStrictJson(body);
  let value: unknown;
  const syntaxIssues: ConfigIssue[] = [];
  if (strict.ok) {
    value = strict.value;
  } else if (strict.error.code === 'duplicate_key') {
    // Every repeated key is listed below (from the positions); JSON.parse (last key wins) checks the rest's syntax.
    try {
      value = JSON.parse(body);
    } catch (e) {
      syntaxIssues.push(v8SyntaxIssue(e instanceof Error ? e.message : String(e)));
    }
  } else {
    return { ok: false, source, issues: [strictSyntaxIssue(strict.error.message)] };
  }

  const positions = new JsonPositions(body);
  const checker = new ConfigChecker(positions);
  for (const duplicate of positions.duplicateKeys) {
    checker.issueAt(
      duplicate.pointer,
      duplicate.place,
      `duplicate key ${JSON.stringify(duplicate.key)} (first at line ${duplicate.first.line}, column ${duplicate.first.column}); a key may appear only once in an object`,
    );
  }
  checker.issues.push(...syntaxIssues);
  const config = syntaxIssues.length === 0 ? checker.checkDocument(value) : undefined;
  if (config === undefined || checker.issues.length > 0) {
    return { ok: false, source, issues: sortIssues(checker.issues) };
  }
  return { ok: true, config };
}

/** Reads and checks a configuration file: unreadable, empty and over 1 MB files are problems of the same kind. */
export function readAdminConfigFile(path: string): AdminConfigResult {
  const read = readAdminConfigText(path);
  return read.ok ? parseAdminConfig(read.text, path) : read.failure;
}

/** The file's text (at most 1 MB of UTF-8), or the failure that says why it cannot be had. */
export function readAdminConfigText(
  path: string,
): { ok: true; text: string } | { ok: false; failure: Extract<AdminConfigResult, { ok: false }> } {
  try {
    return { ok: true, text: readLimited(path) };
  } catch (e) {
    const message = `line 1, column 1: cannot read the file: ${describeReadError(e)}`;
    return {
      ok: false,
      failure: { ok: false, source: path, issues: [{ line: 1, column: 1, pointer: '', message }] },
    };
  }
}

/** All the problems, one a line, under a heading that names the file. */
export function formatConfigIssues(source: string, issues: readonly ConfigIssue[]): string {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return [`${source}: ${count}:`, ...issues.map((issue) => `  ${issue.message}`)].join('\n');
}

class TooLarge extends Error {
  constructor(readonly size: number) {
    super('too large');
  }
}

/** Reads at most one byte more than the limit, so a huge file costs nothing; invalid UTF-8 is an error. */
function readLimited(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    if (stat.size > MAX_ADMIN_CONFIG_BYTES) throw new TooLarge(stat.size);
    const buffer = Buffer.alloc(MAX_ADMIN_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > MAX_ADMIN_CONFIG_BYTES) throw new TooLarge(length);
    }
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length));
  } finally {
    closeSync(fd);
  }
}

function describeReadError(e: unknown): string {
  if (e instanceof TooLarge) {
    return `it is ${e.size} bytes long; the limit is 1 MB (${MAX_ADMIN_CONFIG_BYTES} bytes)`;
  }
  if (e instanceof TypeError) return 'it is not UTF-8 text';
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder, not a file';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

function strictSyntaxIssue(message: string): ConfigIssue {
  // parseStrictJson says "invalid JSON at line L, column C: reason".
  const match = /^invalid JSON at line (\d+), column (\d+): (.*)$/s.exec(message);
  if (match === null) return { line: 1, column: 1, pointer: '', message: `line 1, column 1: ${message}` };
  const [, line = '1', column = '1', reason = ''] = match;
  return {
    line: Number(line),
    column: Number(column),
    pointer: '',
    message: `line ${line}, column ${column}: invalid JSON: ${reason}`,
  };
}

function v8SyntaxIssue(message: string): ConfigIssue {
  const match = /\(line (\d+) column (\d+)\)/.exec(message);
  const line = Number(match?.[1] ?? 1);
  const column = Number(match?.[2] ?? 1);
  const reason = message.replace(/ in JSON at position.*$/s, '');
  return { line, column, pointer: '', message: `line ${line}, column ${column}: invalid JSON: ${reason}` };
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** What a profile contributed to the checks that span profiles, known even when the profile has other problems. */
interface ProfileFacts {
  pointer: string;
  id?: string;
  type?: string;
  autoselect?: boolean;
  autoconnect?: boolean;
}

class ConfigChecker {
  readonly issues: ConfigIssue[] = [];

  constructor(private readonly positions: JsonPositions) {}

  issueAt(pointer: string, place: { line: number; column: number }, text: string): void {
    const where = pointer === '' ? '' : ` (${pointer})`;
    this.issues.push({
      line: place.line,
      column: place.column,
      pointer,
      message: `line ${place.line}, column ${place.column}${where}: ${text}`,
    });
  }

  /** An issue about a value (or, with part 'key', about a member's key). */
  issue(pointer: string, text: string, part: 'key' | 'value' = 'value'): void {
    this.issueAt(pointer, this.positions.place(pointer, part), text);
  }

  checkDocument(value: unknown): AdminConfig | undefined {
    if (!isObject(value)) {
      this.issue(
        '',
        `the configuration must be a JSON object with "profiles" and "gui_client_options", not ${describe(value)}`,
      );
      return undefined;
    }
    this.unknownKeys(value, '', TOP_KEYS);
    const profiles = this.checkProfiles(value);
    const gui = this.checkGuiOptions(value);
    if (profiles === undefined || gui === undefined) return undefined;
    return { profiles, gui_client_options: gui };
  }

  private checkProfiles(top: JsonObject): Profile[] | undefined {
    if (!Object.hasOwn(top, 'profiles')) {
      this.issue('/profiles', 'missing required key "profiles" (an array of profiles, which may be empty)');
      return undefined;
    }
    const list = top.profiles;
    if (!Array.isArray(list)) {
      this.issue('/profiles', `"profiles" must be an array of profiles, not ${describe(list)}`);
      return undefined;
    }
    const facts: ProfileFacts[] = [];
    const profiles: (Profile | undefined)[] = list.map((item, index) => {
      const pointer = childPointer('/profiles', index);
      const fact: ProfileFacts = { pointer };
      facts.push(fact);
      return this.checkProfile(item, fact);
    });
    this.checkAcrossProfiles(facts);
    return profiles.every((p) => p !== undefined) ? profiles : undefined;
  }

  private checkProfile(value: unknown, fact: ProfileFacts): Profile | undefined {
    const at = fact.pointer;
    if (!isObject(value)) {
      this.issue(at, `a profile must be an object, not ${describe(value)}`);
      return undefined;
    }
    this.unknownKeys(value, at, PROFILE_KEYS);
    const id = this.requiredString(
      value,
      at,
      'id',
      checkProfileId,
      'every profile needs its own "id" (DECISIONS 25)',
    );
    if (id !== undefined) fact.id = id;
    const name = this.requiredString(value, at, 'name', checkProfileName, 'the name users see');
    if (Object.hasOwn(value, 'source') && value.source !== 'json') {
      this.issue(
        childPointer(at, 'source'),
        `"source" must be "json" in an administrator's configuration (or be left out), not ${describe(value.source)}`,
      );
    }
    const data = this.checkData(value, at, fact);
    const options = this.checkOptions(value, at, fact);
    if (id === undefined || name === undefined || data === undefined || options === undefined)
      return undefined;
    return { id, name, source: 'json', data, profile_options: options };
  }

  private checkData(profile: JsonObject, at: string, fact: ProfileFacts): ProfileData | undefined {
    const pointer = childPointer(at, 'data');
    if (!Object.hasOwn(profile, 'data')) {
      this.issue(pointer, 'missing required key "data" (the profile\'s "type" and "server")');
      return undefined;
    }
    const data = profile.data;
    if (!isObject(data)) {
      this.issue(pointer, `"data" must be an object, not ${describe(data)}`);
      return undefined;
    }
    this.unknownKeys(data, pointer, DATA_KEYS);
    let type: 'password' | 'sso' | undefined;
    if (!Object.hasOwn(data, 'type')) {
      this.issue(childPointer(pointer, 'type'), 'missing required key "type" ("password" or "sso")');
    } else if (data.type === 'password' || data.type === 'sso') {
      type = data.type;
      fact.type = type;
    } else {
      this.issue(
        childPointer(pointer, 'type'),
        `"type" must be "password" or "sso", not ${describe(data.type)}`,
      );
    }
    const server = this.requiredString(
      data,
      pointer,
      'server',
      checkServer,
      "the gateway's host name or address",
    );
    let login: string | undefined;
    if (type === 'password') {
      login = this.requiredString(
        data,
        pointer,
        'login',
        checkLogin,
        "a password profile needs the user's login",
      );
    } else if (type === 'sso' && Object.hasOwn(data, 'login')) {
      this.issue(
        childPointer(pointer, 'login'),
        '"login" is only for password profiles; an SSO profile signs in as the user logged in to the computer',
        'key',
      );
    }
    const caFile = this.optionalString(data, pointer, 'ca_file', checkCaFile);
    const sha256 = this.optionalString(data, pointer, 'server_sha256', checkSha256Fingerprint);
    if (Object.hasOwn(data, 'ca_file') && Object.hasOwn(data, 'server_sha256')) {
      // DECISIONS 24 offers one or the other: a pin replaces the CA check, so both would say two things.
      this.issue(
        childPointer(pointer, 'server_sha256'),
        'use either "ca_file" or "server_sha256", not both',
        'key',
      );
    }
    if (type === undefined || server === undefined || (type === 'password' && login === undefined))
      return undefined;
    if (caFile === null || sha256 === null) return undefined;
    const pinning = {
      ...(caFile === undefined ? {} : { ca_file: caFile }),
      ...(sha256 === undefined ? {} : { server_sha256: sha256 }),
    };
    return type === 'password'
      ? { type, server, login: login ?? '', ...pinning }
      : { type, server, ...pinning };
  }

  /**
   * The vendor's example sets all three options; an absent option (or an absent "profile_options") is taken as
   * false, since false is what a profile without the option does.
   */
  private checkOptions(profile: JsonObject, at: string, fact: ProfileFacts): ProfileOptions | undefined {
    const pointer = childPointer(at, 'profile_options');
    if (!Object.hasOwn(profile, 'profile_options')) {
      return { autoselect: false, autoconnect: false, read_only: false };
    }
    const options = profile.profile_options;
    if (!isObject(options)) {
      this.issue(pointer, `"profile_options" must be an object, not ${describe(options)}`);
      return undefined;
    }
    this.unknownKeys(options, pointer, OPTION_KEYS);
    const autoselect = this.optionalBoolean(options, pointer, 'autoselect');
    const autoconnect = this.optionalBoolean(options, pointer, 'autoconnect');
    const readOnly = this.optionalBoolean(options, pointer, 'read_only');
    if (autoselect !== undefined) fact.autoselect = autoselect;
    if (autoconnect !== undefined) fact.autoconnect = autoconnect;
    if (autoselect === undefined || autoconnect === undefined || readOnly === undefined) return undefined;
    return { autoselect, autoconnect, read_only: readOnly };
  }

  private checkAcrossProfiles(facts: readonly ProfileFacts[]): void {
    const firstWithId = new Map<string, string>();
    let firstAutoselect: string | undefined;
    let firstAutoconnect: string | undefined;
    for (const fact of facts) {
      const options = childPointer(fact.pointer, 'profile_options');
      if (fact.id !== undefined) {
        const first = firstWithId.get(fact.id);
        if (first === undefined) firstWithId.set(fact.id, fact.pointer);
        else {
          this.issue(
            childPointer(fact.pointer, 'id'),
            `duplicate id ${JSON.stringify(fact.id)}: ${first} has it already; every profile needs its own id`,
          );
        }
      }
      if (fact.autoselect === true) {
        if (firstAutoselect === undefined) firstAutoselect = fact.pointer;
        else {
          this.issue(
            childPointer(options, 'autoselect'),
            `more than one profile has "autoselect": true (${firstAutoselect} has it too); only one may`,
          );
        }
      }
      if (fact.autoconnect === true) {
        const pointer = childPointer(options, 'autoconnect');
        if (firstAutoconnect === undefined) firstAutoconnect = fact.pointer;
        else {
          this.issue(
            pointer,
            `more than one profile has "autoconnect": true (${firstAutoconnect} has it too); only one may`,
          );
        }
        if (fact.autoselect !== true) {
          this.issue(
            pointer,
            '"autoconnect": true needs "autoselect": true on the same profile (DECISIONS 25)',
          );
        }
        if (fact.type === 'password') {
          this.issue(
            pointer,
            'a password profile cannot have "autoconnect": true: the configuration holds no password to connect with (an SSO profile can)',
          );
        }
      }
    }
  }

  private checkGuiOptions(top: JsonObject): GuiClientOptions | undefined {
    const pointer = '/gui_client_options';
    if (!Object.hasOwn(top, 'gui_client_options')) {
      this.issue(
        pointer,
        'missing required key "gui_client_options" (an object with "deny_save_profile_password" and "deny_create_profiles")',
      );
      return undefined;
    }
    const gui = top.gui_client_options;
    if (!isObject(gui)) {
      this.issue(pointer, `"gui_client_options" must be an object, not ${describe(gui)}`);
      return undefined;
    }
    this.unknownKeys(gui, pointer, GUI_KEYS);
    // As with profile_options, an absent option is false.
    const denySave = this.optionalBoolean(gui, pointer, 'deny_save_profile_password');
    const denyCreate = this.optionalBoolean(gui, pointer, 'deny_create_profiles');
    if (denySave === undefined || denyCreate === undefined) return undefined;
    return { deny_save_profile_password: denySave, deny_create_profiles: denyCreate };
  }

  private unknownKeys(object: JsonObject, at: string, known: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (known.includes(key)) continue;
      this.issue(childPointer(at, key), unknownKeyText(key, known), 'key');
    }
  }

  /** A required non-empty string, checked; undefined when absent or bad (the issue is recorded). */
  private requiredString(
    object: JsonObject,
    at: string,
    key: string,
    check: (value: string) => string | undefined,
    what: string,
  ): string | undefined {
    const pointer = childPointer(at, key);
    if (!Object.hasOwn(object, key)) {
      this.issue(pointer, `missing required key ${JSON.stringify(key)} (${what})`);
      return undefined;
    }
    const value = object[key];
    if (typeof value !== 'string') {
      this.issue(pointer, `${JSON.stringify(key)} must be a string, not ${describe(value)}`);
      return undefined;
    }
    const problem = check(value);
    if (problem !== undefined) {
      this.issue(pointer, `${JSON.stringify(key)} ${problem}`);
      return undefined;
    }
    return value;
  }

  /** An optional string: undefined when absent, null when present but bad (the issue is recorded). */
  private optionalString(
    object: JsonObject,
    at: string,
    key: string,
    check: (value: string) => string | undefined,
  ): string | null | undefined {
    if (!Object.hasOwn(object, key)) return undefined;
    const pointer = childPointer(at, key);
    const value = object[key];
    if (typeof value !== 'string') {
      this.issue(pointer, `${JSON.stringify(key)} must be a string, not ${describe(value)}`);
      return null;
    }
    const problem = check(value);
    if (problem !== undefined) {
      this.issue(pointer, `${JSON.stringify(key)} ${problem}`);
      return null;
    }
    return value;
  }

  /** An optional boolean, false when absent; undefined when present but not a boolean (the issue is recorded). */
  private optionalBoolean(object: JsonObject, at: string, key: string): boolean | undefined {
    if (!Object.hasOwn(object, key)) return false;
    const value = object[key];
    if (typeof value === 'boolean') return value;
    this.issue(childPointer(at, key), `${JSON.stringify(key)} must be true or false, not ${describe(value)}`);
    return undefined;
  }
}

function unknownKeyText(key: string, known: readonly string[]): string {
  const quoted = JSON.stringify(key);
  const close = closest(key, known);
  if (close !== undefined) return `unknown key ${quoted}; did you mean ${JSON.stringify(close)}?`;
  const home = HOMES.find((h) => h.keys !== known && h.keys.includes(key));
  if (home !== undefined) return `unknown key ${quoted} here; it belongs in ${home.name}`;
  return `unknown key ${quoted}; the keys here are ${known.map((k) => JSON.stringify(k)).join(', ')}`;
}

/** The known key within two edits of a typo (one edit for short keys), if exactly one is nearest. */
function closest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const limit = key.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** Levenshtein distance, with a transposition counted as one edit ("tpye" → "type"). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? Infinity;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value's kind for a message; strings are shortened, since a wrong value may be long. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length > 40
        ? `the string ${JSON.stringify(value.slice(0, 40))}…`
        : `the string ${JSON.stringify(value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
