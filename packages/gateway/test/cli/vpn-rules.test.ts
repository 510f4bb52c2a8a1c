// `kordon-gateway vpn-rule move|set` as an administrator runs it: PATCH /api/v1/vpn-rules/{id} on the
// command line, through the same use case (DECISIONS 17, 67).
import { describe, expect, it } from 'vitest';
import { cliOnOneStore } from '../support/cli.js';

// The steps share one data folder.
const { ok, refused } = cliOnOneStore('vpn-rules');
const slow = 90_000;

interface RuleJson {
  id: string;
  position: number;
  action: string;
  users: string[];
  groups: string[];
}

const list = async (): Promise<RuleJson[]> =>
  (JSON.parse(await ok(['vpn-rule', 'list', '--json'])) as { items: RuleJson[] }).items;

describe('vpn-rule move and set, in order on one store', () => {
  const ids: Record<string, string> = {};

  it(
    'move a rule, onto a free position and onto a taken one (the older rule stays first)',
    async () => {
      for (const [name, args] of [
        ['alice', ['--users', 'alice']],
        ['everyone', ['--users', '*', '--deny']],
        ['staff', ['--groups', 'staff']],
      ] as const) {
        ids[name] = (JSON.parse(await ok(['vpn-rule', 'add', ...args, '--json'])) as RuleJson).id;
      }
      expect((await list()).map((r) => [r.position, r.id])).toStrictEqual([
        [10, ids['alice']],
        [20, ids['everyone']],
        [30, ids['staff']],
      ]);

      expect(await ok(['vpn-rule', 'move', ids['staff']!, '5'])).toBe(
        `rule ${ids['staff']} is at position 5: allow groups staff\n`,
      );
      const moved = JSON.parse(await ok(['vpn-rule', 'move', ids['everyone']!, '10', '--json'])) as RuleJson;
      expect(moved).toStrictEqual({
        id: ids['everyone'],
        position: 10,
        action: 'deny',
        users: ['*'],
        groups: [],
      });
      expect((await list()).map((r) => [r.position, r.id])).toStrictEqual([
        [5, ids['staff']],
        [10, ids['alice']],
        [10, ids['everyone']],
      ]);
    },
    slow,
  );

  it(
    'set changes what is given and keeps the rest',
    async () => {
      expect(
        await ok(['vpn-rule', 'set', ids['alice']!, '--users', 'Alice, CORP\\Bob', '--groups', 'Ops']),
      ).toBe(`rule ${ids['alice']} at position 10: allow users alice, bob; groups ops\n`);
      expect(await ok(['vpn-rule', 'set', ids['alice']!, '--action', 'deny', '--users', ''])).toBe(
        `rule ${ids['alice']} at position 10: deny groups ops\n`,
      );
      expect(
        JSON.parse(await ok(['vpn-rule', 'set', ids['staff']!, '--action', 'deny', '--json'])),
      ).toStrictEqual({ id: ids['staff'], position: 5, action: 'deny', users: [], groups: ['staff'] });
    },
    slow,
  );

  it(
    'refuse mistakes, exiting 2, and change nothing',
    async () => {
      const before = await list();
      expect(await refused(['vpn-rule', 'set', ids['alice']!])).toBe(
        'kordon-gateway: give what changes: --action, --users or --groups\n',
      );
      expect(await refused(['vpn-rule', 'set', ids['alice']!, '--action', 'permit'])).toBe(
        'kordon-gateway: --action: the action is "allow" or "deny", not "permit"\n',
      );
      expect(await refused(['vpn-rule', 'set', ids['alice']!, '--users', 'alice,a b'])).toContain(
        'kordon-gateway: --users: user "a b": ',
      );
      expect(await refused(['vpn-rule', 'set', ids['alice']!, '--groups', ''])).toBe(
        'kordon-gateway: --groups: a rule names at least one user ("*" for every user) or group: give users or groups\n',
      );
      expect(await refused(['vpn-rule', 'move', ids['alice']!, 'first'])).toBe(
        'kordon-gateway: the position is a whole number from 0 to 999999999\n',
      );
      expect(await refused(['vpn-rule', 'move', 'nope', '1'])).toBe(
        'kordon-gateway: no VPN-access rule with id "nope"\n',
      );
      expect(await list()).toStrictEqual(before);

      const events = (await ok(['events', '--json-lines']))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { kind: string; detail: string })
        .filter((e) => e.kind === 'vpn_rule_changed' && e.detail.includes(' changed '))
        .map((e) => e.detail.replace(/ [0-9a-f-]{36} /, ' <id> '))
        .reverse();
      expect(events).toStrictEqual([
        'VPN-access rule <id> (position 5) changed by the CLI: position 30 -> 5',
        'VPN-access rule <id> (position 10) changed by the CLI: position 20 -> 10',
        'VPN-access rule <id> (position 10) changed by the CLI: users alice -> alice, bob; groups (none) -> ops',
        'VPN-access rule <id> (position 10) changed by the CLI: action allow -> deny; users alice, bob -> (none)',
        'VPN-access rule <id> (position 5) changed by the CLI: action allow -> deny',
      ]);
    },
    slow,
  );
});
