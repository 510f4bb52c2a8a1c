// The error catalogue: every code the gateway can send, declared once with what it means. The wire's
// `error` codes, `auth_state` reasons, close codes and the management API's error codes; a test checks
// they are unique and documented (docs/protocol.md, docs/management-api.md).
import type { AuthFailureReason, ProtocolErrorCode } from '@kordon/protocol';
import type { SessionErrorCode } from './connection.js';

/** WebSocket close codes (DECISIONS 6, 29, 68) and what each tells the client. */
export const closeCodes = {
  1003: 'a binary frame: the protocol is JSON text',
  1007: 'the fifth bad message in a row, the last one not JSON',
  1008: 'the fifth bad message in a row, too many queued messages, or no tunnel_wg in time',
  1009: 'a frame over 128 KiB',
  4001: 'no version message in time',
  4002: 'ended by an administrator, or the account was removed, disabled or its password changed',
  4003: 'ended by a newer device of the same account (at most five)',
  4004: 'authorization through the client was turned off',
  4005: 'local_tunnel changed: log in again under the new value',
  4006: 'the gateway is restarting: reconnect and resume',
  4007: 'replaced by a new login or resume from the same device',
  4008: 'no login in time: reconnect at once',
} as const;

export type CloseCodeNumber = keyof typeof closeCodes;

/** The close codes by what they are for, as the code names them. */
export const CloseCode = {
  binaryFrame: 1003,
  invalidJson: 1007,
  protocolViolation: 1008,
  frameTooLarge: 1009,
  versionTimeout: 4001,
  endedByAdmin: 4002,
  newerDevice: 4003,
  authorizationOff: 4004,
  localTunnelChanged: 4005,
  shuttingDown: 4006,
  replacedSameDevice: 4007,
  authorizeTimeout: 4008,
} as const satisfies Record<string, CloseCodeNumber>;

/** `error` replies (DECISIONS 6): messages that cannot be handled at all. */
export const messageErrorCodes = {
  invalid_json: 'not RFC 8259 JSON, or nested deeper than 64',
  duplicate_key: 'a key appears twice in one object',
  not_an_object: 'the message is not a JSON object',
  missing_type: 'no string type',
  unknown_type: 'a type Kordon does not know',
  missing_field: 'a required field is absent',
  invalid_field: 'a field has the wrong type or value',
  version_required: 'anything before version',
  version_already_sent: 'a second version on one connection',
  not_authorized: 'tunnel_wg or ztna before a login',
  already_authorized: 'a login on an authorized connection',
  tunnel_not_needed: 'tunnel_wg in a session without a tunnel',
  internal_error: 'the gateway failed to handle the message',
} as const satisfies Record<ProtocolErrorCode | SessionErrorCode, string>;

/** `auth_state` reasons (DECISIONS 55, 61, 68, 77), for the documentation; the words a person reads are in auth-messages.ts. */
export const failureReasons = {
  credentials: 'wrong password or unknown account (the same reply)',
  throttled: 'an attempt during a back-off: not checked, not counted',
  disabled: 'the account is disabled',
  vpn_denied: 'external, and no VPN-access rule allows the account',
  address_in_use: 'another account holds this address',
  update_required: 'the client must update first',
  client_authorization_off: 'authorization through the client is off',
  resume_refused: 'the ticket is invalid, spent or expired',
  device_mismatch: 'the session belongs to another device',
  device_limit: 'ended by a newer device (before close 4003)',
  tunnel_timeout: 'no tunnel_wg in time (before close 1008)',
  logged_out: 'the reply to unauthorize',
  internal: 'the gateway could not complete the login; retried by the client',
  pool_exhausted: 'no free tunnel address; retried by the client',
  key_in_use: "the WireGuard key is another account's",
  busy: 'the password-hashing queue is full; retried after timeout',
  certificate: 'the device certificate was refused',
  sso: 'single sign-on proved nothing: a refused or replayed token, a clock skew (words in message)',
} as const satisfies Record<AuthFailureReason, string>;

/** The management API's error codes (DECISIONS 44) and their HTTP status. */
export const restErrorCodes = {
  // A JSON body is parsed by the protocol's strict parser, whose codes it keeps (the API's parser hook
  // passes them on, so the compiler checks that each is here).
  duplicate_key: 400,
  not_an_object: 400,
  missing_type: 400,
  unknown_type: 400,
  invalid_body: 400,
  invalid_field: 400,
  invalid_json: 400,
  invalid_request: 400,
  missing_field: 400,
  unknown_field: 400,
  invalid_credentials: 401,
  unauthorized: 401,
  forbidden: 403,
  csrf_token_invalid: 403,
  password_change_required: 403,
  wrong_password: 403,
  not_found: 404,
  conflict: 409,
  last_admin: 409,
  body_too_large: 413,
  unsupported_media_type: 415,
  throttled: 429,
  internal_error: 500,
  directory_unavailable: 503,
} as const;

export type RestErrorCode = keyof typeof restErrorCodes;
