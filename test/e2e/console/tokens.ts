// The API tokens and administrators page in the browser: a token made in the page is shown once and
// works until it is revoked there; an administrator added with a forced change meets the change at
// sign-in, gets a new password and goes; the last admin cannot go; a viewer sees both lists and no
// change controls. Every step is checked through the management API.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { adminName, consoleUrl, untilRest, viewerName, viewerPassword, type ConsoleEnv } from './env.js';

const heading = 'API tokens and administrators';

interface ListReply<T> {
  items: T[];
}
interface TokenItem {
  id: string;
  name: string;
  role: string;
  created_at: string;
}
interface DirectoryItem {
  admin_group: string | null;
  viewer_group: string | null;
}
interface AdminItem {
  name: string;
  role: string;
  must_change_password: boolean;
}

/** GET /api/v1/sessions from `page` with only the token (no cookie): the status it answers. */
async function statusWithToken(page: Page, token: string): Promise<number> {
  return page.evaluate(async (secret) => {
    const response = await fetch('/api/v1/sessions', {
      credentials: 'omit',
      headers: { authorization: `Bearer ${secret}` },
    });
    return response.status;
  }, token);
}

export function tokensPage(env: () => ConsoleEnv): void {
  describe('tokens and administrators page', () => {
    it('shows a new token once, which works until it is revoked in the page', async () => {
      const { page } = env();
      await env().open('tokens', heading);
      await env().shot('tokens-01-page');

      await page.getByLabel('Token name').fill('e2e nightly script');
      await page.getByLabel('Token role').selectOption('viewer');
      await page.getByRole('button', { name: 'Create token' }).click();
      const shown = page.getByRole('dialog', { name: 'API token “e2e nightly script” created' });
      await shown.waitFor();
      const token = await shown.getByLabel('Token', { exact: true }).inputValue();
      expect(token.length).toBeGreaterThan(20);
      await expect.poll(() => shown.getByText('cannot be shown again').count()).toBe(1);
      await expect
        .poll(() => shown.getByText(`Authorization: Bearer ${token}`, { exact: true }).count())
        .toBe(1);
      await shown.getByRole('button', { name: 'Copy' }).click();
      await expect
        .poll(() => shown.getByRole('status').textContent())
        .toMatch(/^(Copied\.|The browser did not let the page copy.*)$/);
      await env().shot('tokens-02-token-shown');

      const listed = await untilRest<ListReply<TokenItem>>(env(), '/api/v1/tokens', (body) =>
        body.items.some((item) => item.name === 'e2e nightly script'),
      );
      const made = listed.items.find((item) => item.name === 'e2e nightly script');
      expect(made?.role).toBe('viewer');
      expect(JSON.stringify(listed)).not.toContain(token);
      expect(await statusWithToken(page, token)).toBe(200);

      await shown.getByRole('button', { name: 'I have copied it' }).click();
      await expect.poll(() => shown.count()).toBe(0);
      // Once closed, the secret is nowhere in the page.
      await expect.poll(() => page.getByText(token).count()).toBe(0);
      const row = page.getByRole('row', { name: /e2e nightly script/ });
      await expect.poll(() => row.getByRole('cell', { name: 'viewer', exact: true }).count()).toBe(1);

      await row.getByRole('button', { name: /Revoke/ }).click();
      const confirm = page.getByRole('dialog', { name: 'Revoke this API token?' });
      await expect.poll(() => confirm.getByText(/stop working at once/).count()).toBe(1);
      await env().shot('tokens-03-revoke-confirm');
      await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
      await untilRest<ListReply<TokenItem>>(env(), '/api/v1/tokens', (body) =>
        body.items.every((item) => item.id !== made?.id),
      );
      expect(await statusWithToken(page, token)).toBe(401);
      await expect.poll(() => row.count()).toBe(0);
      await expect.poll(() => page.getByText('API token “e2e nightly script” revoked.').count()).toBe(1);
      await env().shot('tokens-04-revoked');
    });

    it('adds an administrator who must change the password, resets it with an error at its field, and removes it', async () => {
      const { page } = env();
      await env().open('tokens', heading);
      await expect
        .poll(() => page.getByRole('row', { name: new RegExp(`^${adminName} you`) }).count())
        .toBe(1);

      await page.getByLabel('Administrator name').fill('ops1');
      await page.getByLabel('Password', { exact: true }).fill('given password 1');
      await page.getByLabel('Repeat the password').fill('given password 1');
      const mustChange = page.getByLabel('Must change the password at first sign-in');
      expect(await mustChange.isChecked()).toBe(true);
      await page.getByRole('button', { name: 'Add administrator' }).click();
      await expect.poll(() => page.getByText('Administrator “ops1” added.').count()).toBe(1);
      const added = await untilRest<ListReply<AdminItem>>(env(), '/api/v1/admins', (body) =>
        body.items.some((item) => item.name === 'ops1'),
      );
      expect(added.items.find((item) => item.name === 'ops1')).toMatchObject({
        role: 'admin',
        must_change_password: true,
      });
      const row = page.getByRole('row', { name: /^ops1/ });
      await expect.poll(() => row.getByText('must change password').count()).toBe(1);
      await env().shot('tokens-05-admin-added');

      // A browser of ops1's own: env.signedIn waits for the monitor, which a forced change never shows.
      const context = await env().browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-US' });
      try {
        const ops = await context.newPage();
        await ops.goto(consoleUrl);
        await ops.getByLabel('Name').fill('ops1');
        await ops.getByLabel('Password', { exact: true }).fill('given password 1');
        await ops.getByRole('button', { name: 'Sign in' }).click();
        await ops.getByRole('heading', { name: 'Choose a new password' }).waitFor();
        await env().shot('tokens-06-forced-change', ops);
        await ops.getByLabel('Current password').fill('given password 1');
        await ops.getByLabel('New password', { exact: true }).fill('ops1 own password 1');
        await ops.getByLabel('Repeat the new password').fill('ops1 own password 1');
        await ops.getByRole('button', { name: 'Change password' }).click();
        await ops.getByRole('heading', { name: 'Authorized users' }).waitFor();
        await untilRest<ListReply<AdminItem>>(env(), '/api/v1/admins', (body) =>
          body.items.some((item) => item.name === 'ops1' && !item.must_change_password),
        );

        await page.reload();
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
        await expect.poll(() => row.getByText('must change password').count()).toBe(0);
        await row.getByRole('button', { name: /Reset password/ }).click();
        const reset = page.getByRole('dialog', { name: 'New password for “ops1”' });
        await reset.waitFor();
        // An empty password is too short for the gateway: its error is shown at the field.
        await reset.getByRole('button', { name: 'Set password' }).click();
        const field = reset.getByLabel('New password', { exact: true });
        await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
        const fieldError = page.locator('#reset-password-error');
        await expect.poll(() => fieldError.textContent()).toBe('"password" must be a non-empty string');
        expect(await field.getAttribute('aria-describedby')).toBe('reset-password-error');
        await env().shot('tokens-07-password-error-at-field');
        const unchanged = await env().rest<ListReply<AdminItem>>('GET', '/api/v1/admins');
        expect(unchanged.body.items.find((item) => item.name === 'ops1')?.must_change_password).toBe(false);

        await field.fill('reset password 123');
        await reset.getByLabel('Repeat the new password').fill('reset password 123');
        expect(await reset.getByLabel('Must change the password at first sign-in').isChecked()).toBe(true);
        await reset.getByRole('button', { name: 'Set password' }).click();
        await expect.poll(() => reset.count()).toBe(0);
        await untilRest<ListReply<AdminItem>>(env(), '/api/v1/admins', (body) =>
          body.items.some((item) => item.name === 'ops1' && item.must_change_password),
        );
        await expect.poll(() => row.getByText('must change password').count()).toBe(1);
        // The new password ended ops1's console session.
        expect(
          await ops.evaluate(async () => (await fetch('/api/v1/me', { credentials: 'same-origin' })).status),
        ).toBe(401);
        await env().shot('tokens-08-password-reset');
      } finally {
        await context.close();
      }

      await row.getByRole('button', { name: /Remove/ }).click();
      const confirm = page.getByRole('dialog', { name: 'Remove this administrator?' });
      await expect.poll(() => confirm.getByText(/“ops1”/).count()).toBe(1);
      await env().shot('tokens-09-remove-confirm');
      await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
      await untilRest<ListReply<AdminItem>>(env(), '/api/v1/admins', (body) =>
        body.items.every((item) => item.name !== 'ops1'),
      );
      await expect.poll(() => row.count()).toBe(0);
    });

    it('asks twice before you remove yourself, and says when you are the last admin', async () => {
      const { page } = env();
      const admins = await env().rest<ListReply<AdminItem>>('GET', '/api/v1/admins');
      expect(
        admins.body.items.filter((item) => item.role === 'admin').map((item) => item.name),
      ).toStrictEqual([adminName]);
      await env().open('tokens', heading);
      const row = page.getByRole('row', { name: new RegExp(`^${adminName} you`) });
      await row.getByRole('button', { name: /Remove/ }).click();
      await page
        .getByRole('dialog', { name: 'Remove this administrator?' })
        .getByRole('button', { name: 'Remove', exact: true })
        .click();
      const again = page.getByRole('dialog', { name: 'Remove yourself?' });
      await expect.poll(() => again.getByText(/ends this console session at once/).count()).toBe(1);
      await env().shot('tokens-10-remove-yourself');
      await again.getByRole('button', { name: 'Remove myself' }).click();
      const alert = page
        .getByRole('alert')
        .filter({ hasText: 'is the last administrator with the administrator role' });
      await expect.poll(() => alert.count()).toBe(1);
      expect(await alert.textContent()).toContain(`“${adminName}”`);
      const after = await env().rest<ListReply<AdminItem>>('GET', '/api/v1/admins');
      expect(after.status).toBe(200);
      expect(after.body.items.some((item) => item.name === adminName)).toBe(true);
      await env().shot('tokens-11-last-admin');
    });

    it('names the directory’s admin and viewer groups when a directory is connected', async () => {
      const { page } = env();
      const before = await env().rest<DirectoryItem | null>('GET', '/api/v1/directory');
      let directory = before.body;
      if (directory === null) {
        const set = await env().rest<DirectoryItem>('PUT', '/api/v1/directory', {
          url: 'ldaps://dc1.corp.example',
          domain: 'CORP',
          realm: 'CORP.EXAMPLE',
          base_dn: 'DC=corp,DC=example',
          bind_dn: 'CN=kordon,CN=Users,DC=corp,DC=example',
          bind_password: 'bind password 1',
          ca_cert: null,
          admin_group: 'CORP\\kordon-admins',
          viewer_group: null,
        });
        expect(set.status).toBe(200);
        directory = set.body;
      }
      try {
        await env().open('tokens', heading);
        const line = page.getByText(
          /Members of the directory’s groups sign in with their directory password/,
        );
        await expect.poll(() => line.count()).toBe(1);
        const text = (await line.textContent()) ?? '';
        expect(text).toContain(`${directory.admin_group ?? 'no group'} (administrator role)`);
        expect(text).toContain(`${directory.viewer_group ?? 'no group'} (viewer role)`);
        await env().shot('tokens-12-directory-groups');
      } finally {
        if (before.body === null) expect((await env().rest('DELETE', '/api/v1/directory')).status).toBe(204);
      }
    });

    it('shows the viewer both lists and no change controls', async () => {
      const made = await env().rest<TokenItem>('POST', '/api/v1/tokens', { name: 'seen by the viewer' });
      expect(made.status).toBe(201);
      const viewer = await env().signedIn(viewerName, viewerPassword);
      try {
        await env().open('tokens', heading, viewer);
        await expect.poll(() => viewer.getByRole('row', { name: /seen by the viewer/ }).count()).toBe(1);
        await expect
          .poll(() => viewer.getByRole('row', { name: new RegExp(`^${viewerName} you`) }).count())
          .toBe(1);
        await expect
          .poll(() => viewer.getByRole('row', { name: new RegExp(`^${adminName}`) }).count())
          .toBe(1);
        for (const name of ['Create token', 'Add administrator', /Revoke/, /Reset password/, /Remove/]) {
          expect(await viewer.getByRole('button', { name }).count()).toBe(0);
        }
        expect(await viewer.getByLabel('Token name').count()).toBe(0);
        await expect.poll(() => viewer.getByText('You have the viewer role').count()).toBe(1);
        await env().shot('tokens-13-viewer', viewer);
      } finally {
        await viewer.context().close();
        await env().rest('DELETE', `/api/v1/tokens/${made.body.id}`);
      }
    });
  });
}
