// The exemptions page (DECISIONS 72): add a host and a destination, a refused network at its field,
// remove one after confirming; the viewer sees both lists and no controls.
import { describe, expect, it } from 'vitest';
import { untilRest, viewerName, viewerPassword, type ConsoleEnv } from './env.js';

interface ExemptionItem {
  id: string;
  direction: 'from' | 'to';
  network: string;
}
interface Page {
  items: ExemptionItem[];
  total: number;
}

const networks = (body: Page): string[] => body.items.map((e) => `${e.direction} ${e.network}`).sort();

export function exemptionsPage(env: () => ConsoleEnv): void {
  describe('exemptions page', () => {
    it('adds a host and a destination, says why a network is refused, and removes one', async () => {
      const { page } = env();
      await env().open('exemptions', 'Exemptions from enforcement');
      const hosts = page.getByRole('region', { name: 'Hosts that forward without a session' });
      const destinations = page.getByRole('region', {
        name: 'Destinations anyone may reach without a session',
      });

      await hosts.getByLabel('Network or address').fill('198.18.1.7');
      await hosts.getByRole('button', { name: 'Add' }).click();
      await hosts.getByRole('row').filter({ hasText: '198.18.1.7/32' }).waitFor();
      await destinations.getByLabel('Network or address').fill('198.18.3.0/24');
      await destinations.getByRole('button', { name: 'Add' }).click();
      await destinations.getByRole('row').filter({ hasText: '198.18.3.0/24' }).waitFor();
      await untilRest<Page>(
        env(),
        '/api/v1/exemptions',
        (body) => networks(body).join() === ['from 198.18.1.7/32', 'to 198.18.3.0/24'].join(),
      );
      await env().shot('exemptions-01-added');

      // Host bits set: the gateway's words, at the field, and nothing stored.
      await destinations.getByLabel('Network or address').fill('198.18.3.1/24');
      await destinations.getByRole('button', { name: 'Add' }).click();
      const field = destinations.getByLabel('Network or address');
      await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
      const error = destinations.getByRole('alert');
      await expect.poll(() => error.textContent()).toContain('198.18.3.0/24');
      await env().shot('exemptions-02-field-error');
      expect((await env().rest<Page>('GET', '/api/v1/exemptions')).body.total).toBe(2);

      await hosts.getByRole('button', { name: 'Remove 198.18.1.7/32' }).click();
      const dialog = page.getByRole('dialog', { name: 'Remove the exemption of 198.18.1.7/32?' });
      await expect.poll(() => dialog.textContent()).toContain('can no longer forward without a session');
      await env().shot('exemptions-03-remove-confirm');
      await dialog.getByRole('button', { name: 'Remove' }).click();
      await untilRest<Page>(
        env(),
        '/api/v1/exemptions',
        (body) => networks(body).join() === 'to 198.18.3.0/24',
      );
      await expect.poll(() => hosts.getByRole('row').filter({ hasText: '198.18.1.7/32' }).count()).toBe(0);
    });

    it('the viewer sees the exemptions and no controls', async () => {
      const viewer = await env().signedIn(viewerName, viewerPassword);
      await env().open('exemptions', 'Exemptions from enforcement', viewer);
      await viewer.getByRole('row').filter({ hasText: '198.18.3.0/24' }).waitFor();
      expect(await viewer.getByRole('button', { name: 'Add' }).count()).toBe(0);
      expect(await viewer.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
      await env().shot('exemptions-04-viewer', viewer);
      await viewer.context().close();
    });
  });
}
