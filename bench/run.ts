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
  s4: {
    script: 'wireguard-peers.ts',
    what: 'peer provisioning: 10,000 peers through the WireGuard driver (root)',
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
