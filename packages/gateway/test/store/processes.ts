// Runs store-process.ts as several processes that start at once.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ProcessOutcome {
  messages: string[];
  won: boolean;
}

/** Starts `count` processes, lets them all go at the same moment, and gathers what they did. */
export async function runAtOnce(
  file: string,
  mode: 'open' | 'claim',
  count: number,
): Promise<ProcessOutcome[]> {
  const children = Array.from({ length: count }, (_, index) =>
    spawn(
      process.execPath,
      [
        '--conditions=@kordon/source',
        '--experimental-transform-types',
        '--no-warnings',
        '--import',
        path.join(here, 'source-hooks.ts'),
        path.join(here, 'store-process.ts'),
        file,
        mode,
        `ticket-${String(index + 1)}`,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    ),
  );
  const outputs = children.map((child) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => {
        if (stdout.startsWith('ready\n')) resolve();
      });
      child.on('exit', (code) => {
        reject(new Error(`store process exited with ${String(code)} before it was ready: ${stderr}`));
      });
    });
    const done = new Promise<ProcessOutcome>((resolve, reject) => {
      child.on('exit', (code) => {
        if (code !== 0) {
          reject(new Error(`store process exited with ${String(code)}: ${stderr}`));
          return;
        }
        resolve(JSON.parse(stdout.slice('ready\n'.length)) as ProcessOutcome);
      });
    });
    return { ready, done };
  });
  await Promise.all(outputs.map((output) => output.ready));
  for (const child of children) child.stdin.write('go\n');
  return Promise.all(outputs.map((output) => output.done));
}
