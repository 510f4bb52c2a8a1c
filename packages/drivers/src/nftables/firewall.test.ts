// Real nftables in network namespaces (root). Hosts, all in 198.18.0.0/15:
//   client 198.18.10.2 --[enforced]-- router --- internet 198.18.20.2
//   other  198.18.30.2 --[not enforced]-/ \--[tunnel interface, created after install]-- vpn 100.64.0.2
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FirewallConfig } from '@kordon/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { link, Netns } from '../netns.js';
import { NftablesError, NftablesFirewall, tornSets } from './firewall.js';

const NODE = fileURLToPath(new URL('../../../../node_modules/.bin/node', import.meta.url));
const id = randomBytes(2).toString('hex');
const names = {
  client: `kdf-${id}-client`,
  router: `kdf-${id}-router`,
  internet: `kdf-${id}-inet`,
  other: `kdf-${id}-other`,
  vpn: `kdf-${id}-vpn`,
};
const ifs = {
  routerClient: `kdf${id}rc`,
  client: `kdf${id}c`,
  routerInternet: `kdf${id}ri`,
  internet: `kdf${id}i`,
  routerOther: `kdf${id}ro`,
  other: `kdf${id}o`,
  tunnel: `kdf${id}wg`, // does not exist when the table is installed
  vpn: `kdf${id}v`,
};
const CLIENT = '198.18.10.2';
const INTERNET = '198.18.20.2';
const ROUTER_INTERNET = '198.18.20.1';

/** On each address, port 7000 echoes and port 7001 answers with the address it sees and closes. */
function serverScript(addresses: readonly string[]): string {
  return `
const net = require('node:net');
const addresses = ${JSON.stringify(addresses)};
let ready = 0;
const up = () => { if (++ready === 2 * addresses.length) console.log('listening'); };
for (const address of addresses) {
  net.createServer((s) => { s.on('error', () => {}); s.pipe(s); }).listen(7000, address, up);
  net.createServer((s) => { s.on('error', () => {}); s.end(s.remoteAddress + '\\n'); }).listen(7001, address, up);
}
`;
}
/** Prints "reply <what port 7001 said>", "timeout" (1 s) or "error <code>"; `localAddress` picks the source. */
function whoamiScript(target: string, localAddress?: string): string {
  const options = JSON.stringify({ port: 7001, host: target, ...(localAddress ? { localAddress } : {}) });
  return `
const s = require('node:net').connect(${options});
let data = '';
const done = (text) => { console.log(text); process.exit(0); };
setTimeout(() => done('timeout'), 1000);
s.on('data', (d) => { data += d; });
s.on('end', () => done('reply ' + data.trim()));
s.on('error', (e) => done('error ' + e.code));
`;
}
/** Keeps one TCP connection open, sends a byte every 100 ms and prints a line per echoed byte. */
function echoFlowScript(target: string, localAddress?: string): string {
  const options = JSON.stringify({ port: 7000, host: target, ...(localAddress ? { localAddress } : {}) });
  return `
const s = require('node:net').connect(${options}, () => setInterval(() => s.write('x'), 100));
s.on('data', (d) => { for (let i = 0; i < d.length; i++) console.log('echo'); });
s.on('error', (e) => console.log('error ' + e.code));
`;
}
const UDP_RECEIVER = `
const d = require('node:dgram').createSocket('udp4');
d.on('message', (m, r) => { console.log('got ' + m + ' from ' + r.address); process.exit(0); });
d.bind(7002, '${CLIENT}', () => console.log('bound'));
setTimeout(() => { console.log('nothing'); process.exit(0); }, 3000);
`;
const UDP_SENDER = `
const d = require('node:dgram').createSocket('udp4');
let n = 0;
const send = () => d.send('hello', 7002, '${CLIENT}', () => { if (++n === 3) d.close(); else setTimeout(send, 100); });
send();
`;

interface Line {
  text: string;
  at: number;
}

/** A long-running node script in a namespace; its stdout lines are kept with their arrival time. */
class Background {
  readonly lines: Line[] = [];
  private readonly child: ChildProcess;

  constructor(ns: Netns, script: string) {
    this.child = spawn(ns.execPrefix()[0] ?? 'ip', [...ns.execPrefix().slice(1), NODE, '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let partial = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      const at = performance.now();
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts) this.lines.push({ text, at });
    });
  }

  count(text: string, after = 0): number {
    return this.lines.filter((line) => line.text === text && line.at > after).length;
  }

  async waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      if (performance.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; output: ${JSON.stringify(this.lines)}`);
      }
      await sleep(20);
    }
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** The pids of this process's `nft -i` children (the driver's session, session.ts). */
async function interactiveNftChildren(): Promise<number[]> {
  const children: number[] = [];
  for (const task of await readdir(`/proc/${process.pid}/task`)) {
    const listed = await readFile(`/proc/${process.pid}/task/${task}/children`, 'utf8').catch(() => '');
    children.push(
      ...listed
        .split(' ')
        .filter((pid) => pid !== '')
        .map(Number),
    );
  }
  const found: number[] = [];
  for (const pid of children) {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv.some((arg) => arg.endsWith('nft')) && argv.includes('-i')) found.push(pid);
  }
  return found;
}

/** Tunnel addresses 100.64.<n/256>.<n%256> for n from `from`. */
function tunnelAddresses(count: number, from = 2): string[] {
  return Array.from({ length: count }, (_, i) => `100.64.${(i + from) >> 8}.${(i + from) & 255}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function pings(from: Netns, address: string, source?: string): Promise<boolean> {
  try {
    const sourceArgs = source === undefined ? [] : ['-I', source];
    const { stdout } = await from.run('ping', ['-c', '1', '-W', '1', '-q', ...sourceArgs, address]);
    return stdout.includes('1 received');
  } catch {
    return false;
  }
}

async function whoami(from: Netns, target = INTERNET, localAddress?: string): Promise<string> {
  return (await from.run(NODE, ['-e', whoamiScript(target, localAddress)])).stdout.trim();
}

describe('NftablesFirewall on real nftables', { timeout: 20_000 }, () => {
  const created: Netns[] = [];
  const background: Background[] = [];
  let client: Netns;
  let router: Netns;
  let internet: Netns;
  let other: Netns;
  let firewall: NftablesFirewall;
  const config: FirewallConfig = {
    enforcedInterfaces: [ifs.routerClient],
    tunnelInterface: ifs.tunnel,
    tunnelNetwork: '100.64.0.0/16',
    authorized: [],
    exemptFrom: [],
    exemptTo: [],
    accessRules: [],
    profiles: {},
  };

  async function host(name: string): Promise<Netns> {
    const ns = await Netns.create(name);
    created.push(ns);
    return ns;
  }

  function start(ns: Netns, script: string): Background {
    const process = new Background(ns, script);
    background.push(process);
    return process;
  }

  /** Both sets as the kernel lists them, read independently of the driver. */
  async function kernelSets(): Promise<string[]> {
    const elements: string[] = [];
    for (const set of ['auth4', 'auth6']) {
      const { stdout } = await router.run('nft', ['-j', 'list', 'set', 'inet', 'kordon', set]);
      const parsed = JSON.parse(stdout) as { nftables: { set?: { elem?: string[] } }[] };
      elements.push(...parsed.nftables.flatMap((entry) => entry.set?.elem ?? []));
    }
    return elements.sort();
  }

  async function expectAuthorized(expected: string[]): Promise<void> {
    expect((await firewall.authorized()).sort()).toEqual([...expected].sort());
    expect(await kernelSets()).toEqual([...expected].sort());
  }

  beforeAll(async () => {
    [client, router, internet, other] = await Promise.all([
      host(names.client),
      host(names.router),
      host(names.internet),
      host(names.other),
    ]);
    await link(router, ifs.routerClient, '198.18.10.1/24', client, ifs.client, `${CLIENT}/24`);
    await link(router, ifs.routerInternet, `${ROUTER_INTERNET}/24`, internet, ifs.internet, `${INTERNET}/24`);
    await link(router, ifs.routerOther, '198.18.30.1/24', other, ifs.other, '198.18.30.2/24');
    await router.run('sysctl', ['-w', 'net.ipv4.ip_forward=1']);
    await client.run('ip', ['route', 'add', 'default', 'via', '198.18.10.1']);
    await other.run('ip', ['route', 'add', 'default', 'via', '198.18.30.1']);
    // Only the tunnel network is masqueraded, so the internet host routes the others back.
    await internet.run('ip', ['route', 'add', '198.18.10.0/24', 'via', ROUTER_INTERNET]);
    await internet.run('ip', ['route', 'add', '198.18.30.0/24', 'via', ROUTER_INTERNET]);
    const server = start(internet, serverScript([INTERNET]));
    await server.waitFor(() => server.count('listening') === 1, 5000, 'the server');
    firewall = new NftablesFirewall({ netns: router });
    await firewall.install(config);
  }, 60_000);

  afterAll(async () => {
    for (const process of background) process.kill();
    await Promise.all(created.map((ns) => ns.remove()));
  });

  it('forwards nothing for a client that is not authorized; the gateway itself stays reachable', async () => {
    await expectAuthorized([]);
    const [ping, tcp, router] = await Promise.all([
      pings(client, INTERNET),
      whoami(client),
      pings(client, '198.18.10.1'),
    ]);
    expect(ping).toBe(false);
    expect(tcp).toBe('timeout');
    expect(router).toBe(true); // input is not this table's business
  });

  it('forwards both ways once the client is authorized (no masquerade outside the tunnel network)', async () => {
    await firewall.allow([CLIENT]);
    await expectAuthorized([CLIENT]);
    expect(await pings(client, INTERNET)).toBe(true);
    expect(await whoami(client)).toBe(`reply ${CLIENT}`);
  });

  it('stops an established TCP flow within one second of revoke (DECISIONS 51)', async () => {
    const flow = start(client, echoFlowScript(INTERNET));
    await flow.waitFor(() => flow.count('echo') >= 5, 5000, 'five echoes');
    const revokedAt = performance.now();
    await firewall.revoke([CLIENT]);
    const revokeMs = performance.now() - revokedAt;
    await sleep(1500);
    const echoes = flow.lines.filter((line) => line.text === 'echo');
    const lastEcho = echoes.at(-1)?.at ?? 0;
    console.log(
      `revoke took ${revokeMs.toFixed(1)} ms; last echo ${(lastEcho - revokedAt).toFixed(1)} ms after revoke began`,
    );
    expect(lastEcho - revokedAt).toBeLessThan(1000);
    expect(flow.count('echo', revokedAt + 1000)).toBe(0);
    await expectAuthorized([]);
    flow.kill();
  });

  it('revokeAll empties both sets and keeps the table, so nothing forwards', async () => {
    await firewall.allow([CLIENT, '2001:db8::2', '::ffff:198.18.10.3', CLIENT]);
    await expectAuthorized([CLIENT, '198.18.10.3', '2001:db8::2']);
    await firewall.revokeAll();
    await expectAuthorized([]);
    const { stdout } = await router.run('nft', ['list', 'table', 'inet', 'kordon']);
    for (const part of ['chain forward {', 'chain enforce {', 'chain postrouting {', '\t\tdrop\n']) {
      expect(stdout).toContain(part);
    }
    expect(await whoami(client)).toBe('timeout');
  });

  it('leaves traffic that enters on interfaces that are not enforced alone (DECISIONS 37)', async () => {
    await expectAuthorized([]);
    // other -> internet and back: neither direction enters on an enforced interface.
    const [ping, tcp] = await Promise.all([pings(other, INTERNET), whoami(other)]);
    expect(ping).toBe(true);
    expect(tcp).toBe('reply 198.18.30.2');
    // internet -> client, original direction, entering on the internet side: delivered.
    const receiver = start(client, UDP_RECEIVER);
    await receiver.waitFor(() => receiver.count('bound') === 1, 5000, 'the UDP receiver');
    await internet.run(NODE, ['-e', UDP_SENDER]);
    await receiver.waitFor(() => receiver.lines.length === 2, 5000, 'a datagram');
    expect(receiver.lines[1]?.text).toBe(`got hello from ${INTERNET}`);
    // The client's answer enters on the enforced interface in the reply direction, toward an
    // address that is not authorized: dropped (DECISIONS 53), so a ping from outside gets no reply.
    expect(await pings(internet, CLIENT)).toBe(false);
  });

  it('enforces the tunnel interface once it appears, and masquerades the tunnel network', async () => {
    const vpn = await host(names.vpn);
    await link(router, ifs.tunnel, '100.64.0.1/16', vpn, ifs.vpn, '100.64.0.2/16');
    await vpn.run('ip', ['route', 'add', 'default', 'via', '100.64.0.1']);
    expect(await whoami(vpn)).toBe('timeout');
    await firewall.allow(['100.64.0.2']);
    // The internet host has no route to 100.64.0.0/16: the reply proves the masquerade.
    expect(await whoami(vpn)).toBe(`reply ${ROUTER_INTERNET}`);
    await firewall.revoke(['100.64.0.2']);
    expect(await whoami(vpn)).toBe('timeout');
  });

  it('install twice is atomic and idempotent; revoking absent addresses succeeds', async () => {
    const authorized = { ...config, authorized: [CLIENT, '2001:db8::7'] };
    await firewall.install(authorized);
    const first = (await router.run('nft', ['list', 'ruleset'])).stdout;
    // Readers outside the driver never see the table missing or its sets empty mid-install.
    const installs = { done: false };
    const seen: string[][] = [];
    const observer = (async () => {
      while (!installs.done) seen.push(await kernelSets());
    })();
    for (let i = 0; i < 10; i++) await firewall.install(authorized);
    installs.done = true;
    await observer;
    expect(seen.length).toBeGreaterThan(0);
    for (const snapshot of seen) expect(snapshot).toEqual([CLIENT, '2001:db8::7']);
    expect((await router.run('nft', ['list', 'ruleset'])).stdout).toBe(first);
    expect(await whoami(client)).toBe(`reply ${CLIENT}`);

    await firewall.revoke(['198.18.10.99', '2001:db8::99']);
    await firewall.revoke([]);
    await expectAuthorized([CLIENT, '2001:db8::7']);
    await firewall.revoke([CLIENT, '198.18.10.99']);
    await expectAuthorized(['2001:db8::7']);
  });

  it('applies small changes through one nft -i and large ones through nft -f -, with the same result', async () => {
    await firewall.install(config);
    const many = tunnelAddresses(2000); // over 16 KiB of script: nft -f -
    await firewall.allow(many);
    for (const address of tunnelAddresses(20, 3000)) await firewall.allow([address]);
    const sessions = await interactiveNftChildren();
    expect(sessions).toHaveLength(1);
    await expectAuthorized([...many, ...tunnelAddresses(20, 3000)]);
    // A table replaced under the session (new handles, a new generation) is seen by its next change.
    await firewall.install({ ...config, authorized: [CLIENT] });
    await firewall.allow(['100.64.200.1']);
    await firewall.revoke([CLIENT]);
    await expectAuthorized(['100.64.200.1']);
    await firewall.revoke(['100.64.200.1']);
    expect(await interactiveNftChildren()).toEqual(sessions);
    await expectAuthorized([]);
  });

  it('a change whose nft -i process dies is applied anyway, and a new process takes over', async () => {
    await firewall.allow([CLIENT]);
    const [session] = await interactiveNftChildren();
    expect(session).toBeDefined();
    process.kill(session ?? 0, 'SIGKILL');
    await sleep(100);
    await firewall.revoke([CLIENT]);
    await firewall.allow(['100.64.0.9']);
    await expectAuthorized(['100.64.0.9']);
    const replaced = await interactiveNftChildren();
    expect(replaced).toHaveLength(1);
    expect(replaced).not.toContain(session);
    await firewall.revoke(['100.64.0.9']);
  });

  it('an nft without the interactive mode applies every change with nft -f -', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kordon-nft-'));
    try {
      // As an nft built without a command-line editor says, for `-i` only.
      const wrapper = join(dir, 'nft');
      await writeFile(
        wrapper,
        '#!/bin/sh\nif [ "$1" = "-i" ]; then echo "nft: interactive CLI not supported in this build" >&2; exit 1; fi\nexec nft "$@"\n',
      );
      await chmod(wrapper, 0o755);
      const logged: string[] = [];
      const plain = new NftablesFirewall({ netns: router, nftCommand: wrapper, log: (m) => logged.push(m) });
      for (const address of [CLIENT, '100.64.0.7', '100.64.0.8']) await plain.allow([address]);
      await plain.revoke(['100.64.0.7']);
      await expectAuthorized([CLIENT, '100.64.0.8']);
      expect(logged.filter((m) => m.includes('nft -i is not usable'))).toHaveLength(1);
      await plain.revoke([CLIENT, '100.64.0.8']);
      await expectAuthorized([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('remove deletes the table (twice is fine); later changes fail with what nft said', async () => {
    await firewall.remove();
    await firewall.remove();
    expect((await router.run('nft', ['list', 'tables'])).stdout).not.toContain('kordon');
    const failure = firewall.allow([CLIENT]);
    await expect(failure).rejects.toThrow(NftablesError);
    await expect(failure).rejects.toThrow(
      /^nftables: could not add 1 addresses to table inet kordon: .*No such file or directory/s,
    );
    await expect(firewall.authorized()).rejects.toThrow(/could not list the authorized sets/);
    await expect(firewall.revokeAll()).rejects.toThrow(/could not empty the authorized sets/);
  });

  it('refuses invalid input before running nft', async () => {
    await expect(firewall.allow(['198.18.10.2', 'not-an-address'])).rejects.toThrow(
      'not an IP address: "not-an-address"',
    );
    expect(() => new NftablesFirewall({ table: 'x y' })).toThrow('not an nftables table name');
  });

  it('access rules by profile: the first match decides, moving between profiles is one batch, exemptions stay first', async () => {
    const OTHER = '198.18.30.2';
    const noProfile = 'device without profile';
    const ruled: FirewallConfig = {
      ...config,
      authorized: [CLIENT],
      profiles: { [CLIENT]: [noProfile] },
      accessRules: [
        { action: 'deny', profiles: ['compliant'], to: ['198.18.30.0/24'] },
        { action: 'allow', profiles: ['compliant'], to: ['0.0.0.0/0'] },
        { action: 'allow', profiles: [noProfile], to: [`${OTHER}/32`] },
      ],
    };
    await firewall.install(ruled);
    // No profile: only the remediation host.
    expect(await pings(client, OTHER)).toBe(true);
    expect(await pings(client, INTERNET)).toBe(false);
    expect(await whoami(client)).toBe('timeout');
    // Compliant: everything but what the deny before it names.
    await firewall.allow([CLIENT], { [CLIENT]: ['compliant'] });
    expect(await whoami(client)).toBe(`reply ${CLIENT}`);
    expect(await pings(client, OTHER)).toBe(false);
    const listed = (await router.run('nft', ['list', 'table', 'inet', 'kordon'])).stdout;
    expect(listed).toMatch(/set prof0_4 \{[^}]*elements = \{ 198\.18\.10\.2 \}/);
    expect(listed).toMatch(/set prof1_4 \{\s*type ipv4_addr\s*\}/);
    // Back to no profile, then revoked: out of every profile set too.
    await firewall.allow([CLIENT], { [CLIENT]: [noProfile] });
    expect(await whoami(client)).toBe('timeout');
    expect(await pings(client, OTHER)).toBe(true);
    await firewall.revoke([CLIENT]);
    expect(await pings(client, OTHER)).toBe(false);
    const after = (await router.run('nft', ['list', 'table', 'inet', 'kordon'])).stdout;
    expect(after).not.toContain(CLIENT);
    // An exempt destination is reached by an authorized session that a rule would deny.
    await firewall.install({ ...ruled, exemptTo: [`${OTHER}/32`], profiles: { [CLIENT]: ['compliant'] } });
    expect(await pings(client, OTHER)).toBe(true);
    await firewall.install(config);
    await expectAuthorized([]);
  });
});

describe('NftablesFirewall without nft', () => {
  it('says that nft is missing, run directly or in a namespace', async () => {
    const direct = new NftablesFirewall({ nftCommand: '/nonexistent/nft' });
    await expect(direct.revokeAll()).rejects.toThrow(
      'nftables: could not empty the authorized sets of table inet kordon: nft is not installed (the nftables package): /nonexistent/nft did not finish: spawn /nonexistent/nft ENOENT',
    );
    const ns = await Netns.create(`kdf-${id}-none`);
    try {
      const inNamespace = new NftablesFirewall({ nftCommand: '/nonexistent/nft', netns: ns, table: 'other' });
      await expect(inNamespace.remove()).rejects.toThrow(
        /^nftables: could not delete table inet other: nft is not installed \(the nftables package\): ip exited with 1: exec of "\/nonexistent\/nft" failed: No such file or directory/,
      );
    } finally {
      await ns.remove();
    }
  });
});

// Exemptions (DECISIONS 72) and the boot table (DECISIONS 70). Three namespaces, both gateway
// interfaces enforced, so the reply direction of every connection is checked too:
//   client side: 198.18.40.10 (in exemptFrom 198.18.40.8/29), 198.18.40.20 (never exempt)
//     --[enforced]-- gateway --[enforced]--
//   server side: 198.18.50.10 (in exemptTo 198.18.50.8/29), 198.18.50.20 (never exempt)
describe('exemptions and the boot table on real nftables', { timeout: 30_000 }, () => {
  const exemptNames = {
    clients: `kdx-${id}-clients`,
    gateway: `kdx-${id}-gw`,
    servers: `kdx-${id}-servers`,
  };
  const exemptIfs = {
    gatewayClients: `kdx${id}gc`,
    clients: `kdx${id}c`,
    gatewayServers: `kdx${id}gs`,
    servers: `kdx${id}s`,
    tunnel: `kdx${id}wg`, // never created: only named
  };
  const EXEMPT_HOST = '198.18.40.10';
  const PLAIN_HOST = '198.18.40.20';
  const EXEMPT_SERVER = '198.18.50.10';
  const PLAIN_SERVER = '198.18.50.20';
  const EXEMPT_FROM = ['198.18.40.8/29'];
  const EXEMPT_TO = ['198.18.50.8/29'];
  const created: Netns[] = [];
  const background: Background[] = [];
  let clients: Netns;
  let gateway: Netns;
  let servers: Netns;
  let firewall: NftablesFirewall;
  const config: FirewallConfig = {
    enforcedInterfaces: [exemptIfs.gatewayClients, exemptIfs.gatewayServers],
    tunnelInterface: exemptIfs.tunnel,
    tunnelNetwork: '100.64.0.0/16',
    authorized: [],
    exemptFrom: EXEMPT_FROM,
    exemptTo: EXEMPT_TO,
    accessRules: [],
    profiles: {},
  };

  function start(ns: Netns, script: string): Background {
    const process = new Background(ns, script);
    background.push(process);
    return process;
  }

  /** What each client host gets from each server over TCP ("reply <client address>" or "timeout"). */
  async function reachability(): Promise<Record<string, string>> {
    const pairs = [
      [EXEMPT_HOST, PLAIN_SERVER],
      [EXEMPT_HOST, EXEMPT_SERVER],
      [PLAIN_HOST, PLAIN_SERVER],
      [PLAIN_HOST, EXEMPT_SERVER],
    ] as const;
    const answers = await Promise.all(pairs.map(([source, target]) => whoami(clients, target, source)));
    return Object.fromEntries(
      pairs.map(([source, target], i) => [`${source} -> ${target}`, answers[i] ?? '']),
    );
  }

  function expected(open: (source: string, target: string) => boolean): Record<string, string> {
    const result: Record<string, string> = {};
    for (const source of [EXEMPT_HOST, PLAIN_HOST]) {
      for (const target of [PLAIN_SERVER, EXEMPT_SERVER]) {
        result[`${source} -> ${target}`] = open(source, target) ? `reply ${source}` : 'timeout';
      }
    }
    return result;
  }

  /** DECISIONS 72: an exempt source reaches anything, anyone reaches an exempt destination. */
  const exemptionsOnly = (source: string, target: string): boolean =>
    source === EXEMPT_HOST || target === EXEMPT_SERVER;

  beforeAll(async () => {
    const host = async (name: string): Promise<Netns> => {
      const ns = await Netns.create(name);
      created.push(ns);
      return ns;
    };
    [clients, gateway, servers] = await Promise.all([
      host(exemptNames.clients),
      host(exemptNames.gateway),
      host(exemptNames.servers),
    ]);
    await link(
      gateway,
      exemptIfs.gatewayClients,
      '198.18.40.1/24',
      clients,
      exemptIfs.clients,
      `${EXEMPT_HOST}/24`,
    );
    await link(
      gateway,
      exemptIfs.gatewayServers,
      '198.18.50.1/24',
      servers,
      exemptIfs.servers,
      `${EXEMPT_SERVER}/24`,
    );
    await clients.run('ip', ['addr', 'add', `${PLAIN_HOST}/24`, 'dev', exemptIfs.clients]);
    await servers.run('ip', ['addr', 'add', `${PLAIN_SERVER}/24`, 'dev', exemptIfs.servers]);
    await gateway.run('sysctl', ['-w', 'net.ipv4.ip_forward=1']);
    await clients.run('ip', ['route', 'add', 'default', 'via', '198.18.40.1']);
    await servers.run('ip', ['route', 'add', 'default', 'via', '198.18.50.1']);
    const server = start(servers, serverScript([EXEMPT_SERVER, PLAIN_SERVER]));
    await server.waitFor(() => server.count('listening') === 1, 5000, 'the servers');
    firewall = new NftablesFirewall({ netns: gateway });
    // Without any table everything forwards: the baseline the tests below narrow.
    expect(await reachability()).toEqual(expected(() => true));
  }, 60_000);

  afterAll(async () => {
    for (const process of background) process.kill();
    await Promise.all(created.map((ns) => ns.remove()));
  });

  it('an exempt_from host forwards without a session, both ways; a host beside it does not', async () => {
    await firewall.install(config);
    expect(await firewall.authorized()).toEqual([]);
    expect(await firewall.exemptions()).toEqual({ exemptFrom: EXEMPT_FROM, exemptTo: EXEMPT_TO });
    expect(await reachability()).toEqual(expected(exemptionsOnly));
    const [exemptPing, plainPing] = await Promise.all([
      pings(clients, PLAIN_SERVER, EXEMPT_HOST),
      pings(clients, PLAIN_SERVER, PLAIN_HOST),
    ]);
    expect(exemptPing).toBe(true);
    expect(plainPing).toBe(false);
  });

  it('exemptions open no connection toward the exempt hosts from behind another enforced interface', async () => {
    // Opened from the server side: the opener is neither authorized nor exempt, so dropped.
    const [toExemptHost, fromExemptServer] = await Promise.all([
      pings(servers, EXEMPT_HOST, PLAIN_SERVER),
      pings(servers, PLAIN_HOST, EXEMPT_SERVER),
    ]);
    expect(toExemptHost).toBe(false);
    expect(fromExemptServer).toBe(false);
  });

  it('authorization still works beside the exemptions', async () => {
    await firewall.allow([PLAIN_HOST]);
    expect(await reachability()).toEqual(expected(() => true));
    await firewall.revoke([PLAIN_HOST]);
    expect(await reachability()).toEqual(expected(exemptionsOnly));
  });

  it('setExemptions replaces both lists atomically and leaves the authorized sets alone', async () => {
    await firewall.allow(['198.18.40.99', '2001:db8::99']);
    // Readers outside the driver never see the sets empty or half-replaced.
    const exemptFrom = ['198.18.40.20', '2001:db8:1::/48'];
    const exemptTo = ['198.18.50.20', 'fd00::53'];
    await firewall.setExemptions(exemptFrom, exemptTo);
    // Read by nft directly: the driver's own reads queue behind its writes and could not see between them.
    const kernelSets = async (): Promise<string> => {
      const { stdout } = await gateway.run('nft', ['-j', 'list', 'table', 'inet', 'kordon']);
      const parsed = JSON.parse(stdout) as { nftables: { set?: { name: string; elem?: unknown[] } }[] };
      const sets = parsed.nftables.flatMap((entry) =>
        entry.set ? [[entry.set.name, entry.set.elem ?? []]] : [],
      );
      return JSON.stringify(sets);
    };
    const before = await kernelSets();
    const state = { done: false };
    const seen: string[] = [];
    const observer = (async () => {
      while (!state.done) seen.push(await kernelSets());
    })();
    for (let i = 0; i < 10; i++) {
      // The same contents written otherwise: the kernel's sets must not change in between.
      await firewall.setExemptions(['2001:DB8:1::/48', '198.18.40.20'], ['fd00::53', '198.18.50.20/32']);
    }
    state.done = true;
    await observer;
    expect(seen.length).toBeGreaterThan(0);
    for (const snapshot of seen) expect(snapshot).toBe(before);
    expect(await firewall.exemptions()).toEqual({ exemptFrom, exemptTo });
    expect((await firewall.authorized()).sort()).toEqual(['198.18.40.99', '2001:db8::99']);
    // Now the other host and the other server are the exempt ones.
    expect(await reachability()).toEqual(
      expected((source, target) => source === PLAIN_HOST || target === PLAIN_SERVER),
    );
    await firewall.revoke(['198.18.40.99', '2001:db8::99']);
  });

  it('overlapping entries are merged by the sets, not refused', async () => {
    await firewall.setExemptions(['198.18.40.0/25', '198.18.40.128/25', '198.18.40.10'], ['198.18.50.10']);
    expect(await firewall.exemptions()).toEqual({
      exemptFrom: ['198.18.40.0/24'],
      exemptTo: ['198.18.50.10'],
    });
    expect(await reachability()).toEqual(
      expected((source) => source === EXEMPT_HOST || source === PLAIN_HOST),
    );
  });

  it('after setExemptions([], []) nothing forwards without a session, open flows included', async () => {
    await firewall.setExemptions(EXEMPT_FROM, EXEMPT_TO);
    const flow = start(clients, echoFlowScript(PLAIN_SERVER, EXEMPT_HOST));
    await flow.waitFor(() => flow.count('echo') >= 5, 5000, 'five echoes');
    const clearedAt = performance.now();
    await firewall.setExemptions([], []);
    await sleep(1500);
    const lastEcho = flow.lines.filter((line) => line.text === 'echo').at(-1)?.at ?? 0;
    expect(lastEcho - clearedAt).toBeLessThan(1000);
    expect(flow.count('echo', clearedAt + 1000)).toBe(0);
    flow.kill();
    expect(await firewall.exemptions()).toEqual({ exemptFrom: [], exemptTo: [] });
    expect(await reachability()).toEqual(expected(() => false));
  });

  it('refuses a bad entry before nft runs, and changes nothing', async () => {
    await firewall.setExemptions(EXEMPT_FROM, EXEMPT_TO);
    await expect(
      firewall.setExemptions(['198.18.40.0/24'], ['198.18.50.0/24', '198.18.50.0/33']),
    ).rejects.toThrow('exemptTo: not an IP address or a network in CIDR notation: "198.18.50.0/33"');
    expect(await firewall.exemptions()).toEqual({ exemptFrom: EXEMPT_FROM, exemptTo: EXEMPT_TO });
  });

  it('the boot table drops forwarding on the named interface except exemptions; install takes over', async () => {
    await firewall.remove();
    expect(await reachability()).toEqual(expected(() => true));
    await firewall.installBoot({
      enforcedInterfaces: [exemptIfs.gatewayClients],
      exemptFrom: EXEMPT_FROM,
      exemptTo: EXEMPT_TO,
    });
    const { stdout } = await gateway.run('nft', ['list', 'table', 'inet', 'kordon']);
    expect(stdout).toContain(`iifname "${exemptIfs.gatewayClients}" jump enforce`);
    expect(stdout).not.toContain('masquerade');
    expect(await firewall.authorized()).toEqual([]);
    expect(await reachability()).toEqual(expected(exemptionsOnly));
    expect(await pings(clients, '198.18.40.1', PLAIN_HOST)).toBe(true); // the gateway itself stays reachable
    // The gateway's install replaces the boot table in one transaction.
    await firewall.install({ ...config, authorized: [PLAIN_HOST] });
    expect(await reachability()).toEqual(expected(() => true));
  });

  it('the closed table (a stop that overran) keeps the exemptions and authorizes nothing', async () => {
    await firewall.installClosed(config);
    expect(await firewall.authorized()).toEqual([]);
    expect(await firewall.exemptions()).toEqual({ exemptFrom: EXEMPT_FROM, exemptTo: EXEMPT_TO });
    const { stdout } = await gateway.run('nft', ['list', 'table', 'inet', 'kordon']);
    // The kernel lists an anonymous set in its own order.
    const jump = stdout.split('\n').find((line) => line.includes('jump enforce')) ?? '';
    for (const name of [exemptIfs.tunnel, exemptIfs.gatewayClients, exemptIfs.gatewayServers]) {
      expect(jump).toContain(`"${name}"`);
    }
    expect(await reachability()).toEqual(expected(exemptionsOnly));
    await firewall.remove();
  });
});

describe('tornSets', () => {
  const set = (name: string, elem?: unknown[]): unknown => ({
    set: { family: 'inet', name, table: 'kordon', type: 'ipv4_addr', ...(elem ? { elem } : {}) },
  });

  it('names the sets a listing shows an element of twice (a set resized while it was listed)', () => {
    const listing = [
      { metainfo: { version: '1.0.6' } },
      set('auth4', ['100.64.0.2', '100.64.0.3', '100.64.0.2']),
      set('auth6'),
      set('exempt_from4', [
        { prefix: { addr: '198.18.40.0', len: 24 } },
        { prefix: { addr: '198.18.40.0', len: 24 } },
      ]),
      set('exempt_to4', [
        { prefix: { addr: '198.18.40.0', len: 24 } },
        { prefix: { addr: '198.18.41.0', len: 24 } },
      ]),
      { chain: { name: 'forward' } },
    ];
    expect(tornSets(listing)).toEqual(['auth4', 'exempt_from4']);
    expect(tornSets([set('auth4', ['100.64.0.2', '100.64.0.3']), set('auth6', [])])).toEqual([]);
  });

  it('authorized() lists again while the listing comes out torn, and says so when it stays torn', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kordon-nft-'));
    try {
      const listing = (auth4: string[]): string =>
        JSON.stringify({
          nftables: [
            { set: { family: 'inet', name: 'auth4', table: 'kordon', type: 'ipv4_addr', elem: auth4 } },
            { set: { family: 'inet', name: 'auth6', table: 'kordon', type: 'ipv6_addr' } },
          ],
        });
      await writeFile(join(dir, 'torn.json'), listing(['100.64.0.2', '100.64.0.2']));
      await writeFile(join(dir, 'whole.json'), listing(['100.64.0.2', '100.64.0.3']));
      // Stands in for nft: the first listing torn, the next ones whole; or always torn.
      const once = join(dir, 'nft-torn-once');
      await writeFile(
        once,
        `#!/bin/sh\nif [ -e "${dir}/listed" ]; then cat "${dir}/whole.json"; else touch "${dir}/listed"; cat "${dir}/torn.json"; fi\n`,
      );
      const always = join(dir, 'nft-torn');
      await writeFile(always, `#!/bin/sh\ncat "${dir}/torn.json"\n`);
      await chmod(once, 0o755);
      await chmod(always, 0o755);
      expect(await new NftablesFirewall({ nftCommand: once }).authorized()).toEqual([
        '100.64.0.2',
        '100.64.0.3',
      ]);
      await expect(new NftablesFirewall({ nftCommand: always }).authorized()).rejects.toThrow(
        'nftables: could not list the authorized sets of table inet kordon: unexpected output of nft -j (auth4 listed elements twice 5 times (resized while listed))',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
