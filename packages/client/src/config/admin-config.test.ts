import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import {
  MAX_ADMIN_CONFIG_BYTES,
  formatConfigIssues,
  parseAdminConfig,
  readAdminConfigFile,
} from './admin-config.js';
import type { AdminConfig, ConfigIssue } from './types.js';

/** PROTOCOL.md's example as DECISIONS 25 has it: unique ids, and autoconnect with autoselect. */
const VENDOR_EXAMPLE = `{"profiles": [{"id": "a78cb502-...", "source": "json", "name": "Office",
               "data": {"type": "password", "login": "user1", "server": "gw.corp.example"},
               "profile_options": {"autoselect": false, "autoconnect": false, "read_only": false}},
              {"id": "5d0c1e7a-...", "name": "SSO", "source": "json", "data": {"type": "sso", "server": "gw.corp.example"},
               "profile_options": {"autoselect": true, "autoconnect": true, "read_only": true}}],
 "gui_client_options": {"deny_save_profile_password": true, "deny_create_profiles": false}}`;

const GUI = '"gui_client_options": {"deny_save_profile_password": false, "deny_create_profiles": false}';
const OPTIONS_OFF = '"profile_options": {"autoselect": false, "autoconnect": false, "read_only": false}';

/** A document with one profile a line, from line 3 on; the gui options on the line after the last profile. */
function doc(...profiles: string[]): string {
  return `{\n"profiles": [\n${profiles.join(',\n')}\n],\n${GUI}\n}`;
}

function password(id: string, extra = OPTIONS_OFF): string {
  return `{"id": "${id}", "name": "P ${id}", "data": {"type": "password", "login": "alice", "server": "gw.corp.example"}, ${extra}}`;
}

function sso(id: string, extra = OPTIONS_OFF): string {
  return `{"id": "${id}", "name": "S ${id}", "data": {"type": "sso", "server": "gw.corp.example"}, ${extra}}`;
}

/** The 1-based line and column of the nth occurrence of needle in text. */
function at(text: string, needle: string, nth = 1): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i < nth; i++) {
    index = text.indexOf(needle, index + 1);
    if (index === -1) throw new Error(`${needle} occurs fewer than ${nth} times`);
  }
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

function issuesOf(text: string): ConfigIssue[] {
  const result = parseAdminConfig(text, 'test.json');
  if (result.ok) throw new Error('expected the configuration to be rejected');
  expect(result.source).toBe('test.json');
  return result.issues;
}

function onlyIssue(text: string): ConfigIssue {
  const issues = issuesOf(text);
  expect(issues.map((i) => i.message)).toHaveLength(1);
  return issues[0]!;
}

/** The issue expected at a token: position, pointer and the message with its place prefix. */
function issueAt(text: string, needle: string, pointer: string, message: string, nth = 1): ConfigIssue {
  const { line, column } = at(text, needle, nth);
  const where = pointer === '' ? '' : ` (${pointer})`;
  return { line, column, pointer, message: `line ${line}, column ${column}${where}: ${message}` };
}

function configOf(text: string): AdminConfig {
  const result = parseAdminConfig(text, 'test.json');
  if (!result.ok) throw new Error(formatConfigIssues(result.source, result.issues));
  return result.config;
}

describe('parseAdminConfig: accepted configurations', () => {
  it("accepts the vendor's example (corrected per DECISIONS 25) and gives its profiles", () => {
    expect(configOf(VENDOR_EXAMPLE)).toEqual({
      profiles: [
        {
          id: 'a78cb502-...',
          source: 'json',
          name: 'Office',
          data: { type: 'password', login: 'user1', server: 'gw.corp.example' },
          profile_options: { autoselect: false, autoconnect: false, read_only: false },
        },
        {
          id: '5d0c1e7a-...',
          source: 'json',
          name: 'SSO',
          data: { type: 'sso', server: 'gw.corp.example' },
          profile_options: { autoselect: true, autoconnect: true, read_only: true },
        },
      ],
      gui_client_options: { deny_save_profile_password: true, deny_create_profiles: false },
    });
  });

  it('takes absent options as false, and "source" as "json" when left out', () => {
    const config = configOf(
      '{"profiles": [{"id": "x", "name": "X", "data": {"type": "sso", "server": "10.0.0.1"}, "profile_options": {"read_only": true}},' +
        ' {"id": "y", "name": "Y", "data": {"type": "sso", "server": "10.0.0.2"}}], "gui_client_options": {}}',
    );
    expect(config.profiles.map((p) => [p.source, p.profile_options])).toEqual([
      ['json', { autoselect: false, autoconnect: false, read_only: true }],
      ['json', { autoselect: false, autoconnect: false, read_only: false }],
    ]);
    expect(config.gui_client_options).toEqual({
      deny_save_profile_password: false,
      deny_create_profiles: false,
    });
  });

  it('accepts an empty list of profiles', () => {
    expect(configOf(`{"profiles": [], ${GUI}}`).profiles).toEqual([]);
  });

  it('accepts pinning by CA file or by fingerprint, with or without colons (DECISIONS 24)', () => {
    const hex = 'AB'.repeat(32);
    const colons = Array.from({ length: 32 }, () => 'ab').join(':');
    const config = configOf(
      doc(
        `{"id": "1", "name": "A", "data": {"type": "sso", "server": "gw.corp.example", "ca_file": "/etc/kordon/ca.pem"}}`,
        `{"id": "2", "name": "B", "data": {"type": "sso", "server": "gw.corp.example:14765", "server_sha256": "${hex}"}}`,
        `{"id": "3", "name": "C", "data": {"type": "sso", "server": "[2001:db8::1]:443", "server_sha256": "${colons}"}}`,
      ),
    );
    expect(config.profiles.map((p) => p.data)).toEqual([
      { type: 'sso', server: 'gw.corp.example', ca_file: '/etc/kordon/ca.pem' },
      { type: 'sso', server: 'gw.corp.example:14765', server_sha256: hex },
      { type: 'sso', server: '[2001:db8::1]:443', server_sha256: colons },
    ]);
  });

  it('ignores a UTF-8 byte-order mark, as Windows editors write one', () => {
    expect(configOf(`\uFEFF${VENDOR_EXAMPLE}`).profiles).toHaveLength(2);
  });
});

describe('parseAdminConfig: the file as a whole', () => {
  it('refuses an empty file', () => {
    for (const text of ['', '  \n\t\n']) {
      expect(onlyIssue(text)).toEqual({
        line: 1,
        column: 1,
        pointer: '',
        message:
          'line 1, column 1: the file is empty; it must hold a JSON object with "profiles" and "gui_client_options"',
      });
    }
  });

  it('refuses a text over 1 MB', () => {
    const text = `{"profiles": [], ${GUI}, "pad": "${'x'.repeat(MAX_ADMIN_CONFIG_BYTES)}"}`;
    const bytes = Buffer.byteLength(text);
    expect(onlyIssue(text)).toEqual({
      line: 1,
      column: 1,
      pointer: '',
      message: `line 1, column 1: the file is ${bytes} bytes long; the limit is 1 MB (1048576 bytes)`,
    });
  });

  it.each([
    [
      'a trailing comma',
      '{"profiles": [],\n "gui_client_options": {},\n}',
      3,
      1,
      'a trailing comma is not allowed',
    ],
    [
      'a comment',
      '{"profiles": [] // none yet\n}',
      1,
      17,
      "expected ',' or '}' after an object member, got '/' (comments are not allowed in JSON)",
    ],
    [
      'single quotes',
      "{'profiles': []}",
      1,
      2,
      "expected a key in double quotes, got ''' (strings and keys take double quotes in JSON)",
    ],
    [
      'YAML instead of JSON',
      'profiles: []\ngui_client_options: {}\n',
      1,
      1,
      "expected a JSON value, got 'p'",
    ],
    ['an unquoted key (YAML flow style)', '{profiles: []}', 1, 2, "expected a key in double quotes, got 'p'"],
  ])('refuses what is not strict JSON: %s', (_, text, line, column, reason) => {
    expect(onlyIssue(text)).toEqual({
      line,
      column,
      pointer: '',
      message: `line ${line}, column ${column}: invalid JSON: ${reason}`,
    });
  });

  it('refuses a document that is not an object', () => {
    expect(onlyIssue('[1, 2]')).toEqual({
      line: 1,
      column: 1,
      pointer: '',
      message:
        'line 1, column 1: the configuration must be a JSON object with "profiles" and "gui_client_options", not an array',
    });
  });

  it('refuses duplicate keys, each one at its place, naming the first', () => {
    const text = doc(
      `{"id": "1", "id": "2", "name": "A", "data": {"type": "sso", "server": "gw.corp.example", "type": "sso"}}`,
    );
    expect(issuesOf(text)).toEqual([
      issueAt(
        text,
        '"id"',
        '/profiles/0/id',
        'duplicate key "id" (first at line 3, column 2); a key may appear only once in an object',
        2,
      ),
      issueAt(
        text,
        '"type"',
        '/profiles/0/data/type',
        'duplicate key "type" (first at line 3, column 46); a key may appear only once in an object',
        2,
      ),
    ]);
  });

  it('reports a syntax error after a duplicate key along with the duplicate', () => {
    const text = '{"profiles": [], "profiles": [] oops}';
    expect(issuesOf(text)).toEqual([
      issueAt(
        text,
        '"profiles"',
        '/profiles',
        'duplicate key "profiles" (first at line 1, column 2); a key may appear only once in an object',
        2,
      ),
      {
        line: 1,
        column: 33,
        pointer: '',
        message: "line 1, column 33: invalid JSON: Expected ',' or '}' after property value",
      },
    ]);
  });
});

describe('parseAdminConfig: keys', () => {
  it('refuses an unknown key and suggests the known one it resembles', () => {
    const text = doc(`{"id": "1", "name": "A",\n "data": {"typ": "sso", "server": "gw.corp.example"}}`);
    // Both problems: the typo, and the key that is therefore missing.
    expect(issuesOf(text)).toEqual([
      issueAt(text, '{"typ"', '/profiles/0/data/type', 'missing required key "type" ("password" or "sso")'),
      issueAt(text, '"typ"', '/profiles/0/data/typ', 'unknown key "typ"; did you mean "type"?'),
    ]);
  });

  it('refuses unknown keys at every level', () => {
    const text = `{"profiles": [{"id": "1", "nmae": "A", "data": {"type": "sso", "server": "gw.corp.example", "domain": "CORP"},
"profile_options": {"autoselect": false, "autoconect": false}}],
"gui_client_options": {"deny_create_profile": true},
"version": 2}`;
    expect(issuesOf(text)).toEqual([
      issueAt(text, '{"id"', '/profiles/0/name', 'missing required key "name" (the name users see)'),
      issueAt(text, '"nmae"', '/profiles/0/nmae', 'unknown key "nmae"; did you mean "name"?'),
      issueAt(
        text,
        '"domain"',
        '/profiles/0/data/domain',
        'unknown key "domain"; the keys here are "type", "login", "server", "ca_file", "server_sha256"',
      ),
      issueAt(
        text,
        '"autoconect"',
        '/profiles/0/profile_options/autoconect',
        'unknown key "autoconect"; did you mean "autoconnect"?',
      ),
      issueAt(
        text,
        '"deny_create_profile"',
        '/gui_client_options/deny_create_profile',
        'unknown key "deny_create_profile"; did you mean "deny_create_profiles"?',
      ),
      issueAt(
        text,
        '"version"',
        '/version',
        'unknown key "version"; the keys here are "profiles", "gui_client_options"',
      ),
    ]);
  });

  it('says where a known key belongs when it is one level off', () => {
    const text = doc(
      `{"id": "1", "name": "A", "autoconnect": false, "data": {"type": "sso", "server": "gw.corp.example"}}`,
    );
    expect(onlyIssue(text)).toEqual(
      issueAt(
        text,
        '"autoconnect"',
        '/profiles/0/autoconnect',
        'unknown key "autoconnect" here; it belongs in a profile\'s "profile_options"',
      ),
    );
  });

  it('refuses a configuration without "profiles"', () => {
    const text = `{\n  ${GUI}\n}`;
    expect(onlyIssue(text)).toEqual({
      line: 1,
      column: 1,
      pointer: '/profiles',
      message:
        'line 1, column 1 (/profiles): missing required key "profiles" (an array of profiles, which may be empty)',
    });
  });

  it('refuses a configuration without "gui_client_options"', () => {
    const text = '\n  {"profiles": []}';
    expect(onlyIssue(text)).toEqual({
      line: 2,
      column: 3,
      pointer: '/gui_client_options',
      message:
        'line 2, column 3 (/gui_client_options): missing required key "gui_client_options" (an object with "deny_save_profile_password" and "deny_create_profiles")',
    });
  });

  it('needs an "id" on every profile (DECISIONS 25)', () => {
    const text = doc(`{"name": "A", "data": {"type": "sso", "server": "gw.corp.example"}}`);
    expect(onlyIssue(text)).toEqual(
      issueAt(
        text,
        '{"name"',
        '/profiles/0/id',
        'missing required key "id" (every profile needs its own "id" (DECISIONS 25))',
      ),
    );
  });

  it('needs "data", and "server" in it', () => {
    const text = doc(`{"id": "1", "name": "A"}`, `{"id": "2", "name": "B", "data": {"type": "sso"}}`);
    expect(issuesOf(text)).toEqual([
      issueAt(
        text,
        '{"id": "1"',
        '/profiles/0/data',
        'missing required key "data" (the profile\'s "type" and "server")',
      ),
      issueAt(
        text,
        '{"type"',
        '/profiles/1/data/server',
        'missing required key "server" (the gateway\'s host name or address)',
      ),
    ]);
  });

  it('needs a "login" on a password profile', () => {
    const text = doc(`{"id": "1", "name": "A", "data": {"type": "password", "server": "gw.corp.example"}}`);
    expect(onlyIssue(text)).toEqual(
      issueAt(
        text,
        '{"type"',
        '/profiles/0/data/login',
        'missing required key "login" (a password profile needs the user\'s login)',
      ),
    );
  });

  it('refuses a "login" on an SSO profile', () => {
    const text = doc(
      `{"id": "1", "name": "A", "data": {"type": "sso", "login": "alice", "server": "gw.corp.example"}}`,
    );
    expect(onlyIssue(text)).toEqual(
      issueAt(
        text,
        '"login"',
        '/profiles/0/data/login',
        '"login" is only for password profiles; an SSO profile signs in as the user logged in to the computer',
      ),
    );
  });
});

describe('parseAdminConfig: values', () => {
  it('refuses "profiles" that is not an array, and a profile that is not an object', () => {
    let text = `{"profiles": {}, ${GUI}}`;
    expect(onlyIssue(text)).toEqual(
      issueAt(text, '{}', '/profiles', '"profiles" must be an array of profiles, not an object'),
    );
    text = doc('"Office"');
    expect(onlyIssue(text)).toEqual(
      issueAt(text, '"Office"', '/profiles/0', 'a profile must be an object, not the string "Office"'),
    );
  });

  it('refuses values of the wrong type, each with what came', () => {
    const text = `{"profiles": [{"id": 7, "name": null, "data": {"type": "sso", "server": ["gw"]},
  "profile_options": {"autoselect": "yes", "autoconnect": 0, "read_only": null}}],
 "gui_client_options": {"deny_save_profile_password": "true", "deny_create_profiles": []}}`;
    expect(issuesOf(text)).toEqual([
      issueAt(text, '7', '/profiles/0/id', '"id" must be a string, not the number 7'),
      issueAt(text, 'null', '/profiles/0/name', '"name" must be a string, not null'),
      issueAt(text, '["gw"]', '/profiles/0/data/server', '"server" must be a string, not an array'),
      issueAt(
        text,
        '"yes"',
        '/profiles/0/profile_options/autoselect',
        '"autoselect" must be true or false, not the string "yes"',
      ),
      issueAt(
        text,
        '0, "read_only"',
        '/profiles/0/profile_options/autoconnect',
        '"autoconnect" must be true or false, not the number 0',
      ),
      issueAt(
        text,
        'null',
        '/profiles/0/profile_options/read_only',
        '"read_only" must be true or false, not null',
        2,
      ),
      issueAt(
        text,
        '"true"',
        '/gui_client_options/deny_save_profile_password',
        '"deny_save_profile_password" must be true or false, not the string "true"',
      ),
      issueAt(
        text,
        '[]',
        '/gui_client_options/deny_create_profiles',
        '"deny_create_profiles" must be true or false, not an array',
      ),
    ]);
  });

  it('refuses "data" and "profile_options" that are not objects', () => {
    const text = doc(`{"id": "1", "name": "A", "data": "sso", "profile_options": true}`);
    expect(issuesOf(text)).toEqual([
      issueAt(text, '"sso"', '/profiles/0/data', '"data" must be an object, not the string "sso"'),
      issueAt(text, 'true', '/profiles/0/profile_options', '"profile_options" must be an object, not true'),
    ]);
  });

  it('refuses a "type" other than "password" or "sso"', () => {
    const text = doc(`{"id": "1", "name": "A", "data": {"type": "kerberos", "server": "gw.corp.example"}}`);
    expect(onlyIssue(text)).toEqual(
      issueAt(
        text,
        '"kerberos"',
        '/profiles/0/data/type',
        '"type" must be "password" or "sso", not the string "kerberos"',
      ),
    );
  });

  it('refuses a "source" other than "json"', () => {
    const text = doc(
      `{"id": "1", "source": "user", "name": "A", "data": {"type": "sso", "server": "gw.corp.example"}}`,
    );
    expect(onlyIssue(text)).toEqual(
      issueAt(
        text,
        '"user"',
        '/profiles/0/source',
        '"source" must be "json" in an administrator\'s configuration (or be left out), not the string "user"',
      ),
    );
  });

  it('refuses empty ids and names', () => {
    const text = doc(`{"id": "", "name": "", "data": {"type": "sso", "server": "gw.corp.example"}}`);
    expect(issuesOf(text)).toEqual([
      issueAt(text, '""', '/profiles/0/id', '"id" must not be empty'),
      issueAt(text, '""', '/profiles/0/name', '"name" must not be empty', 2),
    ]);
  });

  it.each([
    'gw corp.example',
    'gw.corp.example:0',
    'gw.corp.example:65536',
    '10.0.0',
    '2001:db8::1:14765x',
    'http://gw',
    '-gw.example',
  ])('refuses the server %j', (server) => {
    const text = doc(
      `{"id": "1", "name": "A", "data": {"type": "sso", "server": ${JSON.stringify(server)}}}`,
    );
    expect(onlyIssue(text)).toEqual(
      issueAt(
        text,
        JSON.stringify(server),
        '/profiles/0/data/server',
        `"server" must be a host name, an IPv4 address or an IPv6 address, optionally with ":port" (IPv6 then in brackets, e.g. "[2001:db8::1]:14765"), not ${JSON.stringify(server)}`,
      ),
    );
  });

  it('refuses a fingerprint that is not 64 hex digits (DECISIONS 24)', () => {
    const text = doc(
      `{"id": "1", "name": "A", "data": {"type": "sso", "server": "gw.corp.example", "server_sha256": "${'ab'.repeat(31)}"}}`,
    );
    expect(onlyIssue(text)).toEqual(
      issueAt(
        text,
        `"${'ab'.repeat(31)}"`,
        '/profiles/0/data/server_sha256',
        '"server_sha256" must be a SHA-256 fingerprint: 64 hexadecimal digits, optionally in pairs separated by colons (AB:CD:...)',
      ),
    );
  });

  it('refuses a relative CA file, and a CA file together with a fingerprint', () => {
    const text = doc(
      `{"id": "1", "name": "A", "data": {"type": "sso", "server": "gw.corp.example", "ca_file": "ca.pem"}}`,
      `{"id": "2", "name": "B", "data": {"type": "sso", "server": "gw.corp.example", "ca_file": "/ca.pem", "server_sha256": "${'0'.repeat(64)}"}}`,
    );
    expect(issuesOf(text)).toEqual([
      issueAt(
        text,
        '"ca.pem"',
        '/profiles/0/data/ca_file',
        '"ca_file" must be an absolute path to a PEM file, not "ca.pem"',
      ),
      issueAt(
        text,
        '"server_sha256"',
        '/profiles/1/data/server_sha256',
        'use either "ca_file" or "server_sha256", not both',
      ),
    ]);
  });
});

describe('parseAdminConfig: rules across profiles', () => {
  const SELECTED = '"profile_options": {"autoselect": true, "autoconnect": false, "read_only": false}';
  const CONNECTS = '"profile_options": {"autoselect": true, "autoconnect": true, "read_only": false}';

  it('refuses more than one "autoselect"', () => {
    const text = doc(sso('1', SELECTED), sso('2'), sso('3', SELECTED));
    expect(onlyIssue(text)).toEqual(
      issueAt(
        text,
        'true',
        '/profiles/2/profile_options/autoselect',
        'more than one profile has "autoselect": true (/profiles/0 has it too); only one may',
        2,
      ),
    );
  });

  it('refuses more than one "autoconnect"', () => {
    const text = doc(
      sso('1', CONNECTS),
      sso('2', '"profile_options": {"autoconnect": true, "autoselect": false}'),
    );
    const autoconnect = at(text, 'true', 3);
    expect(issuesOf(text)).toEqual([
      issueAt(
        text,
        'true',
        '/profiles/1/profile_options/autoconnect',
        'more than one profile has "autoconnect": true (/profiles/0 has it too); only one may',
        3,
      ),
      {
        ...autoconnect,
        pointer: '/profiles/1/profile_options/autoconnect',
        message: `line ${autoconnect.line}, column ${autoconnect.column} (/profiles/1/profile_options/autoconnect): "autoconnect": true needs "autoselect": true on the same profile (DECISIONS 25)`,
      },
    ]);
  });

  it('refuses "autoconnect" without "autoselect" on the same profile (DECISIONS 25)', () => {
    const text = doc(sso('1', '"profile_options": {"autoselect": false, "autoconnect": true}'));
    expect(onlyIssue(text)).toEqual(
      issueAt(
        text,
        'true',
        '/profiles/0/profile_options/autoconnect',
        '"autoconnect": true needs "autoselect": true on the same profile (DECISIONS 25)',
      ),
    );
  });

  it('refuses a password profile with "autoconnect": true', () => {
    const text = doc(password('1', CONNECTS));
    expect(onlyIssue(text)).toEqual(
      issueAt(
        text,
        'true',
        '/profiles/0/profile_options/autoconnect',
        'a password profile cannot have "autoconnect": true: the configuration holds no password to connect with (an SSO profile can)',
        2,
      ),
    );
  });

  it('refuses ids that are not unique', () => {
    const text = doc(sso('same'), password('other'), password('same'));
    expect(onlyIssue(text)).toEqual(
      issueAt(
        text,
        '"same"',
        '/profiles/2/id',
        'duplicate id "same": /profiles/0 has it already; every profile needs its own id',
        2,
      ),
    );
  });
});

describe('parseAdminConfig: every problem at once', () => {
  it('lists all problems of a file, in the order of the file', () => {
    const text = `{
  "profiles": [
    {"id": "a", "name": "Office",
     "data": {"typ": "password", "login": "user1", "server": "gw.corp.example"},
     "profile_options": {"autoselect": true, "autoconnect": true, "read_only": "no"}},
    {"id": "a", "name": "SSO", "source": "json", "data": {"type": "sso", "server": "gw.corp.example"},
     "profile_options": {"autoselect": true, "autoconnect": true, "read_only": true}}
  ],
  "gui_client_options": {"deny_save_profile_password": true, "deny_create_profiles": false, "deny_create_profiles": true}
}`;
    const issues = issuesOf(text);
    expect(issues.map((i) => i.message)).toEqual([
      'line 4, column 14 (/profiles/0/data/type): missing required key "type" ("password" or "sso")',
      'line 4, column 15 (/profiles/0/data/typ): unknown key "typ"; did you mean "type"?',
      'line 5, column 80 (/profiles/0/profile_options/read_only): "read_only" must be true or false, not the string "no"',
      'line 6, column 12 (/profiles/1/id): duplicate id "a": /profiles/0 has it already; every profile needs its own id',
      'line 7, column 40 (/profiles/1/profile_options/autoselect): more than one profile has "autoselect": true (/profiles/0 has it too); only one may',
      'line 7, column 61 (/profiles/1/profile_options/autoconnect): more than one profile has "autoconnect": true (/profiles/0 has it too); only one may',
      'line 9, column 93 (/gui_client_options/deny_create_profiles): duplicate key "deny_create_profiles" (first at line 9, column 62); a key may appear only once in an object',
    ]);
    expect(issues[0]).toMatchObject({ line: 4, column: 14, pointer: '/profiles/0/data/type' });
  });

  it('formats the list under a heading that names the file', () => {
    const result = parseAdminConfig(doc(sso('1'), sso('1')), '/srv/kordon.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatConfigIssues(result.source, result.issues)).toBe(
      '/srv/kordon.json: 1 problem:\n  line 4, column 8 (/profiles/1/id): duplicate id "1": /profiles/0 has it already; every profile needs its own id',
    );
  });
});

describe('readAdminConfigFile', () => {
  const folder = mkdtempSync(join(tmpdir(), 'kordon-admin-config-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('reads and checks a file', () => {
    const path = join(folder, 'good.json');
    writeFileSync(path, VENDOR_EXAMPLE);
    const result = readAdminConfigFile(path);
    expect(result.ok && result.config.profiles.map((p) => p.id)).toEqual(['a78cb502-...', '5d0c1e7a-...']);
  });

  it.each([
    ['a missing file', 'missing.json', 'no such file'],
    ['a folder', '.', 'it is a folder, not a file'],
  ])('refuses %s as unreadable', (_, name, reason) => {
    const path = join(folder, name);
    expect(readAdminConfigFile(path)).toEqual({
      ok: false,
      source: path,
      issues: [
        { line: 1, column: 1, pointer: '', message: `line 1, column 1: cannot read the file: ${reason}` },
      ],
    });
  });

  it('refuses a file it may not read', () => {
    const path = join(folder, 'secret.json');
    writeFileSync(path, '{}');
    chmodSync(path, 0o000);
    // Root reads anything: then this case cannot happen, and the file reads as a bad configuration instead.
    const result = readAdminConfigFile(path);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const expected =
      process.getuid?.() === 0
        ? 'missing required key "profiles"'
        : 'cannot read the file: permission denied';
    expect(result.issues[0]?.message).toContain(expected);
  });

  it('refuses a file over 1 MB without reading it all', () => {
    const path = join(folder, 'big.json');
    writeFileSync(path, Buffer.alloc(MAX_ADMIN_CONFIG_BYTES + 1, 0x20));
    expect(readAdminConfigFile(path)).toEqual({
      ok: false,
      source: path,
      issues: [
        {
          line: 1,
          column: 1,
          pointer: '',
          message:
            'line 1, column 1: cannot read the file: it is 1048577 bytes long; the limit is 1 MB (1048576 bytes)',
        },
      ],
    });
  });

  it('accepts a file of exactly 1 MB', () => {
    const path = join(folder, 'exact.json');
    const head = `{"profiles": [], ${GUI}}`;
    writeFileSync(path, head + ' '.repeat(MAX_ADMIN_CONFIG_BYTES - head.length));
    expect(readAdminConfigFile(path).ok).toBe(true);
  });

  it('refuses an empty file', () => {
    const path = join(folder, 'empty.json');
    writeFileSync(path, '');
    expect(readAdminConfigFile(path)).toMatchObject({
      ok: false,
      issues: [{ line: 1, column: 1, pointer: '', message: expect.stringContaining('the file is empty') }],
    });
  });

  it('refuses a file that is not UTF-8', () => {
    const path = join(folder, 'latin1.json');
    writeFileSync(path, Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
    expect(readAdminConfigFile(path)).toMatchObject({
      ok: false,
      issues: [{ message: 'line 1, column 1: cannot read the file: it is not UTF-8 text' }],
    });
  });
});
