// Real nftables in network namespaces (root). Hosts, all in 198.18.0.0/15:
//   client 198.18.10.2 --[enforced]-- router --- internet 198.18.20.2
//   other  198.18.30.2 --[not enforced]-/ \--[tunnel interface, created after install]-- vpn 100.64.0.2
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FirewallConfig } from '@kordon/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { link, Netns } from '../netns.js';
import { NftablesError, NftablesFirewall } from './firewall.js';

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

// Port 7000 echoes; port 7001 answers with the address it sees and closes.
const SERVER = `
const net = require('node:net');
let ready = 0;
const up = () => { if (++ready === 2) console.log('listening'); };
net.createServer((s) => { s.on('error', () => {}); s.pipe(s); }).listen(7000, '${INTERNET}', up);
net.createServer((s) => { s.on('error', () => {}); s.end(s.remoteAddress + '\\n'); }).listen(7001, '${INTERNET}', up);
`;
// Prints "reply <what port 7001 said>", "timeout" (1 s) or "error <code>".
const WHOAMI = `
const s = require('node:net').connect(7001, '${INTERNET}');
let data = '';
const done = (text) => { console.log(text); process.exit(0); };
setTimeout(() => done('timeout'), 1000);
s.on('data', (d) => { data += d; });
s.on('end', () => done('reply ' + data.trim()));
s.on('error', (e) => done('error ' + e.code));
`;
// Keeps one TCP connection open, sends a byte every 100 ms and prints a line per echoed byte.
const ECHO_FLOW = `
const s = require('node:net').connect(7000, '${INTERNET}', () => setInterval(() => s.write('x'), 100));
s.on('data', (d) => { for (let i = 0; i < d.length; i++) console.log('echo'); });
s.on('error', (e) => console.log('error ' + e.code));
`;
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function pings(from: Netns, address: string): Promise<boolean> {
  try {
    const { stdout } = await from.run('ping', ['-c', '1', '-W', '1', '-q', address]);
    return stdout.includes('1 received');
  } catch {
    return false;
  }
}

async function whoami(from: Netns): Promise<string> {
  return (await from.run(NODE, ['-e', WHOAMI])).stdout.trim();
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
    const server = start(internet, SERVER);
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
    const flow = start(client, ECHO_FLOW);
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
