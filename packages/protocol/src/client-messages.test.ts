import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeClientMessage, parseClientMessage, type ClientMessage } from './client-messages.js';
import type { ProtocolError } from './errors.js';

// Keys from the wg(8) manual: canonical base64 of 32 bytes.
const KEY = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';

function accepted(text: string): ClientMessage {
  const result = parseClientMessage(text);
  if (!result.ok) throw new Error(`expected acceptance, got ${result.error.message}`);
  return result.value;
}

function rejected(text: string): ProtocolError {
  const result = parseClientMessage(text);
  if (result.ok) throw new Error(`expected rejection of ${text}`);
  return result.error;
}

/** A valid message of each type, with every field present. */
const VALID: Record<ClientMessage['type'], Record<string, unknown>> = {
  version: { type: 'version', major: 1, minor: 2, build: 3, os: 'windows' },
  authorize: { type: 'authorize', login: 'alice', password: 'secret' },
  sso: { type: 'sso', token: 'YIIGhgYGKwYBBQUCoIIGejCCBnag', session_token: null, domain: 'CORP.EXAMPLE' },
  resume: { type: 'resume', ticket: 'v1.abc.def' },
  tunnel_wg: { type: 'tunnel_wg', public_key: KEY },
  ztna: {
    type: 'ztna',
    node_name: 'WS-042',
    operation_system: { type: 'Windows', version: '10.0.19045', domain: 'corp.example' },
    kb_list: ['KB5034441'],
    antivirus: [{ active: true, name: 'Defender', version: '4.18', last_update: 1, last_scan: null }],
    firewall: [{ active: true, name: 'Windows Firewall', version: '10.0' }],
    proc_list: ['osqueryd'],
    service_list: ['sshd'],
    reg_key_list: [{ key: 'HKLM\\SOFTWARE\\Name', value: '1' }],
  },
  unauthorize: { type: 'unauthorize' },
  authorize_device: { type: 'authorize_device' },
};

const withField = (type: ClientMessage['type'], field: string, value: unknown) =>
  JSON.stringify({ ...VALID[type], [field]: value });

describe('parseClientMessage: the spec examples (PROTOCOL.md)', () => {
  it.each(['windows', 'macos', 'linux'])('version with os %s', (os) => {
    expect(accepted(`{"type": "version", "major": 1, "minor": 2, "build": 3, "os": "${os}"}`)).toEqual({
      type: 'version',
      major: 1,
      minor: 2,
      build: 3,
      os,
    });
  });

  it('authorize', () => {
    expect(
      accepted(
        '{"type": "authorize", "login": "alice or CORP\\\\alice or alice@corp.example", "password": "..."}',
      ),
    ).toEqual({ type: 'authorize', login: 'alice or CORP\\alice or alice@corp.example', password: '...' });
  });

  it('sso availability and token exchanges', () => {
    expect(
      accepted('{"type": "sso", "token": null, "session_token": null, "domain": "CORP.EXAMPLE"}'),
    ).toEqual({
      type: 'sso',
      token: null,
      session_token: null,
      domain: 'CORP.EXAMPLE',
    });
    expect(
      accepted(
        '{"type": "sso", "token": "<base64 Kerberos/NTLM token>", "session_token": null, "domain": "CORP.EXAMPLE"}',
      ),
    ).toEqual({
      type: 'sso',
      token: '<base64 Kerberos/NTLM token>',
      session_token: null,
      domain: 'CORP.EXAMPLE',
    });
    expect(accepted('{"type":"sso","token":"t2","session_token":"s1","domain":"CORP.EXAMPLE"}')).toEqual({
      type: 'sso',
      token: 't2',
      session_token: 's1',
      domain: 'CORP.EXAMPLE',
    });
  });

  it('ztna report', () => {
    const text = `{"type": "ztna", "node_name": "WS-042",
 "operation_system": {"type": "Windows", "version": "...", "domain": "..."},
 "kb_list": ["KB5034441"],
 "antivirus": [{"active": true, "name": "...", "version": "...", "last_update": 1, "last_scan": 3}],
 "firewall": [{"active": true, "name": "...", "version": "..."}],
 "proc_list": ["osqueryd"], "service_list": ["sshd"],
 "reg_key_list": [{"key": "HKLM\\\\...\\\\Name", "value": "..."}]}`;
    expect(accepted(text)).toEqual({
      type: 'ztna',
      node_name: 'WS-042',
      operation_system: { type: 'Windows', version: '...', domain: '...' },
      kb_list: ['KB5034441'],
      antivirus: [{ active: true, name: '...', version: '...', last_update: 1, last_scan: 3 }],
      firewall: [{ active: true, name: '...', version: '...' }],
      proc_list: ['osqueryd'],
      service_list: ['sshd'],
      reg_key_list: [{ key: 'HKLM\\...\\Name', value: '...' }],
    });
  });

  it('tunnel_wg request', () => {
    expect(accepted(`{"type":"tunnel_wg","public_key":"${KEY}"}`)).toEqual({
      type: 'tunnel_wg',
      public_key: KEY,
    });
  });

  it('unauthorize', () => {
    expect(accepted('{"type":"unauthorize"}')).toEqual({ type: 'unauthorize' });
  });

  it('resume (DECISIONS 4)', () => {
    expect(accepted('{"type":"resume","ticket":"opaque"}')).toEqual({ type: 'resume', ticket: 'opaque' });
  });
});

describe('parseClientMessage: unknown and absent fields', () => {
  it("reads a Kordon client's features in version, and writes them after os (DECISIONS 76)", () => {
    const text =
      '{"type":"version","major":1,"minor":2,"build":3,"os":"linux","kordon":{"features":["posture_state","later"]}}';
    expect(accepted(text)).toEqual({
      type: 'version',
      major: 1,
      minor: 2,
      build: 3,
      os: 'linux',
      kordon: { features: ['posture_state', 'later'] },
    });
    expect(encodeClientMessage(accepted(text))).toBe(text);
    expect(
      parseClientMessage(
        '{"type":"version","major":1,"minor":2,"build":3,"os":"linux","kordon":{"features":"all"}}',
      ),
    ).toMatchObject({
      ok: false,
      error: { field: '/kordon/features' },
    });
  });

  it('drops unknown fields, at the top and nested (DECISIONS 7)', () => {
    expect(
      accepted('{"type":"version","major":1,"minor":2,"build":3,"os":"linux","arch":"x64","extra":{}}'),
    ).toEqual({
      type: 'version',
      major: 1,
      minor: 2,
      build: 3,
      os: 'linux',
    });
    expect(accepted('{"type":"unauthorize","reason":"bye"}')).toEqual({ type: 'unauthorize' });
    const report = accepted(
      JSON.stringify({
        ...VALID.ztna,
        hostname_fqdn: 'ws-042.corp.example',
        operation_system: { type: 'Windows', version: '10', domain: '', build: 19045 },
        antivirus: [
          { active: false, name: 'x', version: '1', last_update: null, last_scan: null, vendor: 'y' },
        ],
      }),
    );
    expect(report).not.toHaveProperty('hostname_fqdn');
    expect(report).toMatchObject({
      operation_system: { type: 'Windows', version: '10', domain: '' },
      antivirus: [{ active: false, name: 'x', version: '1', last_update: null, last_scan: null }],
    });
    expect((report as { operation_system: object }).operation_system).not.toHaveProperty('build');
    expect((report as { antivirus: object[] }).antivirus[0]).not.toHaveProperty('vendor');
  });

  it('accepts a ZTNA report with every may-be-absent field absent (DECISIONS 10, 35)', () => {
    expect(accepted('{"type":"ztna","node_name":"WS-042","future_check":[1,2]}')).toEqual({
      type: 'ztna',
      node_name: 'WS-042',
    });
  });

  it('accepts empty lists and empty strings in a ZTNA report', () => {
    const text =
      '{"type":"ztna","node_name":"","operation_system":{"type":"","version":"","domain":""},"proc_list":[]}';
    expect(accepted(text)).toEqual({
      type: 'ztna',
      node_name: '',
      operation_system: { type: '', version: '', domain: '' },
      proc_list: [],
    });
  });

  it('accepts the integer bounds themselves', () => {
    expect(accepted(withField('version', 'major', 2147483647))).toMatchObject({ major: 2147483647 });
    expect(accepted(withField('version', 'build', 0))).toMatchObject({ build: 0 });
    expect(accepted(withField('version', 'minor', 1e2))).toMatchObject({ minor: 100 });
  });
});

describe('parseClientMessage: rejections', () => {
  it('invalid JSON, with its position', () => {
    expect(rejected('{"type":"version",\n "major":1,}')).toEqual({
      code: 'invalid_json',
      message: 'invalid JSON at line 2, column 12: a trailing comma is not allowed',
      field: null,
    });
  });

  it('a duplicate key', () => {
    expect(rejected('{"type":"authorize","login":"a","login":"b","password":"p"}')).toMatchObject({
      code: 'duplicate_key',
      field: '/login',
    });
  });

  it.each([
    ['[]', 'an empty array'],
    ['[{"type":"version"}]', 'an array of 1 entry'],
    ['42', 'the number 42'],
    ['null', 'null'],
    ['"version"', 'the string "version"'],
    ['true', 'true'],
  ])('%s at the top level', (text, what) => {
    expect(rejected(text)).toEqual({
      code: 'not_an_object',
      message: `expected a JSON object with a "type" field, got ${what}`,
      field: null,
    });
  });

  it('a missing type', () => {
    expect(rejected('{"major":1}')).toEqual({
      code: 'missing_type',
      message:
        '/type: missing; every message needs a "type" naming its kind, one of: version, authorize, sso, resume, tunnel_wg, ztna, unauthorize, authorize_device',
      field: '/type',
    });
  });

  it.each([
    ['1', 'the number 1'],
    ['null', 'null'],
    ['["version"]', 'an array of 1 entry'],
  ])('a type that is not a string: %s', (type, what) => {
    expect(rejected(`{"type":${type}}`)).toEqual({
      code: 'missing_type',
      message: `/type: expected a string naming the message type, one of: version, authorize, sso, resume, tunnel_wg, ztna, unauthorize, authorize_device; got ${what}`,
      field: '/type',
    });
  });

  it('an unknown type', () => {
    expect(rejected('{"type":"foo"}')).toEqual({
      code: 'unknown_type',
      message:
        'unknown message type "foo"; expected one of: version, authorize, sso, resume, tunnel_wg, ztna, unauthorize, authorize_device',
      field: '/type',
    });
    // Server message types are not client messages.
    expect(rejected('{"type":"auth_state"}').code).toBe('unknown_type');
    // A long type is cut short in the message.
    expect(rejected(JSON.stringify({ type: 'x'.repeat(500) })).message).toMatch(
      /^unknown message type "x{64}"…;/,
    );
  });

  const REQUIRED: [ClientMessage['type'], string, string][] = [
    ['version', 'major', 'an integer from 0 to 2147483647'],
    ['version', 'minor', 'an integer from 0 to 2147483647'],
    ['version', 'build', 'an integer from 0 to 2147483647'],
    ['version', 'os', 'one of "windows", "macos", "linux"'],
    ['authorize', 'login', 'a non-empty string of at most 256 characters'],
    ['authorize', 'password', 'a non-empty string of at most 1024 characters'],
    ['sso', 'token', 'a string of at most 131072 characters or null'],
    ['sso', 'session_token', 'a string of at most 4096 characters or null'],
    ['sso', 'domain', 'a string of at most 255 characters'],
    ['resume', 'ticket', 'a non-empty string of at most 2048 characters'],
    ['tunnel_wg', 'public_key', 'a WireGuard key (standard base64 of 32 bytes: 44 characters ending in "=")'],
    ['ztna', 'node_name', 'a string of at most 1024 characters'],
  ];

  it.each(REQUIRED)('%s without %s', (type, field, expected) => {
    const { [field]: _dropped, ...rest } = VALID[type];
    expect(rejected(JSON.stringify(rest))).toEqual({
      code: 'missing_field',
      message: `/${field}: missing required field; expected ${expected}`,
      field: `/${field}`,
    });
  });

  it.each([
    ['operation_system', { type: 'Windows', version: '10' }, '/operation_system/domain'],
    ['antivirus', [{ active: true, name: 'a', version: '1', last_update: 0 }], '/antivirus/0/last_scan'],
    ['firewall', [{ active: true, name: 'a' }], '/firewall/0/version'],
    ['reg_key_list', [{ key: 'HKLM\\x' }], '/reg_key_list/0/value'],
  ])('ztna with %s missing a nested field', (field, value, pointer) => {
    expect(rejected(withField('ztna', field, value))).toMatchObject({
      code: 'missing_field',
      field: pointer,
    });
  });

  it('reports the first problem in field order', () => {
    expect(rejected('{"type":"version","os":"beos","build":-1,"minor":"x"}')).toMatchObject({
      code: 'missing_field',
      field: '/major',
    });
    expect(rejected('{"type":"version","major":1,"os":"beos","build":-1,"minor":"x"}')).toMatchObject({
      code: 'invalid_field',
      field: '/minor',
    });
  });

  describe.each(['major', 'minor', 'build'])('version.%s', (field) => {
    it.each([
      ['"1"', 'the string "1"'],
      ['1.5', 'the number 1.5'],
      ['-1', 'the number -1'],
      ['2147483648', 'the number 2147483648'],
      ['1e300', 'the number 1e+300'],
      ['null', 'null'],
      ['true', 'true'],
      ['[1]', 'an array of 1 entry'],
      ['{}', 'an object'],
    ])('rejects %s', (json, what) => {
      const text = JSON.stringify(VALID.version).replace(
        `"${field}":${String(VALID.version[field])}`,
        `"${field}":${json}`,
      );
      expect(rejected(text)).toEqual({
        code: 'invalid_field',
        message: `/${field}: expected an integer from 0 to 2147483647, got ${what}`,
        field: `/${field}`,
      });
    });
  });

  it.each([
    ['"Windows"', 'the string "Windows"'],
    ['"beos"', 'the string "beos"'],
    ['""', 'an empty string'],
    ['1', 'the number 1'],
  ])('a bad os: %s', (json, what) => {
    expect(rejected(`{"type":"version","major":1,"minor":2,"build":3,"os":${json}}`)).toEqual({
      code: 'invalid_field',
      message: `/os: expected one of "windows", "macos", "linux", got ${what}`,
      field: '/os',
    });
  });

  const KEY_EXPECTED = 'a WireGuard key (standard base64 of 32 bytes: 44 characters ending in "=")';
  it.each([
    ['43 characters, no padding', KEY.slice(0, 43)],
    ['not base64', KEY.replace('+', '!')],
    ['base64url', KEY.replace('+', '-')],
    ['31 bytes', btoa('x'.repeat(31))],
    ['33 bytes', btoa('x'.repeat(33))],
    ['non-canonical last character', KEY.slice(0, 42) + 'l='],
    ['surrounded by spaces', ` ${KEY} `],
    ['empty', ''],
  ])('a bad WireGuard key: %s', (_what, key) => {
    const error = rejected(withField('tunnel_wg', 'public_key', key));
    expect(error).toMatchObject({ code: 'invalid_field', field: '/public_key' });
    expect(error.message).toBe(
      `/public_key: expected ${KEY_EXPECTED}, got ${key === '' ? 'an empty string' : `the string ${JSON.stringify(key)}`}`,
    );
  });

  it('a WireGuard key that is not a string', () => {
    expect(rejected(withField('tunnel_wg', 'public_key', 42)).message).toBe(
      `/public_key: expected ${KEY_EXPECTED}, got the number 42`,
    );
  });

  it('an empty login', () => {
    expect(rejected(withField('authorize', 'login', ''))).toEqual({
      code: 'invalid_field',
      message: '/login: expected a non-empty string of at most 256 characters, got an empty string',
      field: '/login',
    });
  });

  it('a login that is too long, without echoing it', () => {
    expect(rejected(withField('authorize', 'login', 'a'.repeat(257))).message).toBe(
      '/login: expected a non-empty string of at most 256 characters, got a string of 257 characters',
    );
  });

  it.each([
    ['password', '', 'an empty string'],
    ['password', 'p'.repeat(1025), 'a string of 1025 characters'],
    ['password', 123456, 'the number 123456'],
  ])('a bad %s, never echoing a secret string', (field, value, what) => {
    const error = rejected(withField('authorize', field, value));
    expect(error).toMatchObject({ code: 'invalid_field', field: `/${field}` });
    expect(error.message).toBe(
      `/${field}: expected a non-empty string of at most 1024 characters, got ${what}`,
    );
  });

  it('never echoes the other secrets either', () => {
    // A string came, so only the string's bounds are named.
    expect(rejected(withField('sso', 'session_token', 's'.repeat(5000))).message).toBe(
      '/session_token: expected a string of at most 4096 characters, got a string of 5000 characters',
    );
    expect(rejected(withField('resume', 'ticket', '')).message).toBe(
      '/ticket: expected a non-empty string of at most 2048 characters, got an empty string',
    );
  });

  it.each([
    ['sso', 'token', 5, '/token: expected a string of at most 131072 characters or null, got the number 5'],
    ['sso', 'domain', null, '/domain: expected a string of at most 255 characters, got null'],
    ['ztna', 'node_name', null, '/node_name: expected a string of at most 1024 characters, got null'],
    [
      'ztna',
      'operation_system',
      'Windows',
      '/operation_system: expected an object, got the string "Windows"',
    ],
    ['ztna', 'operation_system', null, '/operation_system: expected an object, got null'],
    ['ztna', 'kb_list', 'KB1', '/kb_list: expected an array of at most 4096 entries, got the string "KB1"'],
    [
      'ztna',
      'kb_list',
      ['KB1', 2],
      '/kb_list/1: expected a string of at most 1024 characters, got the number 2',
    ],
    ['ztna', 'proc_list', Array(4097).fill('p'), '/proc_list: expected at most 4096 entries, got 4097'],
    ['ztna', 'antivirus', [{}], '/antivirus/0/active: missing required field; expected true or false'],
    [
      'ztna',
      'antivirus',
      [{ active: 'yes', name: 'a', version: '1', last_update: 1, last_scan: 1 }],
      '/antivirus/0/active: expected true or false, got the string "yes"',
    ],
    [
      'ztna',
      'antivirus',
      [{ active: true, name: 'a', version: '1', last_update: 1.5, last_scan: 1 }],
      '/antivirus/0/last_update: expected an integer from 0 to 2147483647, got the number 1.5',
    ],
    [
      'ztna',
      'antivirus',
      [{ active: true, name: 'a', version: '1', last_update: 1, last_scan: '3' }],
      '/antivirus/0/last_scan: expected an integer from 0 to 2147483647 or null, got the string "3"',
    ],
    [
      'ztna',
      'firewall',
      [{ active: 1, name: 'a', version: '1' }],
      '/firewall/0/active: expected true or false, got the number 1',
    ],
    ['ztna', 'reg_key_list', ['HKLM\\x'], '/reg_key_list/0: expected an object, got the string "HKLM\\\\x"'],
    [
      'ztna',
      'node_name',
      'n'.repeat(1025),
      '/node_name: expected a string of at most 1024 characters, got a string of 1025 characters',
    ],
  ])('%s with a bad %s', (type, field, value, message) => {
    const error = rejected(withField(type as ClientMessage['type'], field, value));
    expect(error.code).toBe(message.includes('missing required') ? 'missing_field' : 'invalid_field');
    expect(error.message).toBe(message);
    expect(error.field).toBe(message.slice(0, message.indexOf(':')));
  });

  it('cuts a long offending string short in the message', () => {
    const error = rejected(withField('version', 'os', 'w'.repeat(1000)));
    expect(error.message).toBe(
      `/os: expected one of "windows", "macos", "linux", got the string "${'w'.repeat(64)}"… (1000 characters)`,
    );
  });
});

describe('encodeClientMessage', () => {
  it('writes keys in the spec order, whatever the order given', () => {
    expect(encodeClientMessage({ os: 'linux', build: 3, minor: 2, major: 1, type: 'version' })).toBe(
      '{"type":"version","major":1,"minor":2,"build":3,"os":"linux"}',
    );
    expect(
      encodeClientMessage({ domain: 'CORP.EXAMPLE', session_token: null, token: null, type: 'sso' }),
    ).toBe('{"type":"sso","token":null,"session_token":null,"domain":"CORP.EXAMPLE"}');
  });

  it('leaves absent optional fields out', () => {
    expect(encodeClientMessage({ type: 'ztna', node_name: 'WS-042', proc_list: [] })).toBe(
      '{"type":"ztna","node_name":"WS-042","proc_list":[]}',
    );
  });

  it.each(Object.entries(VALID))('round-trips %s', (_type, message) => {
    const text = encodeClientMessage(message as ClientMessage);
    expect(text).toBe(JSON.stringify(message));
    expect(parseClientMessage(text)).toEqual({ ok: true, value: message });
  });
});

describe('parseClientMessage: properties', () => {
  const CODES = [
    'invalid_json',
    'duplicate_key',
    'not_an_object',
    'missing_type',
    'unknown_type',
    'missing_field',
    'invalid_field',
  ];

  function checkOutcome(text: string): void {
    const result = parseClientMessage(text);
    if (result.ok) {
      // Whatever is accepted survives its own encoding.
      expect(parseClientMessage(encodeClientMessage(result.value))).toEqual(result);
    } else {
      expect(CODES).toContain(result.error.code);
      expect(result.error.message.length).toBeGreaterThan(0);
      if (result.error.field !== null) {
        expect(result.error.field).toMatch(/^\//);
        expect(
          result.error.message.startsWith(`${result.error.field}:`) || result.error.code === 'unknown_type',
        ).toBe(true);
      }
    }
  }

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), checkOutcome), {
      numRuns: 1000,
    });
  });

  it('never throws on arbitrary JSON objects, shaped like messages or not', () => {
    const fieldNames = Object.values(VALID).flatMap((message) => Object.keys(message));
    const nearlyValid = fc
      .tuple(
        fc.constantFrom(...Object.values(VALID)),
        fc.dictionary(fc.constantFrom(...fieldNames, 'x'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
      )
      .map(([message, changes]) => ({ ...message, ...changes, type: message.type }));
    const shaped = fc.record(
      {
        type: fc.oneof(fc.constantFrom(...Object.keys(VALID)), fc.jsonValue({ maxDepth: 1 })),
        fields: fc.dictionary(fc.constantFrom(...fieldNames), fc.jsonValue({ maxDepth: 3 })),
      },
      { requiredKeys: ['fields'] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          nearlyValid,
          shaped.map(({ fields, ...rest }) => ({ ...fields, ...rest })),
          fc.object(),
        ),
        (value) => {
          checkOutcome(JSON.stringify(value));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
