// The VPN-access rules page in the browser: rules added in order, reordered by drag and drop and by
// the Move buttons (also where no gap is left between two positions, so the others are spread first),
// edited, refused at their field, removed after confirming, and seen by a viewer without controls.
// What the page did is checked through GET /api/v1/vpn-rules.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { untilRest, viewerName, viewerPassword, type ConsoleEnv } from './env.js';

const listPath = '/api/v1/vpn-rules?limit=1000';
const heading = 'VPN-access rules';
const tableName = 'VPN-access rules in evaluation order';

interface Rule {
  id: string;
  position: number;
  action: 'allow' | 'deny';
  users: string[];
  groups: string[];
  created_at: string;
}

interface RuleList {
  items: Rule[];
}

/** A rule as its row shows it: "allow: alice | —". */
function shownAs(rule: Rule): string {
  const users = rule.users.map((user) => (user === '*' ? 'everyone (*)' : user)).join(', ');
  return `${rule.action}: ${users === '' ? '—' : users} | ${rule.groups.length === 0 ? '—' : rule.groups.join(', ')}`;
}

/** The rows of the page's table in the order shown, written as `shownAs` writes a rule. */
async function shownOrder(page: Page): Promise<string[]> {
  const table = page.getByRole('table', { name: tableName });
  const headers = await table.getByRole('columnheader').allInnerTexts();
  const column = (name: string) => headers.findIndex((header) => header.trim() === name);
  const rows = await table.locator('tbody > tr').all();
  const shown: string[] = [];
  for (const row of rows) {
    const cells = (await row.getByRole('cell').allInnerTexts()).map((text) => text.trim());
    shown.push(
      `${cells[column('Action')] ?? ''}: ${cells[column('Users')] ?? ''} | ${cells[column('Groups')] ?? ''}`,
    );
  }
  return shown;
}

async function listed(env: ConsoleEnv): Promise<Rule[]> {
  const reply = await env.rest<RuleList>('GET', listPath);
  expect(reply.status).toBe(200);
  return reply.body.items;
}

/** Waits until the API lists exactly these rules in this order, and the page shows the same. */
async function expectOrder(env: ConsoleEnv, wanted: string[]): Promise<Rule[]> {
  const { items } = await untilRest<RuleList>(
    env,
    listPath,
    (body) => JSON.stringify(body.items.map(shownAs)) === JSON.stringify(wanted),
  );
  await expect.poll(() => shownOrder(env.page)).toStrictEqual(wanted);
  return items;
}

async function removeAll(env: ConsoleEnv): Promise<void> {
  for (const rule of await listed(env)) {
    expect((await env.rest('DELETE', `/api/v1/vpn-rules/${rule.id}`)).status).toBe(204);
  }
}

const rowOf = (page: Page, text: string): Locator =>
  page.getByRole('table', { name: tableName }).getByRole('row').filter({ hasText: text });

const addForm = (page: Page): Locator => page.getByRole('form', { name: 'Add a rule' });

/** Adds a rule with the page's form and waits until the API lists it (as `shownAs` writes it). */
async function addInUi(
  env: ConsoleEnv,
  action: 'Allow VPN access' | 'Deny VPN access',
  users: string,
  groups: string,
  shown: string,
): Promise<void> {
  const form = addForm(env.page);
  await form.getByLabel('Action').selectOption({ label: action });
  await form.getByLabel('Users').fill(users);
  await form.getByLabel('Groups').fill(groups);
  await form.getByRole('button', { name: 'Add rule' }).click();
  await untilRest<RuleList>(env, listPath, (body) => body.items.some((rule) => shownAs(rule) === shown));
  await env.page.getByRole('status').filter({ hasText: 'Rule added.' }).waitFor();
}

export function vpnRulesPage(env: () => ConsoleEnv): void {
  describe('VPN-access rules page', () => {
    it('adds rules in the order asked, and an empty list says nobody may connect from outside', async () => {
      const { page } = env();
      await removeAll(env());
      await env().open('vpn-rules', heading);
      await page.getByText('nobody may connect from outside until a rule allows it').waitFor();
      await page.getByText('the first rule that names the account').waitFor();
      await env().shot('vpn-rules-01-empty');

      await addInUi(env(), 'Allow VPN access', 'alice', '', 'allow: alice | —');
      await addInUi(env(), 'Deny VPN access', '*', '', 'deny: everyone (*) | —');
      await addInUi(env(), 'Allow VPN access', '', 'staff', 'allow: — | staff');
      const rules = await expectOrder(env(), [
        'allow: alice | —',
        'deny: everyone (*) | —',
        'allow: — | staff',
      ]);
      expect(rules.map((rule) => rule.position)).toStrictEqual([10, 20, 30]);
      // The order numbers are 1, 2, 3; the raw position is there too, small.
      expect(await rowOf(page, 'staff').getByRole('cell').nth(1).innerText()).toBe('3 position 30');
      await env().shot('vpn-rules-02-three-rules');
    });

    it('shows the API’s error at the Users field for a rule that names nobody', async () => {
      const { page } = env();
      const form = addForm(page);
      await form.getByRole('button', { name: 'Add rule' }).click();
      const users = form.getByLabel('Users');
      await expect.poll(() => users.getAttribute('aria-invalid')).toBe('true');
      const error = form.getByRole('alert').filter({ hasText: 'a rule names at least one user' });
      await expect.poll(() => error.count()).toBe(1);
      // The error is the field's description, where a screen reader reads it.
      expect(await users.getAttribute('aria-describedby')).toBe('new-rule-users-error');
      expect(await listed(env())).toHaveLength(3);
      await env().shot('vpn-rules-03-field-error');
      await users.fill('nobody-yet');
      await expect.poll(() => users.getAttribute('aria-invalid')).toBe(null);
      await users.fill('');
    });

    it('drags the third rule to the top, and the gateway’s order follows', async () => {
      const { page } = env();
      const handle = page.getByRole('img', { name: 'Drag rule 3 to another place' });
      const first = page.getByRole('table', { name: tableName }).getByRole('row').nth(1);
      // By hand first, to see the line where the rule would land.
      await handle.hover();
      await page.mouse.down();
      await first.hover({ position: { x: 60, y: 4 } });
      await first.hover({ position: { x: 62, y: 3 } });
      await expect.poll(() => first.getAttribute('class')).toContain('drop-before');
      await env().shot('vpn-rules-04-drop-line');
      await page.mouse.up();
      await expectOrder(env(), ['allow: — | staff', 'allow: alice | —', 'deny: everyone (*) | —']);
      await page.getByRole('status').filter({ hasText: 'Moved: the rule is now number 1.' }).waitFor();

      // And with Playwright's dragTo: the last rule (deny *) before the second.
      const second = page.getByRole('table', { name: tableName }).getByRole('row').nth(2);
      await page
        .getByRole('img', { name: 'Drag rule 3 to another place' })
        .dragTo(second, { targetPosition: { x: 60, y: 3 } });
      await expectOrder(env(), ['allow: — | staff', 'deny: everyone (*) | —', 'allow: alice | —']);
      await env().shot('vpn-rules-05-dragged');

      // After a reload the page shows the gateway's order.
      await env().open('vpn-rules', heading);
      await expect
        .poll(() => shownOrder(page))
        .toStrictEqual(['allow: — | staff', 'deny: everyone (*) | —', 'allow: alice | —']);
    });

    it('moves a rule with Move down and Move up, keeping the focus on the row’s buttons', async () => {
      const { page } = env();
      await rowOf(page, 'staff').getByRole('button', { name: 'Move down' }).click();
      await expectOrder(env(), ['deny: everyone (*) | —', 'allow: — | staff', 'allow: alice | —']);
      await expect.poll(() => page.locator('tr:has(:focus)').innerText()).toContain('staff');
      // The keyboard: the focused Move down again.
      await page.keyboard.press('Enter');
      await expectOrder(env(), ['deny: everyone (*) | —', 'allow: alice | —', 'allow: — | staff']);
      // At the bottom Move down is off, so the focus is on Move up.
      await expect.poll(() => page.locator(':focus').innerText()).toBe('Move up');
      await page.keyboard.press('Enter');
      await expectOrder(env(), ['deny: everyone (*) | —', 'allow: — | staff', 'allow: alice | —']);
      expect(await rowOf(page, 'everyone').getByRole('button', { name: 'Move up' }).isDisabled()).toBe(true);
      await env().shot('vpn-rules-06-moved-by-keyboard');
    });

    it('spreads the other rules when there is no gap (positions 10 and 11) and drops the rule between', async () => {
      const { page } = env();
      await removeAll(env());
      for (const [users, position] of [
        ['carol', 10],
        ['dave', 11],
      ] as const) {
        expect(
          (await env().rest('POST', '/api/v1/vpn-rules', { action: 'allow', users: [users], position }))
            .status,
        ).toBe(201);
      }
      expect(
        (await env().rest('POST', '/api/v1/vpn-rules', { action: 'deny', users: ['erin'] })).status,
      ).toBe(201);
      await env().open('vpn-rules', heading);
      await expect
        .poll(() => shownOrder(page))
        .toStrictEqual(['allow: carol | —', 'allow: dave | —', 'deny: erin | —']);
      await env().shot('vpn-rules-07-no-gap');

      // erin (third) onto the upper half of dave's row: between 10 and 11.
      await page
        .getByRole('img', { name: 'Drag rule 3 to another place' })
        .dragTo(rowOf(page, 'dave'), { targetPosition: { x: 60, y: 3 } });
      const rules = await expectOrder(env(), ['allow: carol | —', 'deny: erin | —', 'allow: dave | —']);
      const positions = new Map(rules.map((rule) => [rule.users[0] ?? '', rule.position]));
      // carol stays at 10; dave went up to make room; erin sits strictly between them.
      expect(positions.get('carol')).toBe(10);
      expect(positions.get('dave')).toBeGreaterThan(11);
      expect(positions.get('erin')).toBeGreaterThan(10);
      expect(positions.get('erin')).toBeLessThan(positions.get('dave') ?? 0);
      await env().shot('vpn-rules-08-spread');
    });

    it('adds a rule at the top when asked', async () => {
      const { page } = env();
      await addForm(page).getByLabel('At the top (checked first)').check();
      await addInUi(env(), 'Deny VPN access', 'mallory', '', 'deny: mallory | —');
      const rules = await expectOrder(env(), [
        'deny: mallory | —',
        'allow: carol | —',
        'deny: erin | —',
        'allow: dave | —',
      ]);
      expect(rules[0]?.position).toBeLessThan(10);
      expect(rules[0]?.position).toBeGreaterThanOrEqual(0);
      await env().shot('vpn-rules-09-added-at-top');
    });

    it('edits a rule’s users and action, and refuses one that would name nobody at its field', async () => {
      const { page } = env();
      await rowOf(page, 'dave').getByRole('button', { name: 'Edit' }).click();
      const form = page.getByRole('form', { name: 'Edit rule 4' });
      // The users field has the focus; the rows cannot be moved meanwhile.
      await expect.poll(() => page.locator(':focus').getAttribute('id')).toMatch(/^edit-.*-users$/);
      expect(await rowOf(page, 'carol').getByRole('button', { name: 'Move down' }).isDisabled()).toBe(true);
      await form.getByLabel('Users').fill('dave, frank');
      await form.getByLabel('Action').selectOption({ label: 'Deny VPN access' });
      await env().shot('vpn-rules-10-editing');
      await form.getByRole('button', { name: 'Save' }).click();
      await expectOrder(env(), [
        'deny: mallory | —',
        'allow: carol | —',
        'deny: erin | —',
        'deny: dave, frank | —',
      ]);
      await page.getByRole('status').filter({ hasText: 'Rule 4 saved.' }).waitFor();

      await rowOf(page, 'carol').getByRole('button', { name: 'Edit' }).click();
      const carol = page.getByRole('form', { name: 'Edit rule 2' });
      await carol.getByLabel('Users').fill('');
      await carol.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => carol.getByLabel('Users').getAttribute('aria-invalid')).toBe('true');
      await carol.getByRole('alert').filter({ hasText: 'a rule names at least one user' }).waitFor();
      await env().shot('vpn-rules-11-edit-field-error');
      await carol.getByRole('button', { name: 'Cancel' }).click();
      // Back on the row's Edit button.
      await expect.poll(() => page.locator('tr:has(:focus)').innerText()).toContain('carol');
      expect(await page.locator(':focus').innerText()).toBe('Edit');
      const rules = await listed(env());
      expect(rules.find((rule) => rule.users.includes('carol'))?.users).toStrictEqual(['carol']);
    });

    it('removes a rule only once confirmed', async () => {
      const { page } = env();
      await rowOf(page, 'erin').getByRole('button', { name: 'Remove' }).click();
      const dialog = page.getByRole('dialog', { name: 'Remove rule 3?' });
      await dialog.waitFor();
      await env().shot('vpn-rules-12-confirm-remove');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect(await listed(env())).toHaveLength(4);

      await rowOf(page, 'erin').getByRole('button', { name: 'Remove' }).click();
      await dialog.getByRole('button', { name: 'Remove' }).click();
      await expectOrder(env(), ['deny: mallory | —', 'allow: carol | —', 'deny: dave, frank | —']);
      await page.getByRole('status').filter({ hasText: 'Rule removed.' }).waitFor();
      await env().shot('vpn-rules-13-removed');
    });

    it('shows the new order, locked, while a move is sent; on an error the gateway’s order again', async () => {
      const { page } = env();
      // The PATCHes wait until the page has been looked at.
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      await page.route('**/api/v1/vpn-rules/*', async (route) => {
        if (route.request().method() === 'PATCH') await held;
        await route.continue();
      });
      try {
        // Another administrator removes carol meanwhile: the page still shows the rule.
        const carol = (await listed(env())).find((rule) => rule.users.includes('carol'));
        expect((await env().rest('DELETE', `/api/v1/vpn-rules/${carol?.id ?? ''}`)).status).toBe(204);
        await rowOf(page, 'carol').getByRole('button', { name: 'Move down' }).click();
        await expect
          .poll(() => shownOrder(page))
          .toStrictEqual(['deny: mallory | —', 'deny: dave, frank | —', 'allow: carol | —']);
        await page.getByRole('status').filter({ hasText: 'Moving the rule…' }).waitFor();
        expect(await rowOf(page, 'mallory').getByRole('button', { name: 'Move down' }).isDisabled()).toBe(
          true,
        );
        const handle = page.getByRole('img', { name: 'Drag rule 1 to another place' });
        expect(await handle.getAttribute('draggable')).toBe('false');
        expect(await handle.getAttribute('aria-disabled')).toBe('true');
        await env().shot('vpn-rules-14-moving');
        release();
        await page.getByRole('alert').filter({ hasText: 'The rule was not moved' }).waitFor();
        await expectOrder(env(), ['deny: mallory | —', 'deny: dave, frank | —']);
        await env().shot('vpn-rules-15-move-failed');
      } finally {
        release();
        await page.unroute('**/api/v1/vpn-rules/*');
      }
    });

    it('shows a viewer every rule in order, and no drag handle or button to change them', async () => {
      const viewer = await env().signedIn(viewerName, viewerPassword);
      try {
        await env().open('vpn-rules', heading, viewer);
        const wanted = (await listed(env())).map(shownAs);
        expect(wanted).toHaveLength(2);
        await expect.poll(() => shownOrder(viewer)).toStrictEqual(wanted);
        expect(await viewer.getByRole('img', { name: /Drag rule/ }).count()).toBe(0);
        for (const name of ['Move up', 'Move down', 'Edit', 'Remove', 'Add rule']) {
          expect(await viewer.getByRole('button', { name }).count(), name).toBe(0);
        }
        expect(await addForm(viewer).count()).toBe(0);
        await env().shot('vpn-rules-16-viewer', viewer);
      } finally {
        await viewer.context().close();
      }
    });
  });
}
