// The PEM reader against certificates openssl makes here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCertificates } from '../src/pem/certificates.js';

const dir = mkdtempSync(join(tmpdir(), 'kordon-pem-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function makeCa(name: string, subject: string, days: number, extra: string[] = []): string {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  const run = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      String(days),
      '-utf8',
      '-subj',
      subject,
      ...extra,
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(run.stderr);
  return readFileSync(cert, 'utf8');
}

function openssl(pemFile: string, field: string): string {
  return spawnSync('openssl', ['x509', '-noout', `-${field}`, '-in', pemFile], {
    encoding: 'utf8',
  }).stdout.trim();
}

describe('readCertificates', () => {
  it('reads the subject, issuer and validity that openssl wrote, for each certificate', () => {
    const root = makeCa('root', '/C=RU/O=Corp/CN=Corp Devices Root', 3650);
    const second = makeCa('second', '/DC=example/DC=corp/CN=Корп УЦ', 30);
    const found = readCertificates(`${root}\n${second}`);
    expect(found).toHaveLength(2);
    expect(found[0]?.subject).toBe('C=RU, O=Corp, CN=Corp Devices Root');
    expect(found[0]?.issuer).toBe('C=RU, O=Corp, CN=Corp Devices Root');
    expect(found[1]?.subject).toBe('DC=example, DC=corp, CN=Корп УЦ');
    const notAfter = new Date(openssl(join(dir, 'root.pem'), 'enddate').replace('notAfter=', ''));
    const notBefore = new Date(openssl(join(dir, 'root.pem'), 'startdate').replace('notBefore=', ''));
    expect(found[0]?.notAfter.toISOString()).toBe(notAfter.toISOString());
    expect(found[0]?.notBefore.toISOString()).toBe(notBefore.toISOString());
  });

  it('finds nothing in text without a certificate, and throws on a damaged one', () => {
    expect(readCertificates('hello')).toStrictEqual([]);
    expect(() => readCertificates('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----')).toThrow();
  });
});
