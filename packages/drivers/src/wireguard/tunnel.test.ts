// Real tunnels: two namespaces linked by veth (198.18.0.0/15), wireguard-go on both ends, a ping
// through the tunnel (100.64.0.0/10). Needs root, wireguard-go, wg and ping; under CI=true nothing skips.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Netns, link } from '../netns.js';
import { findOnPath } from './detect.js';
import { generateKeyPair, type WireGuardKeyPair } from './keys.js';
import type { WireGuardLogLevel } from './link.js';
import { findWireguardGo, processAlive } from './orphans.js';
import { probeUapiSocket, uapiGet, uapiSet, uapiSocketPath } from './uapi.js';
import { UserspaceWireGuard } from './userspace.js';
import { WgCliWireGuard } from './wg-cli.js';

const available =
  process.getuid?.() === 0 && ['wireguard-go', 'wg', 'ping', 'ip'].every((p) => findOnPath(p) !== undefined);
const id = randomBytes(3).toString('hex');
const names = {
  gwNs: `kdw-${id}-gw`,
  clNs: `kdw-${id}-cl`,
  a: `kdw-${id}a`, // gateway, userspace
  b: `kdw-${id}b`, // client of a
  c: `kdw-${id}c`, // gateway, wg on a wireguard-go made beforehand
  d: `kdw-${id}d`, // client of c
  s: `kdw-${id}s`, // stale-socket and crash tests
  t: `kdw-${id}t`, // a wireguard-go somebody else runs
  o: `kdw-${id}o`, // a wireguard-go left running by a killed gateway
  p: `kdw-${id}p`, // client of o
};

async function ping(ns: Netns, address: string, attempts = 1): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await ns.run('ping', ['-c', '1', '-W', '2', address]);
      return;
    } catch (e) {
      if (i >= attempts) throw e;
    }
  }
}

async function waitFor(condition: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A wireguard-go whose parent exits at once (`setsid -f`), so PID 1 adopts it: a gateway's after SIGKILL. */
async function startOrphanWireguardGo(ns: Netns, name: string): Promise<void> {
  const argv = [...ns.execPrefix(), 'setsid', '-f', 'wireguard-go', '-f', name];
  // stdio ignored: the orphan must not hold pipes that a test helper waits on.
  const setsid = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
  await new Promise((resolve) => setsid.once('exit', resolve));
  await waitFor(async () => (await probeUapiSocket(name)) === 'answering', `the orphan ${name}`);
}

/** A wireguard-go this test runs itself (foreground), as another owner of an interface would. */
async function startWireguardGo(ns: Netns, name: string): Promise<ChildProcess> {
  const argv = [...ns.execPrefix(), 'wireguard-go', '-f', name];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
  await waitFor(async () => (await probeUapiSocket(name)) === 'answering', `wireguard-go ${name}`);
  return child;
}

describe.skipIf(!available && process.env.CI !== 'true')(
  'WireGuard drivers between two namespaces',
  { timeout: 30_000 },
  () => {
    let gw: Netns;
    let cl: Netns;
    const drivers: { down(): Promise<void> }[] = [];
    const children: ChildProcess[] = [];
    const logs: [WireGuardLogLevel, string][] = [];
    const log = (level: WireGuardLogLevel, message: string): void => {
      logs.push([level, message]);
    };
    const keys: Record<'a' | 'b' | 'c' | 'd' | 'o' | 'p', WireGuardKeyPair> = {
      a: generateKeyPair(),
      b: generateKeyPair(),
      c: generateKeyPair(),
      d: generateKeyPair(),
      o: generateKeyPair(),
      p: generateKeyPair(),
    };
    const orphanPids: number[] = [];
    let a: UserspaceWireGuard;
    let b: UserspaceWireGuard;

    beforeAll(async () => {
      gw = await Netns.create(names.gwNs);
      cl = await Netns.create(names.clNs);
      await link(gw, `kdw${id}v0`, '198.18.60.1/24', cl, `kdw${id}v1`, '198.18.60.2/24');
      a = new UserspaceWireGuard({ interfaceName: names.a, netns: gw, log });
      b = new UserspaceWireGuard({ interfaceName: names.b, netns: cl, log });
      drivers.push(a, b);
      await a.up({ privateKey: keys.a.privateKey, listenPort: 51820, address: '100.64.60.1/24' });
      await b.up({ privateKey: keys.b.privateKey, listenPort: 51821, address: '100.64.60.2/24' });
      // The client side knows the gateway's endpoint (TunnelPeer has none: the gateway learns endpoints).
      await uapiSet(names.b, {
        peers: [
          { publicKey: keys.a.publicKey, allowedIps: ['100.64.60.1/32'], endpoint: '198.18.60.1:51820' },
        ],
      });
    }, 60_000);

    afterAll(async () => {
      // Every step runs even when an earlier one (or the set-up) failed.
      const attempt = async (step: () => Promise<unknown>): Promise<void> => {
        await step().catch(() => undefined);
      };
      for (const driver of drivers) await attempt(() => driver.down());
      for (const child of children) {
        // Reap it, so no zombie outlives the test.
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGKILL');
          await exited;
        }
      }
      for (const pid of orphanPids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone already (down() stopped it).
        }
      }
      await attempt(() => gw.remove());
      await attempt(() => cl.remove());
      for (const name of Object.values(names)) await attempt(() => rm(uapiSocketPath(name), { force: true }));
    }, 60_000);

    describe('UserspaceWireGuard', () => {
      it('brings up wireguard-go with the key, port and address', async () => {
        const device = await uapiGet(names.a);
        expect(device.publicKey).toBe(keys.a.publicKey);
        expect(device.listenPort).toBe(51820);
        const { stdout } = await gw.run('ip', ['-o', '-4', 'addr', 'show', 'dev', names.a]);
        expect(stdout).toContain('inet 100.64.60.1/24');
        const { stdout: linkState } = await gw.run('ip', ['link', 'show', 'dev', names.a]);
        expect(linkState).toMatch(/<[^>]*\bUP\b[^>]*>/);
        expect(await a.peers()).toEqual([]);
      });

      it('carries a ping once the gateway adds the client as a peer', async () => {
        await expect(ping(cl, '100.64.60.1')).rejects.toThrow('exited with 1');
        await a.applyPeers({
          add: [{ publicKey: keys.b.publicKey, allowedIps: ['100.64.60.2/32'] }],
          remove: [],
        });
        await ping(cl, '100.64.60.1', 3);
        await ping(gw, '100.64.60.2');
      });

      it('reports the handshake, the endpoint and non-zero transfer', async () => {
        const peers = await a.peers();
        expect(peers).toHaveLength(1);
        const [peer] = peers;
        expect(peer?.publicKey).toBe(keys.b.publicKey);
        expect(peer?.allowedIps).toEqual(['100.64.60.2/32']);
        expect(peer?.endpoint).toBe('198.18.60.2:51821');
        expect(peer?.lastHandshake).toBeInstanceOf(Date);
        expect(Math.abs(Date.now() - (peer?.lastHandshake?.getTime() ?? 0))).toBeLessThan(60_000);
        expect(peer?.rxBytes).toBeGreaterThan(0);
        expect(peer?.txBytes).toBeGreaterThan(0);
      });

      it('up() again keeps the process, the peers and a single address', async () => {
        const pid = a.pid;
        expect(pid).toBeTypeOf('number');
        await a.up({ privateKey: keys.a.privateKey, listenPort: 51820, address: '100.64.60.1/24' });
        expect(a.pid).toBe(pid);
        expect((await a.peers()).map((p) => p.publicKey)).toEqual([keys.b.publicKey]);
        const { stdout } = await gw.run('ip', ['-o', '-4', 'addr', 'show', 'dev', names.a]);
        expect(stdout.trim().split('\n')).toHaveLength(1);
        await ping(cl, '100.64.60.1');
      });

      it('replacePeers makes the set exact and keeps the session of a peer that stays', async () => {
        const before = (await a.peers())[0]?.lastHandshake;
        expect(before).toBeInstanceOf(Date);
        const other = generateKeyPair().publicKey;
        await a.applyPeers({ add: [{ publicKey: other, allowedIps: ['100.64.60.99/32'] }], remove: [] });
        expect((await a.peers()).map((p) => p.publicKey).sort()).toEqual([keys.b.publicKey, other].sort());
        await a.replacePeers([{ publicKey: keys.b.publicKey, allowedIps: ['100.64.60.2/32'] }]);
        const after = await a.peers();
        expect(after.map((p) => [p.publicKey, p.allowedIps])).toEqual([
          [keys.b.publicKey, ['100.64.60.2/32']],
        ]);
        expect(after[0]?.lastHandshake).toEqual(before);
        await ping(cl, '100.64.60.1');
      });

      it('applyPeers({remove}) removes the peer and the tunnel stops', async () => {
        await a.applyPeers({ add: [], remove: [keys.b.publicKey] });
        expect(await a.peers()).toEqual([]);
        await expect(ping(cl, '100.64.60.1')).rejects.toThrow('exited with 1');
      });

      it('refuses an interface whose socket somebody else answers on, and leaves it alone', async () => {
        const other = await startWireguardGo(gw, names.t);
        children.push(other);
        const driver = new UserspaceWireGuard({ interfaceName: names.t, netns: gw, log });
        await expect(
          driver.up({ privateKey: keys.a.privateKey, listenPort: 51830, address: '100.64.62.1/24' }),
        ).rejects.toThrow(
          `interface ${names.t} is already run by another wireguard-go (its control socket ` +
            `${uapiSocketPath(names.t)} answers: pid ${other.pid}, parent ${process.pid}): stop that process ` +
            'or choose another interface name',
        );
        expect(await probeUapiSocket(names.t)).toBe('answering');
        other.kill('SIGTERM');
        await waitFor(async () => (await probeUapiSocket(names.t)) === 'absent', 'wireguard-go to exit');
      });

      it('removes a stale socket left by a crash, logs an unexpected exit, and down() cleans everything', async () => {
        const crashed = await startWireguardGo(gw, names.s);
        crashed.kill('SIGKILL');
        await waitFor(async () => (await probeUapiSocket(names.s)) === 'stale', 'the socket to go stale');

        const driver = new UserspaceWireGuard({ interfaceName: names.s, netns: gw, log });
        drivers.push(driver);
        const config = { privateKey: keys.c.privateKey, listenPort: 51831, address: '100.64.63.1/24' };
        await driver.up(config);
        expect(logs).toContainEqual([
          'info',
          `removed the stale control socket ${uapiSocketPath(names.s)} (left by a wireguard-go that crashed)`,
        ]);
        expect((await uapiGet(names.s)).publicKey).toBe(keys.c.publicKey);

        const firstPid = driver.pid!;
        process.kill(firstPid, 'SIGKILL');
        await waitFor(() => Promise.resolve(driver.pid === undefined), 'the driver to see the exit');
        expect(logs).toContainEqual(['error', `wireguard-go of ${names.s} exited unexpectedly (SIGKILL)`]);

        await driver.up(config); // supervision: up() starts it again
        expect(driver.pid).not.toBe(firstPid);
        const secondPid = driver.pid!;
        await driver.down();
        expect(driver.pid).toBeUndefined();
        expect(await processAlive(secondPid)).toBe(false);
        expect(existsSync(uapiSocketPath(names.s))).toBe(false);
        await expect(gw.run('ip', ['link', 'show', 'dev', names.s])).rejects.toThrow('exited with 1');
        await driver.down(); // twice is harmless
        expect(JSON.stringify(logs)).not.toContain(keys.c.privateKey);
      });
    });

    describe('a wireguard-go left running by a gateway killed with SIGKILL', () => {
      it('is adopted by the next up(): its peers keep their sessions, and down() stops it', async () => {
        // The orphan: re-parented to PID 1, as after SIGKILL of the gateway that started it.
        await startOrphanWireguardGo(gw, names.o);
        const [orphan] = await findWireguardGo(names.o);
        expect(orphan?.ppid).toBe(1);
        orphanPids.push(orphan!.pid);
        const config = { privateKey: keys.o.privateKey, listenPort: 51824, address: '100.64.65.1/24' };
        const peerP = { publicKey: keys.p.publicKey, allowedIps: ['100.64.65.2/32'] };
        // What the killed gateway had configured, and a client with a live session.
        await uapiSet(names.o, {
          privateKey: config.privateKey,
          listenPort: config.listenPort,
          peers: [peerP],
        });
        await gw.run('ip', ['addr', 'add', config.address, 'dev', names.o]);
        await gw.run('ip', ['link', 'set', names.o, 'up']);
        const client = new UserspaceWireGuard({ interfaceName: names.p, netns: cl, log });
        drivers.push(client);
        await client.up({ privateKey: keys.p.privateKey, listenPort: 51825, address: '100.64.65.2/24' });
        await uapiSet(names.p, {
          peers: [
            { publicKey: keys.o.publicKey, allowedIps: ['100.64.65.1/32'], endpoint: '198.18.60.1:51824' },
          ],
        });
        await ping(cl, '100.64.65.1', 3);
        const handshake = (await uapiGet(names.o)).peers[0]?.lastHandshake;
        expect(handshake).toBeInstanceOf(Date);

        // The restarted gateway.
        const driver = new UserspaceWireGuard({ interfaceName: names.o, netns: gw, log });
        drivers.push(driver);
        await driver.up(config);
        expect(driver.pid).toBe(orphan!.pid);
        expect(logs).toContainEqual([
          'warn',
          `adopted the wireguard-go of ${names.o} (pid ${orphan!.pid}) left running by an earlier gateway ` +
            'process; its peers stay until they are reconciled',
        ]);
        await driver.replacePeers([peerP]);
        const [peer] = await driver.peers();
        expect(peer?.publicKey).toBe(keys.p.publicKey);
        expect(peer?.lastHandshake).toEqual(handshake);
        await ping(cl, '100.64.65.1'); // at once: the session survived
        const { stdout } = await gw.run('ip', ['-o', '-4', 'addr', 'show', 'dev', names.o]);
        expect(stdout.trim().split('\n')).toHaveLength(1);

        await driver.down();
        expect(driver.pid).toBeUndefined();
        expect(await processAlive(orphan!.pid)).toBe(false);
        expect(await probeUapiSocket(names.o)).toBe('absent');
        await expect(gw.run('ip', ['link', 'show', 'dev', names.o])).rejects.toThrow('exited with 1');
      });
    });

    describe('WgCliWireGuard on a wireguard-go interface (DECISIONS 36)', () => {
      let c: WgCliWireGuard;
      let d: UserspaceWireGuard;
      const peerD = { publicKey: keys.d.publicKey, allowedIps: ['100.64.61.2/32'] };
      const clientPeerOfC = {
        publicKey: keys.c.publicKey,
        allowedIps: ['100.64.61.1/32'],
        endpoint: '198.18.60.1:51822',
      };

      beforeAll(async () => {
        children.push(await startWireguardGo(gw, names.c));
        c = new WgCliWireGuard({ interfaceName: names.c, netns: gw, adoptExisting: true });
        d = new UserspaceWireGuard({ interfaceName: names.d, netns: cl, log });
        drivers.push(c, d);
        await d.up({ privateKey: keys.d.privateKey, listenPort: 51823, address: '100.64.61.2/24' });
        await uapiSet(names.d, { peers: [clientPeerOfC] });
      }, 60_000);

      it('refuses to create an interface when told to adopt one', async () => {
        const missing = new WgCliWireGuard({ interfaceName: `kdw-${id}x`, netns: gw, adoptExisting: true });
        await expect(
          missing.up({ privateKey: keys.c.privateKey, listenPort: 51829, address: '100.64.64.1/24' }),
        ).rejects.toThrow(`interface kdw-${id}x does not exist (adoptExisting: it must be made beforehand)`);
      });

      it('sets key, port and address through wg', async () => {
        await c.up({ privateKey: keys.c.privateKey, listenPort: 51822, address: '100.64.61.1/24' });
        await c.up({ privateKey: keys.c.privateKey, listenPort: 51822, address: '100.64.61.1/24' });
        const { stdout } = await gw.run('wg', ['show', names.c, 'public-key']);
        expect(stdout.trim()).toBe(keys.c.publicKey);
        const { stdout: port } = await gw.run('wg', ['show', names.c, 'listen-port']);
        expect(port.trim()).toBe('51822');
        const { stdout: addr } = await gw.run('ip', ['-o', '-4', 'addr', 'show', 'dev', names.c]);
        expect(addr.trim().split('\n')).toHaveLength(1);
        expect(addr).toContain('inet 100.64.61.1/24');
        expect(await c.peers()).toEqual([]);
      });

      it('adds a peer, carries a ping, lists the handshake, removes it', async () => {
        const other = generateKeyPair().publicKey;
        await c.applyPeers({
          add: [peerD, { publicKey: other, allowedIps: ['100.64.61.50/32'] }],
          remove: [],
        });
        await ping(cl, '100.64.61.1', 3);
        const peers = await c.peers();
        const seen = peers.find((p) => p.publicKey === keys.d.publicKey);
        expect(peers.map((p) => p.publicKey).sort()).toEqual([keys.d.publicKey, other].sort());
        expect(seen?.allowedIps).toEqual(['100.64.61.2/32']);
        expect(seen?.endpoint).toBe('198.18.60.2:51823');
        expect(seen?.lastHandshake).toBeInstanceOf(Date);
        expect(seen?.rxBytes).toBeGreaterThan(0);
        expect(seen?.txBytes).toBeGreaterThan(0);

        await c.applyPeers({ add: [], remove: [keys.d.publicKey, other] });
        expect(await c.peers()).toEqual([]);
        await expect(ping(cl, '100.64.61.1')).rejects.toThrow('exited with 1');
      });

      it('replacePeers (wg syncconf) makes the set exact', async () => {
        const x = {
          publicKey: generateKeyPair().publicKey,
          allowedIps: ['100.64.61.60/32', '100.64.70.0/24'],
        };
        await c.replacePeers([peerD, x]);
        const peers = await c.peers();
        expect(peers.map((p) => [p.publicKey, p.allowedIps]).sort()).toEqual(
          [
            [peerD.publicKey, peerD.allowedIps],
            [x.publicKey, x.allowedIps],
          ].sort(),
        );
        // The client still holds the session the gateway forgot when it removed the peer; it would
        // only re-handshake after about 15 s of unanswered traffic, so make it start afresh now.
        await uapiSet(names.d, { peers: [{ publicKey: keys.c.publicKey, remove: true }, clientPeerOfC] });
        await ping(cl, '100.64.61.1', 3);
        await c.replacePeers([x]);
        expect((await c.peers()).map((p) => p.publicKey)).toEqual([x.publicKey]);
        await expect(ping(cl, '100.64.61.1')).rejects.toThrow('exited with 1');
        // The private key and port stay what up() set.
        const { stdout } = await gw.run('wg', ['show', names.c, 'public-key']);
        expect(stdout.trim()).toBe(keys.c.publicKey);
      });

      it('down() on an adopted interface removes its peers and leaves the interface to its owner', async () => {
        await c.applyPeers({ add: [peerD], remove: [] });
        await c.down();
        expect(await c.peers()).toEqual([]);
        await gw.run('ip', ['link', 'show', 'dev', names.c]);
      });
    });
  },
);
