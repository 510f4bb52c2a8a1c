// DECISIONS 70 and 72: `kordon-gateway firewall boot` in a network namespace of the test's own, and the
// systemd units that run it, checked with systemd-analyze.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Netns, runCommand } from '@kordon/drivers';
import { cli } from '../support/cli.js';

const packageDir = resolve(import.meta.dirname, '../..');
const root = resolve(packageDir, '../..');
const node = join(root, 'node_modules', '.bin', 'node');
const bin = join(packageDir, 'bin', 'kordon-gateway.js');

let ns: Netns;
let dir: string;

beforeAll(async () => {
  ns = await Netns.create(`kfwboot${process.pid % 10_000}`);
  dir = mkdtempSync(join(tmpdir(), 'kordon-boot-'));
});

afterAll(async () => {
  await ns.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('firewall boot', () => {
  it('installs the closed table with the stored exemptions, in the namespace it runs in', async () => {
    for (const args of [
      ['--from', '198.18.60.10'],
      ['--to', '198.18.61.0/24'],
    ]) {
      const run = await cli(['exemption', 'add', ...args, '--data-dir', dir]);
      expect(run, run.stderr).toMatchObject({ code: 0 });
    }
    const booted = await ns.run(node, [
      bin,
      'firewall',
      'boot',
      '--client-interfaces',
      'lan0,wan0',
      '--data-dir',
      dir,
    ]);
    expect(booted.stdout).toContain('installed the boot table');
    const table = (await ns.run('nft', ['list', 'table', 'inet', 'kordon'])).stdout;
    // Forwarding entering the named interfaces (and the tunnel's) is checked, and nothing is authorized.
    expect(table).toMatch(/iifname \{[^}]*"lan0"[^}]*\} jump enforce/);
    expect(table).toMatch(/iifname \{[^}]*"wan0"[^}]*\} jump enforce/);
    expect(table).toContain('198.18.60.10');
    expect(table).toContain('198.18.61.0/24');
    expect(table).not.toMatch(/set auth4 \{[^}]*elements/);
    expect(table).toContain('drop');
  });

  it('refuses to run without client interfaces, saying how to name them', async () => {
    const run = await cli(['firewall', 'boot', '--data-dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no client interfaces named');
  });

  it('the systemd units are valid (systemd-analyze verify)', async () => {
    const units = ['kordon-gateway.service', 'kordon-gateway-firewall.service'].map((u) =>
      join(packageDir, u),
    );
    // It fails (throws) on an error; warnings, which it prints without failing, are refused too.
    const result = await runCommand('systemd-analyze', ['verify', ...units]);
    expect(result.stderr.trim(), result.stderr).toBe('');
  });
});
