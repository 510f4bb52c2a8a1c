// The real `kordon` (daemon and CLI) against the real gateway, in network namespaces: a LAN client and
// a WAN client connect with password profiles and reach the internet host only while connected.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateArgs, runCommand } from '@kordon/drivers';
import { Agent, node24 } from './support/agent-client.js';
import {
  cli,
  clientBin,
  createNetwork,
  exited,
  makeDataDir,
  pings,
  startGateway,
  type GatewayProcess,
  type Network,
} from './support/hosts.js';
import {
  clientSuiteGatewayArgs,
  kordonIn,
  startKordonDaemon,
  type KordonHost,
  type KordonRun,
} from './support/kordon.js';

const internet = '198.18.3.2';
let net: Network;
let data: ReturnType<typeof makeDataDir>;
let gateway: GatewayProcess;
let gatewayArgs: string[];
let inetAgent: Agent;
let lanAgent: Agent;
let wanAgent: Agent;
const daemons: ChildProcess[] = [];

type Host = KordonHost;
let lan: Host;
let wan: Host;

function kordon(host: Host, args: string[], stdin = ''): Promise<KordonRun> {
  return kordonIn(host, args, stdin);
}

function deviceVpnConfig(host: Host): string {
  return `${host.stateDir}-devicevpn.json`;
}

async function startDaemon(host: Host): Promise<void> {
  daemons.push(await startKordonDaemon(host, deviceVpnConfig(host)));
}

async function reaches(agent: Agent, host: Host): Promise<boolean> {
  const [ping, tcp] = await Promise.all([pings(host.ns, internet), agent.tcpProbe(internet, 8080, 1000)]);
  expect(ping).toBe(tcp);
  return tcp;
}

beforeAll(async () => {
  net = await createNetwork();
  data = makeDataDir();
  const d = ['--data-dir', data.dir];
  await cli(['user', 'add', 'alice', '--password-stdin', ...d], 'alice-password\n');
  await cli(['user', 'add', 'bob', '--password-stdin', ...d], 'bob-password\n');
  await cli(['vpn-rule', 'add', '--users', 'bob', '--allow', ...d]);
  gatewayArgs = clientSuiteGatewayArgs(net, data.dir);
  gateway = await startGateway(net.gw, gatewayArgs);
  [inetAgent, lanAgent, wanAgent] = (await Promise.all(
    [net.inet, net.lan, net.wan].map((ns) => Agent.start(ns.name)),
  )) as [Agent, Agent, Agent];
  await inetAgent.call('tcp-echo-server', { port: 8080 });
  // A WAN client has no way to the internet host but the tunnel.
  await net.wan.run('ip', ['route', 'del', '198.18.3.0/24']);
  const tmp = data.dir;
  lan = { ns: net.lan, socket: `${tmp}/lan.sock`, iface: `k${net.id}c0`, stateDir: `${tmp}/lan-client` };
  wan = { ns: net.wan, socket: `${tmp}/wan.sock`, iface: `k${net.id}c1`, stateDir: `${tmp}/wan-client` };
  await startDaemon(lan);
  await startDaemon(wan);
  // The gateway's self-signed certificate is trusted through the profile's CA file (DECISIONS 24).
  const ca = `${data.dir}/tls/cert.pem`;
  await kordon(
    lan,
    [
      'profile',
      'add',
      'office',
      '--server',
      '198.18.1.1',
      '--login',
      'CORP\\alice',
      '--ca-file',
      ca,
      '--save-password',
    ],
    'alice-password\n',
  );
  await kordon(wan, ['profile', 'add', 'home', '--server', '198.18.2.1', '--login', 'bob', '--ca-file', ca]);
});

afterAll(async () => {
  const maybe = <T>(v: T): T | undefined => v;
  for (const a of [inetAgent, lanAgent, wanAgent]) maybe(a)?.stop();
  for (const d of daemons) {
    d.kill('SIGTERM');
    await exited(d);
  }
  const gw = maybe(gateway);
  if (gw) {
    gw.child.kill('SIGTERM');
    await exited(gw.child);
  }
  const n = maybe(net);
  await n?.remove();
  if (n) await runCommand('pkill', ['-f', `k${n.id}`]).catch(() => undefined);
  maybe(data)?.remove();
});

describe('kordon against the gateway', () => {
  it('the LAN client reaches the internet only while connected, and status tells the truth', async () => {
    expect(await reaches(lanAgent, lan)).toBe(false);
    const connected = await kordon(lan, ['connect', 'office', '--json']);
    expect(JSON.parse(connected.stdout)).toMatchObject({
      state: 'connected',
      server: '198.18.1.1',
      mode: 'local',
      tunnel_address: null,
    });
    expect(await reaches(lanAgent, lan)).toBe(true);
    const status = JSON.parse((await kordon(lan, ['status', '--json'])).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({
      state: 'connected',
      profile: 'office',
      user: 'CORP\\alice',
      mode: 'local',
    });
    expect(Date.parse(String(status['since']))).toBeGreaterThan(Date.now() - 60_000);
    await kordon(lan, ['disconnect']);
    expect(await reaches(lanAgent, lan)).toBe(false);
    expect(JSON.parse((await kordon(lan, ['status', '--json'])).stdout)).toMatchObject({
      state: 'disconnected',
    });
  });

  it('the WAN client builds a tunnel, reaches the internet through it, and disconnect removes all it added', async () => {
    const routesBefore = (await wan.ns.run('ip', ['route'])).stdout;
    expect(await reaches(wanAgent, wan)).toBe(false);
    const connected = await kordon(wan, ['connect', 'home', '--password-stdin', '--json'], 'bob-password\n');
    expect(JSON.parse(connected.stdout)).toMatchObject({
      state: 'connected',
      mode: 'vpn',
      tunnel_address: '100.64.0.2/32',
    });
    expect((await wan.ns.run('ip', ['-br', 'addr', 'show', wan.iface])).stdout).toContain('100.64.0.2/32');
    const routes = (await wan.ns.run('ip', ['route'])).stdout;
    expect(routes).toContain(`0.0.0.0/1 dev ${wan.iface}`);
    expect(routes).toContain(`100.64.0.0/16 dev ${wan.iface}`);
    expect(await reaches(wanAgent, wan)).toBe(true);
    await kordon(wan, ['disconnect']);
    await expect(wan.ns.run('ip', ['link', 'show', wan.iface])).rejects.toThrow();
    expect((await wan.ns.run('ip', ['route'])).stdout).toBe(routesBefore);
    expect(await reaches(wanAgent, wan)).toBe(false);
  });

  it('a wrong password is reported in words, and nothing is left connected', async () => {
    const r = await kordon(wan, ['connect', 'home', '--password-stdin', '--json'], 'wrong\n');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'stopped', why: 'Wrong login or password.' });
    await expect(wan.ns.run('ip', ['link', 'show', wan.iface])).rejects.toThrow();
  });

  it('comes back by itself with resume after the gateway restarts (4006)', async () => {
    await kordon(lan, ['connect', 'office']);
    expect(await reaches(lanAgent, lan)).toBe(true);
    gateway.child.kill('SIGTERM');
    await exited(gateway.child);
    expect(await reaches(lanAgent, lan)).toBe(false);
    gateway = await startGateway(net.gw, gatewayArgs);
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 60; i++) {
      status = JSON.parse((await kordon(lan, ['status', '--json'])).stdout) as Record<string, unknown>;
      if (status['state'] === 'connected') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toMatchObject({ state: 'connected', mode: 'local' });
    expect(await reaches(lanAgent, lan)).toBe(true);
    const logs = (await kordon(lan, ['logs'])).stdout;
    expect(logs).toContain('the gateway is restarting; reconnecting');
    await kordon(lan, ['disconnect']);
  });

  it('Device VPN: the WAN machine connects by itself with its certificate, steps aside for a user, and comes back', async () => {
    const d = ['--data-dir', data.dir];
    // The device CA, trusted by the gateway; the device's certificate and key in one root-only file.
    const make = (name: string, extensions: string[], issuer?: { certFile: string; keyFile: string }) => {
      const files = { certFile: `${data.dir}/${name}.pem`, keyFile: `${data.dir}/${name}.key` };
      return runCommand('openssl', [
        ...certificateArgs({
          ...files,
          days: 2,
          subject: `/CN=${name}`,
          extensions,
          ...(issuer ? { issuer } : {}),
        }),
      ]).then(() => files);
    };
    const ca = await make('device-ca', [
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    const device = await make(
      'ws-042',
      [
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=clientAuth',
        'subjectAltName=DNS:ws-042.corp.test',
      ],
      ca,
    );
    const pem = `${data.dir}/ws-042-device.pem`;
    writeFileSync(pem, readFileSync(device.certFile, 'utf8') + readFileSync(device.keyFile, 'utf8'), {
      mode: 0o600,
    });
    await cli(['settings', 'set', 'device_vpn=true', `trusted_ca_cert=@${ca.certFile}`, ...d]);
    await cli(['vpn-rule', 'add', '--users', 'ws-042.corp.test', '--allow', ...d]);
    const configure = (enabled: boolean) =>
      runCommand(node24, [
        clientBin,
        '--set-devicevpn-cert-path',
        pem,
        '--set-devicevpn-host',
        '198.18.2.1',
        '--set-devicevpn-ca-file',
        `${data.dir}/tls/cert.pem`,
        '--set-enable-devicevpn',
        String(enabled),
        '--devicevpn-config-path',
        deviceVpnConfig(wan),
      ]);
    const deviceState = async (want: string): Promise<Record<string, unknown>> => {
      let device: Record<string, unknown> = {};
      for (let i = 0; i < 80; i++) {
        const status = JSON.parse((await kordon(wan, ['status', '--json'])).stdout) as {
          device?: Record<string, unknown>;
        };
        device = status.device ?? {};
        if (device['state'] === want) return device;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`the device did not get to ${want}: ${JSON.stringify(device)}`);
    };
    await configure(true);
    expect(await deviceState('connected')).toMatchObject({ user: 'ws-042.corp.test', mode: 'vpn' });
    expect(await reaches(wanAgent, wan)).toBe(true);
    // bob's own connection: the device steps aside, and comes back when bob disconnects.
    const connected = await kordon(wan, ['connect', 'home', '--password-stdin', '--json'], 'bob-password\n');
    expect(JSON.parse(connected.stdout)).toMatchObject({ state: 'connected', user: 'bob' });
    expect(await deviceState('stepped_aside')).toMatchObject({ state: 'stepped_aside' });
    await kordon(wan, ['disconnect']);
    await deviceState('connected');
    expect(await reaches(wanAgent, wan)).toBe(true);
    await configure(false);
    for (let i = 0; i < 40 && (await reaches(wanAgent, wan)); i++)
      await new Promise((r) => setTimeout(r, 250));
    expect(await reaches(wanAgent, wan)).toBe(false);
  });
});
