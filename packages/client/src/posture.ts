// Answers the gateway's `ztna` request with what this client can tell today: the host name, the
// operating system and running processes on Linux. The other checks arrive with the posture
// capability; a report leaves out what it did not check (PROTOCOL.md: "may be absent").
import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ZtnaRequest } from '@kordon/protocol';

function osVersion(read: (p: string) => string): string {
  try {
    const text = read('/etc/os-release');
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? '';
  } catch {
    return '';
  }
}

/** Names of running processes as the kernel keeps them (15 characters: PROTOCOL.md, per-platform posture). */
function runningProcesses(): Set<string> {
  const names = new Set<string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      names.add(readFileSync(`/proc/${entry}/comm`, 'utf8').trim());
    } catch {
      // the process ended meanwhile
    }
  }
  return names;
}

export function postureReport(
  request: ZtnaRequest,
  domain: string,
  read: (p: string) => string = (p) => readFileSync(p, 'utf8'),
): Record<string, unknown> {
  const asked = new Set<string>(request.test_list);
  const report: Record<string, unknown> = { node_name: hostname() };
  if (asked.has('os_type') || asked.has('os_version') || asked.has('domain')) {
    report['operation_system'] = {
      type: asked.has('os_type') ? 'Linux' : '',
      version: asked.has('os_version') ? osVersion(read) : '',
      domain: asked.has('domain') ? domain : '',
    };
  }
  if (asked.has('processes')) {
    const running = runningProcesses();
    report['proc_list'] = request.proc_list.filter((p) => running.has(p.slice(0, 15)));
  }
  return report;
}
