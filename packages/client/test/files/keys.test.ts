// A profile's WireGuard key file on the real file system (DECISIONS 1, 73): made once, atomically, and
// afterwards the same key every time; a file that is there but unusable is an error, never a new key.
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPair, isValidKey, publicKeyOf, runCommand } from '@kordon/drivers';
import { deviceKeys, profileKeys } from '../../src/keys.js';

let userDir: string;
beforeEach(() => {
  userDir = mkdtempSync(join(tmpdir(), 'kordon-keys-'));
});
afterEach(() => rmSync(userDir, { recursive: true, force: true }));

const keyFile = (id: string): string => join(userDir, 'keys', `${id}.key`);
const modeOf = (path: string): number => statSync(path).mode & 0o7777;

describe('profile keys (DECISIONS 1)', () => {
  it('makes a key pair once (0600 in a 0700 folder) and gives the same one back', () => {
    const first = profileKeys(userDir, 'p1');
    expect(isValidKey(first.privateKey)).toBe(true);
    expect(publicKeyOf(first.privateKey)).toBe(first.publicKey);
    expect(readFileSync(keyFile('p1'), 'utf8')).toBe(`${first.privateKey}\n`);
    expect(modeOf(keyFile('p1'))).toBe(0o600);
    expect(modeOf(join(userDir, 'keys'))).toBe(0o700);
    expect(profileKeys(userDir, 'p1')).toEqual(first);
    expect(profileKeys(userDir, 'p2').privateKey).not.toBe(first.privateKey);
  });

  it('reads a key written by hand (no newline), and tightens a readable file and folder', () => {
    const pair = generateKeyPair();
    mkdirSync(join(userDir, 'keys'), { mode: 0o755 });
    chmodSync(join(userDir, 'keys'), 0o755);
    writeFileSync(keyFile('p1'), pair.privateKey, { mode: 0o644 });
    chmodSync(keyFile('p1'), 0o644);
    expect(profileKeys(userDir, 'p1')).toEqual(pair);
    expect(modeOf(keyFile('p1'))).toBe(0o600);
    expect(modeOf(join(userDir, 'keys'))).toBe(0o700);
    expect(readFileSync(keyFile('p1'), 'utf8')).toBe(pair.privateKey);
  });

  describe('a file that is there but unusable is an error and stays as it is', () => {
    const cases: [string, () => void, RegExp][] = [
      ['empty', () => writeFileSync(keyFile('p1'), '', { mode: 0o600 }), /is empty/],
      ['blank', () => writeFileSync(keyFile('p1'), ' \n\n', { mode: 0o600 }), /is empty/],
      [
        'garbage',
        () => writeFileSync(keyFile('p1'), 'not a key\n', { mode: 0o600 }),
        /holds no WireGuard private key/,
      ],
      [
        'a key cut short',
        () => writeFileSync(keyFile('p1'), generateKeyPair().privateKey.slice(0, 20), { mode: 0o600 }),
        /holds no WireGuard private key/,
      ],
      [
        'too big',
        () => writeFileSync(keyFile('p1'), 'A'.repeat(5000), { mode: 0o600 }),
        /is 5000 bytes, too big/,
      ],
    ];
    for (const [what, make, message] of cases) {
      it(what, () => {
        mkdirSync(join(userDir, 'keys'), { mode: 0o700 });
        make();
        const before = readFileSync(keyFile('p1'));
        expect(() => profileKeys(userDir, 'p1')).toThrow(message);
        expect(() => profileKeys(userDir, 'p1')).toThrow(`the WireGuard key file ${keyFile('p1')}`);
        expect(() => profileKeys(userDir, 'p1')).toThrow(/no new key is made/);
        expect(readFileSync(keyFile('p1'))).toEqual(before);
        expect(readdirSync(join(userDir, 'keys'))).toEqual(['p1.key']);
      });
    }

    it('a folder at the key path', () => {
      mkdirSync(keyFile('p1'), { recursive: true });
      expect(() => profileKeys(userDir, 'p1')).toThrow(/is not a regular file/);
      expect(lstatSync(keyFile('p1')).isDirectory()).toBe(true);
      expect(readdirSync(join(userDir, 'keys'))).toEqual(['p1.key']);
    });

    it('a symbolic link, to a good key or to nothing', () => {
      mkdirSync(join(userDir, 'keys'), { mode: 0o700 });
      const elsewhere = join(userDir, 'elsewhere.key');
      writeFileSync(elsewhere, `${generateKeyPair().privateKey}\n`, { mode: 0o600 });
      symlinkSync(elsewhere, keyFile('p1'));
      expect(() => profileKeys(userDir, 'p1')).toThrow(/is a symbolic link/);
      symlinkSync(join(userDir, 'missing.key'), keyFile('p2'));
      expect(() => profileKeys(userDir, 'p2')).toThrow(/is a symbolic link/);
      expect(lstatSync(keyFile('p2')).isSymbolicLink()).toBe(true);
      expect(readdirSync(userDir).sort()).toEqual(['elsewhere.key', 'keys']);
    });

    it('a FIFO (without hanging)', async () => {
      mkdirSync(join(userDir, 'keys'), { mode: 0o700 });
      await runCommand('mkfifo', [keyFile('p1')]);
      expect(() => profileKeys(userDir, 'p1')).toThrow(/is not a regular file/);
    });

    it('a key folder that is a link', () => {
      const real = join(userDir, 'real-keys');
      mkdirSync(real, { mode: 0o700 });
      symlinkSync(real, join(userDir, 'keys'));
      expect(() => profileKeys(userDir, 'p1')).toThrow(/is not a real folder/);
      expect(readdirSync(real)).toEqual([]);
    });
  });

  describe('a writer that crashed', () => {
    it('left a temporary file: it does not count, and the key made is whole', () => {
      const dir = join(userDir, 'keys');
      mkdirSync(dir, { mode: 0o700 });
      // What writeFileAtomic leaves when killed before its rename: a partial temporary beside the target.
      const leftover = join(dir, '.p1.key.999.abcdef012345.tmp');
      writeFileSync(leftover, 'AAAA', { mode: 0o600 });
      const pair = profileKeys(userDir, 'p1');
      expect(readFileSync(keyFile('p1'), 'utf8')).toBe(`${pair.privateKey}\n`);
      expect(readFileSync(leftover, 'utf8')).toBe('AAAA');
      expect(profileKeys(userDir, 'p1')).toEqual(pair);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual(['.p1.key.999.abcdef012345.tmp']);
    });

    it('left a temporary file beside a key: the key is kept', () => {
      const pair = profileKeys(userDir, 'p1');
      writeFileSync(join(userDir, 'keys', '.p1.key.1.000000000000.tmp'), '', { mode: 0o600 });
      expect(profileKeys(userDir, 'p1')).toEqual(pair);
    });
  });
});

describe('the device key (Device VPN, DECISIONS 77)', () => {
  it("is its own pair in <state-dir>/device/wg.key, under the same rules as a profile's", () => {
    const first = deviceKeys(userDir);
    const file = join(userDir, 'device', 'wg.key');
    expect(readFileSync(file, 'utf8')).toBe(`${first.privateKey}\n`);
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(join(userDir, 'device'))).toBe(0o700);
    expect(deviceKeys(userDir)).toEqual(first);
    writeFileSync(file, 'not a key\n', { mode: 0o600 });
    expect(() => deviceKeys(userDir)).toThrow(/holds no WireGuard private key.*no new key is made/);
  });
});
