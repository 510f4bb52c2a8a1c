// An upload that dies at any step never serves bytes under another file's checksum, and the start-up
// clean-up (removeLeftoverInstallerFiles) leaves the folder holding exactly what the store records.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '@kordon/core';
import { systemClock } from '../../src/clock.js';
import { dataPaths } from '../../src/data-dir.js';
import { registerInstaller, removeLeftoverInstallerFiles } from '../../src/installers.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { httpsRequest } from '../support/https.js';
import { crashingStore, recordingLogger, sha256, until } from './helpers.js';

// The same size, so only the checksum tells them apart.
const oldBytes = randomBytes(200_000);
const newBytes = randomBytes(200_000);

let gw: TestGateway;
let installersDir: string;

beforeEach(async () => {
  gw = await startTestGateway();
  installersDir = dataPaths(gw.dir).installers;
});

afterEach(async () => {
  await gw.dispose();
});

function register(store: Store, version: string, fileName: string, source: Buffer | Readable) {
  return registerInstaller({
    store,
    dir: installersDir,
    os: 'windows',
    version,
    fileName,
    source: Buffer.isBuffer(source) ? Readable.from([source]) : source,
    clock: systemClock,
  });
}

/** Downloads `/<fileName>`; a 200 must carry the bytes its ETag names. */
async function download(fileName: string): Promise<{ status: number; body: Buffer }> {
  const response = await httpsRequest(gw.port, `/${fileName}`, gw.ca);
  if (response.status === 200) {
    expect(response.headers['etag']).toBe(`"${sha256(response.body)}"`);
    expect(response.headers['content-length']).toBe(String(response.body.length));
  }
  return { status: response.status, body: response.body };
}

/** A restart as the gateway does it: stop, clean the installers folder, start. */
async function restartWithCleanup() {
  await gw.stop();
  const { logger, lines } = recordingLogger();
  const report = await removeLeftoverInstallerFiles(gw.store, installersDir, logger);
  await gw.restart();
  return { report, lines };
}

describe('a crash while replacing an installer under the same name', () => {
  it('before the record is written: the old bytes stay served under the old checksum', async () => {
    await register(gw.store, '1.0.0', 'Kordon.msi', oldBytes);
    const crash = crashingStore(gw.store, 'before_commit');
    void register(crash.store, '1.1.0', 'Kordon.msi', newBytes);
    await crash.crashed;

    const during = await download('Kordon.msi');
    expect(during.status).toBe(200);
    expect(during.body.equals(oldBytes)).toBe(true);

    const { report } = await restartWithCleanup();
    expect(report.removed).toEqual([`.staged-${sha256(newBytes)}.Kordon.msi`]);
    expect(readdirSync(installersDir)).toEqual(['Kordon.msi']);
    const after = await download('Kordon.msi');
    expect(after.body.equals(oldBytes)).toBe(true);
    expect(await gw.store.installers.get('windows')).toMatchObject({ minor: 0, sha256: sha256(oldBytes) });
  });

  it('after the record is written: the new bytes are served at once, and start-up finishes the move', async () => {
    await register(gw.store, '1.0.0', 'Kordon.msi', oldBytes);
    const crash = crashingStore(gw.store, 'after_commit');
    void register(crash.store, '1.1.0', 'Kordon.msi', newBytes);
    await crash.crashed;

    const during = await download('Kordon.msi');
    expect(during.status).toBe(200);
    expect(during.body.equals(newBytes)).toBe(true);

    const { report } = await restartWithCleanup();
    expect(report).toStrictEqual({ removed: [], completed: ['Kordon.msi'], missing: [] });
    expect(readdirSync(installersDir)).toEqual(['Kordon.msi']);
    expect(readFileSync(join(installersDir, 'Kordon.msi')).equals(newBytes)).toBe(true);
    expect((await download('Kordon.msi')).body.equals(newBytes)).toBe(true);
  });

  it('a store that refuses the record (no crash) leaves the old installer served as it was', async () => {
    await register(gw.store, '1.0.0', 'Kordon.msi', oldBytes);
    const refusing = Object.create(gw.store) as Store;
    refusing.transaction = () => Promise.reject(new Error('disk I/O error'));
    await expect(register(refusing, '1.1.0', 'Kordon.msi', newBytes)).rejects.toThrow('disk I/O error');

    expect(readdirSync(installersDir)).toEqual(['Kordon.msi']);
    const served = await download('Kordon.msi');
    expect(served.body.equals(oldBytes)).toBe(true);
  });

  it('without a crash, the new bytes replace the old ones under the same name', async () => {
    await register(gw.store, '1.0.0', 'Kordon.msi', oldBytes);
    const installer = await register(gw.store, '1.1.0', 'Kordon.msi', newBytes);
    expect(installer).toMatchObject({
      fileName: 'Kordon.msi',
      sha256: sha256(newBytes),
      size: newBytes.length,
    });
    expect(readdirSync(installersDir)).toEqual(['Kordon.msi']);
    expect((await download('Kordon.msi')).body.equals(newBytes)).toBe(true);
  });
});

describe('other crashes', () => {
  it('a replacement under a new name: the old file is not served and start-up removes it', async () => {
    await register(gw.store, '1.0.0', 'Kordon-1.0.0.msi', oldBytes);
    const crash = crashingStore(gw.store, 'after_commit');
    void register(crash.store, '1.1.0', 'Kordon-1.1.0.msi', newBytes);
    await crash.crashed;

    expect((await download('Kordon-1.0.0.msi')).status).toBe(404);
    expect((await download('Kordon-1.1.0.msi')).body.equals(newBytes)).toBe(true);

    const { report } = await restartWithCleanup();
    expect(report).toStrictEqual({
      removed: ['Kordon-1.0.0.msi'],
      completed: ['Kordon-1.1.0.msi'],
      missing: [],
    });
    expect(readdirSync(installersDir)).toEqual(['Kordon-1.1.0.msi']);
    expect((await download('Kordon-1.1.0.msi')).body.equals(newBytes)).toBe(true);
  });

  it('while the bytes stream in: the partial file is never served and start-up removes it', async () => {
    await register(gw.store, '1.0.0', 'Kordon.msi', oldBytes);
    // An upload that stops half-way and never ends, like a process killed while receiving it.
    const stalled = new Readable({ read: () => undefined });
    stalled.push(newBytes.subarray(0, 100_000));
    void register(gw.store, '1.1.0', 'Kordon.msi', stalled);
    const partial = () => readdirSync(installersDir).filter((name) => name.endsWith('.part'));
    expect(await until(() => partial().length === 1)).toBe(true);

    expect((await download('Kordon.msi')).body.equals(oldBytes)).toBe(true);
    expect((await download(partial()[0] ?? '')).status).toBe(404);

    const { report, lines } = await restartWithCleanup();
    expect(report.removed).toEqual([expect.stringMatching(/^\.upload-[0-9a-f]+\.part$/)]);
    expect(readdirSync(installersDir)).toEqual(['Kordon.msi']);
    expect(lines.map((line) => line.msg)).toContain('removed a leftover file from the installers folder');
    expect((await download('Kordon.msi')).body.equals(oldBytes)).toBe(true);
  });
});
