// The gateway as a service manager runs it: `kordon-gateway start` from the built CLI, as a child process,
// with the addresses and worker pids read from its JSON log lines.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli } from './cli.js';

export interface GatewayProcess {
  child: ChildProcessWithoutNullStreams;
  clientPort: number;
  adminPort: number;
  ca: string;
  /** Worker index -> pid, as the owner's log says (kept up to date when a worker is restarted). */
  workerPids: Map<number, number>;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function startGatewayProcess(
  dataDir: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<GatewayProcess> {
  const child = spawnCli(
    ['start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', ...args],
    env,
  );
  const workerPids = new Map<number, number>();
  let out = '';
  let everything = '';
  child.stderr.on('data', (d: Buffer) => (everything += d.toString()));
  const ports = await new Promise<{ client: number; admin: number }>((done, fail) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      everything += d.toString();
      let newline = out.indexOf('\n');
      while (newline >= 0) {
        const line = out.slice(0, newline);
        out = out.slice(newline + 1);
        newline = out.indexOf('\n');
        const entry = JSON.parse(line) as { msg: string; worker?: number; pid?: number } & Record<
          string,
          unknown
        >;
        if (entry.msg === 'worker started' && entry.worker !== undefined && entry.pid !== undefined) {
          workerPids.set(entry.worker, entry.pid);
        }
        if (entry.msg.startsWith('gateway started')) {
          done({
            client: (entry['client'] as { port: number }).port,
            admin: (entry['admin'] as { port: number }).port,
          });
        }
      }
    });
    child.on('exit', (code) =>
      fail(new Error(`the gateway exited (${String(code)}) before it started:\n${everything}`)),
    );
  });
  return {
    child,
    clientPort: ports.client,
    adminPort: ports.admin,
    ca: readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8'),
    workerPids,
    output: () => everything,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}
