// What an administrator checks before saving trusted_ca_cert: each certificate's subject, issuer,
// validity and whether it is a CA, read from the PEM's DER in the browser (der.ts). The gateway
// validates the certificates themselves when they are saved; this is the preview.
import {
  DerError,
  Tag,
  childrenOf,
  explicitTag,
  innerOf,
  readBoolean,
  readIntegerHex,
  readOid,
  readString,
  readTime,
  readTlv,
  type Tlv,
} from './der';

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints cA; null when the certificate has no basicConstraints extension. */
  ca: boolean | null;
}

/** One PEM block of the text, in order: a certificate read, one that could not be, or another kind. */
export type PemBlock =
  | { kind: 'certificate'; certificate: CertificateSummary }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'other'; label: string };

const attributeNames: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

const basicConstraints = '2.5.29.19';

/** A Name as "C=RU, O=Corp, CN=Root" (in the certificate's order, as openssl prints it). */
function nameOf(name: Tlv): string {
  return childrenOf(name)
    .flatMap((rdn) => childrenOf(rdn))
    .map((pair) => {
      const [type, value] = childrenOf(pair);
      if (type === undefined || value === undefined) throw new DerError('unreadable name');
      const id = readOid(type);
      return `${attributeNames[id] ?? id}=${readString(value)}`;
    })
    .join(', ');
}

function caOf(extensions: Tlv | undefined): boolean | null {
  if (extensions === undefined) return null;
  const [list] = childrenOf(extensions);
  if (list === undefined) return null;
  for (const extension of childrenOf(list)) {
    const [id, ...rest] = childrenOf(extension);
    if (id === undefined || readOid(id) !== basicConstraints) continue;
    const value = rest.at(-1);
    if (value?.tag !== Tag.octetString) throw new DerError('unreadable basicConstraints');
    const [ca] = childrenOf(innerOf(value));
    return ca?.tag === Tag.boolean ? readBoolean(ca) : false;
  }
  return null;
}

/** The summary of one DER certificate. */
export function summarize(der: Uint8Array): CertificateSummary {
  const certificate = readTlv(der);
  if (certificate.tag !== Tag.sequence || certificate.end !== der.length)
    throw new DerError('not a certificate');
  const [tbs] = childrenOf(certificate);
  if (tbs?.tag !== Tag.sequence) throw new DerError('not a certificate');
  const fields = childrenOf(tbs);
  // The version is an explicit [0] field, present in every v3 certificate.
  const rest = fields[0]?.tag === explicitTag(0) ? fields.slice(1) : fields;
  const [serial, , issuer, validity, subject] = rest;
  if (serial === undefined || issuer === undefined || validity === undefined || subject === undefined)
    throw new DerError('not a certificate');
  const [notBefore, notAfter] = childrenOf(validity);
  if (notBefore === undefined || notAfter === undefined) throw new DerError('not a certificate');
  return {
    subject: nameOf(subject),
    issuer: nameOf(issuer),
    serialNumber: readIntegerHex(serial),
    notBefore: readTime(notBefore),
    notAfter: readTime(notAfter),
    ca: caOf(rest.find((field) => field.tag === explicitTag(3))),
  };
}

function base64(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw new DerError('not base64');
  const binary = atob(compact);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Every PEM block in the text, in order (text between blocks is ignored here). */
export function readPem(text: string): PemBlock[] {
  const blocks = text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \1-----/g);
  return [...blocks].map(([, label = '', body = '']): PemBlock => {
    if (label !== 'CERTIFICATE') return { kind: 'other', label };
    try {
      return { kind: 'certificate', certificate: summarize(base64(body)) };
    } catch (error) {
      return { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
    }
  });
}

/** Whether `at` lies in the certificate's validity. */
export function validAt(certificate: CertificateSummary, at: Date): boolean {
  return certificate.notBefore <= at && at <= certificate.notAfter;
}
