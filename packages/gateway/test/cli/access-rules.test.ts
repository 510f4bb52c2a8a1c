// `kordon-gateway access-rule add|list|move|set|remove` as an administrator runs it (docs/posture.md).
import { describe, expect, it } from 'vitest';
import { cliOnOneStore } from '../support/cli.js';

// The steps share one data folder.
const { ok, refused } = cliOnOneStore('access-rules');
const slow = 90_000;

interface RuleJson {
  id: string;
  position: number;
  action: string;
  profiles: string[];
  profile_names: string[];
  to: string[];
  created_at: string;
}

const list = async (): Promise<RuleJson[]> =>
  (JSON.parse(await ok(['access-rule', 'list', '--json'])) as { items: RuleJson[] }).items;

describe('access-rule commands, in order on one store', () => {
  const ids: Record<string, string> = {};

  it(
    'add rules naming profiles by name; list them as a table and as JSON',
    async () => {
      expect(await ok(['access-rule', 'list'])).toBe(
        'no access rules: every authorized session reaches every destination\n',
      );
      await ok(['posture', 'object', 'add', 'Antivirus', '--criterion', 'av_active']);
      for (const name of ['Compliant', 'Office, Berlin']) {
        await ok(['posture', 'profile', 'add', name, '--expression', 'Antivirus']);
      }
      const profiles = JSON.parse(await ok(['posture', 'profile', 'list', '--json'])) as {
        items: { id: string; name: string }[];
      };
      for (const p of profiles.items) ids[p.name] = p.id;

      const first = await ok([
        'access-rule',
        'add',
        '--profiles',
        'compliant, device without profile',
        '--to',
        '10.0.0.0/8,192.168.1.7',
      ]);
      expect(first).toMatch(
        /^added access rule [0-9a-f-]{36} at position 10: allow "Compliant", "device without profile" to 10\.0\.0\.0\/8, 192\.168\.1\.7\/32\n$/,
      );
      const second = JSON.parse(
        await ok([
          'access-rule',
          'add',
          '--profiles',
          '"office, berlin"',
          '--profiles',
          'Compliant',
          '--to',
          '::/0',
          '--action',
          'deny',
          '--json',
        ]),
      ) as RuleJson;
      expect(second).toStrictEqual({
        id: second.id,
        position: 20,
        action: 'deny',
        profiles: [ids['Office, Berlin'], ids['Compliant']],
        profile_names: ['Office, Berlin', 'Compliant'],
        to: ['::/0'],
        created_at: second.created_at,
      });
      await ok([
        'access-rule',
        'add',
        '--profiles',
        'Device Without Profile',
        '--to',
        '0.0.0.0/0',
        '--position',
        '5',
      ]);

      const rules = await list();
      expect(rules.map((r) => [r.position, r.action, r.profile_names, r.to])).toStrictEqual([
        [5, 'allow', ['device without profile'], ['0.0.0.0/0']],
        [10, 'allow', ['Compliant', 'device without profile'], ['10.0.0.0/8', '192.168.1.7/32']],
        [20, 'deny', ['Office, Berlin', 'Compliant'], ['::/0']],
      ]);
      ids['top'] = rules[0]!.id;
      ids['first'] = rules[1]!.id;
      ids['second'] = rules[2]!.id;
      const lines = (await ok(['access-rule', 'list'])).trimEnd().split('\n');
      expect(lines.map((line) => line.split(/\s{2,}/))).toStrictEqual([
        ['POSITION', 'ACTION', 'PROFILES', 'TO', 'ID'],
        ['5', 'allow', 'device without profile', '0.0.0.0/0', ids['top']],
        ['10', 'allow', 'Compliant, device without profile', '10.0.0.0/8, 192.168.1.7/32', ids['first']],
        // A name with a comma is quoted, as --profiles reads it back.
        ['20', 'deny', '"Office, Berlin", Compliant', '::/0', ids['second']],
      ]);
    },
    slow,
  );

  it(
    "refuse mistakes with the option and the field's message, exiting 2",
    async () => {
      expect(await refused(['access-rule', 'add', '--profiles', 'Compliant', '--to', '10.0.0.1/8'])).toBe(
        'kordon-gateway: --to: "10.0.0.1/8" has host bits set; did you mean 10.0.0.0/8?\n',
      );
      expect(await refused(['access-rule', 'add', '--profiles', 'Compliant', '--to', 'intranet'])).toBe(
        'kordon-gateway: --to: "intranet" is not a network: "intranet" is not an IP address\n',
      );
      expect(await refused(['access-rule', 'add', '--profiles', 'Home', '--to', '::/0'])).toBe(
        'kordon-gateway: --profiles: no posture profile is named "Home" (they are "Compliant", "Office, Berlin"; ' +
          '"device without profile": devices that match no profile)\n',
      );
      expect(await refused(['access-rule', 'add', '--profiles', 'Compliant,compliant', '--to', '::/0'])).toBe(
        'kordon-gateway: --profiles: the profile "Compliant" is named twice\n',
      );
      expect(
        await refused([
          'access-rule',
          'add',
          '--profiles',
          'Compliant',
          '--to',
          '::/0',
          '--action',
          'permit',
        ]),
      ).toBe('kordon-gateway: --action: the action is "allow" or "deny", not "permit"\n');
      expect(
        await refused([
          'access-rule',
          'add',
          '--profiles',
          'Compliant',
          '--to',
          '::/0',
          '--position',
          'last',
        ]),
      ).toBe('kordon-gateway: --position is a whole number from 0 to 999999999\n');
      expect(await refused(['access-rule', 'add', '--profiles', '"Office', '--to', '::/0'])).toContain(
        'a quote is not closed',
      );
      expect(await refused(['access-rule', 'add', '--to', '::/0'])).toContain(
        "required option '--profiles <names>' not specified",
      );
      expect(await refused(['access-rule', 'set', ids['first']!])).toBe(
        'kordon-gateway: give what changes: --profiles, --to or --action\n',
      );
      expect(await refused(['access-rule', 'remove', 'nope'])).toBe(
        'kordon-gateway: no access rule with id "nope"\n',
      );
      expect(await refused(['posture', 'profile', 'remove', 'Compliant'])).toBe(
        'kordon-gateway: posture profile "Compliant" is named by the access rules at positions 10, 20: ' +
          'change or remove them first\n',
      );
      expect(await list()).toHaveLength(3);
    },
    slow,
  );

  it(
    'move, set and remove rules; every change is in the event log',
    async () => {
      expect(await ok(['access-rule', 'move', ids['second']!, '1'])).toBe(
        `access rule ${ids['second']} is at position 1: deny "Office, Berlin", "Compliant" to ::/0\n`,
      );
      // Unquoted, a comma separates names.
      expect(await refused(['access-rule', 'set', ids['first']!, '--profiles', 'Office, Berlin'])).toContain(
        'no posture profile is named "Office"',
      );
      expect(
        await ok(['access-rule', 'set', ids['first']!, '--profiles', '"Office, Berlin"', '--action', 'deny']),
      ).toBe(
        `access rule ${ids['first']} at position 10: deny "Office, Berlin" to 10.0.0.0/8, 192.168.1.7/32\n`,
      );
      const moved = JSON.parse(
        await ok([
          'access-rule',
          'set',
          ids['top']!,
          '--to',
          '198.18.0.0/15',
          '--to',
          '2001:db8::/32',
          '--json',
        ]),
      ) as RuleJson;
      expect(moved).toMatchObject({
        id: ids['top'],
        position: 5,
        action: 'allow',
        to: ['198.18.0.0/15', '2001:db8::/32'],
      });
      expect((await list()).map((r) => [r.position, r.id])).toStrictEqual([
        [1, ids['second']],
        [5, ids['top']],
        [10, ids['first']],
      ]);
      expect(await ok(['access-rule', 'remove', ids['top']!])).toBe(`removed access rule ${ids['top']}\n`);
      expect((await list()).map((r) => r.id)).toStrictEqual([ids['second'], ids['first']]);

      const events = (await ok(['events', '--json-lines']))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { kind: string; detail: string })
        .filter((e) => e.kind === 'access_rule_changed')
        .map((e) => e.detail.replace(/ [0-9a-f-]{36} /, ' <id> '))
        .reverse();
      expect(events).toStrictEqual([
        'access rule <id> (position 10) added by the CLI: allow "Compliant", "device without profile" to 10.0.0.0/8, 192.168.1.7/32',
        'access rule <id> (position 20) added by the CLI: deny "Office, Berlin", "Compliant" to ::/0',
        'access rule <id> (position 5) added by the CLI: allow "device without profile" to 0.0.0.0/0',
        'access rule <id> (position 1) changed by the CLI: position 20 -> 1',
        'access rule <id> (position 10) changed by the CLI: action allow -> deny; profiles "Compliant", "device without profile" -> "Office, Berlin"',
        'access rule <id> (position 5) changed by the CLI: to 0.0.0.0/0 -> 198.18.0.0/15, 2001:db8::/32',
        'access rule <id> (position 5) removed by the CLI: allow "device without profile" to 198.18.0.0/15, 2001:db8::/32',
      ]);
    },
    slow,
  );
});
