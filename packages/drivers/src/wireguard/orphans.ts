// Finding a wireguard-go that an earlier gateway process started and left behind (after SIGKILL
// the foreground child keeps running, re-parented to PID 1), by reading /proc.
import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';

export interface ProcessInfo {
  pid: number;
  ppid: number;
}

/** wireguard-go processes whose last argument is `interfaceName` (`wireguard-go [-f] IF`). */
export async function findWireguardGo(interfaceName: string, proc = '/proc'): Promise<ProcessInfo[]> {
  const found: ProcessInfo[] = [];
  for (const entry of await readdir(proc)) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const argv = (await readFile(`${proc}/${entry}/cmdline`, 'utf8')).split('\0').filter((a) => a !== '');
      if (argv.length < 2 || basename(argv[0] ?? '') !== 'wireguard-go' || argv.at(-1) !== interfaceName)
        continue;
      const stat = await readStat(proc, pid);
      if (stat !== undefined && stat.state !== 'Z') found.push({ pid, ppid: stat.ppid });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** True while the process exists and is not a zombie (PID 1 here does not always reap). */
export async function processAlive(pid: number, proc = '/proc'): Promise<boolean> {
  const stat = await readStat(proc, pid).catch(() => undefined);
  return stat !== undefined && stat.state !== 'Z';
}

async function readStat(proc: string, pid: number): Promise<{ state: string; ppid: number } | undefined> {
  const text = await readFile(`${proc}/${pid}/stat`, 'utf8');
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const ppid = Number(fields[1]);
  return state === undefined || Number.isNaN(ppid) ? undefined : { state, ppid };
}
