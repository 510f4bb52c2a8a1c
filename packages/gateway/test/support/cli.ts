// The `kordon-gateway` program as a user runs it: the built CLI under the project's Node 24.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';

const root = resolve(import.meta.dirname, '../../../..');
const node = join(root, 'node_modules', '.bin', 'node');
const bin = join(root, 'packages', 'gateway', 'bin', 'kordon-gateway.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The tests' environment: no data directory from outside, and no host interface or firewall touched. */
function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KORDON_WIREGUARD: 'none',
    KORDON_FIREWALL: 'none',
    ...extra,
  };
  delete env['KORDON_DATA_DIR'];
  return env;
}

/** Starts the CLI as a child process and leaves it running (for `start`). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  return spawn(node, [bin, ...args], { env: testEnv(env) });
}

/** Runs the CLI to its end; `env` adds to (or replaces) the tests' environment. */
export function cli(args: string[], stdin?: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/**
 * A file whose tests are steps on one store: a data folder made before them and removed after, and the
 * CLI run on it (each command is a process of its own, about a second here). `ok` expects exit 0 and
 * gives stdout; `refused` expects the usage error's 2 and gives stderr.
 */
export function cliOnOneStore(name: string): {
  ok: (args: string[]) => Promise<string>;
  refused: (args: string[]) => Promise<string>;
} {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `kordon-cli-${name}-`));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (args: string[]): Promise<Run> => cli([...args, '--data-dir', join(dir, 'store')]);
  return {
    ok: async (args) => {
      const done = await run(args);
      expect(done.code, done.stderr).toBe(0);
      return done.stdout;
    },
    refused: async (args) => {
      const done = await run(args);
      expect(done.code, done.stdout).toBe(2);
      return done.stderr;
    },
  };
}
