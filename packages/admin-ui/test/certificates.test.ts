// The console's PEM reader (src/pem/) against certificates openssl makes here, compared field by field
// with what openssl itself prints about them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPem, summarize, validAt, type CertificateSummary } from '../src/pem/certificates.js';
import { DerError, readOid, readTlv } from '../src/pem/der.js';

const dir = mkdtempSync(join(tmpdir(), 'kordon-pem-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function openssl(args: string[]): string {
  const run = spawnSync('openssl', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

const file = (name: string) => join(dir, name);

/** A self-signed CA: an EC key, CA:TRUE. */
function makeCa(name: string, subject: string, days: number): string {
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    file(`${name}.key`),
    '-out',
    file(`${name}.pem`),
    '-days',
    String(days),
    '-utf8',
    '-subj',
    subject,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  ]);
  return readFileSync(file(`${name}.pem`), 'utf8');
}

/** A certificate the CA signs for an RSA key (long DER lengths); with `extensions`, a v3 one. */
function makeSigned(name: string, ca: string, days: number, extensions: string | null): string {
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    file(`${name}.key`),
    '-out',
    file(`${name}.csr`),
    '-subj',
    `/CN=${name}.corp.example`,
  ]);
  const args = [
    'x509',
    '-req',
    '-in',
    file(`${name}.csr`),
    '-CA',
    file(`${ca}.pem`),
    '-CAkey',
    file(`${ca}.key`),
    '-out',
    file(`${name}.pem`),
    '-days',
    String(days),
  ];
  if (extensions !== null) {
    writeFileSync(file(`${name}.ext`), `${extensions}\n`);
    args.push('-extfile', file(`${name}.ext`));
  }
  openssl(args);
  return readFileSync(file(`${name}.pem`), 'utf8');
}

/** What openssl says about the certificate in `name`.pem. */
function opensslView(name: string) {
  const field = (option: string) =>
    openssl([
      'x509',
      '-noout',
      '-nameopt',
      'sep_comma_plus_space,utf8,-esc_msb',
      '-dateopt',
      'iso_8601',
      option,
      '-in',
      file(`${name}.pem`),
    ])
      .trim()
      .replace(/^[a-zA-Z]+=/, '');
  return {
    subject: field('-subject'),
    issuer: field('-issuer'),
    serial: field('-serial'),
    notBefore: new Date(field('-startdate')),
    notAfter: new Date(field('-enddate')),
  };
}

function certificates(text: string): CertificateSummary[] {
  return readPem(text).map((block) => {
    if (block.kind !== 'certificate') throw new Error(`not read: ${JSON.stringify(block)}`);
    return block.certificate;
  });
}

function expectAsOpenssl(found: CertificateSummary | undefined, name: string): void {
  const view = opensslView(name);
  expect(found?.subject).toBe(view.subject);
  expect(found?.issuer).toBe(view.issuer);
  expect(found?.serialNumber.replaceAll(':', '')).toBe(view.serial);
  expect(found?.notBefore.toISOString()).toBe(view.notBefore.toISOString());
  expect(found?.notAfter.toISOString()).toBe(view.notAfter.toISOString());
}

let root: string;
let second: string;
let leaf: string;
let v1: string;
beforeAll(() => {
  root = makeCa('root', '/C=RU/O=Corp/CN=Corp Devices Root', 3650);
  second = makeCa('second', '/DC=example/DC=corp/O=Корпорация/CN=Корп УЦ', 30);
  // 40,000 days ends after 2049: the end is a GeneralizedTime, the start a UTCTime.
  leaf = makeSigned('leaf', 'root', 40_000, 'basicConstraints=CA:FALSE');
  v1 = makeSigned('plain', 'second', 5, null);
});

describe('readPem', () => {
  it('reads subject, issuer, serial number and validity as openssl prints them, for each certificate', () => {
    const found = certificates(`${root}\n${second}`);
    expect(found).toHaveLength(2);
    expectAsOpenssl(found[0], 'root');
    expectAsOpenssl(found[1], 'second');
    expect(found[0]?.subject).toBe('C=RU, O=Corp, CN=Corp Devices Root');
    expect(found[1]?.subject).toBe('DC=example, DC=corp, O=Корпорация, CN=Корп УЦ');
  });

  it('tells a CA from a certificate that is not one, and a v1 certificate without extensions', () => {
    const [rootCa, leafCert, plain] = certificates(`${root}${leaf}${v1}`);
    expect(rootCa?.ca).toBe(true);
    expect(leafCert?.ca).toBe(false);
    expect(plain?.ca).toBeNull();
    expectAsOpenssl(leafCert, 'leaf');
    expectAsOpenssl(plain, 'plain');
    expect(leafCert?.notAfter.getUTCFullYear()).toBeGreaterThan(2100);
    expect(leafCert?.issuer).toBe(rootCa?.subject);
  });

  it('reads what openssl x509 -text writes around the PEM, and Windows line ends', () => {
    const text = openssl(['x509', '-in', file('root.pem'), '-text']);
    expect(text).toContain('Certificate:');
    expectAsOpenssl(certificates(text.replaceAll('\n', '\r\n'))[0], 'root');
  });

  it('names blocks that are not certificates, and a damaged certificate, without hiding the others', () => {
    const key = readFileSync(file('root.key'), 'utf8');
    const body = root.split('\n').slice(1, -2).join('\n');
    const damaged = `-----BEGIN CERTIFICATE-----\n${body.slice(0, 40)}\n-----END CERTIFICATE-----\n`;
    const blocks = readPem(`${key}${damaged}${second}`);
    expect(blocks.map((block) => block.kind)).toStrictEqual(['other', 'unreadable', 'certificate']);
    expect(blocks[0]).toStrictEqual({ kind: 'other', label: 'PRIVATE KEY' });
    expect(readPem('hello')).toStrictEqual([]);
    expect(readPem('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----')[0]?.kind).toBe(
      'unreadable',
    );
  });

  it('validAt follows the validity', () => {
    const [ca] = certificates(root);
    if (ca === undefined) throw new Error('no certificate');
    expect(validAt(ca, new Date())).toBe(true);
    expect(validAt(ca, new Date(ca.notAfter.getTime() + 1000))).toBe(false);
    expect(validAt(ca, new Date(ca.notBefore.getTime() - 1000))).toBe(false);
  });
});

describe('the DER reader', () => {
  it('reads the DER openssl writes, and refuses trailing or missing bytes', () => {
    openssl(['x509', '-in', file('leaf.pem'), '-outform', 'DER', '-out', file('leaf.der')]);
    const binary = new Uint8Array(readFileSync(file('leaf.der')));
    // An RSA-2048 certificate: lengths in two bytes.
    expect(binary.length).toBeGreaterThan(256);
    expect(summarize(binary).subject).toBe('CN=leaf.corp.example');
    expect(() => summarize(binary.subarray(0, binary.length - 1))).toThrow(DerError);
    const longer = new Uint8Array(binary.length + 1);
    longer.set(binary);
    expect(() => summarize(longer)).toThrow(DerError);
  });

  it('reads object identifiers, including large arcs, and refuses indefinite lengths', () => {
    // 1.2.840.113549.1.9.1 (emailAddress) and 2.999.3.
    expect(
      readOid(readTlv(Uint8Array.of(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01))),
    ).toBe('1.2.840.113549.1.9.1');
    expect(readOid(readTlv(Uint8Array.of(0x06, 0x03, 0x88, 0x37, 0x03)))).toBe('2.999.3');
    expect(() => readTlv(Uint8Array.of(0x30, 0x80, 0x00, 0x00))).toThrow(DerError);
    expect(() => readTlv(Uint8Array.of(0x30, 0x05, 0x00))).toThrow(DerError);
  });
});
