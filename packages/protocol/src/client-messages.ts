/** Messages from the client to the gateway (PROTOCOL.md "Client protocol", DECISIONS 4, 10). */
import Type from 'typebox';
import { readEnvelope } from './envelope.js';
import type { ParseResult } from './errors.js';
import { ClientOsSchema, INT31_MAX, LIST_MAX, VersionPart, WireGuardKey } from './shared-schemas.js';
import { reorder, validate } from './validate.js';

/** Text fields of posture reports: names, versions, registry keys. */
const TEXT_MAX = 1024;

const VersionMessage = Type.Object({
  type: Type.Literal('version'),
  major: VersionPart,
  minor: VersionPart,
  build: VersionPart,
  os: ClientOsSchema,
  // DECISIONS 76: a Kordon client names the extensions it understands; a vendor gateway ignores it.
  kordon: Type.Optional(
    Type.Object({
      features: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64 }),
    }),
  ),
});
export type VersionMessage = Type.Static<typeof VersionMessage>;

/** The extensions this release of the protocol defines (DECISIONS 76). */
export const KORDON_FEATURES = ['posture_state'] as const;

const AuthorizeMessage = Type.Object({
  type: Type.Literal('authorize'),
  login: Type.String({ minLength: 1, maxLength: 256 }),
  password: Type.String({ minLength: 1, maxLength: 1024, writeOnly: true }),
});
export type AuthorizeMessage = Type.Static<typeof AuthorizeMessage>;

const SsoMessage = Type.Object({
  type: Type.Literal('sso'),
  // A Kerberos ticket of a user in many groups reaches 64 KB in base64 (DECISIONS 9).
  token: Type.Union([Type.String({ maxLength: 131_072, writeOnly: true }), Type.Null()]),
  session_token: Type.Union([Type.String({ maxLength: 4096, writeOnly: true }), Type.Null()]),
  domain: Type.String({ maxLength: 255 }),
});
export type SsoMessage = Type.Static<typeof SsoMessage>;

const ResumeMessage = Type.Object({
  type: Type.Literal('resume'),
  ticket: Type.String({ minLength: 1, maxLength: 2048, writeOnly: true }),
});
export type ResumeMessage = Type.Static<typeof ResumeMessage>;

const TunnelWgRequest = Type.Object({
  type: Type.Literal('tunnel_wg'),
  public_key: WireGuardKey,
});
export type TunnelWgRequest = Type.Static<typeof TunnelWgRequest>;

const UnauthorizeMessage = Type.Object({ type: Type.Literal('unauthorize') });
export type UnauthorizeMessage = Type.Static<typeof UnauthorizeMessage>;

/**
 * DECISIONS 77: a device logs in with the client certificate of its mutual-TLS connection; the
 * message carries nothing else. An extension: a vendor gateway does not know it.
 */
const AuthorizeDeviceMessage = Type.Object({ type: Type.Literal('authorize_device') });
export type AuthorizeDeviceMessage = Type.Static<typeof AuthorizeDeviceMessage>;

const Text = Type.String({ maxLength: TEXT_MAX });
const TextList = Type.Array(Text, { maxItems: LIST_MAX });
/** Whole days since; null when not checked (PROTOCOL.md "ZTNA"). */
const DaysOrNull = Type.Union([Type.Integer({ minimum: 0, maximum: INT31_MAX }), Type.Null()]);
/** Products installed on one machine: a handful in practice. */
const PRODUCTS_MAX = 256;

/** The posture report; fields the spec says "may be absent" are optional (DECISIONS 10, 35). */
const ZtnaReport = Type.Object({
  type: Type.Literal('ztna'),
  node_name: Text,
  operation_system: Type.Optional(Type.Object({ type: Text, version: Text, domain: Text })),
  kb_list: Type.Optional(TextList),
  antivirus: Type.Optional(
    Type.Array(
      Type.Object({
        active: Type.Boolean(),
        name: Text,
        version: Text,
        last_update: DaysOrNull,
        last_scan: DaysOrNull,
      }),
      { maxItems: PRODUCTS_MAX },
    ),
  ),
  firewall: Type.Optional(
    Type.Array(Type.Object({ active: Type.Boolean(), name: Text, version: Text }), {
      maxItems: PRODUCTS_MAX,
    }),
  ),
  proc_list: Type.Optional(TextList),
  service_list: Type.Optional(TextList),
  reg_key_list: Type.Optional(
    Type.Array(Type.Object({ key: Text, value: Type.String({ maxLength: 4096 }) }), { maxItems: LIST_MAX }),
  ),
});
export type ZtnaReport = Type.Static<typeof ZtnaReport>;

export type ClientMessage =
  | VersionMessage
  | AuthorizeMessage
  | SsoMessage
  | ResumeMessage
  | TunnelWgRequest
  | ZtnaReport
  | UnauthorizeMessage
  | AuthorizeDeviceMessage;

const CLIENT_MESSAGES = {
  version: VersionMessage,
  authorize: AuthorizeMessage,
  sso: SsoMessage,
  resume: ResumeMessage,
  tunnel_wg: TunnelWgRequest,
  ztna: ZtnaReport,
  unauthorize: UnauthorizeMessage,
  authorize_device: AuthorizeDeviceMessage,
} as const;

const CLIENT_MESSAGE_TYPES = Object.keys(CLIENT_MESSAGES) as (keyof typeof CLIENT_MESSAGES)[];

/**
 * Parses one TEXT frame from a client. Checks, in order: JSON, an object, `type`, a known
 * `type`, then the fields in the order listed above; the first problem is reported.
 * Unknown fields are ignored and left out of the value (DECISIONS 7).
 */
export function parseClientMessage(text: string): ParseResult<ClientMessage> {
  const envelope = readEnvelope(text, CLIENT_MESSAGE_TYPES);
  if (!envelope.ok) return envelope;
  // The schema is the type's source, so its checked value has that type.
  return validate(CLIENT_MESSAGES[envelope.value.type], envelope.value.message) as ParseResult<ClientMessage>;
}

/** The JSON text of a client message, keys in the order listed above, absent optional keys left out. */
export function encodeClientMessage(message: ClientMessage): string {
  return JSON.stringify(reorder(CLIENT_MESSAGES[message.type], message));
}
