// Device VPN on the wire (DECISIONS 77): a device connects with its certificate over mutual TLS and
// sends `authorize_device`. The certificate matrix: certificates made by openssl in the test, and only
// the valid ones connect; every refusal is `reason: "certificate"` with words, and logged.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSecret, sha256Hex } from '../../src/auth/secrets.js';
import { TestClient } from '../support/client.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { httpsRequest } from '../support/https.js';
import { selfSigned, TestCa, type IssuedCertificate } from '../support/test-ca.js';
import { cli } from '../support/cli.js';

let dir: string;
let gw: TestGateway;
let token: string;
const certs: Record<string, { cert: string; key: string }> = {};
const day = 86_400_000;

/** The same certificate with one bit of its issuer's signature flipped. */
function forged(issued: IssuedCertificate): { cert: string; key: string } {
  const der = Buffer.from(new X509Certificate(issued.cert).raw);
  der[der.length - 3] = (der[der.length - 3] ?? 0) ^ 0x01;
  const body = (der.toString('base64').match(/.{1,64}/g) ?? []).join('\n');
  return { cert: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`, key: issued.key };
}

// Eleven certificates and two CRLs made by openssl: slow when other suites keep the machine busy.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kordon-device-vpn-'));
  const root = TestCa.root(dir, 'Device Root');
  const issuing = root.intermediate('Device Issuing');
  const other = TestCa.root(dir, 'Other CA');
  const now = Date.now();
  const leaf = (
    ca: TestCa,
    name: string,
    o: Parameters<TestCa['issue']>[1] = { dns: `${name}.corp.test` },
  ) => {
    const issued = ca.issue(name, o);
    return { issued, pair: { cert: issued.cert, key: issued.key } };
  };
  certs['valid'] = leaf(root, 'ws-001').pair;
  // The device sends its issuing CA along; only the root is trusted.
  const viaIntermediate = leaf(issuing, 'ws-002').issued;
  certs['via-intermediate'] = { cert: viaIntermediate.cert + issuing.cert, key: viaIntermediate.key };
  certs['expired'] = leaf(root, 'ws-003', {
    dns: 'ws-003.corp.test',
    notBefore: new Date(now - 3 * day),
    notAfter: new Date(now - day),
  }).pair;
  certs['not-yet-valid'] = leaf(root, 'ws-004', {
    dns: 'ws-004.corp.test',
    notBefore: new Date(now + day),
    notAfter: new Date(now + 2 * day),
  }).pair;
  certs['wrong-ca'] = leaf(other, 'ws-005').pair;
  const self = selfSigned(dir, 'ws-006', 'ws-006.corp.test');
  certs['self-signed'] = { cert: self.cert, key: self.key };
  const revoked = leaf(root, 'ws-007').issued;
  root.revoke(revoked);
  certs['revoked'] = { cert: revoked.cert, key: revoked.key };
  certs['server-only'] = leaf(root, 'ws-008', {
    dns: 'ws-008.corp.test',
    extendedKeyUsage: 'serverAuth',
  }).pair;
  certs['forged'] = forged(leaf(root, 'ws-009').issued);
  certs['no-dns-name'] = leaf(root, 'ws-010', { dns: null }).pair;
  // The CRLs of both CAs: a leaf of a CA without a CRL could not be checked (and would be refused).
  const crlFile = join(dir, 'crl.pem');
  writeFileSync(crlFile, root.crl() + issuing.crl());
  gw = await startTestGateway({ deviceCrlFile: crlFile });
  await gw.store.settings.put({
    ...(await gw.store.settings.get()),
    device_vpn: true,
    trusted_ca_cert: root.cert,
  });
  token = randomSecret();
  await gw.store.tokens.create({
    id: randomUUID(),
    name: 'test',
    role: 'admin',
    tokenHash: sha256Hex(token),
    createdAt: new Date(),
  });
}, 180_000);

afterAll(async () => {
  await gw.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function authorizeDevice(pair: { cert: string; key: string } | null): Promise<Record<string, unknown>> {
  const c = await TestClient.connect(gw.port, gw.ca, pair ?? {});
  await c.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
  const reply = await c.request({ type: 'authorize_device' });
  c.close();
  return reply;
}

describe('Device VPN certificates (DECISIONS 77)', () => {
  it.each([
    ['valid', 'ws-001.corp.test'],
    ['via-intermediate', 'ws-002.corp.test'],
  ])('a %s certificate logs the device in as its SAN DNS name, method device', async (kind, account) => {
    const c = await TestClient.connect(gw.port, gw.ca, certs[kind] ?? {});
    await c.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    expect(await c.request({ type: 'authorize_device' })).toMatchObject({ authorized: true });
    const listed = await httpsRequest(gw.adminPort, '/api/v1/sessions', gw.ca, {
      headers: { authorization: `Bearer ${token}` },
    });
    const items = (JSON.parse(listed.text) as { items: Record<string, unknown>[] }).items;
    expect(items.find((s) => s['account'] === account)).toMatchObject({ method: 'device' });
    c.close();
  });

  it.each([
    ['expired', /^The device certificate was refused: it has expired \(on .+\)\.$/],
    ['not-yet-valid', /^The device certificate was refused: it is not valid yet \(it is valid from .+\)\.$/],
    ['wrong-ca', /it was not issued by a CA this gateway trusts/],
    ['self-signed', /it is self-signed, not issued by a CA this gateway trusts/],
    ['revoked', /it was revoked \(the gateway's CRL lists it\)/],
    ['server-only', /it may not be used to log in a TLS client \(its key usage or extended key usage\)/],
    ['forged', /its signature does not verify: the certificate was altered or forged/],
    ['no-dns-name', /it names no device: it has no DNS name among its subject alternative names/],
  ])('refuses a certificate that is %s, with reason certificate and its words', async (kind, words) => {
    const reply = await authorizeDevice(certs[kind] ?? null);
    expect(reply).toMatchObject({ type: 'auth_state', authorized: false, reason: 'certificate' });
    expect(String(reply['message'])).toMatch(words);
    expect(gw.logs()).toContain('a device certificate was refused');
  });

  it('refuses a connection without a client certificate', async () => {
    const reply = await authorizeDevice(null);
    expect(reply).toMatchObject({ authorized: false, reason: 'certificate' });
    expect(String(reply['message'])).toContain('the connection carried no client certificate');
  });

  it('refuses every device while Device VPN is off', async () => {
    const settings = await gw.store.settings.get();
    await gw.store.settings.put({ ...settings, device_vpn: false });
    try {
      const reply = await authorizeDevice(certs['valid'] ?? null);
      expect(reply).toMatchObject({ authorized: false, reason: 'certificate' });
      expect(String(reply['message'])).toContain('Device VPN is turned off on this gateway');
    } finally {
      await gw.store.settings.put(settings);
    }
  });

  it('turning Device VPN off ends the device sessions within a second (DECISIONS 67, 77)', async () => {
    const c = await TestClient.connect(gw.port, gw.ca, certs['valid'] ?? {});
    await c.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    expect(await c.request({ type: 'authorize_device' })).toMatchObject({ authorized: true });
    const started = Date.now();
    expect((await cli(['settings', 'set', 'device_vpn=false', '--data-dir', gw.dir])).code).toBe(0);
    try {
      expect(await c.next(3000)).toMatchObject({ authorized: false, reason: 'certificate' });
      expect((await c.closed).code).toBe(4002);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      expect((await cli(['settings', 'set', 'device_vpn=true', '--data-dir', gw.dir])).code).toBe(0);
    }
  });

  it('still logs ordinary clients in on the same port, without a certificate', async () => {
    await gw.addUser('mia', 'mia-password');
    const c = await TestClient.connect(gw.port, gw.ca);
    expect(await c.login('mia', 'mia-password')).toMatchObject({ authorized: true });
    c.close();
  });

  it('a trusted_ca_cert that is not PEM is refused with words (garbage PEM)', async () => {
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    const r = await cli(['settings', 'set', `trusted_ca_cert=@${garbage}`, '--data-dir', join(dir, 'other')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/trusted_ca_cert/);
    expect(readFileSync(garbage, 'utf8')).toContain('not base64');
  });
});
