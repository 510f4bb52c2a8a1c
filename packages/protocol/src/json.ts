/**
 * A strict RFC 8259 JSON parser (DECISIONS 8): no duplicate keys, trailing commas, comments,
 * NaN/Infinity, leading zeros or unescaped control characters; nesting at most 64 levels.
 * One pass over the text, no backtracking.
 */
import type { ParseResult, ProtocolError } from './errors.js';
import { childPointer } from './pointer.js';

const MAX_JSON_DEPTH = 64;

class JsonSyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

class DuplicateKeyError extends Error {
  constructor(
    readonly position: number,
    readonly pointer: string,
    readonly key: string,
  ) {
    super('duplicate key');
  }
}

export function parseStrictJson(text: string): ParseResult<unknown> {
  const parser = new StrictJsonParser(text);
  try {
    return { ok: true, value: parser.parseDocument() };
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      return {
        ok: false,
        error: {
          code: 'invalid_json',
          message: `invalid JSON at ${where(text, e.position)}: ${e.reason}`,
          field: null,
        },
      };
    }
    if (e instanceof DuplicateKeyError) return { ok: false, error: duplicateKey(text, e) };
    throw e;
  }
}

function duplicateKey(text: string, e: DuplicateKeyError): ProtocolError {
  return {
    code: 'duplicate_key',
    message: `${e.pointer}: duplicate key ${quoteKey(e.key)} at ${where(text, e.position)}; a key may appear only once in an object`,
    field: e.pointer,
  };
}

function quoteKey(key: string): string {
  return key.length > 64 ? `${JSON.stringify(key.slice(0, 64))}…` : JSON.stringify(key);
}

/** "line L, column C", both from 1, columns in UTF-16 code units. */
function where(text: string, position: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${position - lineStart + 1}`;
}

// Character codes, named for reading.
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const ZERO = 0x30;
const ONE = 0x31;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_E = 0x65;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

class StrictJsonParser {
  private pos = 0;
  private depth = 0;
  /** Reference tokens of the containers being parsed: path[d] belongs to depth d + 1. */
  private readonly path: (string | number)[] = [];
  /** The text of the last escape sequence read by readEscape. */
  private escaped = '';

  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    this.skipWhitespace();
    const value = this.parseValue();
    this.skipWhitespace();
    if (this.pos < this.text.length)
      this.fail(`unexpected ${this.describeHere()} after the end of the JSON value`);
    return value;
  }

  private parseValue(): unknown {
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case OPEN_BRACE:
        return this.parseObject();
      case OPEN_BRACKET:
        return this.parseArray();
      case QUOTE:
        return this.parseString();
      case 0x74: // t
        return this.parseLiteral('true', true);
      case 0x66: // f
        return this.parseLiteral('false', false);
      case 0x6e: // n
        return this.parseLiteral('null', null);
      default:
        if (c === MINUS || (c >= ZERO && c <= NINE)) return this.parseNumber();
        return this.fail(`expected a JSON value, got ${this.describeHere()}${this.hint()}`);
    }
  }

  private parseObject(): Record<string, unknown> {
    this.enter();
    this.pos++;
    const object: Record<string, unknown> = {};
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === CLOSE_BRACE) {
      this.pos++;
      this.depth--;
      return object;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== QUOTE) {
        this.fail(`expected a key in double quotes, got ${this.describeHere()}${this.hint()}`);
      }
      const keyPosition = this.pos;
      const key = this.parseString();
      this.path[this.depth - 1] = key;
      if (Object.hasOwn(object, key)) {
        throw new DuplicateKeyError(keyPosition, this.pointer(), key);
      }
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== COLON) {
        this.fail(`expected ':' after the key, got ${this.describeHere()}`);
      }
      this.pos++;
      this.skipWhitespace();
      const value = this.parseValue();
      // A plain assignment of "__proto__" would replace the prototype instead of adding a key.
      if (key === '__proto__') {
        Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        object[key] = value;
      }
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        this.skipWhitespace();
        if (this.text.charCodeAt(this.pos) === CLOSE_BRACE) this.fail('a trailing comma is not allowed');
        continue;
      }
      if (c === CLOSE_BRACE) {
        this.pos++;
        this.depth--;
        return object;
      }
      this.fail(`expected ',' or '}' after an object member, got ${this.describeHere()}${this.hint()}`);
    }
  }

  private parseArray(): unknown[] {
    this.enter();
    this.pos++;
    const array: unknown[] = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === CLOSE_BRACKET) {
      this.pos++;
      this.depth--;
      return array;
    }
    for (;;) {
      this.path[this.depth - 1] = array.length;
      array.push(this.parseValue());
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        this.skipWhitespace();
        if (this.text.charCodeAt(this.pos) === CLOSE_BRACKET) this.fail('a trailing comma is not allowed');
        continue;
      }
      if (c === CLOSE_BRACKET) {
        this.pos++;
        this.depth--;
        return array;
      }
      this.fail(`expected ',' or ']' after an array element, got ${this.describeHere()}${this.hint()}`);
    }
  }

  private enter(): void {
    if (++this.depth > MAX_JSON_DEPTH) {
      this.fail(`nesting is too deep (more than ${MAX_JSON_DEPTH} levels of objects and arrays)`);
    }
  }

  /** Called with pos on the opening quote; leaves pos after the closing one. */
  private parseString(): string {
    const text = this.text;
    const start = this.pos + 1;
    let i = start;
    // Fast path: no escapes, the usual case.
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return text.slice(start, i);
      }
      if (c === BACKSLASH) break;
      if (!(c >= SPACE)) this.badStringCharacter(i, c); // also NaN: the end of the text
      i++;
    }
    let result = text.slice(start, i);
    let runStart = i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return result + text.slice(runStart, i);
      }
      if (c === BACKSLASH) {
        result += text.slice(runStart, i);
        i = this.readEscape(i);
        result += this.escaped;
        runStart = i;
        continue;
      }
      if (!(c >= SPACE)) this.badStringCharacter(i, c); // also NaN: the end of the text
      i++;
    }
  }

  /** Reads the escape at i (a backslash) into this.escaped; returns the index after it. */
  private readEscape(i: number): number {
    const c = this.text.charCodeAt(i + 1);
    switch (c) {
      case QUOTE:
        this.escaped = '"';
        return i + 2;
      case BACKSLASH:
        this.escaped = '\\';
        return i + 2;
      case SLASH:
        this.escaped = '/';
        return i + 2;
      case 0x62: // b
        this.escaped = '\b';
        return i + 2;
      case 0x66: // f
        this.escaped = '\f';
        return i + 2;
      case 0x6e: // n
        this.escaped = '\n';
        return i + 2;
      case 0x72: // r
        this.escaped = '\r';
        return i + 2;
      case 0x74: // t
        this.escaped = '\t';
        return i + 2;
      case 0x75: {
        // u
        let code = 0;
        for (let k = i + 2; k < i + 6; k++) {
          const digit = hexValue(this.text.charCodeAt(k));
          if (digit < 0) {
            this.pos = k;
            this.fail(`expected four hexadecimal digits after '\\u', got ${this.describeHere()}`);
          }
          code = code * 16 + digit;
        }
        this.escaped = String.fromCharCode(code);
        return i + 6;
      }
      default:
        this.pos = i + 1;
        return this.fail(`invalid escape '\\' followed by ${this.describeHere()} in a string`);
    }
  }

  private badStringCharacter(i: number, c: number): never {
    this.pos = i;
    if (Number.isNaN(c)) return this.fail('unterminated string (no closing double quote)');
    return this.fail(`control character ${unicodeName(c)} must be escaped in a string`);
  }

  private parseNumber(): number {
    const text = this.text;
    const start = this.pos;
    let i = start;
    if (text.charCodeAt(i) === MINUS) i++;
    const first = text.charCodeAt(i);
    if (first === ZERO) {
      i++;
      const next = text.charCodeAt(i);
      if (next >= ZERO && next <= NINE) {
        this.pos = start;
        this.fail('a number must not have leading zeros');
      }
    } else if (first >= ONE && first <= NINE) {
      i = skipDigits(text, i + 1);
    } else {
      this.pos = i;
      this.fail(`expected a digit, got ${this.describeHere()}${this.hint()}`);
    }
    if (text.charCodeAt(i) === DOT) {
      const digits = skipDigits(text, i + 1);
      if (digits === i + 1) {
        this.pos = digits;
        this.fail(`expected a digit after the decimal point, got ${this.describeHere()}`);
      }
      i = digits;
    }
    const e = text.charCodeAt(i);
    if (e === LOWER_E || e === UPPER_E) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === PLUS || sign === MINUS) i++;
      const digits = skipDigits(text, i);
      if (digits === i) {
        this.pos = digits;
        this.fail(`expected a digit in the exponent, got ${this.describeHere()}`);
      }
      i = digits;
    }
    this.pos = i;
    return Number(text.slice(start, i));
  }

  private parseLiteral<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) {
      this.fail(`expected a JSON value, got ${this.describeHere()}${this.hint()}`);
    }
    this.pos += word.length;
    return value;
  }

  private skipWhitespace(): void {
    const text = this.text;
    let i = this.pos;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === SPACE || c === LINE_FEED || c === CARRIAGE_RETURN || c === TAB) i++;
      else break;
    }
    this.pos = i;
  }

  private pointer(): string {
    let pointer = '';
    for (let d = 0; d < this.depth; d++) pointer = childPointer(pointer, this.path[d] ?? '');
    return pointer;
  }

  private describeHere(): string {
    if (this.pos >= this.text.length) return 'the end of the input';
    const c = this.text.codePointAt(this.pos) ?? 0;
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) return unicodeName(c);
    return `'${String.fromCodePoint(c)}'`;
  }

  /** A word on the usual non-JSON habits (comments, single quotes, NaN). */
  private hint(): string {
    const c = this.text.charCodeAt(this.pos);
    if (c === SLASH) return ' (comments are not allowed in JSON)';
    if (c === 0x27) return ' (strings and keys take double quotes in JSON)';
    if (this.text.startsWith('NaN', this.pos) || this.text.startsWith('Infinity', this.pos)) {
      return ' (NaN and Infinity are not JSON numbers)';
    }
    return '';
  }

  private fail(reason: string): never {
    throw new JsonSyntaxError(this.pos, reason);
  }
}

function skipDigits(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) i++;
    else return i;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

function unicodeName(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}
