// Runs programs with argv arrays, never through a shell. Secrets go through stdin, never argv.
import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Written to the program's stdin, then closed (the place for secrets). */
  stdin?: string;
  timeoutMs?: number;
  cwd?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    cause?: unknown,
  ) {
    const detail = stderr.trim() || (cause instanceof Error ? cause.message : '');
    super(
      `${command} ${exitCode === null ? 'did not finish' : `exited with ${exitCode}`}${detail ? `: ${detail}` : ''}`,
    );
  }
}

/** Runs `command` with `args`; resolves on exit code 0, else rejects with CommandError. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 30_000,
      killSignal: 'SIGKILL',
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      reject(new CommandError(command, null, Buffer.concat(err).toString('utf8'), e));
    });
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout, stderr });
      else reject(new CommandError(command, code, stderr));
    });
    child.stdin.on('error', () => {
      // The program may exit without reading stdin; its exit status tells what happened.
    });
    child.stdin.end(options.stdin ?? '');
  });
}
