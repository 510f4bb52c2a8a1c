/** Messages from the gateway to the client (PROTOCOL.md "Client protocol", DECISIONS 4, 6, 10, 55). */
import Type from 'typebox';
import { readEnvelope } from './envelope.js';
import type { ParseResult } from './errors.js';
import {
  ClientOsSchema,
  INT31_MAX,
  IpNetwork,
  Ipv4Address,
  Ipv4Network,
  LIST_MAX,
  VersionPart,
  WireGuardKey,
} from './shared-schemas.js';
import { reorder, validate } from './validate.js';

/** Why an authorization failed (DECISIONS 55); the reply to `unauthorize` is `logged_out`. */
export const AUTH_FAILURE_REASONS = [
  'credentials',
  'throttled',
  'disabled',
  'vpn_denied',
  'address_in_use',
  'update_required',
  'client_authorization_off',
  'resume_refused',
  'device_mismatch',
  'device_limit',
  'tunnel_timeout',
  'logged_out',
  // DECISIONS 61, 68, 77: the gateway could not serve a good request.
  'internal',
  'pool_exhausted',
  'key_in_use',
  'busy',
  'certificate',
  // Kordon: single sign-on proved nothing (a replayed or refused token, a clock skew); `message` says which.
  'sso',
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

/** The checks a `ztna` request may ask for, in the spec's order (PROTOCOL.md "ZTNA"). */
export const ZTNA_KEYWORDS = [
  'os_type',
  'os_version',
  'domain',
  'kb_list',
  'av_active',
  'av_name',
  'av_version',
  'av_update',
  'av_scan',
  'fw_active',
  'fw_name',
  'fw_version',
  'processes',
  'services',
  'registry',
] as const;
export type ZtnaKeyword = (typeof ZTNA_KEYWORDS)[number];

const URL_MAX = 2048;
const MESSAGE_MAX = 4096;
const Timeout = Type.Integer({ minimum: 0, maximum: INT31_MAX });
const TicketOrToken = Type.String({ maxLength: 4096, writeOnly: true });

const UpdateMessage = Type.Object({
  type: Type.Literal('update'),
  need_update: Type.Boolean(),
  download_url: Type.Union([Type.String({ maxLength: URL_MAX }), Type.Null()]),
  // Absent, not null, when no update is needed.
  version: Type.Optional(
    Type.Object({ major: VersionPart, minor: VersionPart, build: VersionPart, os: ClientOsSchema }),
  ),
});
export type UpdateMessage = Type.Static<typeof UpdateMessage>;

const authStateHead = {
  type: Type.Literal('auth_state'),
  need_tunnel: Type.Boolean(),
  timeout: Timeout,
  message: Type.String({ maxLength: MESSAGE_MAX }),
  // Always sent; "" when there is no second factor to complete in a browser.
  welcome_url: Type.String({ maxLength: URL_MAX }),
};

const AuthStateMessage = Type.Union([
  Type.Object({
    type: authStateHead.type,
    authorized: Type.Literal(true),
    need_tunnel: authStateHead.need_tunnel,
    timeout: authStateHead.timeout,
    message: authStateHead.message,
    welcome_url: authStateHead.welcome_url,
    resume_ticket: Type.Optional(TicketOrToken),
  }),
  Type.Object({
    type: authStateHead.type,
    authorized: Type.Literal(false),
    need_tunnel: authStateHead.need_tunnel,
    timeout: authStateHead.timeout,
    message: authStateHead.message,
    welcome_url: authStateHead.welcome_url,
    reason: Type.Optional(Type.Enum(AUTH_FAILURE_REASONS)),
  }),
]);
export type AuthStateMessage = Type.Static<typeof AuthStateMessage>;

/** auth_state as older or newer gateways may send it: read leniently, then narrowed. */
const AuthStateWire = Type.Object({
  type: authStateHead.type,
  authorized: Type.Boolean(),
  need_tunnel: authStateHead.need_tunnel,
  timeout: authStateHead.timeout,
  message: authStateHead.message,
  welcome_url: Type.Optional(authStateHead.welcome_url),
  resume_ticket: Type.Optional(TicketOrToken),
  reason: Type.Optional(Type.String({ maxLength: 256 })),
});

const SsoReply = Type.Union([
  Type.Object({
    type: Type.Literal('sso'),
    status: Type.Literal('challenge'),
    session_token: Type.Null(),
    access_token: Type.Null(),
    // The domain controller's name.
    computer_name: Type.String({ maxLength: 255 }),
    error: Type.Null(),
  }),
  Type.Object({
    type: Type.Literal('sso'),
    status: Type.Literal('not_authorized'),
    session_token: Type.Null(),
    access_token: Type.Null(),
    error: Type.String({ maxLength: MESSAGE_MAX }),
  }),
  Type.Object({
    type: Type.Literal('sso'),
    status: Type.Literal('in_progress'),
    session_token: TicketOrToken,
    access_token: Type.String({ maxLength: 131_072, writeOnly: true }),
    error: Type.Null(),
  }),
]);
export type SsoReply = Type.Static<typeof SsoReply>;

/**
 * An `sso` reply as gateways may send it (DECISIONS 63): `error` null or a string whatever the status,
 * `computer_name` present or not. Narrowed to the shape above.
 */
const SsoWire = Type.Object({
  type: Type.Literal('sso'),
  status: Type.Enum(['challenge', 'not_authorized', 'in_progress']),
  session_token: Type.Union([TicketOrToken, Type.Null()]),
  access_token: Type.Union([Type.String({ maxLength: 131_072, writeOnly: true }), Type.Null()]),
  computer_name: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
  error: Type.Union([Type.String({ maxLength: MESSAGE_MAX }), Type.Null()]),
});

const TunnelWgReply = Type.Object({
  type: Type.Literal('tunnel_wg'),
  server_port: Type.Integer({ minimum: 1, maximum: 65_535 }),
  public_key: WireGuardKey,
  client_tunnel_ipv4: Ipv4Network,
  user_tunnel_ipv4_network: Ipv4Network,
  dns_ipv4: Ipv4Address,
  // IPv4 from this gateway; IPv6 networks are read too (DECISIONS 63).
  forward_nets: Type.Array(IpNetwork, { maxItems: LIST_MAX }),
  dns_suffix: Type.String({ maxLength: 253 }),
});
export type TunnelWgReply = Type.Static<typeof TunnelWgReply>;

/** `tunnel_wg` as gateways may send it: without `dns_suffix` (read as ""). */
const TunnelWgWire = Type.Object({
  type: TunnelWgReply.properties.type,
  server_port: TunnelWgReply.properties.server_port,
  public_key: TunnelWgReply.properties.public_key,
  client_tunnel_ipv4: TunnelWgReply.properties.client_tunnel_ipv4,
  user_tunnel_ipv4_network: TunnelWgReply.properties.user_tunnel_ipv4_network,
  dns_ipv4: TunnelWgReply.properties.dns_ipv4,
  forward_nets: TunnelWgReply.properties.forward_nets,
  dns_suffix: Type.Optional(Type.Union([TunnelWgReply.properties.dns_suffix, Type.Null()])),
});

const NameList = Type.Array(Type.String({ maxLength: 1024 }), { maxItems: LIST_MAX });

const ztnaRequestFields = {
  type: Type.Literal('ztna'),
  /** Minutes between collections; 0: collect and send once. */
  period: Type.Integer({ minimum: 0, maximum: INT31_MAX }),
  kb_list: NameList,
  proc_list: NameList,
  service_list: NameList,
  reg_key_list: NameList,
};

const ZtnaRequest = Type.Object({
  type: ztnaRequestFields.type,
  period: ztnaRequestFields.period,
  test_list: Type.Array(Type.Enum(ZTNA_KEYWORDS), { maxItems: ZTNA_KEYWORDS.length }),
  kb_list: ztnaRequestFields.kb_list,
  proc_list: ztnaRequestFields.proc_list,
  service_list: ztnaRequestFields.service_list,
  reg_key_list: ztnaRequestFields.reg_key_list,
});
export type ZtnaRequest = Type.Static<typeof ZtnaRequest>;

/** A ztna request as it may come: keywords with stray spaces or unknown to us (DECISIONS 10). */
const ZtnaRequestWire = Type.Object({
  type: ztnaRequestFields.type,
  period: ztnaRequestFields.period,
  test_list: Type.Array(Type.String({ maxLength: 256 }), { maxItems: LIST_MAX }),
  kb_list: ztnaRequestFields.kb_list,
  proc_list: ztnaRequestFields.proc_list,
  service_list: ztnaRequestFields.service_list,
  reg_key_list: ztnaRequestFields.reg_key_list,
});

/** DECISIONS 6: a message the gateway could not handle. */
const ErrorMessage = Type.Object({
  type: Type.Literal('error'),
  code: Type.String({ maxLength: 128 }),
  message: Type.String({ maxLength: MESSAGE_MAX }),
  field: Type.Union([Type.String({ maxLength: 1024 }), Type.Null()]),
});
export type ErrorMessage = Type.Static<typeof ErrorMessage>;

/** `error` as it is read: `field` may be left out (read as null). */
const ErrorWire = Type.Object({
  type: ErrorMessage.properties.type,
  code: ErrorMessage.properties.code,
  message: ErrorMessage.properties.message,
  field: Type.Optional(ErrorMessage.properties.field),
});

/** One check of a posture evaluation, as `posture_state` reports it (DECISIONS 76). */
const PostureCheck = Type.Object({
  object: Type.String({ maxLength: 256 }),
  criterion: Type.String({ maxLength: 64 }),
  passed: Type.Boolean(),
  why: Type.String({ maxLength: MESSAGE_MAX }),
});

/**
 * DECISIONS 76: the session's posture result, sent only to clients that announced `posture_state`
 * in their `version`, after every evaluation that changes it.
 */
const PostureStateMessage = Type.Object({
  type: Type.Literal('posture_state'),
  profiles: Type.Array(Type.String({ maxLength: 256 }), { maxItems: 256 }),
  limited: Type.Boolean(),
  message: Type.String({ maxLength: MESSAGE_MAX }),
  checks: Type.Array(PostureCheck, { maxItems: LIST_MAX }),
});
export type PostureStateMessage = Type.Static<typeof PostureStateMessage>;

export type ServerMessage =
  | UpdateMessage
  | AuthStateMessage
  | SsoReply
  | TunnelWgReply
  | ZtnaRequest
  | ErrorMessage
  | PostureStateMessage;

const SERVER_MESSAGES = {
  update: UpdateMessage,
  auth_state: AuthStateMessage,
  sso: SsoReply,
  tunnel_wg: TunnelWgReply,
  ztna: ZtnaRequest,
  error: ErrorMessage,
  posture_state: PostureStateMessage,
} as const;

const SERVER_MESSAGE_TYPES = Object.keys(SERVER_MESSAGES) as (keyof typeof SERVER_MESSAGES)[];

/** The JSON text of a gateway message: keys in the order listed above, absent optional keys left out. */
export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(reorder(SERVER_MESSAGES[message.type], message));
}

export type ServerParseResult = ParseResult<ServerMessage> & { warnings?: string[] };

/**
 * Parses one TEXT frame from a gateway, on the client side. Unknown fields are ignored; a
 * missing `welcome_url` reads as "" (older gateways), an unknown `reason` and unknown ZTNA
 * keywords are dropped with a warning each, and keywords are trimmed (DECISIONS 10).
 */
export function parseServerMessage(text: string): ServerParseResult {
  const envelope = readEnvelope(text, SERVER_MESSAGE_TYPES);
  if (!envelope.ok) return envelope;
  const { type, message } = envelope.value;
  switch (type) {
    case 'auth_state': {
      const wire = validate(AuthStateWire, message);
      return wire.ok ? narrowAuthState(wire.value as Type.Static<typeof AuthStateWire>) : wire;
    }
    case 'ztna': {
      const wire = validate(ZtnaRequestWire, message);
      return wire.ok ? narrowZtnaRequest(wire.value as Type.Static<typeof ZtnaRequestWire>) : wire;
    }
    case 'sso': {
      const wire = validate(SsoWire, message);
      return wire.ok ? narrowSso(wire.value as Type.Static<typeof SsoWire>) : wire;
    }
    case 'tunnel_wg': {
      const wire = validate(TunnelWgWire, message);
      if (!wire.ok) return wire;
      const value = wire.value as Type.Static<typeof TunnelWgWire>;
      return { ok: true, value: { ...value, dns_suffix: value.dns_suffix ?? '' } };
    }
    case 'error': {
      const wire = validate(ErrorWire, message);
      if (!wire.ok) return wire;
      const value = wire.value as Type.Static<typeof ErrorWire>;
      return { ok: true, value: { ...value, field: value.field ?? null } };
    }
    default:
      // The schema is the type's source, so its checked value has that type.
      return validate(SERVER_MESSAGES[type], message) as ParseResult<ServerMessage>;
  }
}

function narrowAuthState(wire: Type.Static<typeof AuthStateWire>): ServerParseResult {
  const head = {
    type: wire.type,
    need_tunnel: wire.need_tunnel,
    timeout: wire.timeout,
    message: wire.message,
    welcome_url: wire.welcome_url ?? '',
  };
  if (wire.authorized) {
    const value: AuthStateMessage = {
      type: head.type,
      authorized: true,
      need_tunnel: head.need_tunnel,
      timeout: head.timeout,
      message: head.message,
      welcome_url: head.welcome_url,
    };
    if (wire.resume_ticket !== undefined) value.resume_ticket = wire.resume_ticket;
    return { ok: true, value };
  }
  const value: AuthStateMessage = {
    type: head.type,
    authorized: false,
    need_tunnel: head.need_tunnel,
    timeout: head.timeout,
    message: head.message,
    welcome_url: head.welcome_url,
  };
  if (wire.reason === undefined) return { ok: true, value };
  if (isAuthFailureReason(wire.reason)) {
    value.reason = wire.reason;
    return { ok: true, value };
  }
  return { ok: true, value, warnings: [`/reason: unknown failure reason ${quote(wire.reason)} ignored`] };
}

/** The seed writes types as strings (`"session_token": "null"`); a gateway copying it means null. */
function nullish(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === 'null' ? null : value;
}

function narrowSso(raw: Type.Static<typeof SsoWire>): ServerParseResult {
  const wire = {
    status: raw.status,
    session_token: nullish(raw.session_token),
    access_token: nullish(raw.access_token),
    computer_name: nullish(raw.computer_name),
    error: nullish(raw.error),
  };
  switch (wire.status) {
    case 'challenge':
      return {
        ok: true,
        value: {
          type: 'sso',
          status: 'challenge',
          session_token: null,
          access_token: null,
          computer_name: wire.computer_name ?? '',
          error: null,
        },
      };
    case 'not_authorized':
      return {
        ok: true,
        value: {
          type: 'sso',
          status: 'not_authorized',
          session_token: null,
          access_token: null,
          error: wire.error ?? 'single sign-on is not available (the gateway gave no reason)',
        },
      };
    case 'in_progress':
      if (wire.session_token === null || wire.access_token === null) {
        const field = wire.session_token === null ? 'session_token' : 'access_token';
        return {
          ok: false,
          error: {
            code: 'invalid_field',
            message: `/${field}: an in_progress reply needs a string, got null`,
            field: `/${field}`,
          },
        };
      }
      return {
        ok: true,
        value: {
          type: 'sso',
          status: 'in_progress',
          session_token: wire.session_token,
          access_token: wire.access_token,
          error: null,
        },
      };
  }
}

function narrowZtnaRequest(wire: Type.Static<typeof ZtnaRequestWire>): ServerParseResult {
  const testList: ZtnaKeyword[] = [];
  const warnings: string[] = [];
  wire.test_list.forEach((keyword, index) => {
    const trimmed = keyword.trim();
    if (!isZtnaKeyword(trimmed)) {
      warnings.push(`/test_list/${index}: unknown ZTNA check ${quote(keyword)} ignored`);
    } else if (!testList.includes(trimmed)) {
      testList.push(trimmed);
    }
  });
  const value: ZtnaRequest = {
    type: wire.type,
    period: wire.period,
    test_list: testList,
    kb_list: wire.kb_list,
    proc_list: wire.proc_list,
    service_list: wire.service_list,
    reg_key_list: wire.reg_key_list,
  };
  return warnings.length > 0 ? { ok: true, value, warnings } : { ok: true, value };
}

function isAuthFailureReason(value: string): value is AuthFailureReason {
  return (AUTH_FAILURE_REASONS as readonly string[]).includes(value);
}

function isZtnaKeyword(value: string): value is ZtnaKeyword {
  return (ZTNA_KEYWORDS as readonly string[]).includes(value);
}

function quote(value: string): string {
  return value.length > 64 ? `${JSON.stringify(value.slice(0, 64))}…` : JSON.stringify(value);
}
