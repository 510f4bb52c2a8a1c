// Installer uploads through the API, and registerInstaller/removeInstaller as the CLI uses them.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InstallerError, registerInstaller, removeInstaller } from '../../src/installers.js';
import { createHarness, errorOf, type Harness } from './harness.js';

let h: Harness;

beforeEach(async () => {
  h = await createHarness({ deps: { clientPort: 14765 } });
});

afterEach(async () => {
  await h.close();
});

const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256));
/** Everything in a folder, hidden files included; nothing when it was never made. */
const filesIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function upload(os: string, query: string, body: Buffer = bytes, contentType = 'application/octet-stream') {
  return h.asAdmin({
    method: 'PUT',
    url: `/api/v1/installers/${os}?${query}`,
    payload: body,
    headers: { 'content-type': contentType },
  });
}

describe('installers through the API', () => {
  it('an upload lands on disk with the right bytes and SHA-256, and is listed', async () => {
    const response = await upload('windows', 'version=1.2.3&file_name=KordonSetup_x64.msi&policy=minimum');
    expect(response.statusCode).toBe(201);
    const item = {
      os: 'windows',
      version: '1.2.3',
      file_name: 'KordonSetup_x64.msi',
      size: bytes.length,
      sha256: sha256(bytes),
      policy: 'minimum',
      added_at: '2026-11-26T10:00:00.000Z',
      // What clients are told to download (DECISIONS 48): the client endpoint's port.
      download_url: ':14765/KordonSetup_x64.msi',
    };
    expect(response.json()).toStrictEqual(item);
    const file = join(h.installersDir, 'KordonSetup_x64.msi');
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(statSync(h.installersDir).mode & 0o777).toBe(0o755);
    expect(readdirSync(h.installersDir)).toEqual(['KordonSetup_x64.msi']);
    expect(await h.store.installers.get('windows')).toMatchObject({
      major: 1,
      minor: 2,
      build: 3,
      policy: 'minimum',
    });

    const list = await h.asViewer({ method: 'GET', url: '/api/v1/installers' });
    expect(list.json()).toStrictEqual({ items: [item], total: 1, next_cursor: null });
    const [event] = await h.store.events.list(1);
    expect(event).toMatchObject({ kind: 'installer_changed' });
    expect(event?.detail).toContain('windows installer 1.2.3 registered by API token "test-admin"');
  });

  it('policy defaults to exact; a new upload of the OS replaces the old file', async () => {
    const first = await upload('linux', 'version=1.0.0&file_name=kordon-1.0.0.deb');
    expect(first.json()).toMatchObject({ policy: 'exact' });
    const newer = Buffer.from('newer installer');
    const second = await upload('linux', 'version=1.1.0&file_name=kordon-1.1.0.deb', newer);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toMatchObject({ version: '1.1.0', size: newer.length, sha256: sha256(newer) });
    expect(readdirSync(h.installersDir)).toEqual(['kordon-1.1.0.deb']);
    expect((await h.store.installers.list()).map((i) => i.fileName)).toEqual(['kordon-1.1.0.deb']);
  });

  it('DELETE removes the record and the file; 404 when none', async () => {
    await upload('macos', 'version=2.0.1&file_name=Kordon.pkg');
    const removed = await h.asAdmin({ method: 'DELETE', url: '/api/v1/installers/macos' });
    expect(removed.statusCode).toBe(204);
    expect(readdirSync(h.installersDir)).toEqual([]);
    expect(await h.store.installers.list()).toEqual([]);
    const again = await h.asAdmin({ method: 'DELETE', url: '/api/v1/installers/macos' });
    expect(again.statusCode).toBe(404);
    expect(errorOf(again)).toMatchObject({ code: 'not_found', field: null });
  });

  it.each([
    ['..%2Fx', '../x'],
    ['.hidden', '.hidden'],
    ['a%2Fb', 'a/b'],
    ['a..b', 'a..b'],
    ['', 'empty'],
    ['x'.repeat(129), 'too long'],
    ['setup%20x64.msi', 'a space'],
  ])('file name %s (%s) is refused', async (encoded) => {
    const response = await upload('windows', `version=1.2.3&file_name=${encoded}`);
    expect(response.statusCode).toBe(400);
    expect(errorOf(response)).toMatchObject({ code: 'invalid_field', field: '/file_name' });
    expect(await h.store.installers.list()).toEqual([]);
    expect(filesIn(h.installersDir)).toEqual([]);
  });

  it('refuses bad versions, OS names, policies and unknown parameters', async () => {
    const cases: [string, string, string, string][] = [
      ['windows', 'version=1.2&file_name=a.msi', 'invalid_field', '/version'],
      ['windows', 'version=v1.2.3&file_name=a.msi', 'invalid_field', '/version'],
      ['windows', 'file_name=a.msi', 'missing_field', '/version'],
      ['windows', 'version=1.2.3', 'missing_field', '/file_name'],
      ['windows', 'version=1.2.3&file_name=a.msi&policy=latest', 'invalid_field', '/policy'],
      ['windows', 'version=1.2.3&file_name=a.msi&sha=1', 'unknown_field', '/sha'],
      ['beos', 'version=1.2.3&file_name=a.msi', 'invalid_field', '/os'],
    ];
    for (const [os, query, code, field] of cases) {
      const response = await upload(os, query);
      expect(response.statusCode, query).toBe(400);
      expect(errorOf(response)).toMatchObject({ code, field });
    }
    expect(await h.store.installers.list()).toEqual([]);
  });

  it('takes raw bytes only, and an empty file is refused', async () => {
    const asJson = await upload(
      'windows',
      'version=1.2.3&file_name=a.msi',
      Buffer.from('{}'),
      'application/json',
    );
    expect(asJson.statusCode).toBe(415);
    expect(errorOf(asJson).code).toBe('unsupported_media_type');
    const empty = await upload('windows', 'version=1.2.3&file_name=a.msi', Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    expect(errorOf(empty)).toStrictEqual({
      code: 'invalid_field',
      message: 'the installer is empty',
      field: null,
    });
    expect(filesIn(h.installersDir)).toEqual([]);
    const none = await h.asAdmin({
      method: 'PUT',
      url: '/api/v1/installers/windows?version=1.2.3&file_name=a.msi',
    });
    expect(none.statusCode).toBe(415);
  });

  it("refuses a file name another OS's installer uses", async () => {
    await upload('windows', 'version=1.2.3&file_name=kordon.bin');
    const response = await upload('linux', 'version=1.2.3&file_name=kordon.bin', Buffer.from('other'));
    expect(response.statusCode).toBe(409);
    expect(errorOf(response)).toMatchObject({ code: 'conflict', field: '/file_name' });
    expect(errorOf(response).message).toContain('windows');
    expect(readFileSync(join(h.installersDir, 'kordon.bin')).equals(bytes)).toBe(true);
  });
});

describe('registerInstaller and removeInstaller (shared with the CLI)', () => {
  it('reads a path, names the file after it by default, and removes it', async () => {
    const sourceDir = join(h.dir, 'src');
    mkdirSync(sourceDir);
    const source = join(sourceDir, 'Kordon-2.3.4.pkg');
    writeFileSync(source, bytes);
    const installer = await registerInstaller({
      store: h.store,
      dir: h.installersDir,
      os: 'macos',
      version: '2.3.4',
      source,
      clock: h.clock,
    });
    expect(installer).toStrictEqual({
      os: 'macos',
      major: 2,
      minor: 3,
      build: 4,
      fileName: 'Kordon-2.3.4.pkg',
      size: bytes.length,
      sha256: sha256(bytes),
      policy: 'exact',
      addedAt: h.clock.now(),
    });
    expect(readFileSync(join(h.installersDir, 'Kordon-2.3.4.pkg')).equals(bytes)).toBe(true);
    expect(await removeInstaller({ store: h.store, dir: h.installersDir, os: 'macos' })).toBe(true);
    expect(readdirSync(h.installersDir)).toEqual([]);
    expect(await removeInstaller({ store: h.store, dir: h.installersDir, os: 'macos' })).toBe(false);
  });

  async function refusal(promise: Promise<unknown>): Promise<InstallerError> {
    const error: unknown = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InstallerError);
    return error as InstallerError;
  }

  it('refuses with the field at fault and a clear message', async () => {
    const common = { store: h.store, dir: h.installersDir, clock: h.clock, version: '1.0.0' };
    const missing = await refusal(
      registerInstaller({ ...common, os: 'linux', source: join(h.dir, 'nope.deb') }),
    );
    expect(missing).toMatchObject({ code: 'invalid_field', field: 'source' });
    expect(missing.message).toContain('ENOENT');
    const os = await refusal(
      registerInstaller({ ...common, os: 'Windows', source: Readable.from([bytes]), fileName: 'a.msi' }),
    );
    expect(os).toMatchObject({ field: 'os' });
    expect(os.message).toContain('windows, macos or linux');
    const noName = await refusal(
      registerInstaller({ ...common, os: 'linux', source: Readable.from([bytes]) }),
    );
    expect(noName).toMatchObject({ field: 'file_name' });
    const version = await refusal(
      registerInstaller({
        ...common,
        version: '1.0',
        os: 'linux',
        source: Readable.from([bytes]),
        fileName: 'a.deb',
      }),
    );
    expect(version).toMatchObject({ field: 'version' });
    expect(version.message).toContain('1.2.3');
  });

  it('stops at the size limit and leaves nothing behind', async () => {
    const tooLarge = await refusal(
      registerInstaller({
        store: h.store,
        dir: h.installersDir,
        os: 'linux',
        version: '1.0.0',
        fileName: 'big.deb',
        source: Readable.from([bytes, bytes]),
        clock: h.clock,
        maxSize: bytes.length,
      }),
    );
    expect(tooLarge).toMatchObject({ code: 'too_large', field: 'source' });
    expect(filesIn(h.installersDir)).toEqual([]);
    expect(await h.store.installers.list()).toEqual([]);
  });
});
