/**
 * Checks a parsed JSON value against a TypeBox schema and builds the typed value from it.
 * TypeBox gives the types (Type.Static); this walk gives the errors a person can act on:
 * the field as a JSON Pointer, what was expected, and what came. Unknown object keys are
 * left out of the result (DECISIONS 7), and the first problem in schema order is reported.
 *
 * It understands the subset of JSON Schema the protocol uses: object, array, string, integer,
 * boolean, null, const, enum and anyOf. `description` on a string with a `pattern` words the
 * expectation; `writeOnly` marks a secret whose content never appears in a message.
 */
import type { TSchema } from 'typebox';
import type { ParseResult, ProtocolError } from './errors.js';
import { childPointer } from './pointer.js';

interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  pattern?: string;
  description?: string;
  writeOnly?: boolean;
}

class FieldError extends Error {
  constructor(readonly error: ProtocolError) {
    super(error.message);
  }
}

export function validate(schema: TSchema, value: unknown): ParseResult<unknown> {
  try {
    return { ok: true, value: check(schema, value, '') };
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, error: e.error };
    throw e;
  }
}

/** Rebuilds a value with object keys in schema order and unknown keys dropped; no checks. */
export function reorder(schema: TSchema, value: unknown): unknown {
  return reorderValue(schema, value);
}

function check(schema: JsonSchema, value: unknown, pointer: string): unknown {
  if (schema.anyOf !== undefined) return checkUnion(schema, schema.anyOf, value, pointer);
  if (schema.enum !== undefined) {
    if (!schema.enum.includes(value)) invalid(schema, value, pointer);
    return value;
  }
  switch (schema.type) {
    case 'object':
      return checkObject(schema, value, pointer);
    case 'array':
      return checkArray(schema, value, pointer);
    case 'string':
      return checkString(schema, value, pointer);
    case 'integer':
      if (
        typeof value !== 'number' ||
        !Number.isInteger(value) ||
        value < (schema.minimum ?? -Infinity) ||
        value > (schema.maximum ?? Infinity)
      ) {
        invalid(schema, value, pointer);
      }
      return value;
    case 'boolean':
      if (typeof value !== 'boolean' || (schema.const !== undefined && value !== schema.const)) {
        invalid(schema, value, pointer);
      }
      return value;
    case 'null':
      if (value !== null) invalid(schema, value, pointer);
      return value;
    default:
      throw new Error(`validate: unsupported schema at ${pointer || '/'}: ${JSON.stringify(schema)}`);
  }
}

function checkObject(schema: JsonSchema, value: unknown, pointer: string): Record<string, unknown> {
  if (!isObject(value)) invalid(schema, value, pointer);
  const result: Record<string, unknown> = {};
  const required = schema.required ?? [];
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const at = childPointer(pointer, key);
    if (!Object.hasOwn(value, key)) {
      if (required.includes(key)) {
        fail('missing_field', at, `${at}: missing required field; expected ${expected(property)}`);
      }
      continue;
    }
    result[key] = check(property, value[key], at);
  }
  return result;
}

function checkArray(schema: JsonSchema, value: unknown, pointer: string): unknown[] {
  if (!Array.isArray(value)) return invalid(schema, value, pointer);
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    fail(
      'invalid_field',
      pointer,
      `${pointer}: expected at most ${entries(schema.maxItems)}, got ${value.length}`,
    );
  }
  const items = schema.items;
  if (items === undefined) return value;
  return value.map((item, index) => check(items, item, childPointer(pointer, index)));
}

function checkString(schema: JsonSchema, value: unknown, pointer: string): string {
  if (typeof value !== 'string') return invalid(schema, value, pointer);
  if (schema.const !== undefined && value !== schema.const) invalid(schema, value, pointer);
  if (value.length < (schema.minLength ?? 0) || value.length > (schema.maxLength ?? Infinity)) {
    // Say only how long it was: the content may be large or secret.
    fail('invalid_field', pointer, `${pointer}: expected ${expected(schema)}, got ${stringLength(value)}`);
  }
  if (schema.pattern !== undefined && !compiledPattern(schema.pattern).test(value)) {
    invalid(schema, value, pointer);
  }
  return value;
}

function checkUnion(schema: JsonSchema, members: JsonSchema[], value: unknown, pointer: string): unknown {
  const discriminator = discriminatorOf(schema, members);
  if (discriminator !== undefined) {
    if (!isObject(value)) return invalid(schema, value, pointer);
    const at = childPointer(pointer, discriminator.key);
    if (!Object.hasOwn(value, discriminator.key)) {
      fail('missing_field', at, `${at}: missing required field; expected ${oneOf(discriminator.values)}`);
    }
    const tag = value[discriminator.key];
    const index = discriminator.values.indexOf(tag);
    const member = members[index];
    if (member === undefined) {
      return fail(
        'invalid_field',
        at,
        `${at}: expected ${oneOf(discriminator.values)}, got ${describeValue(tag)}`,
      );
    }
    return check(member, value, pointer);
  }
  // Otherwise the first member that takes this kind of value decides (string | null and the like).
  for (const member of members) {
    if (member.const !== undefined ? member.const === value : takesKind(member, value)) {
      return check(member, value, pointer);
    }
  }
  return invalid(schema, value, pointer);
}

interface Discriminator {
  key: string;
  values: unknown[];
}

const discriminators = new WeakMap<JsonSchema, Discriminator | null>();

/** The first key to which every member, all objects, gives a different `const`: `status`, `authorized`. */
function discriminatorOf(schema: JsonSchema, members: JsonSchema[]): Discriminator | undefined {
  let known = discriminators.get(schema);
  if (known === undefined) {
    known = null;
    const first = members[0];
    if (first?.type === 'object' && members.every((m) => m.type === 'object')) {
      for (const key of Object.keys(first.properties ?? {})) {
        const values = members.map((m) => m.properties?.[key]?.const);
        if (values.every((v) => v !== undefined) && new Set(values).size === values.length) {
          known = { key, values };
          break;
        }
      }
    }
    discriminators.set(schema, known);
  }
  return known ?? undefined;
}

function takesKind(schema: JsonSchema, value: unknown): boolean {
  switch (schema.type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return (
        (schema.enum?.includes(value) ?? false) ||
        (schema.anyOf?.some((member) => takesKind(member, value)) ?? false)
      );
  }
}

function reorderValue(schema: JsonSchema, value: unknown): unknown {
  if (schema.anyOf !== undefined) {
    const discriminator = discriminatorOf(schema, schema.anyOf);
    if (discriminator === undefined || !isObject(value)) return value;
    const member = schema.anyOf[discriminator.values.indexOf(value[discriminator.key])];
    return member === undefined ? value : reorderValue(member, value);
  }
  if (schema.type === 'object' && isObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      const item = value[key];
      if (item !== undefined) result[key] = reorderValue(property, item);
    }
    return result;
  }
  const items = schema.items;
  if (schema.type === 'array' && items !== undefined && Array.isArray(value)) {
    return value.map((item: unknown) => reorderValue(items, item));
  }
  return value;
}

function invalid(schema: JsonSchema, value: unknown, pointer: string): never {
  const secret = schema.writeOnly === true || (schema.anyOf?.some((m) => m.writeOnly === true) ?? false);
  return fail(
    'invalid_field',
    pointer,
    `${pointer}: expected ${expected(schema)}, got ${describeValue(value, secret)}`,
  );
}

function fail(code: ProtocolError['code'], field: string, message: string): never {
  // The root has the pointer "", which a reader could take for "no field": say "message" instead.
  throw new FieldError({
    code,
    message: field === '' ? message.replace(/^: /, 'message: ') : message,
    field,
  });
}

/** What a schema accepts, in words. */
function expected(schema: JsonSchema): string {
  if (schema.anyOf !== undefined) {
    if (schema.anyOf.every((m) => m.const !== undefined)) return oneOf(schema.anyOf.map((m) => m.const));
    return schema.anyOf.map(expected).join(' or ');
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum !== undefined) return oneOf(schema.enum);
  switch (schema.type) {
    case 'object':
      return 'an object';
    case 'array':
      return schema.maxItems === undefined ? 'an array' : `an array of at most ${entries(schema.maxItems)}`;
    case 'string':
      return expectedString(schema);
    case 'integer':
      return expectedInteger(schema);
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    default:
      return 'a value';
  }
}

function expectedString(schema: JsonSchema): string {
  if (schema.pattern !== undefined) return schema.description ?? `a string matching /${schema.pattern}/`;
  const min = schema.minLength ?? 0;
  const max = schema.maxLength;
  if (max === undefined) return min > 0 ? `a string of at least ${characters(min)}` : 'a string';
  if (min === 0) return `a string of at most ${characters(max)}`;
  if (min === 1) return `a non-empty string of at most ${characters(max)}`;
  return `a string of ${min} to ${characters(max)}`;
}

function expectedInteger(schema: JsonSchema): string {
  const { minimum, maximum } = schema;
  if (minimum !== undefined && maximum !== undefined) return `an integer from ${minimum} to ${maximum}`;
  if (minimum !== undefined) return `an integer of at least ${minimum}`;
  if (maximum !== undefined) return `an integer of at most ${maximum}`;
  return 'an integer';
}

function oneOf(values: unknown[]): string {
  const words = values.map((v) => JSON.stringify(v));
  if (words.length === 2) return `${words[0] ?? ''} or ${words[1] ?? ''}`;
  return `one of ${words.join(', ')}`;
}

/** What came, in words; a secret string is described only by its length. */
export function describeValue(value: unknown, secret = false): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'string') return secret ? stringLength(value) : quoteString(value);
  if (Array.isArray(value))
    return value.length === 0 ? 'an empty array' : `an array of ${entries(value.length)}`;
  return 'an object';
}

const QUOTED_MAX = 64;

function quoteString(value: string): string {
  if (value === '') return 'an empty string';
  if (value.length <= QUOTED_MAX) return `the string ${JSON.stringify(value)}`;
  return `the string ${JSON.stringify(value.slice(0, QUOTED_MAX))}… (${characters(value.length)})`;
}

function stringLength(value: string): string {
  return value === '' ? 'an empty string' : `a string of ${characters(value.length)}`;
}

function characters(n: number): string {
  return n === 1 ? '1 character' : `${n} characters`;
}

function entries(n: number): string {
  return n === 1 ? '1 entry' : `${n} entries`;
}

const patterns = new Map<string, RegExp>();

function compiledPattern(pattern: string): RegExp {
  let regex = patterns.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(pattern, 'u');
    patterns.set(pattern, regex);
  }
  return regex;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
