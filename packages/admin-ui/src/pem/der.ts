// A small reader of DER (the ASN.1 encoding X.509 certificates use): enough to walk a certificate and
// read the few fields the console shows. Strict where DER is strict (definite lengths only, nothing
// past the end of its parent), so damaged input throws a DerError instead of showing wrong values.

export class DerError extends Error {}

/** One tag-length-value: `bytes[start, end)` is the value, `end` is where the next one begins. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
  readonly bytes: Uint8Array;
}

export const Tag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  teletexString: 0x14,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  universalString: 0x1c,
  bmpString: 0x1e,
  sequence: 0x30,
  set: 0x31,
} as const;

/** The context-specific constructed tag [n] (0xa0 + n), as X.509 uses for optional fields. */
export function explicitTag(n: number): number {
  return 0xa0 + n;
}

/** The TLV at `offset`, which must end by `limit`. */
export function readTlv(bytes: Uint8Array, offset = 0, limit = bytes.length): Tlv {
  const tag = bytes[offset];
  const first = bytes[offset + 1];
  if (tag === undefined || first === undefined || offset + 2 > limit) throw new DerError('truncated DER');
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not supported');
  let start = offset + 2;
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0) throw new DerError('indefinite length is not DER');
    if (count > 4) throw new DerError('DER length too large');
    length = 0;
    for (let i = 0; i < count; i++) {
      const byte = bytes[start + i];
      if (byte === undefined) throw new DerError('truncated DER');
      length = length * 256 + byte;
    }
    start += count;
  }
  const end = start + length;
  if (end > limit) throw new DerError('DER value runs past its end');
  return { tag, start, end, bytes };
}

/** The TLVs inside a constructed one (a SEQUENCE, a SET, an explicit [n]). */
export function childrenOf(parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.start; offset < parent.end;) {
    const child = readTlv(parent.bytes, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

function contentOf(tlv: Tlv): Uint8Array {
  return tlv.bytes.subarray(tlv.start, tlv.end);
}

/** The TLV encoded inside an OCTET STRING (as an X.509 extension's value is). */
export function innerOf(tlv: Tlv): Tlv {
  return readTlv(tlv.bytes, tlv.start, tlv.end);
}

function expect(tlv: Tlv, tag: number, what: string): Uint8Array {
  if (tlv.tag !== tag) throw new DerError(`expected ${what}`);
  return contentOf(tlv);
}

/** An OBJECT IDENTIFIER in dotted form, e.g. 2.5.4.3. */
export function readOid(tlv: Tlv): string {
  const bytes = expect(tlv, Tag.oid, 'an OBJECT IDENTIFIER');
  if (bytes.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  if ((bytes[bytes.length - 1] ?? 0) & 0x80) throw new DerError('truncated OBJECT IDENTIFIER');
  const [first = 0, ...rest] = arcs;
  const top = first < 80 ? Math.floor(first / 40) : 2;
  return [top, first - top * 40, ...rest].join('.');
}

/** The character strings of names: UTF-8 and its ASCII subsets, Latin-1 (Teletex), UCS-2, UCS-4. */
export function readString(tlv: Tlv): string {
  const bytes = contentOf(tlv);
  switch (tlv.tag) {
    case Tag.utf8String:
    case Tag.printableString:
    case Tag.ia5String:
    case 0x12: // NumericString
    case 0x1a: // VisibleString
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    case Tag.teletexString:
      return String.fromCharCode(...bytes);
    case Tag.bmpString: {
      let out = '';
      for (let i = 0; i + 1 < bytes.length; i += 2)
        out += String.fromCharCode(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
      return out;
    }
    case Tag.universalString: {
      let out = '';
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i + 3 < bytes.length; i += 4) out += String.fromCodePoint(view.getUint32(i));
      return out;
    }
    default:
      throw new DerError(`not a character string (tag 0x${tlv.tag.toString(16)})`);
  }
}

/** UTCTime (RFC 5280: YY below 50 is 20YY) or GeneralizedTime, both in UTC ("Z"). */
export function readTime(tlv: Tlv): Date {
  const text = new TextDecoder().decode(contentOf(tlv));
  const pattern =
    tlv.tag === Tag.utcTime
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/
      : tlv.tag === Tag.generalizedTime
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/
        : null;
  const match = pattern?.exec(text);
  if (match == null) throw new DerError(`unreadable time "${text}"`);
  const [, y = '0', month = '1', day = '1', hour = '0', minute = '0', second = '0'] = match;
  const year = tlv.tag === Tag.utcTime ? (Number(y) < 50 ? 2000 : 1900) + Number(y) : Number(y);
  return new Date(
    Date.UTC(year, Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)),
  );
}

export function readBoolean(tlv: Tlv): boolean {
  const bytes = expect(tlv, Tag.boolean, 'a BOOLEAN');
  if (bytes.length !== 1) throw new DerError('a BOOLEAN has one byte');
  return bytes[0] !== 0;
}

/** An INTEGER as colon-separated hex bytes, the way certificate serial numbers are shown. */
export function readIntegerHex(tlv: Tlv): string {
  const bytes = expect(tlv, Tag.integer, 'an INTEGER');
  if (bytes.length === 0) throw new DerError('empty INTEGER');
  // The leading zero that only keeps a positive number positive is not part of the number.
  const digits = bytes.length > 1 && bytes[0] === 0 ? bytes.subarray(1) : bytes;
  return [...digits].map((byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(':');
}
