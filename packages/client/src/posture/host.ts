// The I/O the posture collectors need, behind one small interface so that the parsers and the
// assembly are tested with fakes: read a file (or a part of one), list a folder, run a program
// (argv arrays, never a shell) with a time limit.
import { spawn } from 'node:child_process';
import { access, open, readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { delimiter } from 'node:path';

export interface CommandResult {
  /** The exit code; null when the program was ended by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** The program is killed (with its children) after this long, and the run rejects with CommandTimedOut. */
  timeoutMs: number;
  /** Written to the program's stdin, then closed. */
  stdin?: string;
}

/** The program is not installed (not on the PATH, or no such file). */
export class CommandNotFound extends Error {
  override readonly name = 'CommandNotFound';
  constructor(readonly command: string) {
    super(`${command} is not installed`);
  }
}

export class CommandTimedOut extends Error {
  override readonly name = 'CommandTimedOut';
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`${command} did not finish within ${seconds(timeoutMs)}`);
  }
}

export interface PostureHost {
  readonly platform: NodeJS.Platform;
  hostname(): string;
  /** Milliseconds since the epoch. */
  now(): number;
  getenv(name: string): string | undefined;
  /** The whole file as UTF-8; rejects when it is missing or unreadable. */
  readFile(path: string): Promise<string>;
  /** At most `bytes` bytes from the start or the end of the file, as UTF-8 (big files: databases, logs). */
  readFilePart(path: string, bytes: number, from: 'start' | 'end'): Promise<string>;
  listDir(path: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  /** Resolves with any exit code; rejects with CommandNotFound or CommandTimedOut. */
  run(command: string, args: readonly string[], options: RunOptions): Promise<CommandResult>;
}

export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

export interface NodeHostOptions {
  /** The PATH programs are looked up in; by default this process's PATH and the usual sbin folders. */
  path?: string;
}

/** Where administrators' tools live; a daemon's PATH does not always have them all. */
const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
/** More output than any collector reads: a program that writes more is stopped. */
const OUTPUT_MAX = 16 * 1024 * 1024;

function defaultPath(): string {
  const own = (process.env['PATH'] ?? '').split(delimiter).filter((p) => p !== '');
  if (process.platform === 'win32') return own.join(delimiter);
  return [...new Set([...own, ...SYSTEM_PATH])].join(delimiter);
}

/** The real machine. */
export function nodePostureHost(options: NodeHostOptions = {}): PostureHost {
  const path = options.path ?? defaultPath();
  return {
    platform: process.platform,
    hostname: () => hostname(),
    now: () => Date.now(),
    getenv: (name) => process.env[name],
    readFile: (file) => readFile(file, 'utf8'),
    async readFilePart(file, bytes, from) {
      const handle = await open(file, 'r');
      try {
        const size = (await handle.stat()).size;
        const length = Math.min(bytes, size);
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, from === 'start' ? 0 : size - length);
        return buffer.subarray(0, bytesRead).toString('utf8');
      } finally {
        await handle.close();
      }
    },
    listDir: (dir) => readdir(dir),
    exists: (file) =>
      access(file).then(
        () => true,
        () => false,
      ),
    run: (command, args, o) => runProgram(command, args, o, path),
  };
}

function runProgram(
  command: string,
  args: readonly string[],
  options: RunOptions,
  path: string,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const windows = process.platform === 'win32';
    // A fixed locale: the parsers read the C locale's words ("Status: active"), not translations.
    const env = { ...process.env, PATH: path, LC_ALL: 'C', LANG: 'C' };
    const child = spawn(command, args, {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      // Its own process group, so that a time limit ends the program's children too (a shell script
      // that runs `sleep` would otherwise keep the pipes open after the script itself is killed).
      detached: !windows,
    });
    let settled = false;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const kill = () => {
      try {
        if (!windows && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // it ended meanwhile
      }
      child.stdout.destroy();
      child.stderr.destroy();
    };
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      finish(() => {
        kill();
        reject(new CommandTimedOut(command, options.timeoutMs));
      });
    }, options.timeoutMs);
    const collect = (into: Buffer[]) => (b: Buffer) => {
      size += b.length;
      if (size > OUTPUT_MAX) {
        finish(() => {
          kill();
          reject(new Error(`${command} wrote more than ${OUTPUT_MAX} bytes`));
        });
        return;
      }
      into.push(b);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish(() => {
        reject(e.code === 'ENOENT' || e.code === 'EACCES' ? new CommandNotFound(command) : e);
      });
    });
    child.on('close', (code) => {
      finish(() => {
        resolve({
          code,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        });
      });
    });
    child.stdin.on('error', () => {
      // The program may exit without reading its stdin.
    });
    child.stdin.end(options.stdin ?? '');
  });
}
