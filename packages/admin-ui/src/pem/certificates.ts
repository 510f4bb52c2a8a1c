// What an administrator checks before saving trusted_ca_cert: each certificate's subject, issuer and
// validity, read from the PEM's DER in the browser (a small reader of the few X.509 fields shown; the
// gateway validates the certificates themselves when they are saved).

export interface CertificateSummary {
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
}

interface Node {
  tag: number;
  start: number;
  end: number;
  bytes: Uint8Array;
}

function read(bytes: Uint8Array, offset: number): Node {
  const tag = bytes[offset];
  let length = bytes[offset + 1];
  if (tag === undefined || length === undefined) throw new Error('truncated DER');
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  if (end > bytes.length) throw new Error('truncated DER');
  return { tag, start, end, bytes };
}

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (let offset = node.start; offset < node.end;) {
    const child = read(node.bytes, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

function oid(node: Node): string {
  const bytes = node.bytes.subarray(node.start, node.end);
  const first = bytes[0] ?? 0;
  const parts = [Math.floor(first / 40), first % 40];
  let value = 0;
  for (const byte of bytes.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

const attributeNames: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

function text(node: Node): string {
  const bytes = node.bytes.subarray(node.start, node.end);
  // BMPString is UTF-16BE; the rest are UTF-8 or ASCII subsets.
  if (node.tag === 0x1e) {
    let out = '';
    for (let i = 0; i + 1 < bytes.length; i += 2)
      out += String.fromCharCode(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
    return out;
  }
  return new TextDecoder().decode(bytes);
}

function name(node: Node): string {
  return children(node)
    .flatMap((set) => children(set))
    .map((pair) => {
      const [type, value] = children(pair);
      if (type === undefined || value === undefined) return '';
      const id = oid(type);
      return `${attributeNames[id] ?? id}=${text(value)}`;
    })
    .join(', ');
}

function time(node: Node): Date {
  const value = text(node);
  const match =
    node.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(value)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(value);
  if (match === null) throw new Error(`unreadable time ${value}`);
  const [, y = '0', mo = '1', d = '1', h = '0', mi = '0', s = '0'] = match;
  // RFC 5280: a two-digit year below 50 is 20xx.
  const year = node.tag === 0x17 ? (Number(y) < 50 ? 2000 : 1900) + Number(y) : Number(y);
  return new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}

function summarize(der: Uint8Array): CertificateSummary {
  const certificate = read(der, 0);
  const [tbs] = children(certificate);
  if (tbs === undefined) throw new Error('not a certificate');
  const fields = children(tbs);
  // The version is an explicit [0] field, present in every v3 certificate.
  const rest = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  const [, , issuer, validity, subject] = rest;
  if (issuer === undefined || validity === undefined || subject === undefined)
    throw new Error('not a certificate');
  const [notBefore, notAfter] = children(validity);
  if (notBefore === undefined || notAfter === undefined) throw new Error('not a certificate');
  return {
    subject: name(subject),
    issuer: name(issuer),
    notBefore: time(notBefore),
    notAfter: time(notAfter),
  };
}

function base64(text: string): Uint8Array {
  const binary = atob(text.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Every certificate in PEM text, or an error per block that cannot be read. */
export function readCertificates(pem: string): CertificateSummary[] {
  const blocks = pem.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g);
  return [...blocks].map((block) => summarize(base64(block[1] ?? '')));
}
