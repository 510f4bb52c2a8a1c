/** What went wrong with an incoming message, in words for a person (DECISIONS 6). */
export type ProtocolErrorCode =
  | 'invalid_json'
  | 'duplicate_key'
  | 'not_an_object'
  | 'missing_type'
  | 'unknown_type'
  | 'missing_field'
  | 'invalid_field';

export interface ProtocolError {
  code: ProtocolErrorCode;
  /** Names the field, what was expected and what came; never echoes a secret. */
  message: string;
  /** An RFC 6901 JSON Pointer such as `/public_key`, or null when no single field is at fault (DECISIONS 33). */
  field: string | null;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };
