// `npm run bench -- <scenario> [options]`: one command for every benchmark (never part of npm test).
// Each scenario is a script of its own that prints its figures (JSON and a table) and writes its
// section of docs/benchmarks.md; the options after the scenario's name go to it. `npm run bench -- all
// [scenario ...]` runs them one after another (S1 twice: one worker at 18,000, the default workers at
// 90,000) and writes the section that holds every target against its measure from that one run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  machine,
  markdownTable,
  runFolderVariable,
  writeSection,
  type TargetLine,
} from './support/report.ts';

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

/** What `all` runs, in order: the key is the file each writes its lines to (support/report.ts). */
const wholeRun: { scenario: string; key: string; args: string[] }[] = [
  { scenario: 's0', key: 's0', args: [] },
  { scenario: 's1', key: 's1-1', args: ['--sessions', '2000,6000,18000', '--workers', '1'] },
  {
    scenario: 's1',
    key: 's1-default',
    args: ['--sessions', '18000,90000', '--workers', 'default', '--processes', '6', '--concurrency', '96'],
  },
  { scenario: 's2', key: 's2', args: [] },
  { scenario: 's3', key: 's3', args: [] },
  { scenario: 's4', key: 's4', args: [] },
  { scenario: 's5', key: 's5', args: [] },
  { scenario: 's6', key: 's6', args: [] },
  { scenario: 's7', key: 's7', args: [] },
  { scenario: 'console', key: 'console', args: [] },
];

function run(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...args], {
    stdio: 'inherit',
    env,
  });
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 0 : 1)));
  });
}

const summaryHeading = 'Target against measured, S0-S7 and the console (one run)';

async function runAll(only: readonly string[]): Promise<number> {
  const unknown = only.filter((name) => scenarios[name] === undefined);
  if (unknown.length > 0) {
    console.error(
      `no scenario ${unknown.map((n) => `"${n}"`).join(', ')}: npm run bench -- all [scenario ...]`,
    );
    return 2;
  }
  const steps = wholeRun.filter((step) => only.length === 0 || only.includes(step.scenario));
  const folder = mkdtempSync(join(tmpdir(), 'kordon-bench-run-'));
  const started = new Date();
  const machineLine = machine();
  const outcomes: { key: string; scenario: string; code: number; seconds: number }[] = [];
  try {
    for (const step of steps) {
      const script = scenarios[step.scenario]?.script ?? '';
      console.error(`\n== ${step.scenario} ${step.args.join(' ')}`);
      const t = performance.now();
      const code = await run(script, step.args, { ...process.env, [runFolderVariable]: folder });
      outcomes.push({ ...step, code, seconds: (performance.now() - t) / 1000 });
    }
    const rows: string[][] = [];
    for (const outcome of outcomes) {
      let lines: TargetLine[] = [];
      try {
        lines = JSON.parse(readFileSync(join(folder, `${outcome.key}.json`), 'utf8')) as TargetLine[];
      } catch {
        // No lines: the scenario did not get as far as its figures.
      }
      if (lines.length === 0) {
        rows.push([`${outcome.scenario}: no figures (exit code ${outcome.code})`, '', '', '**no**']);
      }
      for (const line of lines) {
        rows.push([
          line.what,
          line.target,
          line.measured,
          line.met === null ? '—' : line.met ? 'yes' : '**no**',
        ]);
      }
    }
    const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;
    const command = `npm run bench -- all${only.length === 0 ? '' : ` ${only.join(' ')}`}`;
    // A run of some scenarios writes a section of its own beside the whole run's.
    const heading =
      only.length === 0 ? summaryHeading : `Target against measured, ${only.join(', ')} (one run)`;
    const section = [
      `## ${heading}`,
      '',
      `Written by \`bench/run.ts\` from a run started ${started.toISOString()} and ended ${new Date().toISOString()}.`,
      `Machine: ${machineLine}. Run: \`${command}\`. The scenarios ran one after another, each measuring`,
      'its own bound in the same run; the section each wrote below gives its exact command and details.',
      `Each took: ${outcomes.map((o) => `${o.key} ${minutes(o.seconds)}${o.code === 0 ? '' : ` (exit code ${o.code})`}`).join(', ')}.`,
      '',
      markdownTable(['what', 'target', 'measured', 'met'], rows),
      '',
    ].join('\n');
    console.log(section);
    await writeSection(heading, section);
    return outcomes.every((o) => o.code === 0) ? 0 : 1;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const [name, ...args] = process.argv.slice(2);
if (name === 'all') {
  process.exit(await runAll(args));
}
const scenario = name === undefined ? undefined : scenarios[name];
if (scenario === undefined) {
  const list = Object.entries(scenarios).map(([id, s]) => `  ${id.padEnd(8)} ${s.what}`);
  console.error(
    `${name === undefined ? 'name a scenario' : `no scenario "${name}"`}: npm run bench -- <scenario> [options]\n` +
      `  all      every scenario in turn, and the table of every target against its measure\n${list.join('\n')}`,
  );
  process.exit(2);
}
process.exit(await run(scenario.script, args, process.env));
