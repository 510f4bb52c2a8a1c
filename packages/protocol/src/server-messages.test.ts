import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AUTH_FAILURE_REASONS,
  ZTNA_KEYWORDS,
  encodeServerMessage,
  parseServerMessage,
  type ServerMessage,
} from './server-messages.js';

const GATEWAY_KEY = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';

/** The compact form of a spec example, keys in the spec's order. */
const compact = (text: string) => JSON.stringify(JSON.parse(text));

function accepted(text: string) {
  const result = parseServerMessage(text);
  if (!result.ok) throw new Error(`expected acceptance, got ${result.error.message}`);
  return result;
}

const SPEC_UPDATE = `{"type": "update", "need_update": true, "download_url": ":14765/IdecoAgent_x64.msi",
 "version": {"major": 1, "minor": 3, "build": 0, "os": "windows"}}`;

const SPEC_ZTNA = `{"type": "ztna", "period": 60,
 "test_list": ["os_type","os_version","domain","kb_list","av_active","av_name","av_version","av_update","av_scan",
               "fw_active","fw_name","fw_version","processes","services","registry"],
 "kb_list": ["KB5034441"], "proc_list": ["osqueryd"], "service_list": ["sshd"], "reg_key_list": ["HKLM\\\\...\\\\Name"]}`;

const SPEC_TUNNEL = `{"type":"tunnel_wg","server_port":3051,"public_key":"${GATEWAY_KEY}","client_tunnel_ipv4":"100.64.0.2/32","user_tunnel_ipv4_network":"100.64.0.0/16","dns_ipv4":"100.64.0.1","forward_nets":["0.0.0.0/0"],"dns_suffix":"corp.example"}`;

const SPEC_SSO = {
  challenge:
    '{"type": "sso", "status": "challenge", "session_token": null, "access_token": null, "computer_name": "dc1.corp.example", "error": null}',
  not_authorized:
    '{"type": "sso", "status": "not_authorized", "session_token": null, "access_token": null, "error": "SSO is not configured for CORP.EXAMPLE"}',
  in_progress:
    '{"type": "sso", "status": "in_progress", "session_token": "...", "access_token": "<the gateway\'s reply token>", "error": null}',
};

/** One message of each kind and variant, in the spec's key order. */
const SAMPLES: ServerMessage[] = [
  JSON.parse(SPEC_UPDATE) as ServerMessage,
  { type: 'update', need_update: false, download_url: null },
  {
    type: 'auth_state',
    authorized: true,
    need_tunnel: true,
    timeout: 0,
    message: 'Authorized',
    welcome_url: '',
    resume_ticket: 't1',
  },
  {
    type: 'auth_state',
    authorized: true,
    need_tunnel: false,
    timeout: 0,
    message: 'Authorized',
    welcome_url: '',
  },
  {
    type: 'auth_state',
    authorized: false,
    need_tunnel: false,
    timeout: 30,
    message: 'Wrong login or password',
    welcome_url: '',
    reason: 'credentials',
  },
  ...Object.values(SPEC_SSO).map((text) => JSON.parse(text) as ServerMessage),
  JSON.parse(SPEC_TUNNEL) as ServerMessage,
  JSON.parse(SPEC_ZTNA) as ServerMessage,
  { type: 'error', code: 'invalid_field', message: '/major: expected an integer', field: '/major' },
  { type: 'error', code: 'invalid_json', message: 'invalid JSON at line 1, column 1', field: null },
];

describe('encodeServerMessage', () => {
  it('writes the spec examples exactly', () => {
    expect(encodeServerMessage(JSON.parse(SPEC_UPDATE) as ServerMessage)).toBe(compact(SPEC_UPDATE));
    expect(encodeServerMessage(JSON.parse(SPEC_TUNNEL) as ServerMessage)).toBe(SPEC_TUNNEL);
    expect(encodeServerMessage(JSON.parse(SPEC_ZTNA) as ServerMessage)).toBe(compact(SPEC_ZTNA));
    for (const text of Object.values(SPEC_SSO)) {
      expect(encodeServerMessage(JSON.parse(text) as ServerMessage)).toBe(compact(text));
    }
  });

  it('writes "no update" with version absent, not null', () => {
    expect(encodeServerMessage({ type: 'update', need_update: false, download_url: null })).toBe(
      '{"type":"update","need_update":false,"download_url":null}',
    );
  });

  it('writes auth_state as the spec, with welcome_url and the extensions after it', () => {
    expect(
      encodeServerMessage({
        type: 'auth_state',
        authorized: true,
        need_tunnel: true,
        timeout: 0,
        message: '...',
        welcome_url: '',
      }),
    ).toBe(
      '{"type":"auth_state","authorized":true,"need_tunnel":true,"timeout":0,"message":"...","welcome_url":""}',
    );
    expect(
      encodeServerMessage({
        welcome_url: '',
        resume_ticket: 'T',
        message: 'ok',
        timeout: 0,
        need_tunnel: false,
        authorized: true,
        type: 'auth_state',
      }),
    ).toBe(
      '{"type":"auth_state","authorized":true,"need_tunnel":false,"timeout":0,"message":"ok","welcome_url":"","resume_ticket":"T"}',
    );
    expect(
      encodeServerMessage({
        reason: 'logged_out',
        type: 'auth_state',
        authorized: false,
        need_tunnel: false,
        timeout: 0,
        message: 'Logged out',
        welcome_url: 'https://gw.corp.example/2fa',
      }),
    ).toBe(
      '{"type":"auth_state","authorized":false,"need_tunnel":false,"timeout":0,"message":"Logged out","welcome_url":"https://gw.corp.example/2fa","reason":"logged_out"}',
    );
  });

  it('writes keys in the fixed order whatever the order given, and leaves undefined keys out', () => {
    const shuffled = {
      field: null,
      message: 'm',
      code: 'c',
      type: 'error',
    } as const;
    expect(encodeServerMessage(shuffled)).toBe('{"type":"error","code":"c","message":"m","field":null}');
    const withUndefined = { type: 'update', need_update: false, download_url: null, version: undefined };
    expect(encodeServerMessage(withUndefined as unknown as ServerMessage)).toBe(
      '{"type":"update","need_update":false,"download_url":null}',
    );
    expect(
      encodeServerMessage({
        error: null,
        computer_name: 'dc1',
        access_token: null,
        session_token: null,
        status: 'challenge',
        type: 'sso',
      }),
    ).toBe(
      '{"type":"sso","status":"challenge","session_token":null,"access_token":null,"computer_name":"dc1","error":null}',
    );
  });

  it.each(SAMPLES.map((message) => [encodeServerMessage(message), message] as const))(
    'round-trips %s',
    (text, message) => {
      expect(text).toBe(JSON.stringify(message));
      expect(parseServerMessage(text)).toEqual({ ok: true, value: message });
    },
  );
});

describe('parseServerMessage', () => {
  it('reads the spec examples', () => {
    expect(accepted(SPEC_UPDATE)).toEqual({ ok: true, value: JSON.parse(SPEC_UPDATE) });
    expect(accepted(SPEC_TUNNEL)).toEqual({ ok: true, value: JSON.parse(SPEC_TUNNEL) });
    expect(accepted(SPEC_ZTNA)).toEqual({ ok: true, value: JSON.parse(SPEC_ZTNA) });
    for (const text of Object.values(SPEC_SSO))
      expect(accepted(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it('reads the seed auth_state, which has no welcome_url, as welcome_url ""', () => {
    expect(
      accepted(
        '{"type": "auth_state", "authorized": true, "need_tunnel": true, "timeout": 0, "message": "..."}',
      ),
    ).toEqual({
      ok: true,
      value: {
        type: 'auth_state',
        authorized: true,
        need_tunnel: true,
        timeout: 0,
        message: '...',
        welcome_url: '',
      },
    });
  });

  it('keeps resume_ticket only when authorized and reason only when not', () => {
    const head = '"type":"auth_state","need_tunnel":false,"timeout":0,"message":"m","welcome_url":""';
    expect(accepted(`{${head},"authorized":true,"resume_ticket":"T","reason":"credentials"}`).value).toEqual({
      type: 'auth_state',
      authorized: true,
      need_tunnel: false,
      timeout: 0,
      message: 'm',
      welcome_url: '',
      resume_ticket: 'T',
    });
    expect(accepted(`{${head},"authorized":false,"resume_ticket":"T","reason":"throttled"}`).value).toEqual({
      type: 'auth_state',
      authorized: false,
      need_tunnel: false,
      timeout: 0,
      message: 'm',
      welcome_url: '',
      reason: 'throttled',
    });
  });

  it.each(AUTH_FAILURE_REASONS)('reads the failure reason %s', (reason) => {
    const result = accepted(
      `{"type":"auth_state","authorized":false,"need_tunnel":false,"timeout":0,"message":"","welcome_url":"","reason":"${reason}"}`,
    );
    expect(result.value).toMatchObject({ reason });
    expect(result.warnings).toBeUndefined();
  });

  it('drops an unknown failure reason with a warning', () => {
    expect(
      accepted(
        '{"type":"auth_state","authorized":false,"need_tunnel":false,"timeout":5,"message":"m","reason":"solar_flare"}',
      ),
    ).toEqual({
      ok: true,
      value: {
        type: 'auth_state',
        authorized: false,
        need_tunnel: false,
        timeout: 5,
        message: 'm',
        welcome_url: '',
      },
      warnings: ['/reason: unknown failure reason "solar_flare" ignored'],
    });
  });

  it('trims ZTNA keywords and drops unknown ones, one warning each (DECISIONS 10)', () => {
    const text =
      '{"type":"ztna","period":0,"test_list":["os_type"," av_update","quantum_check","av_update ","","processes"],"kb_list":[],"proc_list":["osqueryd"],"service_list":[],"reg_key_list":[]}';
    expect(parseServerMessage(text)).toEqual({
      ok: true,
      value: {
        type: 'ztna',
        period: 0,
        test_list: ['os_type', 'av_update', 'processes'],
        kb_list: [],
        proc_list: ['osqueryd'],
        service_list: [],
        reg_key_list: [],
      },
      warnings: [
        '/test_list/2: unknown ZTNA check "quantum_check" ignored',
        '/test_list/4: unknown ZTNA check "" ignored',
      ],
    });
  });

  it('knows the 15 keywords of the spec', () => {
    expect(ZTNA_KEYWORDS).toHaveLength(15);
    expect(accepted(SPEC_ZTNA).warnings).toBeUndefined();
  });

  it('ignores unknown fields, at the top and nested', () => {
    expect(
      accepted(
        '{"type":"update","need_update":true,"download_url":":14765/a.msi","sha256":"ab","version":{"major":1,"minor":3,"build":0,"os":"linux","channel":"beta"}}',
      ).value,
    ).toEqual({
      type: 'update',
      need_update: true,
      download_url: ':14765/a.msi',
      version: { major: 1, minor: 3, build: 0, os: 'linux' },
    });
    expect(
      accepted(
        '{"type":"sso","status":"not_authorized","session_token":null,"access_token":null,"computer_name":"dc1","error":"no"}',
      ).value,
    ).toEqual({
      type: 'sso',
      status: 'not_authorized',
      session_token: null,
      access_token: null,
      error: 'no',
    });
  });

  it.each([
    [
      '{"type":"hello"}',
      'unknown_type',
      '/type',
      'unknown message type "hello"; expected one of: update, auth_state, sso, tunnel_wg, ztna, error, posture_state',
    ],
    [
      '{"type":"update","need_update":false,"download_url":null,"version":null}',
      'invalid_field',
      '/version',
      '/version: expected an object, got null',
    ],
    [
      '{"type":"update","need_update":"no","download_url":null}',
      'invalid_field',
      '/need_update',
      '/need_update: expected true or false, got the string "no"',
    ],
    [
      '{"type":"auth_state","authorized":1}',
      'invalid_field',
      '/authorized',
      '/authorized: expected true or false, got the number 1',
    ],
    [
      '{"type":"auth_state","authorized":true,"need_tunnel":true,"message":"m"}',
      'missing_field',
      '/timeout',
      '/timeout: missing required field; expected an integer from 0 to 2147483647',
    ],
    [
      '{"type":"sso","status":"done"}',
      'invalid_field',
      '/status',
      '/status: expected one of "challenge", "not_authorized", "in_progress", got the string "done"',
    ],
    [
      '{"type":"sso"}',
      'missing_field',
      '/status',
      '/status: missing required field; expected one of "challenge", "not_authorized", "in_progress"',
    ],
    [
      '{"type":"sso","status":"in_progress","session_token":null,"access_token":"a","error":null}',
      'invalid_field',
      '/session_token',
      '/session_token: an in_progress reply needs a string, got null',
    ],
    [
      SPEC_TUNNEL.replace('3051', '0'),
      'invalid_field',
      '/server_port',
      '/server_port: expected an integer from 1 to 65535, got the number 0',
    ],
    [
      SPEC_TUNNEL.replace('"100.64.0.2/32"', '"100.64.0.2"'),
      'invalid_field',
      '/client_tunnel_ipv4',
      '/client_tunnel_ipv4: expected an IPv4 address with a prefix length, such as "100.64.0.0/16", got the string "100.64.0.2"',
    ],
    [
      SPEC_TUNNEL.replace('"100.64.0.1"', '"100.64.0.256"'),
      'invalid_field',
      '/dns_ipv4',
      '/dns_ipv4: expected an IPv4 address such as "100.64.0.1", got the string "100.64.0.256"',
    ],
    [
      SPEC_TUNNEL.replace('"0.0.0.0/0"', '"0.0.0.0/33"'),
      'invalid_field',
      '/forward_nets/0',
      '/forward_nets/0: expected an IPv4 or IPv6 address with a prefix length, such as "100.64.0.0/16" or "fd00::/64", got the string "0.0.0.0/33"',
    ],
    [
      SPEC_ZTNA.replace('"period": 60', '"period": -1'),
      'invalid_field',
      '/period',
      '/period: expected an integer from 0 to 2147483647, got the number -1',
    ],
    [
      SPEC_ZTNA.replace('"test_list"', '"tests"'),
      'missing_field',
      '/test_list',
      '/test_list: missing required field; expected an array of at most 4096 entries',
    ],
  ])('rejects %s', (text, code, field, message) => {
    expect(parseServerMessage(text)).toEqual({ ok: false, error: { code, message, field } });
  });

  describe('what other gateways send (DECISIONS 63)', () => {
    it('reads an sso reply with error null or a string whatever its status, and computer_name absent', () => {
      expect(
        accepted(
          '{"type":"sso","status":"not_authorized","session_token":null,"access_token":null,"error":null}',
        ).value,
      ).toEqual({
        type: 'sso',
        status: 'not_authorized',
        session_token: null,
        access_token: null,
        error: 'single sign-on is not available (the gateway gave no reason)',
      });
      expect(
        accepted(
          '{"type":"sso","status":"challenge","session_token":"null","access_token":"null","error":"ignored"}',
        ).value,
      ).toEqual({
        type: 'sso',
        status: 'challenge',
        session_token: null,
        access_token: null,
        computer_name: '',
        error: null,
      });
    });

    it('reads a tunnel_wg without dns_suffix, with IPv6 networks and fields it does not know', () => {
      const text = JSON.stringify({
        ...(JSON.parse(SPEC_TUNNEL) as Record<string, unknown>),
        dns_suffix: undefined,
        forward_nets: ['10.0.0.0/8', '2001:db8::/32', '::/0', 'fd00:1:2::ffff:10.0.0.1/128'],
        client_tunnel_ipv6: 'fd00::2/128',
        mtu: 1380,
      });
      expect(accepted(text).value).toEqual({
        ...(JSON.parse(SPEC_TUNNEL) as Record<string, unknown>),
        forward_nets: ['10.0.0.0/8', '2001:db8::/32', '::/0', 'fd00:1:2::ffff:10.0.0.1/128'],
        dns_suffix: '',
      });
      expect(accepted(SPEC_TUNNEL.replace('"corp.example"', 'null')).value).toMatchObject({ dns_suffix: '' });
    });

    it('reads an error without field as field null', () => {
      expect(accepted('{"type":"error","code":"x","message":"m"}').value).toEqual({
        type: 'error',
        code: 'x',
        message: 'm',
        field: null,
      });
    });

    it('reads posture_state (DECISIONS 76)', () => {
      const message = {
        type: 'posture_state',
        profiles: ['Compliant'],
        limited: false,
        message: 'all checks passed',
        checks: [
          { object: 'Antivirus', criterion: 'av_update', passed: true, why: 'signatures are 1 day old' },
        ],
      };
      expect(accepted(JSON.stringify(message)).value).toEqual(message);
    });
  });

  it('never throws on arbitrary input', () => {
    const fields = [...new Set(SAMPLES.flatMap((message) => Object.keys(message)))];
    const shaped = fc
      .tuple(
        fc.constantFrom(...SAMPLES),
        fc.dictionary(fc.constantFrom(...fields, 'x'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
      )
      .map(([message, changes]) => JSON.stringify({ ...message, ...changes, type: message.type }));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), shaped), (text) => {
        const result = parseServerMessage(text);
        if (result.ok) {
          // Whatever is accepted survives its own encoding (warnings are not repeated: the value is clean).
          expect(parseServerMessage(encodeServerMessage(result.value))).toEqual({
            ok: true,
            value: result.value,
          });
        } else {
          expect(result.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
