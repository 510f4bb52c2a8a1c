// One agent per user's desktop session: the systemd user unit and the XDG autostart entry may both
// start one (a desktop that runs autostart entries itself under systemd), and two would reconnect each
// other's connection. The lock is a pid file in the user's runtime folder, which only the user can write.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type AgentLock = { ok: true; release: () => void } | { ok: false; pid: number };

/** The lock's file, or null without a runtime folder (no session manager: no second agent). */
export function agentLockFile(env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = env['XDG_RUNTIME_DIR'];
  return dir === undefined || dir === '' ? null : join(dir, 'kordon-agent.pid');
}

export function takeAgentLock(file: string): AgentLock {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return {
        ok: true,
        release: () => {
          if (holder(file) === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = holder(file);
      if (pid !== undefined && alive(pid)) return { ok: false, pid };
      // Left by an agent that is gone.
      rmSync(file, { force: true });
    }
  }
  return { ok: false, pid: holder(file) ?? 0 };
}

function holder(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
