// The users and groups page: add a user (an empty password and a taken name refused at their field),
// set a password, disable and enable, groups and their members, remove a user after confirming,
// search and paging over many users; the viewer sees both lists and no controls. Each step is
// checked through the REST API.
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { untilRest, viewerName, viewerPassword, type ConsoleEnv } from './env.js';

interface UserItem {
  name: string;
  disabled: boolean;
  created_at: string;
}
interface GroupItem {
  name: string;
  members: string[];
}
interface ListReply<T> {
  items: T[];
  total: number;
  next_cursor: string | null;
}
interface EventItem {
  kind: string;
  account: string | null;
  detail: string;
}

const heading = 'Users and groups';
const user = 'dana';
const password = 'dana password 1';

const usersOf = (page: Page): Locator => page.getByRole('region', { name: 'Local users', exact: true });
const groupsOf = (page: Page): Locator => page.getByRole('region', { name: 'Groups', exact: true });
const rowOf = (region: Locator, name: string): Locator =>
  region.getByRole('row').filter({ has: region.page().getByRole('rowheader', { name, exact: true }) });

async function findUser(env: ConsoleEnv, name: string): Promise<UserItem | undefined> {
  const reply = await env.rest<ListReply<UserItem>>('GET', `/api/v1/users?search=${name}`);
  return reply.body.items.find((item) => item.name === name);
}

async function invalid(field: Locator): Promise<void> {
  await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
}

export function usersPage(env: () => ConsoleEnv): void {
  describe('users and groups page', () => {
    it('adds a user; an empty password and a taken name are refused at their field', async () => {
      const { page } = env();
      await env().open('users', heading);
      const users = usersOf(page);
      await users.getByRole('button', { name: 'Add user' }).click();
      const form = users.getByRole('form', { name: 'New local user' });
      await form.getByLabel('Name', { exact: true }).fill(user);

      // The repeat is the form's own check: nothing is sent.
      await form.getByLabel('Password', { exact: true }).fill(password);
      await form.getByLabel('Repeat the password').fill('something else');
      await form.getByRole('button', { name: 'Create user' }).click();
      await invalid(form.getByLabel('Repeat the password'));
      expect(await findUser(env(), user)).toBeUndefined();

      // The gateway's rule (minLength 1), at the password field.
      await form.getByLabel('Password', { exact: true }).fill('');
      await form.getByLabel('Repeat the password').fill('');
      await form.getByRole('button', { name: 'Create user' }).click();
      const passwordField = form.getByLabel('Password', { exact: true });
      await invalid(passwordField);
      await expect
        .poll(() => page.locator('#new-user-password-error').textContent())
        .toContain('"password" must');
      await env().shot('users-01-empty-password');
      expect(await findUser(env(), user)).toBeUndefined();

      await form.getByLabel('Password', { exact: true }).fill(password);
      await form.getByLabel('Repeat the password').fill(password);
      await form.getByRole('button', { name: 'Create user' }).click();
      await rowOf(users, user).waitFor();
      await expect.poll(() => rowOf(users, user).textContent()).toContain('enabled');
      const created = await findUser(env(), user);
      expect(created?.disabled).toBe(false);
      await env().shot('users-02-added');

      // The same name again: 409 conflict at /name, and still one dana.
      await users.getByRole('button', { name: 'Add user' }).click();
      await form.getByLabel('Name', { exact: true }).fill(user.toUpperCase());
      await form.getByLabel('Password', { exact: true }).fill(password);
      await form.getByLabel('Repeat the password').fill(password);
      await form.getByRole('button', { name: 'Create user' }).click();
      await invalid(form.getByLabel('Name', { exact: true }));
      await expect.poll(() => page.locator('#new-user-name-error').textContent()).toContain('exists');
      await env().shot('users-03-taken-name');
      const reply = await env().rest<ListReply<UserItem>>('GET', `/api/v1/users?search=${user}`);
      expect(reply.body.total).toBe(1);

      // A malformed name: 400 at /name with the gateway's words.
      await form.getByLabel('Name', { exact: true }).fill('CORP\\dana');
      await form.getByRole('button', { name: 'Create user' }).click();
      await expect.poll(() => page.locator('#new-user-name-error').textContent()).toContain('no domain part');
      await form.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => form.count()).toBe(0);
    });

    it('sets a password, and disables (after confirming) and enables a user', async () => {
      const { page } = env();
      await env().open('users', heading);
      const users = usersOf(page);
      await users.getByRole('button', { name: `Set the password of ${user}` }).click();
      const dialog = page.getByRole('dialog', { name: `New password for ${user}` });
      await dialog.getByLabel('New password').fill('dana password 2');
      await dialog.getByLabel('Repeat the password').fill('dana password 2');
      await env().shot('users-04-set-password');
      await dialog.getByRole('button', { name: 'Set password' }).click();
      await expect.poll(() => dialog.count()).toBe(0);
      // The route answers 204 and writes the event: that is what proves the PUT (no hash leaves the API).
      const events = await untilRest<ListReply<EventItem>>(
        env(),
        `/api/v1/events?kind=user_changed&account=${user}`,
        (body) => body.items.some((event) => event.detail === 'password set by admin "root"'),
      );
      expect(events.items.some((event) => event.detail === 'user created by admin "root"')).toBe(true);
      await users
        .getByRole('status')
        .filter({ hasText: `The password of ${user} is set` })
        .waitFor();

      await users.getByRole('button', { name: `Disable ${user}` }).click();
      const confirm = page.getByRole('dialog', { name: `Disable ${user}?` });
      await expect.poll(() => confirm.textContent()).toContain('their sessions end now');
      await env().shot('users-05-disable-confirm');
      await confirm.getByRole('button', { name: 'Disable' }).click();
      await untilRest<ListReply<UserItem>>(env(), `/api/v1/users?search=${user}`, (body) =>
        body.items.some((item) => item.name === user && item.disabled),
      );
      // After a reload the page shows what the gateway holds.
      await env().open('users', heading);
      await expect.poll(() => rowOf(users, user).textContent()).toContain('disabled');
      await env().shot('users-06-disabled');

      await users.getByRole('button', { name: `Enable ${user}` }).click();
      await untilRest<ListReply<UserItem>>(env(), `/api/v1/users?search=${user}`, (body) =>
        body.items.some((item) => item.name === user && !item.disabled),
      );
      await expect.poll(() => rowOf(users, user).textContent()).toContain('enabled');
    });

    it('makes a group, adds and removes a member, and removes the group after confirming', async () => {
      const { page } = env();
      await env().open('users', heading);
      const groups = groupsOf(page);
      await groups.getByRole('button', { name: 'Add group' }).click();
      await groups.getByLabel('Group name').fill('sales');
      await groups.getByRole('button', { name: 'Create group' }).click();
      await rowOf(groups, 'sales').waitFor();
      await untilRest<ListReply<GroupItem>>(env(), '/api/v1/groups', (body) =>
        body.items.some((group) => group.name === 'sales' && group.members.length === 0),
      );

      // No such user: the gateway's 404, at the field.
      await groups.getByRole('button', { name: 'Add a member to sales' }).click();
      const member = groups.getByLabel('Local user to add to sales');
      await member.fill('nobody');
      await groups.getByRole('button', { name: 'Add to group' }).click();
      await invalid(member);
      await expect.poll(() => page.locator('#member-user-error').textContent()).toContain('no user named');
      await env().shot('users-07-no-such-member');

      await member.fill(user);
      await groups.getByRole('button', { name: 'Add to group' }).click();
      await untilRest<ListReply<GroupItem>>(env(), '/api/v1/groups', (body) =>
        body.items.some((group) => group.name === 'sales' && group.members.join() === user),
      );
      await expect.poll(() => rowOf(groups, 'sales').textContent()).toContain(user);
      // The user's row names the group too.
      await expect.poll(() => rowOf(usersOf(page), user).textContent()).toContain('sales');
      await env().shot('users-08-member-added');

      await groups.getByRole('button', { name: `Remove ${user} from sales` }).click();
      await untilRest<ListReply<GroupItem>>(env(), '/api/v1/groups', (body) =>
        body.items.some((group) => group.name === 'sales' && group.members.length === 0),
      );
      await expect.poll(() => rowOf(groups, 'sales').textContent()).toContain('no members');

      // Removing the group says how many members it has and what that does to VPN-access rules.
      await env().rest('PUT', `/api/v1/groups/sales/members/${user}`);
      await env().open('users', heading);
      await groups.getByRole('button', { name: 'Remove group sales' }).click();
      const confirm = page.getByRole('dialog', { name: 'Remove group sales?' });
      await expect.poll(() => confirm.textContent()).toContain('Members of the group sales: 1');
      await expect.poll(() => confirm.textContent()).toContain('VPN-access rules naming it');
      await env().shot('users-09-remove-group-confirm');
      await confirm.getByRole('button', { name: 'Remove group' }).click();
      await untilRest<ListReply<GroupItem>>(
        env(),
        '/api/v1/groups',
        (body) => !body.items.some((group) => group.name === 'sales'),
      );
      await expect.poll(() => rowOf(groups, 'sales').count()).toBe(0);
    });

    it('removes a user after a confirmation that names their groups', async () => {
      const { page } = env();
      expect((await env().rest('POST', '/api/v1/groups', { name: 'staff' })).status).toBe(201);
      expect((await env().rest('PUT', `/api/v1/groups/staff/members/${user}`)).status).toBe(204);
      await env().open('users', heading);
      const users = usersOf(page);
      await expect.poll(() => rowOf(users, user).textContent()).toContain('staff');
      await users.getByRole('button', { name: `Remove ${user}` }).click();
      const confirm = page.getByRole('dialog', { name: `Remove ${user}?` });
      await expect.poll(() => confirm.textContent()).toContain('their sessions end now');
      await expect.poll(() => confirm.textContent()).toContain('leave their groups (staff)');
      await env().shot('users-10-remove-confirm');
      await confirm.getByRole('button', { name: 'Remove' }).click();
      await expect.poll(() => rowOf(users, user).count()).toBe(0);
      expect(await findUser(env(), user)).toBeUndefined();
      await untilRest<ListReply<GroupItem>>(env(), '/api/v1/groups', (body) =>
        body.items.some((group) => group.name === 'staff' && group.members.length === 0),
      );
      await expect.poll(() => rowOf(groupsOf(page), 'staff').textContent()).toContain('no members');
    });

    it('pages many users with "more", and the search narrows the list', async () => {
      const { page } = env();
      const names = Array.from({ length: 30 }, (_, i) => `bulk-${String(i + 1).padStart(2, '0')}`);
      for (const name of names) {
        const made = await env().rest('POST', '/api/v1/users', { name, password: `${name} password` });
        expect(made.status).toBe(201);
      }
      const all = await env().rest<ListReply<UserItem>>('GET', '/api/v1/users');
      await env().open('users', heading);
      const users = usersOf(page);
      const count = users.getByTestId('users-count');
      await expect.poll(() => count.textContent()).toBe(`Users: ${all.body.total}`);
      // One page of 25 rows (and the header row), then the rest on "more".
      await expect.poll(() => users.getByRole('row').count()).toBe(26);
      await env().shot('users-11-first-page');
      await users.getByRole('button', { name: /^Show more/ }).click();
      await expect.poll(() => users.getByRole('row').count()).toBe(all.body.total + 1);
      await expect.poll(() => users.getByRole('button', { name: /^Show more/ }).count()).toBe(0);

      await users.getByRole('searchbox', { name: 'Search' }).fill('bulk-17');
      await expect.poll(() => count.textContent()).toBe('Users: 1');
      await expect.poll(() => users.getByRole('row').count()).toBe(2);
      await rowOf(users, 'bulk-17').waitFor();
      const searched = await env().rest<ListReply<UserItem>>('GET', '/api/v1/users?search=bulk-17');
      expect(searched.body.items.map((item) => item.name)).toStrictEqual(['bulk-17']);
      await env().shot('users-12-searched');

      // Newest first: the header's sort asks the gateway for -created_at.
      await users.getByRole('searchbox', { name: 'Search' }).fill('bulk');
      await expect.poll(() => count.textContent()).toBe('Users: 30');
      await users.getByRole('button', { name: 'Created' }).click();
      await users.getByRole('button', { name: 'Created' }).click();
      await expect
        .poll(() => users.getByRole('columnheader', { name: 'Created' }).getAttribute('aria-sort'))
        .toBe('descending');
      await expect.poll(() => users.getByRole('rowheader').first().textContent()).toBe('bulk-30');
    });

    it('the viewer sees both lists and no control to add, change or remove', async () => {
      expect((await env().rest('PUT', '/api/v1/groups/staff/members/bulk-01')).status).toBe(204);
      const viewer = await env().signedIn(viewerName, viewerPassword);
      try {
        await env().open('users', heading, viewer);
        const users = usersOf(viewer);
        const groups = groupsOf(viewer);
        await rowOf(users, 'bulk-01').waitFor();
        await expect.poll(() => rowOf(users, 'bulk-01').textContent()).toContain('staff');
        await expect.poll(() => rowOf(groups, 'staff').textContent()).toContain('bulk-01');
        await expect
          .poll(() =>
            viewer
              .getByRole('main')
              .getByRole('button', { name: /add|remove|disable|enable|password/i })
              .count(),
          )
          .toBe(0);
        await expect.poll(() => viewer.getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);
        await env().shot('users-13-viewer', viewer);
        await groups.scrollIntoViewIfNeeded();
        await env().shot('users-14-viewer-groups', viewer);
      } finally {
        await viewer.context().close();
      }
    });
  });
}
