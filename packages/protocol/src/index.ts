export type { ParseResult, ProtocolError, ProtocolErrorCode } from './errors.js';
export { parseStrictJson } from './json.js';
export { CLIENT_OSES, type ClientOs } from './shared-schemas.js';
export {
  KORDON_FEATURES,
  encodeClientMessage,
  parseClientMessage,
  type AuthorizeDeviceMessage,
  type AuthorizeMessage,
  type ClientMessage,
  type ResumeMessage,
  type SsoMessage,
  type TunnelWgRequest,
  type UnauthorizeMessage,
  type VersionMessage,
  type ZtnaReport,
} from './client-messages.js';
export {
  AUTH_FAILURE_REASONS,
  ZTNA_KEYWORDS,
  encodeServerMessage,
  parseServerMessage,
  type AuthFailureReason,
  type AuthStateMessage,
  type ErrorMessage,
  type PostureStateMessage,
  type ServerMessage,
  type ServerParseResult,
  type SsoReply,
  type TunnelWgReply,
  type UpdateMessage,
  type ZtnaKeyword,
  type ZtnaRequest,
} from './server-messages.js';
export {
  compareVersions,
  formatVersion,
  needsUpdate,
  parseVersionString,
  type ClientVersion,
  type UpdatePolicy,
} from './version.js';
export { WireguardSetting, WireguardSettingPatch, WireguardState, WireguardStatePatch } from './rest.js';
