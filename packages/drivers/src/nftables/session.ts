// A long-lived `nft -i` for small changes: one process and one netlink socket for all of them.
// A process per change costs a fork of the gateway (a few ms, more as its memory grows) and, after a
// delete, its exit waits for the kernel to free the deleted elements (closing an nftables netlink
// socket flushes that work, an RCU grace period: 15-30 ms measured), so a single revoke took 20 ms.
// Each line is one transaction, as a script given to `nft -f -` is (docs/benchmarks.md, S5).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { CommandError } from '../process.js';

/** A command that prints one line on stdout and touches nothing: the end of each command's output. */
const MARKER_COMMAND = 'describe ip saddr';
const MARKER = /^payload expression/;

/** nft ran the command and refused it; stderr says why. */
export class NftRefusedError extends Error {
  override readonly name = 'NftRefusedError';
}

/**
 * A script of one command a line as one interactive line, its commands separated by ";" (still one
 * transaction). What the interactive reader treats specially is refused: "#" (the rest of the line
 * would be a comment), a backslash (a continued line), and "quit".
 */
export function interactiveLine(script: string): string {
  if (/[#\\]/.test(script)) throw new Error('an interactive nft line cannot hold "#" or "\\"');
  const commands = script
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (commands.length === 0) throw new Error('an empty nft script');
  if (commands.includes('quit')) throw new Error('"quit" would end the interactive nft');
  return commands.join('; ');
}

/** Splits what arrived into complete lines and the unfinished rest. */
export function completeLines(rest: string, chunk: string): { lines: string[]; rest: string } {
  const parts = (rest + chunk).split('\n');
  return { lines: parts.slice(0, -1), rest: parts.at(-1) ?? '' };
}

type NftProcess = ChildProcessByStdio<Writable, Readable, Readable>;

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface NftSessionOptions {
  /** The program and its arguments, `-i` included (behind `ip netns exec NAME` in tests). */
  argv: readonly string[];
  timeoutMs?: number;
  /**
   * The process is replaced after this many commands: nft keeps every line in its history, and
   * libedit looks through all of it for each new line (1 ms more per command after 6,000 measured).
   */
  recycleAfter?: number;
}

/**
 * One `nft -i` process, started on first use and again after it ended. Commands run one at a time
 * (the caller queues them). A process that dies or hangs fails its command with a CommandError; a
 * command nft refuses fails with NftRefusedError. The process never keeps the gateway running.
 */
export class NftSession {
  private readonly argv: readonly string[];
  private readonly timeoutMs: number;
  private readonly recycleAfter: number;
  private child: NftProcess | undefined;
  private pending: Pending | undefined;
  private stderr = '';
  private stdoutRest = '';
  private commands = 0;
  /** Set by close(): no replacement process is started until the next command asks for one. */
  private closed = false;
  /** Whether a command ever completed here: an nft that cannot run interactively never gets one done. */
  worked = false;

  constructor(options: NftSessionOptions) {
    this.argv = options.argv;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.recycleAfter = options.recycleAfter ?? 1000;
  }

  /** Runs one line as one transaction; resolves once nft is done with it. */
  run(line: string): Promise<void> {
    if (this.pending) return Promise.reject(new Error('nft session: one command at a time'));
    this.closed = false;
    const child = this.child ?? this.start();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Failed once the process is gone (on close): a killed nft applies nothing afterwards.
        child.kill('SIGKILL');
      }, this.timeoutMs);
      this.pending = { resolve, reject, timer };
      this.stderr = '';
      this.commands += 1;
      child.stdin.write(`${line}\n${MARKER_COMMAND}\n`);
    });
  }

  /** Ends the process (it exits at the end of its input). */
  close(): void {
    this.closed = true;
    this.retire();
  }

  private retire(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  private start(): NftProcess {
    const [command = 'nft', ...args] = this.argv;
    // nft -i reads and writes its history in $HOME: a directory that cannot exist keeps it from both.
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, HOME: '/dev/null' },
    });
    this.child = child;
    this.commands = 0;
    this.stdoutRest = '';
    // A pending command's timer keeps the event loop alive; an idle nft must not.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as Socket).unref();
    child.stdin.on('error', () => {
      // The process ended; its close says how.
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (this.child === child) this.stderr += chunk.toString('utf8');
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (this.child !== child) return;
      const { lines, rest } = completeLines(this.stdoutRest, chunk.toString('utf8'));
      this.stdoutRest = rest;
      if (lines.some((text) => MARKER.test(text))) {
        // nft wrote the command's errors to stderr before it read the marker: both pipes are
        // readable in this turn of the event loop, and setImmediate runs after all of them are read.
        setImmediate(() => {
          this.finish(child);
        });
      }
    });
    const ended = (code: number | null, error?: Error): void => {
      // A process that was closed (replaced) ends without a command of its own.
      if (this.child !== child) return;
      this.child = undefined;
      const pending = this.pending;
      if (!pending) return;
      this.pending = undefined;
      clearTimeout(pending.timer);
      pending.reject(new CommandError(command, code, this.stderr, error));
    };
    child.on('error', (error) => {
      ended(null, error);
    });
    child.on('close', (code) => {
      ended(code);
    });
    return child;
  }

  private finish(child: NftProcess): void {
    const pending = this.pending;
    if (!pending || this.child !== child) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    this.worked = true;
    const said = this.stderr.trim();
    this.stderr = '';
    if (this.commands >= this.recycleAfter) {
      this.retire();
      // The replacement starts now, after this command's caller has gone on, not with the next command.
      setImmediate(() => {
        if (this.child === undefined && !this.closed) this.start();
      });
    }
    if (said === '') pending.resolve();
    else pending.reject(new NftRefusedError(`nft refused it: ${said}`));
  }
}
