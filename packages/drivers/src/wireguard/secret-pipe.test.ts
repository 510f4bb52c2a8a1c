import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../process.js';
import { withSecretPipe } from './secret-pipe.js';

describe('withSecretPipe', () => {
  it('hands the data to a program that opens the path, then removes the pipe', async () => {
    let seenPath = '';
    const { stdout } = await withSecretPipe('secret\n', (path) => {
      seenPath = path;
      return runCommand('cat', [path]);
    });
    expect(stdout).toBe('secret\n');
    expect(existsSync(dirname(seenPath))).toBe(false);
  });

  it('passes more than a pipe buffer', async () => {
    const data = 'x'.repeat(1_000_000);
    const { stdout } = await withSecretPipe(data, (path) => runCommand('wc', ['-c', path]));
    expect(stdout).toMatch(/^1000000 /);
  });

  it('does not hang when the program fails before opening the pipe, or stops reading', async () => {
    await expect(withSecretPipe('secret\n', () => runCommand('false', []))).rejects.toThrow(
      'false exited with 1',
    );
    const { stdout } = await withSecretPipe('y\n'.repeat(500_000), (path) =>
      runCommand('head', ['-c', '4', path]),
    );
    expect(stdout).toBe('y\ny\n');
  });
});
