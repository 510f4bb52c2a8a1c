// The directory page (DECISIONS 14): set a directory with its errors at their fields, change a group
// without the bind password, upload a keytab made by MIT's ktutil and see its keys, find a user (the
// directory cannot be reached here: its words are shown), remove it; the viewer changes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '@kordon/drivers';
import { untilRest, viewerName, viewerPassword, type ConsoleEnv } from './env.js';

interface DirectoryItem {
  url: string;
  domain: string;
  realm: string;
  viewer_group: string | null;
  admin_group: string | null;
  bind_password_set: boolean;
  keytab_keys: string[] | null;
}

const principal = 'HTTP/gw.corp.example@CORP.EXAMPLE';

export function directoryPage(env: () => ConsoleEnv): void {
  describe('directory page', () => {
    let dir: string;
    let keytab: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kordon-console-keytab-'));
      keytab = join(dir, 'gw.keytab');
      // A real keytab, as an administrator exports one (the password is ktutil's prompt's, on stdin).
      await runCommand('ktutil', [], {
        stdin: `addent -password -p ${principal} -k 3 -e aes256-cts-hmac-sha1-96\nkeytab test password\nwkt ${keytab}\nquit\n`,
      });
    });
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('sets a directory, showing the errors at their fields, and keeps the bind password', async () => {
      const { page } = env();
      await env().open('directory', 'Directory');
      await page.getByText('No directory is set').waitFor();
      // Nothing listens for LDAPS on the LAN host: a search fails at once, not after a DNS timeout.
      await page.getByLabel('Directory URL').fill('ldaps://198.18.1.2');
      await page.getByLabel('NetBIOS domain').fill('CORP');
      await page.getByLabel('Kerberos realm').fill('corp');
      await page.getByLabel('Base DN').fill('DC=corp,DC=example');
      await page.getByLabel('Bind DN').fill('CN=kordon,CN=Users,DC=corp,DC=example');
      await page.getByLabel('Administrators group').fill('CORP\\kordon-admins');
      const save = page.getByRole('button', { name: 'Save the directory' });

      await save.click();
      const password = page.getByLabel('Bind password');
      await expect.poll(() => password.getAttribute('aria-invalid')).toBe('true');
      await env().shot('directory-01-bind-password-needed');

      await password.fill('service account password');
      await save.click();
      const realm = page.getByLabel('Kerberos realm');
      await expect.poll(() => realm.getAttribute('aria-invalid')).toBe('true');
      expect((await env().rest('GET', '/api/v1/directory')).body).toBeNull();
      await realm.fill('CORP.EXAMPLE');
      await save.click();
      await page.getByText('Saved. It is used from the next login.').waitFor();
      const stored = await untilRest<DirectoryItem | null>(env(), '/api/v1/directory', (b) => b !== null);
      expect(stored).toMatchObject({
        url: 'ldaps://198.18.1.2',
        domain: 'CORP',
        realm: 'CORP.EXAMPLE',
        admin_group: 'CORP\\kordon-admins',
        viewer_group: null,
        bind_password_set: true,
        keytab_keys: null,
      });
      await env().shot('directory-02-saved');

      // A change of a group alone: the bind password field stays empty and the one set is kept.
      await page.reload();
      await page.getByLabel('Viewers group').fill('CORP\\helpdesk');
      expect(await page.getByLabel('Bind password').inputValue()).toBe('');
      await save.click();
      await untilRest<DirectoryItem | null>(
        env(),
        '/api/v1/directory',
        (b) => b?.viewer_group === 'CORP\\helpdesk',
      );
    });

    it('uploads a keytab and shows its keys, and removes it', async () => {
      const { page } = env();
      await env().open('directory', 'Directory');
      await page.getByLabel('Kerberos keytab').setInputFiles(keytab);
      await page.getByText('gw.keytab is saved with the directory.').waitFor();
      await page.getByRole('button', { name: 'Save the directory' }).click();
      const withKeytab = await untilRest<DirectoryItem | null>(
        env(),
        '/api/v1/directory',
        (b) => b?.keytab_keys !== null,
      );
      expect(withKeytab?.keytab_keys).toStrictEqual([expect.stringContaining(`${principal} (kvno 3`)]);
      await page
        .getByRole('list', { name: 'Keys in the keytab set' })
        .getByText(principal, { exact: false })
        .waitFor();
      await env().shot('directory-03-keytab');

      await page.getByRole('button', { name: 'Remove the keytab' }).click();
      await page.getByRole('button', { name: 'Save the directory' }).click();
      await untilRest<DirectoryItem | null>(
        env(),
        '/api/v1/directory',
        (b) => b !== null && b.keytab_keys === null,
      );
    });

    it('says why a user cannot be found when the directory cannot be reached', async () => {
      const { page } = env();
      await env().open('directory', 'Directory');
      const asked = await env().rest<{ error: { message: string } }>(
        'GET',
        '/api/v1/directory/users?search=alice&limit=50',
      );
      expect(asked.status).toBe(503);
      await page.getByLabel('Part of a name').fill('alice');
      await page.getByRole('button', { name: 'Find' }).click();
      const alert = page.getByRole('region', { name: 'Find a directory user' }).getByRole('alert');
      await expect
        .poll(() => alert.textContent(), { timeout: 20_000 })
        .toBe(`Error: ${asked.body.error.message}`);
      await env().shot('directory-04-unreachable');
    });

    it('the viewer sees the directory and cannot change it; the administrator removes it', async () => {
      const viewer = await env().signedIn(viewerName, viewerPassword);
      await env().open('directory', 'Directory', viewer);
      expect(await viewer.getByLabel('Directory URL').inputValue()).toBe('ldaps://198.18.1.2');
      expect(await viewer.getByRole('button', { name: 'Save the directory' }).isDisabled()).toBe(true);
      expect(await viewer.getByRole('button', { name: 'Remove the directory' }).isDisabled()).toBe(true);
      await env().shot('directory-05-viewer', viewer);
      await viewer.context().close();

      const { page } = env();
      await env().open('directory', 'Directory');
      await page.getByRole('button', { name: 'Remove the directory' }).click();
      const dialog = page.getByRole('dialog', { name: 'Remove the directory?' });
      await dialog.getByRole('button', { name: 'Remove the directory' }).click();
      await page.getByText('No directory is set').waitFor();
      expect((await env().rest('GET', '/api/v1/directory')).body).toBeNull();
    });
  });
}
