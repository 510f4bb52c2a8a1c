// The MIT keytab file format (version 0x502, what `samba-tool domain exportkeytab`, `ktpass` and
// `ktutil` write): read only to check an uploaded keytab and to show which principals it holds, so
// the administrator sees at once whether `HTTP/<auth_domain>` is there and with which key types. Pure.

/** One key of a keytab, without the key itself. */
export interface KeytabEntry {
  /** `HTTP/gw.corp.example@CORP.EXAMPLE`. */
  principal: string;
  kvno: number;
  /** The encryption type's number (RFC 3961): 17, 18 AES; 23 RC4. */
  enctype: number;
}

export type KeytabParse = { ok: true; entries: KeytabEntry[] } | { ok: false; problem: string };

/** Encryption types by number, as `klist -e` names them. */
const enctypeNames: Record<number, string> = {
  1: 'des-cbc-crc',
  3: 'des-cbc-md5',
  17: 'aes128-cts-hmac-sha1-96',
  18: 'aes256-cts-hmac-sha1-96',
  19: 'aes128-cts-hmac-sha256-128',
  20: 'aes256-cts-hmac-sha384-192',
  23: 'arcfour-hmac',
};

export function enctypeName(enctype: number): string {
  return enctypeNames[enctype] ?? `enctype ${enctype}`;
}

/** Whether a key type is one of the AES types (RC4 and DES are weak, and off by default in new Windows). */
export function isAesEnctype(enctype: number): boolean {
  return enctype >= 17 && enctype <= 20;
}

export function parseKeytab(bytes: Uint8Array): KeytabParse {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 2 || bytes[0] !== 0x05) {
    return { ok: false, problem: 'this is not a keytab file (it does not start with the keytab marker)' };
  }
  if (bytes[1] !== 0x02) {
    return { ok: false, problem: `keytab format version ${bytes[1] ?? 0} is not supported; export it again` };
  }
  const entries: KeytabEntry[] = [];
  let at = 2;
  while (at + 4 <= bytes.length) {
    const size = view.getInt32(at);
    at += 4;
    // A negative size is a hole left by a removed entry.
    if (size < 0) {
      at += -size;
      continue;
    }
    if (size === 0) break;
    if (at + size > bytes.length) return { ok: false, problem: 'the keytab file is cut short' };
    const entry = parseEntry(view, at, at + size);
    if (entry === undefined) return { ok: false, problem: 'the keytab file holds an entry it cannot read' };
    entries.push(entry);
    at += size;
  }
  if (entries.length === 0) return { ok: false, problem: 'the keytab holds no keys' };
  return { ok: true, entries };
}

function parseEntry(view: DataView, start: number, end: number): KeytabEntry | undefined {
  let at = start;
  const u16 = (): number | undefined => {
    if (at + 2 > end) return undefined;
    const v = view.getUint16(at);
    at += 2;
    return v;
  };
  const text = (): string | undefined => {
    const n = u16();
    if (n === undefined || at + n > end) return undefined;
    const s = new TextDecoder().decode(new Uint8Array(view.buffer, view.byteOffset + at, n));
    at += n;
    return s;
  };
  const components = u16();
  if (components === undefined || components === 0) return undefined;
  const realm = text();
  if (realm === undefined) return undefined;
  const names: string[] = [];
  for (let i = 0; i < components; i++) {
    const c = text();
    if (c === undefined) return undefined;
    names.push(c);
  }
  // name type (4), timestamp (4), 8-bit kvno (1), key type (2), key (2 + n), optional 32-bit kvno (4).
  if (at + 9 > end) return undefined;
  at += 8;
  let kvno = view.getUint8(at);
  at += 1;
  const enctype = u16();
  const keyLength = u16();
  if (enctype === undefined || keyLength === undefined || at + keyLength > end) return undefined;
  at += keyLength;
  if (at + 4 <= end) {
    const long = view.getUint32(at);
    if (long !== 0) kvno = long;
  }
  return { principal: `${names.join('/')}@${realm}`, kvno, enctype };
}

/**
 * What is wrong with a keytab for the service principal `HTTP/<host>@<realm>`, in words for the
 * administrator; null when it holds an AES key for it (DECISIONS 13).
 */
export function keytabProblem(entries: readonly KeytabEntry[], host: string, realm: string): string | null {
  const wanted = `HTTP/${host}@${realm}`.toLowerCase();
  const keys = entries.filter((e) => e.principal.toLowerCase() === wanted);
  if (keys.length === 0) {
    const held = [...new Set(entries.map((e) => e.principal))].join(', ');
    return `the keytab has no key for HTTP/${host}@${realm} (it holds ${held}); export one for that principal`;
  }
  if (!keys.some((e) => isAesEnctype(e.enctype))) {
    return `the keytab's keys for HTTP/${host}@${realm} are ${[...new Set(keys.map((e) => enctypeName(e.enctype)))].join(', ')} only; set msDS-SupportedEncryptionTypes to 24 (AES) on the account and export it again`;
  }
  return null;
}
