// Secrets for the CLI come on stdin, never on the command line (DECISIONS 22).
import { UsageError } from './errors.js';

export async function readSecretFromStdin(what: string): Promise<string> {
  if (process.stdin.isTTY) {
    throw new UsageError(
      `give the ${what} on standard input, e.g.: printf '%s\\n' "$SECRET" | kordon-gateway ...`,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (text === '') throw new UsageError(`the ${what} on standard input is empty`);
  if (text.length > 1024) throw new UsageError(`the ${what} is longer than 1024 characters`);
  return text;
}
