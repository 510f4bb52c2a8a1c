// removeLeftoverInstallerFiles over a real folder and the real SQLite store: what start-up removes,
// what it completes, and what it leaves alone.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '@kordon/core';
import { systemClock } from '../../src/clock.js';
import { registerInstaller, removeLeftoverInstallerFiles } from '../../src/installers.js';
import { openSqliteStore } from '../../src/store/index.js';
import { installer } from '../store/fixtures.js';
import { logLevel, recordingLogger, sha256 } from './helpers.js';

let dir: string;
let installersDir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kordon-installers-'));
  installersDir = join(dir, 'installers');
  store = await openSqliteStore({ file: join(dir, 'kordon.db') });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const register = (os: string, fileName: string, bytes: Buffer) =>
  registerInstaller({
    store,
    dir: installersDir,
    os,
    version: '1.0.0',
    fileName,
    source: Readable.from([bytes]),
    clock: systemClock,
  });

describe('removeLeftoverInstallerFiles', () => {
  it('removes partial uploads, stray files and links, and staged files no record names', async () => {
    const windowsBytes = Buffer.from('windows installer');
    await register('windows', 'Kordon.msi', windowsBytes);
    const outside = join(dir, 'outside.txt');
    writeFileSync(outside, 'not in the installers folder');
    writeFileSync(join(installersDir, '.upload-0123456789abcdef.part'), 'half an upload');
    writeFileSync(join(installersDir, 'old-Kordon.msi'), 'a file no record names');
    writeFileSync(join(installersDir, `.staged-${'b'.repeat(64)}.Kordon.msi`), 'never recorded');
    writeFileSync(join(installersDir, `.staged-${'c'.repeat(64)}.gone.deb`), 'its record is gone');
    symlinkSync(outside, join(installersDir, 'link.msi'));
    mkdirSync(join(installersDir, 'a-folder'));

    const { logger, lines } = recordingLogger();
    const report = await removeLeftoverInstallerFiles(store, installersDir, logger);

    expect(report).toStrictEqual({
      removed: [
        `.staged-${'b'.repeat(64)}.Kordon.msi`,
        `.staged-${'c'.repeat(64)}.gone.deb`,
        '.upload-0123456789abcdef.part',
        'link.msi',
        'old-Kordon.msi',
      ],
      completed: [],
      missing: [],
    });
    expect(readdirSync(installersDir).sort()).toEqual(['Kordon.msi', 'a-folder']);
    expect(readFileSync(join(installersDir, 'Kordon.msi')).equals(windowsBytes)).toBe(true);
    // A link is removed, never what it points to.
    expect(readFileSync(outside, 'utf8')).toBe('not in the installers folder');
    const removedLines = lines.filter(
      (line) => line.msg === 'removed a leftover file from the installers folder',
    );
    expect(removedLines.map((line) => line['file']).sort()).toEqual(report.removed);
    expect(lines.find((line) => line['file'] === 'a-folder')).toMatchObject({ level: logLevel.warn });
  });

  it('finishes a registration whose record was written but whose file was not yet moved', async () => {
    const oldBytes = Buffer.from('old linux installer');
    const newBytes = Buffer.from('new linux installer, recorded');
    const recorded = await register('linux', 'kordon.deb', oldBytes);
    // The state a crash between the store write and the final rename leaves.
    writeFileSync(join(installersDir, `.staged-${sha256(newBytes)}.kordon.deb`), newBytes);
    await store.installers.put({ ...recorded, size: newBytes.length, sha256: sha256(newBytes) });

    const { logger } = recordingLogger();
    const report = await removeLeftoverInstallerFiles(store, installersDir, logger);
    expect(report).toStrictEqual({ removed: [], completed: ['kordon.deb'], missing: [] });
    expect(readdirSync(installersDir)).toEqual(['kordon.deb']);
    expect(readFileSync(join(installersDir, 'kordon.deb')).equals(newBytes)).toBe(true);
  });

  it('warns about a record whose file is missing, and keeps the record', async () => {
    mkdirSync(installersDir);
    await store.installers.put(installer('macos', { fileName: 'Kordon.pkg' }));
    const { logger, lines } = recordingLogger();
    const report = await removeLeftoverInstallerFiles(store, installersDir, logger);
    expect(report).toStrictEqual({ removed: [], completed: [], missing: ['Kordon.pkg'] });
    expect(lines.find((line) => line['file'] === 'Kordon.pkg')).toMatchObject({
      level: logLevel.warn,
      os: 'macos',
    });
    expect(await store.installers.get('macos')).toBeDefined();
  });

  it('does nothing when the folder was never made', async () => {
    const { logger, lines } = recordingLogger();
    expect(await removeLeftoverInstallerFiles(store, installersDir, logger)).toStrictEqual({
      removed: [],
      completed: [],
      missing: [],
    });
    expect(existsSync(installersDir)).toBe(false);
    expect(lines).toEqual([]);
  });
});
