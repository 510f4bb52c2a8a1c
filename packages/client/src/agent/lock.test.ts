import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentLockFile, takeAgentLock } from './lock.js';

const dir = mkdtempSync(join(tmpdir(), 'kordon-lock-'));
afterEach(() => rmSync(join(dir, 'kordon-agent.pid'), { force: true }));

describe('one agent per session', () => {
  const file = join(dir, 'kordon-agent.pid');

  it('lives in the runtime folder, and not without one', () => {
    expect(agentLockFile({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/kordon-agent.pid');
    expect(agentLockFile({})).toBeNull();
  });

  it('refuses a second agent while the first lives, and is free again after it', () => {
    const first = takeAgentLock(file);
    expect(first.ok).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
    expect(takeAgentLock(file)).toStrictEqual({ ok: false, pid: process.pid });
    if (first.ok) first.release();
    expect(takeAgentLock(file).ok).toBe(true);
  });

  it('takes over the file of an agent that is gone', () => {
    writeFileSync(file, '999999999\n');
    expect(takeAgentLock(file).ok).toBe(true);
  });
});
