import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keytabProblem, parseKeytab } from './keytab.js';

/** A keytab entry in the 0x502 format, as ktutil writes one. */
function entry(components: string[], realm: string, kvno: number, enctype: number, keyLength = 32): Buffer {
  const counted = (s: string): Buffer => {
    const b = Buffer.from(s);
    const n = Buffer.alloc(2);
    n.writeUInt16BE(b.length);
    return Buffer.concat([n, b]);
  };
  const head = Buffer.alloc(2);
  head.writeUInt16BE(components.length);
  const fixed = Buffer.alloc(9);
  fixed.writeUInt32BE(1, 0); // KRB5_NT_PRINCIPAL
  fixed.writeUInt32BE(1_700_000_000, 4);
  fixed.writeUInt8(kvno & 0xff, 8);
  const key = Buffer.alloc(4 + keyLength);
  key.writeUInt16BE(enctype, 0);
  key.writeUInt16BE(keyLength, 2);
  const long = Buffer.alloc(4);
  long.writeUInt32BE(kvno);
  const body = Buffer.concat([head, counted(realm), ...components.map(counted), fixed, key, long]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

const keytab = (...entries: Buffer[]): Buffer => Buffer.concat([Buffer.from([5, 2]), ...entries]);

describe('parseKeytab', () => {
  it('lists principals, key versions and key types, skipping holes', () => {
    const hole = Buffer.alloc(4 + 12);
    hole.writeInt32BE(-12);
    const parsed = parseKeytab(
      keytab(
        entry(['HTTP', 'gw.corp.example'], 'CORP.EXAMPLE', 300, 18),
        hole,
        entry(['HTTP', 'gw.corp.example'], 'CORP.EXAMPLE', 300, 23, 16),
      ),
    );
    expect(parsed).toStrictEqual({
      ok: true,
      entries: [
        { principal: 'HTTP/gw.corp.example@CORP.EXAMPLE', kvno: 300, enctype: 18 },
        { principal: 'HTTP/gw.corp.example@CORP.EXAMPLE', kvno: 300, enctype: 23 },
      ],
    });
  });

  it.each([
    [Buffer.from('not a keytab'), 'not a keytab'],
    [Buffer.from([5, 1, 0, 0]), 'version 1'],
    [Buffer.from([5, 2]), 'no keys'],
    [keytab(entry(['HTTP', 'gw'], 'R', 1, 18)).subarray(0, 20), 'cut short'],
  ])('refuses %#: %s', (bytes, words) => {
    const parsed = parseKeytab(bytes);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(words);
  });

  it('never throws on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const withHeader = new Uint8Array([5, 2, ...bytes]);
        expect(() => parseKeytab(withHeader)).not.toThrow();
        expect(() => parseKeytab(bytes)).not.toThrow();
      }),
    );
  });
});

describe('keytabProblem', () => {
  const aes = { principal: 'HTTP/gw.corp.example@CORP.EXAMPLE', kvno: 2, enctype: 18 };
  it('accepts an AES key for HTTP/<auth_domain>, in any case', () => {
    expect(keytabProblem([aes], 'GW.corp.example', 'CORP.EXAMPLE')).toBeNull();
  });
  it('names the principal that is missing and the ones it holds', () => {
    expect(keytabProblem([aes], 'vpn.corp.example', 'CORP.EXAMPLE')).toBe(
      'the keytab has no key for HTTP/vpn.corp.example@CORP.EXAMPLE (it holds HTTP/gw.corp.example@CORP.EXAMPLE); export one for that principal',
    );
  });
  it('says how to get AES keys when it holds RC4 only', () => {
    expect(keytabProblem([{ ...aes, enctype: 23 }], 'gw.corp.example', 'CORP.EXAMPLE')).toContain(
      'msDS-SupportedEncryptionTypes to 24',
    );
  });
});
