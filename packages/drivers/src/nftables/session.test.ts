import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../process.js';
import { completeLines, interactiveLine, NftRefusedError, NftSession } from './session.js';

const NODE = fileURLToPath(new URL('../../../../node_modules/.bin/node', import.meta.url));

/**
 * Stands in for `nft -i`: answers the marker command as nft does, says "Error: ..." on stderr for a
 * line with "refuse", exits for "die" and never answers "hang"; given a file, it notes its start there.
 */
const FAKE_NFT = `
if (process.argv[1]) require('node:fs').appendFileSync(process.argv[1], 'started\\n');
const rl = require('node:readline').createInterface({ input: process.stdin });
let hung = false;
rl.on('line', (line) => {
  if (hung) return;
  if (line === 'describe ip saddr') process.stdout.write('payload expression, datatype ipv4_addr (IPv4 address) (basetype integer), 32 bits\\n');
  else if (line.includes('refuse')) process.stderr.write('Error: Could not process rule: No such file or directory\\n' + line + '\\n');
  else if (line === 'die') process.exit(3);
  else if (line === 'hang') hung = true;
});
`;

function fakeSession(
  options: { timeoutMs?: number; recycleAfter?: number; startsFile?: string } = {},
): NftSession {
  const { startsFile, ...rest } = options;
  return new NftSession({ argv: [NODE, '-e', FAKE_NFT, ...(startsFile ? [startsFile] : [])], ...rest });
}

describe('interactiveLine', () => {
  it('joins a script into one line of commands separated by ";"', () => {
    expect(
      interactiveLine(
        'add element inet kordon auth4 { 100.64.0.2 }\ndelete element inet kordon auth4 { 100.64.0.2 }\n',
      ),
    ).toBe('add element inet kordon auth4 { 100.64.0.2 }; delete element inet kordon auth4 { 100.64.0.2 }');
  });

  it('refuses what the interactive reader would take otherwise', () => {
    expect(() => interactiveLine('add element inet kordon auth4 { 100.64.0.2 } # note')).toThrow('"#"');
    expect(() => interactiveLine('add element inet kordon auth4 { \\\n100.64.0.2 }')).toThrow('"\\"');
    expect(() => interactiveLine('quit\n')).toThrow('"quit"');
    expect(() => interactiveLine('\n \n')).toThrow('empty');
  });
});

describe('completeLines', () => {
  it('keeps an unfinished line for the next chunk', () => {
    expect(completeLines('', 'one\ntw')).toEqual({ lines: ['one'], rest: 'tw' });
    expect(completeLines('tw', 'o\n')).toEqual({ lines: ['two'], rest: '' });
    expect(completeLines('', 'partial')).toEqual({ lines: [], rest: 'partial' });
  });
});

describe('NftSession', () => {
  it('runs commands one after another in one process', async () => {
    const session = fakeSession();
    await session.run('add element inet kordon auth4 { 100.64.0.2 }');
    await session.run('add element inet kordon auth4 { 100.64.0.3 }');
    expect(session.worked).toBe(true);
    session.close();
  });

  it('fails a command nft refuses with what nft said, and goes on', async () => {
    const session = fakeSession();
    const refused = session.run('refuse this');
    await expect(refused).rejects.toThrow(NftRefusedError);
    await expect(refused).rejects.toThrow('nft refused it: Error: Could not process rule');
    await session.run('add element inet kordon auth4 { 100.64.0.2 }');
    session.close();
  });

  it('refuses a second command while one runs (the driver queues them)', async () => {
    const session = fakeSession();
    const first = session.run('add element inet kordon auth4 { 100.64.0.2 }');
    await expect(session.run('another')).rejects.toThrow('one command at a time');
    await first;
    session.close();
  });

  it('fails the command of a process that dies, then starts a new one', async () => {
    const session = fakeSession();
    const died = session.run('die');
    await expect(died).rejects.toThrow(CommandError);
    await expect(died).rejects.toThrow('exited with 3');
    await session.run('add element inet kordon auth4 { 100.64.0.2 }');
    session.close();
  });

  it('kills a process that does not answer in time', async () => {
    const session = fakeSession({ timeoutMs: 300 });
    await expect(session.run('hang')).rejects.toThrow('did not finish');
    await session.run('add element inet kordon auth4 { 100.64.0.2 }');
    session.close();
  });

  it('says why a program that cannot start failed, and has never worked', async () => {
    const session = new NftSession({ argv: ['/nonexistent/nft', '-i'] });
    await expect(session.run('add element inet kordon auth4 { 100.64.0.2 }')).rejects.toThrow(
      'spawn /nonexistent/nft ENOENT',
    );
    expect(session.worked).toBe(false);
  });

  it('replaces its process after so many commands, before the next one comes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kordon-nft-session-'));
    try {
      const startsFile = join(dir, 'starts');
      const line = 'add element inet kordon auth4 { 100.64.0.2 }';
      const session = fakeSession({ recycleAfter: 2, startsFile });
      for (let i = 0; i < 5; i++) await session.run(line);
      session.close();
      // Replaced after the 2nd and the 4th command.
      expect(readFileSync(startsFile, 'utf8')).toBe('started\n'.repeat(3));
      // Once closed, nothing starts again by itself.
      const again = fakeSession({ recycleAfter: 1, startsFile });
      await again.run(line);
      again.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(readFileSync(startsFile, 'utf8')).toBe('started\n'.repeat(4));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
