import { describe, expect, it } from 'vitest';
import { CommandError, runCommand } from './process.js';

describe('runCommand', () => {
  it('passes argv without a shell and stdin as given', async () => {
    const r = await runCommand('sh', ['-c', 'read x; printf "%s|%s" "$x" "$0"', '$(echo no)'], {
      stdin: 'secret\n',
    });
    expect(r.stdout).toBe('secret|$(echo no)');
  });

  it('rejects with the exit code and stderr', async () => {
    const e = await runCommand('sh', ['-c', 'echo boom >&2; exit 3']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CommandError);
    expect((e as CommandError).exitCode).toBe(3);
    expect((e as CommandError).message).toBe('sh exited with 3: boom');
  });

  it('rejects when the program does not exist', async () => {
    const e = await runCommand('kordon-no-such-program', []).catch((x: unknown) => x);
    expect((e as CommandError).message).toMatch(/^kordon-no-such-program did not finish: spawn .*ENOENT/);
  });
});
