// The installers page in the browser: every OS listed, an upload of ~24 MiB with its progress bar (the
// bytes checked against the API's SHA-256 and a download from the client port), the API's errors at
// their field, a cancelled upload that changes nothing, removal after a confirmation, and the viewer.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilRest, viewerName, viewerPassword, type ConsoleEnv } from './env.js';

interface InstallerItem {
  os: string;
  version: string;
  file_name: string;
  size: number;
  sha256: string;
  policy: string;
  added_at: string;
}
interface InstallerList {
  items: InstallerItem[];
  total: number;
}

const heading = 'Installers and versions';
const clientPort = 14765;
const uploadSize = 24 * 1024 * 1024;
// Slow enough on loopback for the progress bar to be seen and for a cancel to land midway (~8 s).
const uploadBytesPerSecond = 3 * 1024 * 1024;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function linuxOf(list: InstallerList): InstallerItem | undefined {
  return list.items.find((item) => item.os === 'linux');
}

/** Throttles the page's uploads with Chromium's own network emulation; returns how to lift it. */
async function throttleUploads(page: Page): Promise<() => Promise<void>> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: uploadBytesPerSecond,
  });
  return async () => {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await cdp.detach();
  };
}

/** The progress bar's value, or -1 while there is none. */
async function progressValue(page: Page): Promise<number> {
  const bar = page.getByRole('progressbar', { name: 'Upload progress' });
  // The bar goes when the upload ends: a value not read at once counts as none.
  const value = await bar.getAttribute('value', { timeout: 200 }).catch(() => null);
  return value === null ? -1 : Number(value);
}

/** The upload form's end (its buttons and outcome) scrolled into view, for a screenshot. */
async function formInView(page: Page): Promise<void> {
  await page.getByRole('form', { name: 'Upload an installer' }).locator('p').last().scrollIntoViewIfNeeded();
}

export function installersPage(env: () => ConsoleEnv): void {
  describe('installers page', () => {
    let dir = '';
    const first = { name: 'kordon_2.3.4_amd64.deb', bytes: Buffer.alloc(0) };

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'kordon-installers-'));
      first.bytes = randomBytes(uploadSize);
      writeFileSync(join(dir, first.name), first.bytes);
    });

    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('lists every OS without an installer, then uploads one for linux with a progress bar', async () => {
      const { page } = env();
      await env().open('installers', heading);
      const rows = page.getByRole('table', { name: 'Installers by operating system' }).getByRole('row');
      for (const os of ['Windows', 'macOS', 'Linux']) {
        await expect
          .poll(() => rows.filter({ hasText: os }).textContent())
          .toContain('No installer: clients of this OS are not asked to update.');
      }
      await env().shot('installers-01-none');

      await page.getByLabel('Operating system', { exact: true }).selectOption('linux');
      await page.getByLabel('Installer file').setInputFiles(join(dir, first.name));
      // The version comes from the file name, the name on the gateway from the file.
      expect(await page.getByLabel('Version', { exact: true }).inputValue()).toBe('2.3.4');
      expect(await page.getByLabel('File name on the gateway').inputValue()).toBe(first.name);
      await page.getByLabel(/^Minimum:/).check();
      await formInView(page);
      await env().shot('installers-02-form');

      const unthrottle = await throttleUploads(page);
      try {
        await page.getByRole('button', { name: 'Upload', exact: true }).click();
        await expect.poll(() => progressValue(page), { timeout: 20_000, interval: 100 }).toBeGreaterThan(0);
        // Seen before the upload finished: the gateway has no linux installer yet.
        expect(linuxOf((await env().rest<InstallerList>('GET', '/api/v1/installers')).body)).toBeUndefined();
        await expect.poll(() => page.getByRole('status').filter({ hasText: 'sent' }).count()).toBe(1);
        await formInView(page);
        await env().shot('installers-03-progress');

        const linuxRow = rows.filter({ hasText: 'Linux' });
        await expect.poll(() => linuxRow.textContent(), { timeout: 60_000 }).toContain('2.3.4');
      } finally {
        await unthrottle();
      }
      const stored = linuxOf(
        await untilRest<InstallerList>(env(), '/api/v1/installers', (list) => linuxOf(list) !== undefined),
      );
      expect(stored).toMatchObject({
        version: '2.3.4',
        file_name: first.name,
        size: uploadSize,
        policy: 'minimum',
        sha256: sha256(first.bytes),
      });
      await expect
        .poll(() => page.getByRole('status').filter({ hasText: 'Stored: the Linux installer 2.3.4' }).count())
        .toBe(1);
      await formInView(page);
      await env().shot('installers-04-stored');

      // After a reload the row is read from the gateway again.
      await page.reload();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      const row = rows.filter({ hasText: 'Linux' });
      await expect.poll(() => row.textContent()).toContain('must run 2.3.4 or newer');
      expect(await row.textContent()).toContain(`:${clientPort}/${first.name}`);
      expect(await row.textContent()).toContain('24 MiB');
      expect(await row.locator('code').getAttribute('title')).toBe(sha256(first.bytes));

      // Clients download it from the client port inside the gateway's namespace.
      const downloaded = join(dir, 'downloaded');
      await env().net.gw.run(
        'curl',
        ['-sk', '--fail', '-o', downloaded, `https://127.0.0.1:${clientPort}/${first.name}`],
        { timeoutMs: 60_000 },
      );
      expect(sha256(readFileSync(downloaded))).toBe(sha256(first.bytes));
    });

    it('shows the API’s refusals at the version and file-name fields and stores nothing', async () => {
      const { page } = env();
      await env().open('installers', heading);
      const small = join(dir, 'setup.exe');
      writeFileSync(small, randomBytes(4096));
      await page.getByLabel('Operating system', { exact: true }).selectOption('windows');
      await page.getByLabel('Installer file').setInputFiles(small);
      const version = page.getByLabel('Version', { exact: true });
      await version.fill('1.2');
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      await expect
        .poll(() => page.locator('#installer-version-error').textContent())
        .toContain('"1.2" is not a version');
      expect(await version.getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByRole('alert').filter({ hasText: 'see the field marked above' }).count()).toBe(1);
      await formInView(page);
      await env().shot('installers-05-bad-version');

      await version.fill('1.0.0');
      await page.getByLabel('File name on the gateway').fill('Kordon Setup.exe');
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      await expect
        .poll(() => page.locator('#installer-file-name-error').textContent())
        .toContain('an installer file name is 1 to 128 characters');
      expect(await page.locator('#installer-version-error').count()).toBe(0);
      await formInView(page);
      await env().shot('installers-06-bad-file-name');

      const list = (await env().rest<InstallerList>('GET', '/api/v1/installers')).body;
      expect(list.items.map((item) => item.os)).toStrictEqual(['linux']);
    });

    it('cancels an upload midway: the gateway keeps the installer it had', async () => {
      const { page } = env();
      await env().open('installers', heading);
      const second = join(dir, 'kordon_2.4.0_amd64.deb');
      writeFileSync(second, randomBytes(uploadSize));
      await page.getByLabel('Operating system', { exact: true }).selectOption('linux');
      await page.getByLabel('Installer file').setInputFiles(second);
      expect(await page.getByLabel('Version', { exact: true }).inputValue()).toBe('2.4.0');

      const unthrottle = await throttleUploads(page);
      try {
        await page.getByRole('button', { name: 'Upload', exact: true }).click();
        await expect
          .poll(() => progressValue(page), { timeout: 20_000, interval: 100 })
          .toBeGreaterThan(uploadSize / 10);
        await formInView(page);
        await env().shot('installers-07-before-cancel');
        await page.getByRole('button', { name: 'Cancel the upload' }).click();
        await expect
          .poll(() => page.getByRole('status').filter({ hasText: 'The upload is cancelled' }).count())
          .toBe(1);
      } finally {
        await unthrottle();
      }
      expect(await page.getByRole('progressbar').count()).toBe(0);
      await formInView(page);
      await env().shot('installers-08-cancelled');

      const list = (await env().rest<InstallerList>('GET', '/api/v1/installers')).body;
      expect(linuxOf(list)).toMatchObject({ version: '2.3.4', sha256: sha256(first.bytes) });
      // The gateway drops the partial upload.
      const installersDir = join(env().dataDir, 'installers');
      await expect
        .poll(() => readdirSync(installersDir).filter((name) => name.startsWith('.')))
        .toStrictEqual([]);
      expect(readdirSync(installersDir)).toStrictEqual([first.name]);
    });

    it('shows the viewer the table and no upload or remove control', async () => {
      const viewer = await env().signedIn(viewerName, viewerPassword);
      try {
        await env().open('installers', heading, viewer);
        const rows = viewer.getByRole('table', { name: 'Installers by operating system' }).getByRole('row');
        await expect.poll(() => rows.filter({ hasText: 'Linux' }).textContent()).toContain('2.3.4');
        expect(await rows.filter({ hasText: 'Windows' }).textContent()).toContain('No installer');
        expect(await viewer.getByText('You have the viewer role').count()).toBe(1);
        expect(await viewer.getByLabel('Installer file').count()).toBe(0);
        expect(await viewer.getByRole('button', { name: 'Upload', exact: true }).count()).toBe(0);
        expect(await viewer.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
        await env().shot('installers-09-viewer', viewer);
      } finally {
        await viewer.context().close();
      }
    });

    it('removes an installer only after the confirmation, which says clients no longer update', async () => {
      const { page } = env();
      await env().open('installers', heading);
      await page.getByRole('button', { name: 'Remove the Linux installer' }).click();
      const dialog = page.getByRole('dialog', { name: 'Remove the Linux installer 2.3.4?' });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('clients of Linux are then no longer asked to update');
      await env().shot('installers-10-confirm-remove');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect(linuxOf((await env().rest<InstallerList>('GET', '/api/v1/installers')).body)).toBeDefined();

      await page.getByRole('button', { name: 'Remove the Linux installer' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
      await untilRest<InstallerList>(env(), '/api/v1/installers', (list) => list.total === 0);
      const rows = page.getByRole('table', { name: 'Installers by operating system' }).getByRole('row');
      await expect.poll(() => rows.filter({ hasText: 'Linux' }).textContent()).toContain('No installer');
      await expect
        .poll(() => page.getByRole('status').filter({ hasText: 'The Linux installer is removed' }).count())
        .toBe(1);
      await env().shot('installers-11-removed');
    });
  });
}
