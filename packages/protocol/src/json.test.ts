import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStrictJson } from './json.js';

function errorOf(text: string) {
  const result = parseStrictJson(text);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
  return result.error;
}

describe('parseStrictJson', () => {
  it.each([
    ['{"a":1,"b":[true,false,null],"c":{"d":"e"}}', { a: 1, b: [true, false, null], c: { d: 'e' } }],
    [' \t\r\n{ "a" : [ 1 , 2 ] } \n', { a: [1, 2] }],
    ['"text"', 'text'],
    ['0', 0],
    ['-0.5e+3', -500],
    ['1E2', 100],
    ['[]', []],
    ['{}', {}],
    ['"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00"', '"\\/\b\f\n\r\té😀'],
    ['"\\ud800"', '\ud800'], // a lone surrogate is accepted, as JSON.parse does
    ['"héllo 😀"', 'héllo 😀'],
  ])('parses %s', (text, value) => {
    expect(parseStrictJson(text)).toEqual({ ok: true, value });
  });

  it('keeps "__proto__" as an own key, not as the prototype', () => {
    const result = parseStrictJson('{"__proto__":{"polluted":true}}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const value = result.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['', 'line 1, column 1: expected a JSON value, got the end of the input'],
    ['{"a":1,}', 'line 1, column 8: a trailing comma is not allowed'],
    ['[1,2,]', 'line 1, column 6: a trailing comma is not allowed'],
    [
      '{"a":1 /* c */}',
      "line 1, column 8: expected ',' or '}' after an object member, got '/' (comments are not allowed in JSON)",
    ],
    ['// c\n{}', "line 1, column 1: expected a JSON value, got '/' (comments are not allowed in JSON)"],
    ['{"a":NaN}', "line 1, column 6: expected a JSON value, got 'N' (NaN and Infinity are not JSON numbers)"],
    [
      '{"a":-Infinity}',
      "line 1, column 7: expected a digit, got 'I' (NaN and Infinity are not JSON numbers)",
    ],
    ['{"a":012}', 'line 1, column 6: a number must not have leading zeros'],
    ['{"a":-01}', 'line 1, column 6: a number must not have leading zeros'],
    ['{"a":1.}', "line 1, column 8: expected a digit after the decimal point, got '}'"],
    ['{"a":.5}', "line 1, column 6: expected a JSON value, got '.'"],
    ['{"a":1e}', "line 1, column 8: expected a digit in the exponent, got '}'"],
    ['{"a":+1}', "line 1, column 6: expected a JSON value, got '+'"],
    [
      "{'a':1}",
      "line 1, column 2: expected a key in double quotes, got ''' (strings and keys take double quotes in JSON)",
    ],
    ['{a:1}', "line 1, column 2: expected a key in double quotes, got 'a'"],
    ['{"a" 1}', "line 1, column 6: expected ':' after the key, got '1'"],
    ['{"a":1', "line 1, column 7: expected ',' or '}' after an object member, got the end of the input"],
    ['[1 2]', "line 1, column 4: expected ',' or ']' after an array element, got '2'"],
    ['{"a":"x', 'line 1, column 8: unterminated string (no closing double quote)'],
    ['"a\nb"', 'line 1, column 3: control character U+000A must be escaped in a string'],
    ['"\\x"', "line 1, column 3: invalid escape '\\' followed by 'x' in a string"],
    ['"\\u12g4"', "line 1, column 6: expected four hexadecimal digits after '\\u', got 'g'"],
    ['tru', "line 1, column 1: expected a JSON value, got 't'"],
    ['{} {}', "line 1, column 4: unexpected '{' after the end of the JSON value"],
    ['\uFEFF{}', "line 1, column 1: expected a JSON value, got '\uFEFF'"],
    ['{\n  "a": 1,\n  "b": ?\n}', "line 3, column 8: expected a JSON value, got '?'"],
    ['{"a":\u0000}', 'line 1, column 6: expected a JSON value, got U+0000'],
  ])('rejects %j with its position', (text, where) => {
    expect(errorOf(text)).toEqual({ code: 'invalid_json', message: `invalid JSON at ${where}`, field: null });
  });

  it('rejects a duplicate key, naming it by its JSON Pointer', () => {
    expect(errorOf('{"type":"authorize","login":"a","password":"p","login":"b"}')).toEqual({
      code: 'duplicate_key',
      message: '/login: duplicate key "login" at line 1, column 48; a key may appear only once in an object',
      field: '/login',
    });
  });

  it('names a nested duplicate with an escaped pointer', () => {
    const error = errorOf('{"list":[{"x":1},{"a/b~c":1,"a/b~c":2}]}');
    expect(error.code).toBe('duplicate_key');
    expect(error.field).toBe('/list/1/a~1b~0c');
    expect(error.message).toMatch(/^\/list\/1\/a~1b~0c: duplicate key "a\/b~c" at line 1, column 29;/);
  });

  it('tells a duplicate key from an escaped spelling of the same key', () => {
    expect(errorOf('{"ab":1,"a\\u0062":2}').field).toBe('/ab');
  });

  it('accepts 64 levels of nesting and rejects 65', () => {
    expect(parseStrictJson('['.repeat(64) + ']'.repeat(64)).ok).toBe(true);
    expect(parseStrictJson('{"a":'.repeat(64) + '1' + '}'.repeat(64)).ok).toBe(true);
    expect(errorOf('['.repeat(65) + ']'.repeat(65))).toEqual({
      code: 'invalid_json',
      message:
        'invalid JSON at line 1, column 65: nesting is too deep (more than 64 levels of objects and arrays)',
      field: null,
    });
    // Far deeper input fails the same way instead of overflowing the stack.
    expect(errorOf('['.repeat(100_000)).message).toMatch(/too deep/);
  });

  it('round-trips any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        // JSON.parse of the same text stands for the value: JSON.stringify writes -0 as 0.
        expect(parseStrictJson(text)).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips indented JSON text with escapes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 1, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(parseStrictJson(text)).toEqual({ ok: true, value: JSON.parse(text) });
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with JSON.parse on arbitrary text, except that it never throws', () => {
    const texts = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc
        .json()
        .chain((json) =>
          fc
            .tuple(fc.nat(json.length), fc.nat(json.length), fc.string({ maxLength: 3 }))
            .map(
              ([from, to, insert]) =>
                json.slice(0, Math.min(from, to)) + insert + json.slice(Math.max(from, to)),
            ),
        ),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const result = parseStrictJson(text);
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          expect(result.ok).toBe(false);
          // A duplicate key before the syntax error is reported first.
          if (!result.ok) expect(['invalid_json', 'duplicate_key']).toContain(result.error.code);
          return;
        }
        // Only duplicate keys separate the two (the generated text stays well under 64 levels).
        if (result.ok) expect(result.value).toEqual(expected);
        else expect(result.error.code).toBe('duplicate_key');
      }),
      { numRuns: 2000 },
    );
  });
});
