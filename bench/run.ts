// `npm run bench -- <scenario> [options]`: one command for every benchmark (never part of npm test).
// Each scenario is a script of its own that prints its figures (JSON and a table) and writes its
// section of docs/benchmarks.md; the options after the scenario's name go to it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const scenarios: Record<string, { script: string; what: string }> = {
  s0: {
    script: 's0-bound.ts',
    what: 'the bound: a bare ws server over TLS, memory per connection and rates',
  },
  s1: {
    script: 's1-density.ts',
    what: 'density: local sessions on the gateway, memory per session against the bound, lag, idle CPU',
  },
  's1-memory': {
    script: 's1-memory.ts',
    what: "where a session's memory goes: the gateway against the bare server, by heap constructor",
  },
  s2: {
    script: 's2-storm.ts',
    what: 'reconnect storm: 10,000 sessions resuming after the gateway is killed and restarted (root)',
  },
  s3: {
    script: 's3-logins.ts',
    what: 'password logins: sustained rate against raw argon2id, pings meanwhile, 10,000 at once',
  },
  s7: {
    script: 's7-churn.ts',
    what: 'churn flatness: CPU per connect-login-disconnect cycle at 1,000, 5,000 and 15,000 sessions',
  },
  s4: {
    script: 'wireguard-peers.ts',
    what: 'peer provisioning: 10,000 peers through the WireGuard driver (root)',
  },
  s5: {
    script: 's5-firewall.ts',
    what: 'the firewall: 100,000 addresses into the nftables sets, single changes under churn (root)',
  },
  s6: {
    script: 's6-posture.ts',
    what: 'posture: ztna reports evaluated and recorded per second, against a bare server and the core alone',
  },
  console: { script: 'console-monitor.ts', what: "the console's monitor with 10,000 sessions in Chromium" },
};

const [name, ...args] = process.argv.slice(2);
const scenario = name === undefined ? undefined : scenarios[name];
if (scenario === undefined) {
  const list = Object.entries(scenarios).map(([id, s]) => `  ${id.padEnd(8)} ${s.what}`);
  console.error(
    `${name === undefined ? 'name a scenario' : `no scenario "${name}"`}: npm run bench -- <scenario> [options]\n${list.join('\n')}`,
  );
  process.exit(2);
}
const child = spawn(process.execPath, [fileURLToPath(new URL(scenario.script, import.meta.url)), ...args], {
  stdio: 'inherit',
});
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal === null ? 0 : 1));
});
