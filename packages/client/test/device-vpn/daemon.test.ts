// `kordon daemon` with Device VPN on, against a scripted mutual-TLS gateway (real TLS, real processes):
// the device connects by itself with its certificate and `authorize_device`, a refused certificate is
// retried with back-off, and a user's connection makes the device step aside until it ends
// (DECISIONS 64, 77).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFolder, type CertificateFolder, type TestCertificate } from '../discovery/servers.js';
import { deviceGateway, type DeviceGateway, type SeenConnection } from './gateway.js';
import { clientCertificate, deviceFile, deviceName, kordon, kordonBin } from './support.js';

const user = 65534;
let certs: CertificateFolder;
let gatewayCert: TestCertificate;
let gateway: DeviceGateway;
let dir: string;
let socket: string;
let configPath: string;
let daemon: ChildProcess;
let daemonOut = '';
let device: TestCertificate;
let goodFile: string;
let strangerFile: string;

interface StatusJson {
  state: string;
  user?: string;
  server?: string;
  why?: string;
  device?: { state: string; user?: string; server?: string; why?: string; retry_in_seconds?: number };
}

const config = (args: string[]) => kordon([...args, '--devicevpn-config-path', configPath]);
const status = async (uid?: number): Promise<StatusJson> => {
  const r = await kordon(['status', '--json', '--socket', socket], uid === undefined ? {} : { uid });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StatusJson;
};

async function eventually<T>(what: string, probe: () => Promise<T> | T, ok: (v: T) => boolean): Promise<T> {
  let last: T | undefined;
  for (const until = Date.now() + 15_000; Date.now() < until;) {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)}\n${daemonOut}`);
}

const deviceState = async (state: string): Promise<StatusJson> =>
  eventually(
    `the device is ${state}`,
    () => status(),
    (s) => s.device?.state === state,
  );

const types = (c: SeenConnection | undefined): string[] => c?.messages.map((m) => m.type) ?? [];

beforeAll(async () => {
  certs = certificateFolder();
  const ca = certs.authority('device-ca');
  gatewayCert = certs.make('gateway', ['IP:127.0.0.1']);
  device = clientCertificate(certs, 'device', `DNS:${deviceName}`, ca);
  // The same name, but from a CA the gateway does not trust.
  const stranger = clientCertificate(certs, 'stranger', `DNS:${deviceName}`);
  gateway = await deviceGateway({ certificate: gatewayCert, deviceCa: ca, expectedName: deviceName });
  dir = mkdtempSync(join(tmpdir(), 'kordon-devicevpn-daemon-'));
  chmodSync(dir, 0o755);
  goodFile = deviceFile(join(dir, 'device.pem'), [device.cert, ca.cert, device.key]);
  strangerFile = deviceFile(join(dir, 'stranger.pem'), [stranger.cert, stranger.key]);
  configPath = join(dir, 'devicevpn.json');
  const set = await config([
    '--set-devicevpn-cert-path',
    goodFile,
    '--set-devicevpn-host',
    `127.0.0.1:${gateway.port}`,
    '--set-devicevpn-server-sha256',
    gatewayCert.fingerprint,
    '--set-enable-devicevpn',
    'true',
  ]);
  if (set.code !== 0) throw new Error(set.stderr);
  socket = join(dir, 'daemon.sock');
  daemon = spawn(
    process.execPath,
    [
      kordonBin,
      'daemon',
      '--state-dir',
      join(dir, 'state'),
      '--socket',
      socket,
      '--interface',
      'kt-dv0',
      '--devicevpn-config-path',
      configPath,
      '--device-backoff-ms',
      '100',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  daemon.stdout?.on('data', (d: Buffer) => (daemonOut += d.toString()));
  daemon.stderr?.on('data', (d: Buffer) => (daemonOut += d.toString()));
  for (let i = 0; i < 200 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 25));
  if (!existsSync(socket)) throw new Error(`the daemon did not start: ${daemonOut}`);
});

afterAll(async () => {
  if (daemon.exitCode === null) {
    const exited = new Promise((r) => daemon.on('close', r));
    daemon.kill('SIGTERM');
    await exited;
  }
  await gateway.close();
  certs.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('kordon daemon with Device VPN on', () => {
  it('connects the device by itself, with its certificate and authorize_device', async () => {
    const s = await deviceState('connected');
    expect(s.state).toBe('disconnected');
    expect(s.device).toMatchObject({ state: 'connected', user: deviceName, server: '127.0.0.1' });
    const [first] = gateway.devices();
    // The certificate was shown in the TLS handshake of the probe and of the WebSocket.
    expect(gateway.probes[0]).toBe(`DNS:${deviceName}`);
    expect(first).toMatchObject({ san: `DNS:${deviceName}`, verified: true, closedAt: null });
    expect(types(first)).toEqual(['version', 'authorize_device']);
    expect(gateway.connections.some((c) => types(c).includes('authorize'))).toBe(false);
    // The device is the machine's: a user's status does not show it.
    expect((await status(user)).device).toBeUndefined();
    const words = await kordon(['status', '--socket', socket]);
    expect(words.stdout).toContain(`Device VPN: connected to 127.0.0.1 as ${deviceName} (local network)`);
  });

  it("steps aside for a user's connection (logged out first) and comes back when it ends", async () => {
    const add = [
      'profile',
      'add',
      'office',
      '--server',
      `127.0.0.1:${gateway.port}`,
      '--login',
      'alice',
      '--server-sha256',
      gatewayCert.fingerprint,
    ];
    expect((await kordon([...add, '--socket', socket], { uid: user })).code).toBe(0);
    const before = gateway.connections.length;
    const deviceConnection = gateway.devices().at(-1);
    const r = await kordon(['connect', 'office', '--password-stdin', '--json', '--socket', socket], {
      uid: user,
      stdin: 'pw\n',
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'connected', user: 'alice' });
    // The device logged out and its WebSocket closed before the user's connection opened.
    expect(types(deviceConnection).at(-1)).toBe('unauthorize');
    const userConnection = gateway.connections.slice(before).find((c) => types(c).includes('authorize'));
    expect(userConnection).toBeDefined();
    expect(deviceConnection?.closedAt).not.toBeNull();
    expect(deviceConnection?.closedAt ?? Infinity).toBeLessThanOrEqual(userConnection?.openedAt ?? 0);
    // An ordinary client shows no certificate; nothing of the device's goes with the user's login.
    expect(userConnection?.san).toBeNull();
    const aside = await status();
    expect(aside).toMatchObject({ state: 'connected', user: 'alice' });
    expect(aside.device).toMatchObject({ state: 'stepped_aside' });
    // Still aside while the user is connected: no new device connection.
    await new Promise((r) => setTimeout(r, 500));
    expect(gateway.devices().filter((c) => c.closedAt === null)).toEqual([]);

    const devicesBefore = gateway.devices().length;
    expect((await kordon(['disconnect', '--socket', socket], { uid: user })).code).toBe(0);
    await deviceState('connected');
    const back = gateway.devices().slice(devicesBefore);
    expect(back).toHaveLength(1);
    expect(types(back[0])).toEqual(['version', 'authorize_device']);
    expect(back[0]?.openedAt ?? 0).toBeGreaterThanOrEqual(userConnection?.closedAt ?? Infinity);
  });

  it('retries a refused certificate with back-off, logging each reason, until the certificate is fixed', async () => {
    const devicesBefore = gateway.devices().length;
    const current = gateway.devices().at(-1);
    expect((await config(['--set-devicevpn-cert-path', strangerFile])).code).toBe(0);
    // The change is seen (the file is watched; a request reads it at once); the old session logs out.
    const waiting = await deviceState('waiting');
    expect(types(current).at(-1)).toBe('unauthorize');
    expect(waiting.device?.why).toContain("the gateway refused this device's certificate");
    expect(waiting.device?.why).toContain('unknown CA');
    const refused = await eventually(
      'four refused attempts',
      () => gateway.devices().slice(devicesBefore),
      (list) => list.length >= 4,
    );
    for (const c of refused) expect(c).toMatchObject({ san: `DNS:${deviceName}`, verified: false });
    // 100 ms doubling, less up to 30 % jitter: at least 70, 140 and 280 ms between the attempts.
    const starts = refused.map((c) => c.openedAt);
    const gaps = starts.slice(1, 4).map((t, i) => t - (starts[i] ?? 0));
    expect(
      gaps.map((gap, i) => gap >= 70 * 2 ** i),
      JSON.stringify(gaps),
    ).toEqual([true, true, true]);
    const refusals = daemonOut
      .split('\n')
      .filter((l) =>
        l.includes("Device VPN: connection failed: the gateway refused this device's certificate"),
      );
    expect(refusals.length).toBeGreaterThanOrEqual(3);
    // The key never goes into the log.
    expect(daemonOut).not.toContain(device.key.split('\n')[1] ?? '');

    expect((await config(['--set-devicevpn-cert-path', goodFile])).code).toBe(0);
    const s = await deviceState('connected');
    expect(s.device?.user).toBe(deviceName);
  });

  it('logs the device out when Device VPN is turned off, and stays away', async () => {
    const current = gateway.devices().at(-1);
    expect((await config(['--set-enable-devicevpn', 'false'])).code).toBe(0);
    await eventually(
      'the device is gone from status',
      () => status(),
      (s) => s.device === undefined,
    );
    expect(types(current).at(-1)).toBe('unauthorize');
    await eventually(
      'the device connection closed',
      () => current?.closedAt ?? null,
      (t) => t !== null,
    );
    const count = gateway.devices().length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(gateway.devices()).toHaveLength(count);
  });
});
