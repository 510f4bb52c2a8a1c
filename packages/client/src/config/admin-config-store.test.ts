import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AdminConfigStore, DEFAULT_ADMIN_CONFIG_PATH } from './admin-config-store.js';
import { ConfigError } from './errors.js';

const GOOD = `{"profiles": [{"id": "p1", "name": "Office",
  "data": {"type": "sso", "server": "gw.corp.example"},
  "profile_options": {"autoselect": true, "autoconnect": true, "read_only": true}}],
 "gui_client_options": {"deny_save_profile_password": true, "deny_create_profiles": false}}
`;
const OTHER =
  '{"profiles": [], "gui_client_options": {"deny_save_profile_password": false, "deny_create_profiles": true}}';

let folder: string;
let stored: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'kordon-admin-store-'));
  stored = join(folder, 'etc', 'kordon', 'config.json');
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function source(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
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

describe('AdminConfigStore', () => {
  it('lives at /etc/kordon/config.json unless told otherwise', () => {
    expect(DEFAULT_ADMIN_CONFIG_PATH).toBe('/etc/kordon/config.json');
    expect(new AdminConfigStore({ isRoot: true }).path).toBe('/etc/kordon/config.json');
  });

  it('has no configuration until one is set: get() is null and the printed form is "null" (DECISIONS 49)', () => {
    const store = new AdminConfigStore({ isRoot: false, path: stored });
    expect(store.get()).toBeNull();
    expect(store.printable()).toBe('null');
  });

  it('sets a valid file as root: stored as written, mode 0644, folders made, and read back', () => {
    const store = new AdminConfigStore({ isRoot: true, path: stored });
    const result = store.set(source('new.json', GOOD));
    expect(result.ok).toBe(true);
    expect(readFileSync(stored, 'utf8')).toBe(GOOD);
    expect(statSync(stored).mode & 0o777).toBe(0o644);
    expect(statSync(join(folder, 'etc', 'kordon')).isDirectory()).toBe(true);
    // Another user's client (not root) reads it.
    const reader = new AdminConfigStore({ isRoot: false, path: stored });
    expect(reader.get()).toEqual({
      profiles: [
        {
          id: 'p1',
          name: 'Office',
          source: 'json',
          data: { type: 'sso', server: 'gw.corp.example' },
          profile_options: { autoselect: true, autoconnect: true, read_only: true },
        },
      ],
      gui_client_options: { deny_save_profile_password: true, deny_create_profiles: false },
    });
    expect(JSON.parse(reader.printable())).toEqual(reader.get());
  });

  it('replaces the stored file atomically, leaving no temporary file behind', () => {
    const store = new AdminConfigStore({ isRoot: true, path: stored });
    store.set(source('a.json', GOOD));
    const before = statSync(stored).ino;
    store.set(source('b.json', OTHER));
    expect(readFileSync(stored, 'utf8')).toBe(OTHER);
    expect(statSync(stored).ino).not.toBe(before); // a new file renamed into place, not rewritten in place
    expect(readdirSync(join(folder, 'etc', 'kordon'))).toEqual(['config.json']);
  });

  it('refuses an invalid file with every problem, and keeps the configuration in force', () => {
    const store = new AdminConfigStore({ isRoot: true, path: stored });
    store.set(source('good.json', GOOD));
    const bad = source('bad.json', '{"profiles": [{"id": "x"}], "gui_client_options": {"deny": true}}');
    const result = store.set(bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.source).toBe(bad);
    expect(result.issues.map((i) => i.pointer)).toEqual([
      '/profiles/0/name',
      '/profiles/0/data',
      '/gui_client_options/deny',
    ]);
    expect(readFileSync(stored, 'utf8')).toBe(GOOD);
  });

  it('refuses an unreadable file', () => {
    const store = new AdminConfigStore({ isRoot: true, path: stored });
    const result = store.set(join(folder, 'nowhere.json'));
    expect(result).toEqual({
      ok: false,
      source: join(folder, 'nowhere.json'),
      issues: [
        { line: 1, column: 1, pointer: '', message: 'line 1, column 1: cannot read the file: no such file' },
      ],
    });
  });

  it('lets only root set or reset it (DECISIONS 40)', () => {
    const root = new AdminConfigStore({ isRoot: true, path: stored });
    root.set(source('good.json', GOOD));
    const user = new AdminConfigStore({ isRoot: false, path: stored });
    const set = errorOf(() => user.set(source('other.json', OTHER)));
    expect(set.code).toBe('not_root');
    expect(set.message).toBe(
      `only root may set the administrator's client configuration (${stored}); run "sudo kordon --set-json-config=PATH"`,
    );
    const reset = errorOf(() => user.reset());
    expect(reset.code).toBe('not_root');
    expect(reset.message).toBe(
      `only root may reset the administrator's client configuration (${stored}); run "sudo kordon --reset-json-config"`,
    );
    expect(readFileSync(stored, 'utf8')).toBe(GOOD);
  });

  it('resets: the file goes, get() is null again, and a second reset finds nothing', () => {
    const store = new AdminConfigStore({ isRoot: true, path: stored });
    store.set(source('good.json', GOOD));
    expect(store.reset()).toBe(true);
    expect(store.get()).toBeNull();
    expect(store.printable()).toBe('null');
    expect(store.reset()).toBe(false);
  });

  it('reports a stored file that went bad instead of ignoring it', () => {
    const store = new AdminConfigStore({ isRoot: true, path: stored });
    store.set(source('good.json', GOOD));
    writeFileSync(stored, '{"profiles": []}');
    const error = errorOf(() => store.get());
    expect(error.code).toBe('invalid_config');
    expect(error.issues.map((i) => i.pointer)).toEqual(['/gui_client_options']);
    expect(error.message).toContain(
      `${stored}: 1 problem:\n  line 1, column 1 (/gui_client_options): missing required key`,
    );
    expect(error.message).toContain('kordon --reset-json-config');
  });
});
