// The device posture page (docs/posture.md): an object with two criteria and a refused parameter at
// its criterion's field, a profile over it and a refused expression at its field, an access rule for
// the profile moved in the evaluation order, the settings with a refused value; the viewer sees all of
// it and no controls; then the refusals to remove what is in use, and the removals.
import { describe, expect, it } from 'vitest';
import { untilRest, viewerName, viewerPassword, type ConsoleEnv } from './env.js';

interface Listed<T> {
  items: T[];
}
interface PostureObject {
  id: string;
  name: string;
  criteria: Record<string, unknown>[];
}
interface PostureProfile {
  id: string;
  name: string;
  expression: unknown;
}
interface AccessRule {
  id: string;
  position: number;
  action: string;
  profiles: string[];
  to: string[];
}
interface Settings {
  period: number;
  recheck_minutes: number;
  silent_periods: number;
}

const objectsPath = '/api/v1/posture/objects';
const profilesPath = '/api/v1/posture/profiles';
const rulesPath = '/api/v1/access-rules';
const settingsPath = '/api/v1/posture/settings';
const heading = 'Device posture';

export function posturePage(env: () => ConsoleEnv): void {
  describe('device posture page', () => {
    const objects = () => env().page.getByRole('region', { name: 'Posture objects' });
    const profiles = () => env().page.getByRole('region', { name: 'Posture profiles' });
    const rules = () => env().page.getByRole('region', { name: 'Access rules' });
    const settings = () => env().page.getByRole('region', { name: 'Posture settings' });
    const objectNamed = async (name: string): Promise<PostureObject> => {
      const body = await untilRest<Listed<PostureObject>>(env(), objectsPath, (b) =>
        b.items.some((o) => o.name === name),
      );
      const found = body.items.find((o) => o.name === name);
      if (found === undefined) throw new Error(`no object ${name}`);
      return found;
    };

    it('makes an object with two criteria, and shows a refused parameter at its criterion', async () => {
      await env().open('posture', heading);
      await objects().getByRole('button', { name: 'Add object' }).click();
      const form = objects().getByRole('form', { name: 'New posture object' });
      await form.getByLabel('Name').fill('Antivirus');
      // Criterion 1 starts as "antivirus running"; the second is made a signature age.
      await expect
        .poll(() =>
          form.getByRole('group', { name: 'Criterion 1' }).getByLabel('Check', { exact: true }).inputValue(),
        )
        .toBe('av_active');
      await form.getByRole('button', { name: 'Add criterion' }).click();
      const second = form.getByRole('group', { name: 'Criterion 2' });
      await second.getByLabel('Check', { exact: true }).selectOption('av_update');
      const days = second.getByLabel('Most days allowed');
      await days.fill('40000');
      await env().shot('posture-01-object-form');
      await form.getByRole('button', { name: 'Save' }).click();

      // The gateway's words at /criteria/1/max_days, and nothing stored.
      await expect.poll(() => days.getAttribute('aria-invalid')).toBe('true');
      await expect.poll(() => second.getByRole('alert').textContent()).toContain('at most 36500 days');
      expect(await form.getByRole('group', { name: 'Criterion 1' }).getByRole('alert').count()).toBe(0);
      await env().shot('posture-02-criterion-error');
      expect((await env().rest<Listed<PostureObject>>('GET', objectsPath)).body.items).toHaveLength(0);

      await days.fill('7');
      await form.getByRole('button', { name: 'Save' }).click();
      const row = objects().getByRole('row').filter({ hasText: 'Antivirus signatures: at most 7 days old' });
      await row.waitFor();
      await expect.poll(() => row.textContent()).toContain('Antivirus running');
      const stored = await objectNamed('Antivirus');
      expect(stored.criteria).toStrictEqual([{ check: 'av_active' }, { check: 'av_update', max_days: 7 }]);
      await env().shot('posture-03-object-added');

      // A second object, for the profile's expression, made here too: a firewall whose name holds "Defender".
      await objects().getByRole('button', { name: 'Add object' }).click();
      const another = objects().getByRole('form', { name: 'New posture object' });
      await another.getByLabel('Name').fill('Firewall on');
      const first = another.getByRole('group', { name: 'Criterion 1' });
      await first.getByLabel('Check', { exact: true }).selectOption('fw_name');
      await first.getByLabel('Text').fill('Defender');
      await another.getByRole('button', { name: 'Save' }).click();
      await objects().getByRole('row').filter({ hasText: 'Firewall name: contains Defender' }).waitFor();
      expect((await objectNamed('Firewall on')).criteria).toStrictEqual([
        { check: 'fw_name', operator: 'contains', value: 'Defender' },
      ]);
    });

    it('makes a profile over the objects by name, and shows a bad expression at its field', async () => {
      const { page } = env();
      const antivirus = await objectNamed('Antivirus');
      const firewall = await objectNamed('Firewall on');
      await profiles().getByRole('button', { name: 'Add profile' }).click();
      const form = profiles().getByRole('form', { name: 'New posture profile' });
      const name = form.getByLabel('Name');
      const expression = form.getByLabel('Expression');

      // A name that is the gateway's own: the API's words at the name.
      await name.fill('device without profile');
      await form.getByRole('button', { name: 'Insert the object Antivirus' }).click();
      await expect.poll(() => expression.inputValue()).toBe('Antivirus');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
      await expect
        .poll(() => form.getByRole('alert').first().textContent())
        .toContain('is the profile of devices that match no profile');

      // An expression that names no object, then one that ends early: the gateway reads the text and
      // says why at the expression.
      await name.fill('Compliant');
      await expression.fill('Antivirus and Firewall');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => expression.getAttribute('aria-invalid')).toBe('true');
      await expect
        .poll(() => form.getByRole('alert').textContent())
        .toContain('no posture object is named "Firewall"');
      await expression.fill('Antivirus and');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => form.getByRole('alert').textContent())
        .toContain('ends where a name was expected');
      await env().shot('posture-04-expression-error');
      expect((await env().rest<Listed<PostureProfile>>('GET', profilesPath)).body.items).toHaveLength(0);

      await expression.fill('Antivirus and ');
      await form.getByRole('button', { name: 'Insert the object Firewall on' }).click();
      await expect.poll(() => expression.inputValue()).toBe('Antivirus and "Firewall on"');
      await form.getByRole('button', { name: 'Save' }).click();
      await profiles().getByRole('row').filter({ hasText: 'Antivirus and "Firewall on"' }).waitFor();
      const body = await untilRest<Listed<PostureProfile>>(env(), profilesPath, (b) => b.items.length === 1);
      expect(body.items[0]).toMatchObject({
        name: 'Compliant',
        expression: { op: 'and', of: [{ object: antivirus.id }, { object: firewall.id }] },
        expression_text: 'Antivirus and "Firewall on"',
      });
      await env().shot('posture-05-profile-added');

      // Renaming an object shows in the expression at once (profiles name objects by id).
      await objects().getByRole('button', { name: 'Edit Firewall on' }).click();
      const edit = objects().getByRole('form', { name: 'Edit the object “Firewall on”' });
      await edit.getByLabel('Name').fill('Firewall');
      await edit.getByRole('button', { name: 'Save' }).click();
      await profiles().getByRole('row').filter({ hasText: 'Antivirus and Firewall' }).waitFor();
      expect((await objectNamed('Firewall')).id).toBe(firewall.id);
      await page.reload();
      await profiles().getByRole('row').filter({ hasText: 'Antivirus and Firewall' }).waitFor();
    });

    it('adds an access rule for the profile, shows a refused network at its field, and moves rules', async () => {
      const { page } = env();
      const profile = (await env().rest<Listed<PostureProfile>>('GET', profilesPath)).body.items[0];
      if (profile === undefined) throw new Error('no profile');
      await rules().getByRole('button', { name: 'Add access rule' }).click();
      const form = rules().getByRole('form', { name: 'New access rule' });
      await form.getByLabel('Compliant').check();
      const to = form.getByLabel('Destinations');
      await to.fill('198.18.3.1/24');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => to.getAttribute('aria-invalid')).toBe('true');
      await expect.poll(() => form.getByRole('alert').textContent()).toContain('did you mean 198.18.3.0/24');
      await env().shot('posture-06-rule-error');
      expect((await env().rest<Listed<AccessRule>>('GET', rulesPath)).body.items).toHaveLength(0);

      await to.fill('198.18.3.0/24');
      await form.getByRole('button', { name: 'Save' }).click();
      await rules().getByRole('row').filter({ hasText: '198.18.3.0/24' }).waitFor();
      const added = await untilRest<Listed<AccessRule>>(env(), rulesPath, (b) => b.items.length === 1);
      expect(added.items[0]).toMatchObject({
        action: 'allow',
        profiles: [profile.id],
        to: ['198.18.3.0/24'],
        position: 10,
      });

      // A second rule, made in the UI: deny the devices without a profile everywhere, after the first.
      await rules().getByRole('button', { name: 'Add access rule' }).click();
      const deny = rules().getByRole('form', { name: 'New access rule' });
      await deny.getByLabel('device without profile').check();
      await deny.getByLabel('Destinations').fill('0.0.0.0/0');
      await deny.getByLabel('Action').selectOption('deny');
      await deny.getByRole('button', { name: 'Save' }).click();
      await rules().getByRole('row').filter({ hasText: '0.0.0.0/0' }).waitFor();
      const both = await untilRest<Listed<AccessRule>>(env(), rulesPath, (b) => b.items.length === 2);
      expect(both.items.map((r) => [r.position, r.action, r.to.join()])).toStrictEqual([
        [10, 'allow', '198.18.3.0/24'],
        [20, 'deny', '0.0.0.0/0'],
      ]);
      const denyId = both.items[1]?.id;

      // Move up: one PATCH of its position, to before the first rule; the first rule keeps its own.
      await rules()
        .getByRole('button', { name: 'Move up rule 20 (device without profile to 0.0.0.0/0)' })
        .click();
      const moved = await untilRest<Listed<AccessRule>>(env(), rulesPath, (b) => b.items[0]?.id === denyId);
      expect(moved.items.map((r) => r.to.join())).toStrictEqual(['0.0.0.0/0', '198.18.3.0/24']);
      expect(moved.items[1]?.position).toBe(10);
      const position = moved.items[0]?.position ?? -1;
      expect(position).toBeGreaterThanOrEqual(0);
      expect(position).toBeLessThan(10);
      await page.reload();
      const rows = rules().getByRole('row');
      await rows.filter({ hasText: '0.0.0.0/0' }).waitFor();
      await expect.poll(() => rows.nth(1).textContent()).toContain('0.0.0.0/0');
      await expect.poll(() => rows.nth(2).textContent()).toContain('198.18.3.0/24');
      await env().shot('posture-07-rules-moved');

      // Edit: one more destination, as typed; the gateway keeps it normalized and the rule its position.
      await rules().getByRole('button', { name: 'Edit rule 10 (Compliant to 198.18.3.0/24)' }).click();
      const edit = rules().getByRole('form', { name: 'Edit the access rule at position 10' });
      await edit.getByLabel('Destinations').fill('198.18.3.0/24\n2001:DB8::/32');
      await edit.getByRole('button', { name: 'Save' }).click();
      await rules().getByRole('row').filter({ hasText: '2001:db8::/32' }).waitFor();
      const edited = await untilRest<Listed<AccessRule>>(env(), rulesPath, (b) =>
        b.items.some((r) => r.to.length === 2),
      );
      expect(edited.items[1]).toMatchObject({ position: 10, to: ['198.18.3.0/24', '2001:db8::/32'] });
    });

    it('changes the settings, and shows a value out of range at its field', async () => {
      const { page } = env();
      const form = settings().getByRole('form', { name: 'Posture settings' });
      const period = form.getByLabel('Collection period, minutes (period)');
      await expect.poll(() => period.inputValue()).toBe('60');
      await period.fill('5000');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => period.getAttribute('aria-invalid')).toBe('true');
      await expect.poll(() => form.getByRole('alert').first().textContent()).toContain('at most 1440');
      await env().shot('posture-08-settings-error');
      expect((await env().rest<Settings>('GET', settingsPath)).body.period).toBe(60);

      await period.fill('30');
      await form.getByLabel('Re-check, minutes (recheck_minutes)').fill('10');
      await form.getByLabel('Silent periods (silent_periods)').fill('2');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => form.getByRole('status').textContent()).toBe('Saved.');
      await untilRest<Settings>(
        env(),
        settingsPath,
        (b) => b.period === 30 && b.recheck_minutes === 10 && b.silent_periods === 2,
      );
      await page.reload();
      await expect
        .poll(() => settings().getByLabel('Silent periods (silent_periods)').inputValue())
        .toBe('2');
      await env().shot('posture-09-settings-saved');
    });

    it('the viewer sees the objects, profiles, rules and settings, and no controls', async () => {
      const viewer = await env().signedIn(viewerName, viewerPassword);
      await env().open('posture', heading, viewer);
      const region = (name: string) => viewer.getByRole('region', { name });
      await region('Posture objects').getByRole('row').filter({ hasText: 'Antivirus running' }).waitFor();
      await region('Posture profiles')
        .getByRole('row')
        .filter({ hasText: 'Antivirus and Firewall' })
        .waitFor();
      await region('Access rules').getByRole('row').filter({ hasText: '198.18.3.0/24' }).waitFor();
      const period = region('Posture settings').getByLabel('Collection period, minutes (period)');
      await expect.poll(() => period.inputValue()).toBe('30');
      expect(await period.isDisabled()).toBe(true);
      for (const name of [/^Add /, /^Edit/, /^Remove/, /^Move/, 'Save']) {
        expect(await viewer.getByRole('button', { name }).count(), String(name)).toBe(0);
      }
      await env().shot('posture-10-viewer', viewer);
      await viewer.context().close();
    });

    it('refuses to remove what is in use, in the API’s words, then removes rules, profile and objects', async () => {
      const { page } = env();
      await env().open('posture', heading);
      const confirm = async (title: string | RegExp) => {
        const dialog = page.getByRole('dialog', { name: title });
        await dialog.waitFor();
        await dialog.getByRole('button', { name: 'Remove' }).click();
      };

      await objects().getByRole('button', { name: 'Remove Antivirus' }).click();
      await env().shot('posture-11-remove-confirm');
      await confirm('Remove the object “Antivirus”?');
      await expect
        .poll(() => objects().getByRole('alert').textContent())
        .toContain(
          'posture object "Antivirus" is used by the profile "Compliant": change or remove it first',
        );
      await env().shot('posture-12-object-in-use');
      await profiles().getByRole('button', { name: 'Remove Compliant' }).click();
      await confirm('Remove the profile “Compliant”?');
      await expect
        .poll(() => profiles().getByRole('alert').textContent())
        .toContain('is named by the access rule at position 10');
      expect((await env().rest<Listed<PostureObject>>('GET', objectsPath)).body.items).toHaveLength(2);

      for (const to of ['198.18.3.0/24', '0.0.0.0/0']) {
        await rules()
          .getByRole('button', {
            name: new RegExp(`^Remove rule \\d+ \\(.* to ${to.replaceAll('.', '\\.')}[,)]`),
          })
          .click();
        await confirm(/^Remove the access rule at position \d+\?$/);
        await expect.poll(() => rules().getByRole('row').filter({ hasText: to }).count()).toBe(0);
      }
      await untilRest<Listed<AccessRule>>(env(), rulesPath, (b) => b.items.length === 0);
      await expect.poll(() => rules().getByText('No access rules').count()).toBe(1);

      await profiles().getByRole('button', { name: 'Remove Compliant' }).click();
      await confirm('Remove the profile “Compliant”?');
      await untilRest<Listed<PostureProfile>>(env(), profilesPath, (b) => b.items.length === 0);
      for (const name of ['Antivirus', 'Firewall']) {
        await objects()
          .getByRole('button', { name: `Remove ${name}`, exact: true })
          .click();
        await confirm(`Remove the object “${name}”?`);
        await expect.poll(() => objects().getByRole('row').filter({ hasText: name }).count()).toBe(0);
      }
      await untilRest<Listed<PostureObject>>(env(), objectsPath, (b) => b.items.length === 0);
      await expect.poll(() => objects().getByText('No posture objects yet.').count()).toBe(1);
      await env().shot('posture-13-all-removed');
    });
  });
}
