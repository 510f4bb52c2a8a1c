/** The steps every message takes before its own fields are checked: JSON, object, `type`. */
import type { ParseResult } from './errors.js';
import { parseStrictJson } from './json.js';
import { describeValue } from './validate.js';

export interface Envelope<T extends string> {
  type: T;
  message: Record<string, unknown>;
}

export function readEnvelope<T extends string>(text: string, types: readonly T[]): ParseResult<Envelope<T>> {
  const json = parseStrictJson(text);
  if (!json.ok) return json;
  const message = json.value;
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return {
      ok: false,
      error: {
        code: 'not_an_object',
        message: `expected a JSON object with a "type" field, got ${describeValue(message)}`,
        field: null,
      },
    };
  }
  const object = message as Record<string, unknown>;
  if (!Object.hasOwn(object, 'type')) {
    return {
      ok: false,
      error: {
        code: 'missing_type',
        message: `/type: missing; every message needs a "type" naming its kind, one of: ${types.join(', ')}`,
        field: '/type',
      },
    };
  }
  const type = object.type;
  if (typeof type !== 'string') {
    return {
      ok: false,
      error: {
        code: 'missing_type',
        message: `/type: expected a string naming the message type, one of: ${types.join(', ')}; got ${describeValue(type)}`,
        field: '/type',
      },
    };
  }
  if (!isOneOf(type, types)) {
    const shown = type.length > 64 ? `${JSON.stringify(type.slice(0, 64))}…` : JSON.stringify(type);
    return {
      ok: false,
      error: {
        code: 'unknown_type',
        message: `unknown message type ${shown}; expected one of: ${types.join(', ')}`,
        field: '/type',
      },
    };
  }
  return { ok: true, value: { type, message: object } };
}

function isOneOf<T extends string>(value: string, values: readonly T[]): value is T {
  return (values as readonly string[]).includes(value);
}
