// The tunnel's crash record (tunnel.json) on the real file system: written whole or not at all, and a
// record that cannot be read still leads to the configured interface being removed at the next start.
// Real links stand in for a tunnel a crashed run left behind (a dummy link, or a bridge where the
// kernel has no dummy module).
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findOnPath, runCommand } from '@kordon/drivers';
import { ClientTunnel } from '../../src/tunnel/client-tunnel.js';

const canMakeLinks = process.geteuid?.() === 0 && findOnPath('ip') !== undefined;

let stateDir: string;
let links: string[] = [];
let logs: string[] = [];
beforeEach(() => {
  stateDir = join(mkdtempSync(join(tmpdir(), 'kordon-tunnel-')), 'state');
  logs = [];
});
afterEach(async () => {
  for (const name of links) await runCommand('ip', ['link', 'del', name]).catch(() => undefined);
  links = [];
  rmSync(join(stateDir, '..'), { recursive: true, force: true });
});

function tunnel(interfaceName: string): ClientTunnel {
  return new ClientTunnel({ interfaceName, stateDir, log: (level, m) => logs.push(`${level}: ${m}`) });
}

const linkName = (): string => `kt-rec-${randomBytes(3).toString('hex')}`;

async function addLink(): Promise<string> {
  const name = linkName();
  links.push(name);
  try {
    await runCommand('ip', ['link', 'add', name, 'type', 'dummy']);
  } catch {
    await runCommand('ip', ['link', 'add', name, 'type', 'bridge']);
  }
  return name;
}

const linkExists = (name: string): Promise<boolean> =>
  runCommand('ip', ['link', 'show', 'dev', name]).then(
    () => true,
    () => false,
  );

const stateFile = (): string => join(stateDir, 'tunnel.json');

/** `save` is private; its record is what `up` writes at each step. */
function save(t: ClientTunnel, record: { interfaceName: string; hostRoute: string | null; dns: boolean }) {
  const inner = t as unknown as { leftovers: typeof record; save(): void };
  inner.leftovers = record;
  inner.save();
}

describe('the tunnel record is written whole', () => {
  it('as 0600 in a 0700 folder, with no temporary file left', () => {
    const record = { interfaceName: 'kt-rec-x', hostRoute: '192.0.2.1/32', dns: true };
    save(tunnel('kt-rec-x'), record);
    expect(JSON.parse(readFileSync(stateFile(), 'utf8'))).toEqual(record);
    expect(statSync(stateFile()).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    save(tunnel('kt-rec-x'), { ...record, dns: false });
    expect(JSON.parse(readFileSync(stateFile(), 'utf8'))).toEqual({ ...record, dns: false });
    expect(readdirSync(stateDir)).toEqual(['tunnel.json']);
  });
});

describe.skipIf(!canMakeLinks)('recover() after a crash', () => {
  it('with no record, has nothing to clean and touches nothing', async () => {
    const name = await addLink();
    mkdirSync(stateDir, { recursive: true });
    expect(await tunnel(name).recover()).toBe(false);
    expect(await linkExists(name)).toBe(true);
    expect(logs).toEqual([]);
  });

  it('removes the interface a whole record names, and the record', async () => {
    const configured = await addLink();
    const recorded = await addLink();
    save(tunnel(recorded), { interfaceName: recorded, hostRoute: null, dns: false });
    expect(await tunnel(configured).recover()).toBe(true);
    expect(await linkExists(recorded)).toBe(false);
    expect(await linkExists(configured)).toBe(true);
    expect(existsSync(stateFile())).toBe(false);
  });

  it("ignores a crashed writer's temporary file beside a whole record", async () => {
    const name = await addLink();
    save(tunnel(name), { interfaceName: name, hostRoute: null, dns: false });
    writeFileSync(join(stateDir, '.tunnel.json.999.abcdef012345.tmp'), '{"interfaceName":"kt-', {
      mode: 0o600,
    });
    expect(await tunnel('kt-rec-other').recover()).toBe(true);
    expect(await linkExists(name)).toBe(false);
    expect(logs.filter((l) => l.includes('tunnel record'))).toEqual([]);
  });

  const corrupt: [string, string, string][] = [
    ['cut short', '{"interfaceName":"kt-', 'is not JSON'],
    ['empty', '', 'is not JSON'],
    ['not a record', '[1,2]', 'is not a tunnel record'],
    ['a null', 'null', 'is not a tunnel record'],
    ['a wrong field', '{"interfaceName":"kt-x","hostRoute":5,"dns":false}', 'is not a tunnel record'],
    [
      'a name ip would take for an option',
      '{"interfaceName":"-all","hostRoute":null,"dns":false}',
      'is not a tunnel record',
    ],
    [
      'a name too long',
      '{"interfaceName":"a-name-far-too-long","hostRoute":null,"dns":false}',
      'is not a tunnel record',
    ],
  ];
  for (const [what, text, why] of corrupt) {
    it(`with a record that is ${what}, warns and removes the configured interface`, async () => {
      const name = await addLink();
      mkdirSync(stateDir, { recursive: true });
      writeFileSync(stateFile(), text, { mode: 0o600 });
      expect(await tunnel(name).recover()).toBe(true);
      expect(await linkExists(name)).toBe(false);
      expect(logs).toContain(
        `warn: the tunnel record ${stateFile()} ${why}; removing the interface ${name} in case a previous run left it`,
      );
      expect(existsSync(stateFile())).toBe(false);
    });
  }
});
