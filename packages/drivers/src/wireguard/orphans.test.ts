import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWireguardGo, processAlive } from './orphans.js';

describe('finding a wireguard-go in /proc', () => {
  let proc: string;
  const fakeProcess = async (pid: number, argv: string[], stat: string): Promise<void> => {
    await mkdir(join(proc, String(pid)));
    await writeFile(join(proc, String(pid), 'cmdline'), `${argv.join('\0')}\0`);
    await writeFile(join(proc, String(pid), 'stat'), `${pid} ${stat} 0 0 0 0 -1 4194560 0\n`);
  };

  beforeAll(async () => {
    proc = await mkdtemp(join(tmpdir(), 'kordon-proc-'));
    await fakeProcess(101, ['wireguard-go', '-f', 'kordon-gw0'], '(wireguard-go) S 1');
    await fakeProcess(102, ['/usr/bin/wireguard-go', 'kordon-gw0'], '(wireguard-go) S 57');
    await fakeProcess(103, ['wireguard-go', '-f', 'kordon-gw0'], '(wireguard-go) Z 1');
    await fakeProcess(104, ['wireguard-go', '-f', 'kordon-gw1'], '(wireguard-go) S 1');
    await fakeProcess(105, ['ping', 'kordon-gw0'], '(ping) S 1');
    await fakeProcess(106, ['node', 'x'], '(a (strange) name) R 9');
    await mkdir(join(proc, 'self'));
  });
  afterAll(async () => {
    await rm(proc, { recursive: true, force: true });
  });

  it('lists live wireguard-go processes of one interface with their parents', async () => {
    const found = await findWireguardGo('kordon-gw0', proc);
    expect(found.sort((x, y) => x.pid - y.pid)).toEqual([
      { pid: 101, ppid: 1 },
      { pid: 102, ppid: 57 },
    ]);
    expect(await findWireguardGo('kordon-gw9', proc)).toEqual([]);
  });

  it('treats zombies and missing processes as gone', async () => {
    expect(await processAlive(101, proc)).toBe(true);
    expect(await processAlive(103, proc)).toBe(false);
    expect(await processAlive(106, proc)).toBe(true);
    expect(await processAlive(999, proc)).toBe(false);
    expect(await processAlive(process.pid)).toBe(true);
  });
});
