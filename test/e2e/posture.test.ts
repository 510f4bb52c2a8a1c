// Device posture end to end (docs/posture.md): the real gateway and the real `kordon` daemon in network
// namespaces. A profile requires a process; without it the LAN client reaches only the remediation
// network; starting the process restores the internet within one period, stopping it takes it away
// again within one period; the sessions list and `kordon status` say why each time.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Netns, link, runCommand } from '@kordon/drivers';
import { Agent } from './support/agent-client.js';
import {
  cli,
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
const remediation = '198.18.4.2';
/** One period is a minute (the protocol's unit); a change is seen within it, plus the test's slack. */
const withinPeriodMs = 80_000;

let net: Network;
let rem: Netns;
let data: ReturnType<typeof makeDataDir>;
let gateway: GatewayProcess;
let gwAgent: Agent;
let lanAgent: Agent;
let inetAgent: Agent;
let daemon: ChildProcess;
let required: ChildProcess | undefined;
let token: string;
/** A process name of 14 characters, unique to this run: the kernel keeps 15. */
const processName = `kp${randomBytes(2).toString('hex')}osqueryd`;

let lan: KordonHost;
const kordon = (args: string[], stdin = ''): Promise<KordonRun> => kordonIn(lan, args, stdin);

interface SessionItem {
  account: string;
  posture: null | {
    profiles: string[];
    limited: boolean;
    message: string;
    checks: { why: string; passed: boolean }[];
  };
}

async function sessions(): Promise<SessionItem[]> {
  const reply = await gwAgent.https('https://127.0.0.1:8443/api/v1/sessions', data.ca(), {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(reply.status).toBe(200);
  return (JSON.parse(reply.body) as { items: SessionItem[] }).items;
}

async function status(): Promise<Record<string, unknown>> {
  return JSON.parse((await kordon(['status', '--json'])).stdout) as Record<string, unknown>;
}

async function eventually(what: string, ok: () => Promise<boolean>, ms = withinPeriodMs): Promise<number> {
  const started = Date.now();
  while (!(await ok())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return Date.now() - started;
}

const reachesInternet = (): Promise<boolean> => lanAgent.tcpProbe(internet, 8080, 1000);

function startRequired(): ChildProcess {
  // A copy of sleep under the name the profile asks for: /proc's comm is the file's name.
  const program = `${data.dir}/${processName}`;
  if (!existsSync(program)) copyFileSync('/bin/sleep', program);
  return spawn(program, ['3600'], { stdio: 'ignore' });
}

beforeAll(async () => {
  net = await createNetwork();
  // The remediation network: reachable by a device without profile (updates, the antivirus's server).
  rem = await Netns.create(`k${net.id}rem`);
  await link(net.gw, 'rem0', '198.18.4.1/24', rem, 'eth0', `${remediation}/24`);
  await rem.run('ip', ['route', 'add', '198.18.1.0/24', 'via', '198.18.4.1']);
  data = makeDataDir();
  const d = ['--data-dir', data.dir];
  await cli(['user', 'add', 'alice', '--password-stdin', ...d], 'alice-password\n');
  token = (await cli(['token', 'create', '--name', 'e2e', '--role', 'viewer', ...d])).trim();
  await cli(['posture', 'object', 'add', 'Tools', '--criterion', `processes contains ${processName}`, ...d]);
  await cli(['posture', 'profile', 'add', 'Compliant', '--expression', 'Tools', ...d]);
  await cli(['posture', 'settings', 'set', 'period=1', ...d]);
  await cli(['access-rule', 'add', '--profiles', 'Compliant', '--to', '0.0.0.0/0', ...d]);
  await cli(['access-rule', 'add', '--profiles', 'device without profile', '--to', '198.18.4.0/24', ...d]);
  gateway = await startGateway(net.gw, clientSuiteGatewayArgs(net, data.dir));
  [gwAgent, lanAgent] = (await Promise.all([net.gw, net.lan].map((ns) => Agent.start(ns.name)))) as [
    Agent,
    Agent,
  ];
  inetAgent = await Agent.start(net.inet.name);
  await inetAgent.call('tcp-echo-server', { port: 8080 });
  lan = {
    ns: net.lan,
    socket: `${data.dir}/lan.sock`,
    iface: `k${net.id}c0`,
    stateDir: `${data.dir}/lan-client`,
  };
  daemon = await startKordonDaemon(lan, `${data.dir}/lan-devicevpn.json`);
  const ca = `${data.dir}/tls/cert.pem`;
  await kordon(
    [
      'profile',
      'add',
      'office',
      '--server',
      '198.18.1.1',
      '--login',
      'alice',
      '--ca-file',
      ca,
      '--save-password',
    ],
    'alice-password\n',
  );
}, 120_000);

afterAll(async () => {
  const maybe = <T>(v: T): T | undefined => v;
  required?.kill('SIGKILL');
  for (const a of [gwAgent, lanAgent, inetAgent]) maybe(a)?.stop();
  const dm = maybe(daemon);
  if (dm) {
    dm.kill('SIGTERM');
    await exited(dm);
  }
  const gw = maybe(gateway);
  if (gw) {
    gw.child.kill('SIGTERM');
    await exited(gw.child);
  }
  await maybe(rem)?.remove();
  const n = maybe(net);
  await n?.remove();
  if (n) await runCommand('pkill', ['-f', `k${n.id}`]).catch(() => undefined);
  maybe(data)?.remove();
});

describe('device posture, end to end', { timeout: 300_000 }, () => {
  it('without the required process only the remediation network; with it the internet; without it again, not', async () => {
    const connected = await kordon(['connect', 'office', '--json']);
    expect(JSON.parse(connected.stdout)).toMatchObject({ state: 'connected', mode: 'local' });

    // No process: device without profile, limited to the remediation network, and told why.
    await eventually('the first evaluation', async () => (await status())['posture'] !== undefined, 20_000);
    const first = await status();
    expect(first).toMatchObject({ posture: { profiles: ['device without profile'], limited: true } });
    expect((first['posture'] as { message: string }).message).toContain(processName);
    expect(await pings(net.lan, remediation)).toBe(true);
    expect(await reachesInternet()).toBe(false);
    const [limited] = await sessions();
    expect(limited?.posture).toMatchObject({ profiles: ['device without profile'], limited: true });
    expect(limited?.posture?.checks.find((c) => !c.passed)?.why).toContain(processName);
    expect((await kordon(['status'])).stdout).toContain('posture: limited');

    // The process starts: within one period the client reports it and the internet opens.
    required = startRequired();
    const opened = await eventually('internet access after the process started', reachesInternet);
    console.log(`internet access ${opened} ms after the required process started`);
    // Compliant reaches everything, the remediation network included.
    expect(await pings(net.lan, remediation)).toBe(true);
    const [compliant] = await sessions();
    expect(compliant?.posture).toMatchObject({ profiles: ['Compliant'], limited: false });
    await eventually(
      'status to say so',
      async () => {
        const p = (await status())['posture'] as { limited?: boolean } | undefined;
        return p?.limited === false;
      },
      5000,
    );
    expect(await status()).toMatchObject({ posture: { profiles: ['Compliant'], limited: false } });

    // The process stops: within one period access is limited again.
    required.kill('SIGKILL');
    required = undefined;
    const closed = await eventually(
      'access limited after the process stopped',
      async () => !(await reachesInternet()),
    );
    console.log(`internet access gone ${closed} ms after the required process stopped`);
    expect(await pings(net.lan, remediation)).toBe(true);
    const [again] = await sessions();
    expect(again?.posture).toMatchObject({ profiles: ['device without profile'], limited: true });
    expect(again?.posture?.message).toContain(processName);
    await kordon(['disconnect']);
  });
});
