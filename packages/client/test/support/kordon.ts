// The built `kordon` CLI run as a process, as a user runs it (optionally as another user).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const kordonBin = fileURLToPath(new URL('../../bin/kordon.js', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** How long it ran. */
  ms: number;
}

export function kordon(args: string[], options: { stdin?: string; uid?: number } = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [kordonBin, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // Another user runs with the same ids for group; HOME is theirs to have, not root's.
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
      env: { ...process.env, HOME: '/' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    child.stdin.end(options.stdin ?? '');
  });
}
