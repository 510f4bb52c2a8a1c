// The Linux collectors on this machine, with the real host: real processes, files and programs.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClientMessage, ZTNA_KEYWORDS } from '@kordon/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPosture, nodePostureHost, type PostureRequest } from '../../src/posture/index.js';

const linux = process.platform === 'linux';
const NAME = 'kordon-posture-test-process';

function request(test_list: readonly string[], lists: Partial<PostureRequest> = {}): PostureRequest {
  return { test_list, kb_list: [], proc_list: [], service_list: [], reg_key_list: [], ...lists };
}

/** Running: it exists and is no zombie (a container's init may not reap orphans at once). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

describe.runIf(linux)('posture on this Linux machine', () => {
  let dir: string;
  let child: ChildProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kordon-posture-'));
    const binary = join(dir, NAME);
    copyFileSync('/bin/sleep', binary);
    chmodSync(binary, 0o755);
    child = spawn(binary, ['60'], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  });

  afterAll(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('sees a running process by the 15 characters the kernel keeps of its name', async () => {
    const comm = readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim();
    expect(comm).toBe(NAME.slice(0, 15));
    const report = await collectPosture(
      request(['processes'], {
        proc_list: [NAME, NAME.slice(0, 15), 'kordon-posture-other-name', 'kordon-no-such-process'],
      }),
    );
    // Names alike in their first 15 characters are one name to the kernel (PROTOCOL.md).
    expect(report.proc_list).toEqual([NAME, 'kordon-posture-', 'kordon-posture-other-name']);
  });

  it('reads /etc/os-release for real', async () => {
    const text = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1];
    const report = await collectPosture(request(['os_type', 'os_version']));
    expect(report.operation_system?.type).toBe('Linux');
    expect(report.operation_system?.version).toBe(pretty);
    expect(report.operation_system?.domain).toBe('');
  });

  it('cuts a program that hangs at the time limit and reports its field as not checked', async () => {
    const pidFile = join(dir, 'hung.pid');
    // A fake nft that never answers, and a child of its own that holds its output open.
    writeFileSync(join(dir, 'nft'), `#!/bin/sh\n/bin/sleep 60 &\necho $! > ${pidFile}\nwait\n`, {
      mode: 0o755,
    });
    const host = nodePostureHost({ path: dir });
    const lines: string[] = [];
    const limit = 1000;
    const started = Date.now();
    const report = await collectPosture(
      request(['fw_active', 'fw_name', 'os_version', 'processes'], { proc_list: [NAME] }),
      {
        host,
        timeLimitMs: limit,
        log: (level, message) => lines.push(`${level}: ${message}`),
      },
    );
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(limit - 50);
    expect(took).toBeLessThan(limit + 1000);
    expect(report.firewall).toBeUndefined();
    expect(report.operation_system?.version).not.toBe('');
    expect(report.proc_list).toEqual([NAME]);
    expect(lines).toContain('warn: posture: firewall not checked: nft did not finish within 1 s');
    // Its whole process group was ended: nothing is left behind.
    const hung = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    expect(running(hung)).toBe(false);
  });

  it('a full request on this machine is a valid report within the time limit', async () => {
    const started = Date.now();
    const lines: string[] = [];
    const report = await collectPosture(
      request([...ZTNA_KEYWORDS], {
        kb_list: ['KB5034441'],
        proc_list: [NAME],
        service_list: ['ssh', 'sshd', 'cron'],
        reg_key_list: ['HKLM\\SOFTWARE\\X\\Y'],
      }),
      { log: (level, message) => lines.push(`${level}: ${message}`) },
    );
    expect(Date.now() - started).toBeLessThan(6000);
    expect(parseClientMessage(JSON.stringify({ type: 'ztna', ...report })).ok).toBe(true);
    expect(report.kb_list).toBeUndefined();
    expect(report.reg_key_list).toBeUndefined();
    expect(report.proc_list).toEqual([NAME]);
    expect(Array.isArray(report.antivirus)).toBe(true);
    if (!existsSync('/run/systemd/system')) {
      expect(report.service_list).toBeUndefined();
      expect(lines).toContain('warn: posture: service_list not checked: systemd does not run this machine');
    }
    if (existsSync('/usr/sbin/nft') || existsSync('/sbin/nft')) {
      expect(report.firewall?.find((f) => f.name === 'nftables')?.version).toMatch(/^\d+\.\d+/);
    }
  });
});
