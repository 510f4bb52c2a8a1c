// `kordon --set-devicevpn-*` and `--print-devicevpn-config` (the built CLI, as root and as a user):
// what is stored, and each refusal of the certificate file in words (PROTOCOL.md "Device VPN").
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFolder, type CertificateFolder, type TestCertificate } from '../discovery/servers.js';
import { clientCertificate, deviceFile, deviceName, kordon } from './support.js';

let certs: CertificateFolder;
let ca: TestCertificate;
let device: TestCertificate;
let other: TestCertificate;
let dir: string;
let configPath: string;
let good: string;
const user = 65534;

beforeAll(() => {
  certs = certificateFolder();
  ca = certs.authority('device-ca');
  device = clientCertificate(certs, 'device', `DNS:${deviceName}`, ca);
  other = clientCertificate(certs, 'other', 'DNS:ws-043.corp.test', ca);
  dir = mkdtempSync(join(tmpdir(), 'kordon-devicevpn-config-'));
  // A user may read the configuration (0644) where it lies.
  chmodSync(dir, 0o755);
  configPath = join(dir, 'etc', 'devicevpn.json');
  good = deviceFile(join(dir, 'device.pem'), [device.cert, ca.cert, device.key]);
});

afterAll(() => {
  certs.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const withPath = (args: string[]): string[] => [...args, '--devicevpn-config-path', configPath];
const printed = async (): Promise<unknown> =>
  JSON.parse((await kordon(withPath(['--print-devicevpn-config']))).stdout) as unknown;

describe('kordon --set-devicevpn-* (root)', () => {
  it('prints null before anything is set', async () => {
    const r = await kordon(withPath(['--print-devicevpn-config']));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('null');
  });

  it('stores the certificate file, the gateway and the pin together, and turns it on', async () => {
    const pin = '00'.repeat(32);
    const r = await kordon(
      withPath([
        '--set-devicevpn-cert-path',
        good,
        '--set-devicevpn-host',
        'gw.corp.test:14765',
        '--set-devicevpn-server-sha256',
        pin,
        '--set-enable-devicevpn',
        'true',
      ]),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `Device VPN is on: the device connects as ${deviceName} to gw.corp.test:14765`,
    );
    expect(await printed()).toEqual({
      enabled: true,
      host: 'gw.corp.test:14765',
      cert_path: good,
      server_sha256: pin,
      ca_file: null,
    });
    // 0644: it names files and holds no secret; every process may read it.
    expect(statSync(configPath).mode & 0o777).toBe(0o644);
  });

  it('turns it off and on again, keeping the rest; a CA file replaces the pin only when the pin is cleared', async () => {
    expect((await kordon(withPath(['--set-enable-devicevpn', 'false']))).code).toBe(0);
    expect(await printed()).toMatchObject({ enabled: false, host: 'gw.corp.test:14765', cert_path: good });
    const both = await kordon(withPath(['--set-devicevpn-ca-file', ca.certFile]));
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('a pin and a CA file cannot both be set');
    const swapped = await kordon(
      withPath(['--set-devicevpn-ca-file', ca.certFile, '--set-devicevpn-server-sha256', '']),
    );
    expect(swapped.code, swapped.stderr).toBe(0);
    expect(await printed()).toMatchObject({ server_sha256: null, ca_file: ca.certFile });
    expect((await kordon(withPath(['--set-enable-devicevpn', 'true']))).code).toBe(0);
  });

  it('refuses a gateway that is not an address', async () => {
    const r = await kordon(withPath(['--set-devicevpn-host', 'gw corp']));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the gateway (--set-devicevpn-host) must be a host name');
  });

  const cases: [string, () => string, RegExp][] = [
    [
      'readable by its group',
      () => deviceFile(join(dir, 'group.pem'), [device.cert, device.key], 0o640),
      /is readable by its group \(mode 0640\): it holds the device's private key; chmod 600 it/,
    ],
    [
      'readable by others',
      () => deviceFile(join(dir, 'others.pem'), [device.cert, device.key], 0o644),
      /is readable by others \(mode 0644\): it holds the device's private key; chmod 600 it/,
    ],
    [
      'not root-owned',
      () => {
        const file = deviceFile(join(dir, 'nobody.pem'), [device.cert, device.key]);
        chownSync(file, user, user);
        return file;
      },
      /belongs to uid 65534, not root: it holds the device's private key, so it must be root's/,
    ],
    [
      'without a private key',
      () => deviceFile(join(dir, 'nokey.pem'), [device.cert, ca.cert]),
      /holds no private key: the device's key must be in the same file as its certificate/,
    ],
    [
      'with two private keys',
      () => deviceFile(join(dir, 'twokeys.pem'), [device.cert, device.key, other.key]),
      /holds 2 private keys; it must hold exactly one, the device's/,
    ],
    [
      'whose key matches no certificate in it',
      () => deviceFile(join(dir, 'mismatch.pem'), [device.cert, ca.cert, other.key]),
      /holds no certificate that matches its private key/,
    ],
    [
      'without a certificate',
      () => deviceFile(join(dir, 'nocert.pem'), [device.key]),
      /holds no certificate$/m,
    ],
    [
      'whose certificate has no SAN DNS name',
      () => {
        const bare = clientCertificate(certs, 'bare', 'IP:10.0.0.42', ca);
        return deviceFile(join(dir, 'nosan.pem'), [bare.cert, bare.key]);
      },
      /holds a device certificate without a SAN DNS name, which is the device's identity on the gateway/,
    ],
    ['that does not exist', () => join(dir, 'missing.pem'), /does not exist/],
    ['given as a relative path', () => 'device.pem', /must be an absolute path/],
  ];

  it.each(cases)('refuses a certificate file %s, says why, and changes nothing', async (_what, make, why) => {
    const before = readFileSync(configPath, 'utf8');
    const file = make();
    const r = await kordon(withPath(['--set-devicevpn-cert-path', file]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
    expect(r.stderr).toContain('the Device VPN configuration was not changed');
    // The key is a secret: never in a message.
    for (const key of [device.key, other.key]) {
      const body = key.split('\n')[1] ?? '';
      expect(r.stderr + r.stdout).not.toContain(body);
    }
    expect(readFileSync(configPath, 'utf8')).toBe(before);
  });

  it('refuses to turn on a file that has gone bad since it was set', async () => {
    const file = deviceFile(join(dir, 'later.pem'), [device.cert, device.key]);
    expect(
      (await kordon(withPath(['--set-devicevpn-cert-path', file, '--set-enable-devicevpn', 'false']))).code,
    ).toBe(0);
    deviceFile(file, [device.cert, device.key], 0o644);
    const r = await kordon(withPath(['--set-enable-devicevpn', 'true']));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is readable by others \(mode 0644\)/);
    expect(await printed()).toMatchObject({ enabled: false, cert_path: file });
  });

  it('lets a user print the configuration but not change it', async () => {
    const r = await kordon(withPath(['--set-enable-devicevpn', 'false']), { uid: user });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('only root may change the Device VPN configuration');
    const p = await kordon(withPath(['--print-devicevpn-config']), { uid: user });
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout)).toMatchObject({ host: 'gw.corp.test:14765' });
  });
});
