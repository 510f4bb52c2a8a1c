// The client's session against the real gateway (the built `kordon-gateway start`, one process, on
// loopback): what the scripted gateways of session.test.ts show, where the real one can show it.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../src/config/index.js';
import { createDeviceSession, createSession } from '../src/runner.js';
import type { SessionState } from '../src/session/engine.js';
import { clientCertificate, deviceFile } from './device-vpn/support.js';
import { certificateFolder, type CertificateFolder } from './discovery/servers.js';

const gatewayBin = fileURLToPath(new URL('../../gateway/bin/kordon-gateway.js', import.meta.url));

let dir: string;
let gateway: ChildProcessWithoutNullStreams;
let port: number;
let fingerprint: string;
let certs: CertificateFolder;
let deviceCertFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kordon-real-gateway-'));
  const data = join(dir, 'gateway');
  const added = spawnSync(
    process.execPath,
    [gatewayBin, 'user', 'add', 'alice', '--password-stdin', '--data-dir', data],
    {
      input: 'alice-password\n',
      encoding: 'utf8',
    },
  );
  if (added.status !== 0) throw new Error(`user add failed: ${added.stderr}`);
  // Device VPN (DECISIONS 77): the device CA is trusted, and a device holds a certificate it issued.
  certs = certificateFolder();
  const ca = certs.authority('Device CA');
  const device = clientCertificate(certs, 'ws-042', 'DNS:ws-042.corp.test', ca);
  deviceCertFile = deviceFile(join(dir, 'device.pem'), [device.cert, device.key]);
  const trusted = spawnSync(
    process.execPath,
    [gatewayBin, 'settings', 'set', 'device_vpn=true', `trusted_ca_cert=@${ca.certFile}`, '--data-dir', data],
    { encoding: 'utf8' },
  );
  if (trusted.status !== 0) throw new Error(`settings set failed: ${trusted.stderr}`);
  gateway = spawn(process.execPath, [
    gatewayBin,
    'start',
    '--data-dir',
    data,
    '--listen',
    '127.0.0.1:0',
    '--admin-listen',
    '127.0.0.1:0',
    '--workers',
    '1',
    '--authorize-timeout',
    '1',
  ]);
  port = await new Promise<number>((resolve, reject) => {
    let out = '';
    gateway.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (!line.includes('gateway started')) continue;
        resolve((JSON.parse(line) as { client: { port: number } }).client.port);
      }
    });
    gateway.on('exit', (code) => reject(new Error(`the gateway exited (${String(code)}):\n${out}`)));
  });
  fingerprint = new X509Certificate(readFileSync(join(data, 'tls', 'cert.pem'))).fingerprint256;
});

afterAll(async () => {
  const exited = new Promise((r) => gateway.on('exit', r));
  gateway.kill('SIGTERM');
  await exited;
  certs.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function profile(): Profile {
  return {
    id: 'real-gateway',
    name: 'real',
    source: 'user',
    data: { type: 'password', server: `127.0.0.1:${port}`, login: 'alice', server_sha256: fingerprint },
    profile_options: { autoselect: false, autoconnect: false, read_only: false },
  };
}

describe('the client against the real gateway', () => {
  it('reconnects at once after 4008 (too slow to log in) and logs in with the password it was given', async () => {
    const states: SessionState[] = [];
    const logs: string[] = [];
    let asked = 0;
    const session = createSession({
      profile: profile(),
      userDir: join(dir, 'user'),
      stateDir: join(dir, 'state'),
      interfaceName: 'kt-real0',
      domain: '',
      // The user types for longer than the gateway's --authorize-timeout of 1 s.
      password: () => {
        asked++;
        return new Promise((r) => setTimeout(() => r('alice-password'), 1600));
      },
      onState: (s) => states.push(s),
      log: (level, message) => logs.push(`${level}: ${message}`),
    });
    void session.run();
    for (let i = 0; i < 200 && !states.some((s) => s.state === 'connected'); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(states.find((s) => s.state === 'connected')).toMatchObject({ user: 'alice', vpn: false });
    expect(asked).toBe(1);
    expect(logs).toContain('info: the gateway closed the connection: no login within its time; reconnecting');
    expect(states.some((s) => s.state === 'waiting')).toBe(false);
    await session.stop();
  });

  it('logs a device in with its certificate over mutual TLS (DECISIONS 77)', async () => {
    const states: SessionState[] = [];
    const session = createDeviceSession({
      config: {
        enabled: true,
        host: `127.0.0.1:${port}`,
        cert_path: deviceCertFile,
        server_sha256: fingerprint,
        ca_file: null,
      },
      stateDir: join(dir, 'device-state'),
      interfaceName: 'kt-real1',
      domain: '',
      onState: (s) => states.push(s),
      log: () => undefined,
    });
    void session.run();
    for (let i = 0; i < 200 && !states.some((s) => s.state === 'connected'); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(states.find((s) => s.state === 'connected')).toMatchObject({
      user: 'ws-042.corp.test',
      vpn: false,
    });
    await session.stop();
  });
});
