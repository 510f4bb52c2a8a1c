// Turns Ajv's schema errors into one precise API error: the field as a JSON Pointer, a stable code,
// and a message for a person (never "Unknown error"; never the value itself, which may be a password).
import { ApiError, pointerName, pointerToken } from './errors.js';

/** The part of an Ajv error Fastify hands over (FastifySchemaValidationError). */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string | undefined;
}

export type RequestPart = 'body' | 'querystring' | 'params' | 'headers';

/**
 * Builds the API error for a failed validation. Unknown properties are looked for first, over the whole
 * value (Ajv stops at its first error, and a typo such as `auth_domian` also makes `auth_domain` missing:
 * the typo is what the administrator needs to hear about).
 */
export function validationError(
  errors: readonly SchemaError[],
  part: RequestPart,
  schema: unknown,
  data: unknown,
): ApiError {
  const unknown = findUnknownProperty(schema, data, '');
  if (unknown !== undefined) return unknownFieldError(part, unknown.pointer, unknown.known);

  const first = errors[0];
  if (first === undefined) return new ApiError('invalid_request', 'the request is not valid');
  const path = first.instancePath;

  if (first.keyword === 'additionalProperties') {
    const name = stringParam(first.params, 'additionalProperty');
    return unknownFieldError(part, `${path}/${pointerToken(name)}`, []);
  }
  if (first.keyword === 'required') {
    const name = stringParam(first.params, 'missingProperty');
    const pointer = `${path}/${pointerToken(name)}`;
    return new ApiError('missing_field', `${describe(part, pointer)} is required`, pointer);
  }
  if (path === '' && part === 'body') {
    return new ApiError('invalid_body', 'the request body must be a JSON object', null);
  }
  const atPath = errors.filter((error) => error.instancePath === path);
  const expectations = atPath.some((error) => error.keyword === 'anyOf')
    ? atPath.map(expectation).filter((text) => text !== '')
    : [expectation(first)];
  const expected = expectations.length > 0 ? expectations.join(' or ') : 'valid';
  return new ApiError('invalid_field', `${describe(part, path)} must be ${expected}`, path);
}

function unknownFieldError(part: RequestPart, pointer: string, known: readonly string[]): ApiError {
  const name = pointerName(pointer);
  const suggestion = closest(name, known);
  let hint = '';
  if (suggestion !== undefined) hint = ` (did you mean "${suggestion}"?)`;
  else if (known.length > 0) hint = `; known: ${known.map((k) => `"${k}"`).join(', ')}`;
  const what = part === 'querystring' ? 'query parameter' : 'field';
  return new ApiError('unknown_field', `unknown ${what} "${name}"${hint}`, pointer);
}

function describe(part: RequestPart, pointer: string): string {
  const name = pointerName(pointer);
  if (part === 'querystring') return `query parameter "${name}"`;
  if (part === 'params') return `path segment "${name}"`;
  if (part === 'headers') return `header "${name}"`;
  return `"${name}"`;
}

/** What the failed keyword expected, as words; '' for keywords that only group others. */
function expectation(error: SchemaError): string {
  const p = error.params;
  switch (error.keyword) {
    case 'type':
      return stringParam(p, 'type')
        .split(',')
        .map((type) => typeWords[type] ?? type)
        .join(' or ');
    case 'enum':
      return `one of ${listParam(p, 'allowedValues')}`;
    case 'const':
      return JSON.stringify(p['allowedValue']);
    case 'minLength':
      return numberParam(p, 'limit') === 1
        ? 'a non-empty string'
        : `at least ${numberParam(p, 'limit')} characters long`;
    case 'maxLength':
      return `at most ${numberParam(p, 'limit')} characters long`;
    case 'minimum':
      return `at least ${numberParam(p, 'limit')}`;
    case 'maximum':
      return `at most ${numberParam(p, 'limit')}`;
    case 'minItems':
      return `a list of at least ${numberParam(p, 'limit')} items`;
    case 'maxItems':
      return `a list of at most ${numberParam(p, 'limit')} items`;
    case 'pattern':
      return 'in the documented format';
    case 'format':
      return `a valid ${stringParam(p, 'format')}`;
    case 'anyOf':
    case 'oneOf':
      return '';
    default:
      return 'valid';
  }
}

const typeWords: Partial<Record<string, string>> = {
  string: 'a string',
  boolean: 'a boolean (true or false)',
  integer: 'an integer',
  number: 'a number',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function stringParam(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  return typeof value === 'string' ? value : String(value);
}

function numberParam(params: Record<string, unknown>, name: string): number {
  const value = params[name];
  return typeof value === 'number' ? value : Number(value);
}

function listParam(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  return Array.isArray(value) ? value.map((item) => JSON.stringify(item)).join(', ') : String(value);
}

interface UnknownProperty {
  pointer: string;
  known: string[];
}

/** The first property of `data` that a closed object schema (additionalProperties: false) does not list. */
function findUnknownProperty(schema: unknown, data: unknown, pointer: string): UnknownProperty | undefined {
  if (!isRecord(schema) || !isRecord(data) || Array.isArray(data)) return undefined;
  const properties = schema['properties'];
  if (!isRecord(properties)) return undefined;
  const known = Object.keys(properties);
  if (schema['additionalProperties'] === false) {
    const extra = Object.keys(data).find((key) => !Object.hasOwn(properties, key));
    if (extra !== undefined) return { pointer: `${pointer}/${pointerToken(extra)}`, known };
  }
  for (const key of known) {
    if (!Object.hasOwn(data, key)) continue;
    const found = findUnknownProperty(properties[key], data[key], `${pointer}/${pointerToken(key)}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The known name within edit distance 2 of a typo, if exactly one is closest. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance with adjacent transpositions (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [];
    for (let j = 0; j <= b.length; j++) {
      if (i === 0 || j === 0) {
        row.push(i + j);
        continue;
      }
      const above = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(value);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? Math.max(a.length, b.length);
}
