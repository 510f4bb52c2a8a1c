// `kordon-gateway posture object|profile|settings ...` as an administrator runs it (docs/posture.md).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kordon-cli-posture-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// Each command is a process of its own (about a second here): the steps share one data folder.
const d = (): string[] => ['--data-dir', join(dir, 'posture')];
const slow = 90_000;

describe('posture commands, in order on one store', () => {
  it(
    'add, list and show objects; mistakes are named by the --criterion they came from',
    async () => {
      expect(await cli(['posture', 'object', 'list', ...d()])).toMatchObject({
        code: 0,
        stdout: 'no posture objects\n',
      });
      const av = await cli([
        'posture',
        'object',
        'add',
        'Antivirus',
        '--criterion',
        'av_active',
        '--criterion',
        'av_update 7',
        '--criterion',
        'av_name contains ESET Endpoint',
        '--json',
        ...d(),
      ]);
      expect(av.code, av.stderr).toBe(0);
      const antivirus = JSON.parse(av.stdout) as { id: string };
      expect(antivirus).toStrictEqual({
        id: antivirus.id,
        name: 'Antivirus',
        criteria: [
          { check: 'av_active' },
          { check: 'av_update', max_days: 7 },
          { check: 'av_name', operator: 'contains', value: 'ESET Endpoint' },
        ],
      });
      const tools = await cli([
        'posture',
        'object',
        'add',
        'Tools on',
        '--criterion',
        'processes contains osqueryd, clamd',
        '--criterion',
        'os_version >= 10.0.19045',
        ...d(),
      ]);
      expect(tools.code, tools.stderr).toBe(0);
      expect(tools.stdout).toMatch(
        /^added posture object Tools on \([0-9a-f-]{36}\): processes contains osqueryd,clamd; os_version >= 10\.0\.19045\n$/,
      );
      const file = join(dir, 'criteria.json');
      writeFileSync(
        file,
        JSON.stringify([
          {
            check: 'registry',
            operator: 'contains',
            keys: [{ key: 'HKLM\\SOFTWARE\\Kordon\\On', value: { operator: 'equals', text: '1' } }],
          },
        ]),
      );
      expect(
        await cli(['posture', 'object', 'add', 'Registry', '--criteria-file', file, ...d()]),
      ).toMatchObject({
        code: 0,
      });

      const listed = JSON.parse((await cli(['posture', 'object', 'list', '--json', ...d()])).stdout) as {
        items: { name: string }[];
      };
      expect(listed.items.map((o) => o.name)).toStrictEqual(['Antivirus', 'Registry', 'Tools on']);
      const table = (await cli(['posture', 'object', 'list', ...d()])).stdout;
      expect(table).toContain('registry contains HKLM\\SOFTWARE\\Kordon\\On (equals "1")');
      expect((await cli(['posture', 'object', 'show', 'antivirus', ...d()])).stdout).toBe(
        `name: Antivirus\nid: ${antivirus.id}\ncriterion: av_active\ncriterion: av_update 7\n` +
          'criterion: av_name contains ESET Endpoint\n',
      );

      // Mistakes are named by the --criterion they came from, in the API's words.
      const bad = await cli([
        'posture',
        'object',
        'add',
        'X',
        '--criterion',
        'av_active',
        '--criterion',
        'av_scan -1',
        ...d(),
      ]);
      expect(bad).toMatchObject({ code: 2 });
      expect(bad.stderr).toContain('--criterion "av_scan -1"');
      const operator = await cli([
        'posture',
        'object',
        'add',
        'X',
        '--criterion',
        'services has sshd',
        ...d(),
      ]);
      expect(operator.stderr).toBe(
        'kordon-gateway: --criterion "services has sshd": unknown operator "has": one of "contains", "does_not_contain"\n',
      );
      expect(
        (await cli(['posture', 'object', 'add', 'antivirus', '--criterion', 'fw_active', ...d()])).stderr,
      ).toBe('kordon-gateway: a posture object is named "Antivirus"\n');
      expect((await cli(['posture', 'object', 'add', 'X', ...d()])).stderr).toContain('give --criterion');
    },
    slow,
  );

  it(
    'add and list profiles over objects by name; an object in use cannot go',
    async () => {
      const profile = await cli([
        'posture',
        'profile',
        'add',
        'Compliant',
        '--expression',
        'antivirus and ("Tools on" or Registry)',
        ...d(),
      ]);
      expect(profile.code, profile.stderr).toBe(0);
      expect(profile.stdout).toMatch(
        /^added posture profile Compliant \(.+\): Antivirus and \("Tools on" or Registry\)\n$/,
      );
      expect(
        (await cli(['posture', 'profile', 'add', 'P', '--expression', 'Antivirus and Nothing', ...d()]))
          .stderr,
      ).toBe('kordon-gateway: no posture object is named "Nothing"\n');
      expect((await cli(['posture', 'profile', 'list', ...d()])).stdout).toMatch(
        /^NAME\s+EXPRESSION\s+ID\nCompliant\s+Antivirus and \("Tools on" or Registry\)\s+[0-9a-f-]{36}\n$/,
      );

      const used = await cli(['posture', 'object', 'remove', 'Registry', ...d()]);
      expect(used).toMatchObject({
        code: 2,
        stderr:
          'kordon-gateway: posture object "Registry" is used by the profile "Compliant": change or remove it first\n',
      });
      expect(await cli(['posture', 'profile', 'remove', 'compliant', ...d()])).toMatchObject({
        code: 0,
        stdout: 'removed posture profile Compliant\n',
      });
      expect(await cli(['posture', 'object', 'remove', 'Registry', ...d()])).toMatchObject({
        code: 0,
        stdout: 'removed posture object Registry\n',
      });
    },
    slow,
  );

  it(
    'show and set the settings; every change is in the event log',
    async () => {
      expect(await cli(['posture', 'settings', 'show', ...d()])).toMatchObject({
        code: 0,
        stdout: 'period: 60\nrecheck_minutes: 15\nsilent_periods: 3\n',
      });
      expect(
        await cli(['posture', 'settings', 'set', 'period=5', 'silent_periods=2', '--json', ...d()]),
      ).toMatchObject({
        code: 0,
        stdout: '{"period":5,"recheck_minutes":15,"silent_periods":2}\n',
      });
      expect((await cli(['posture', 'settings', 'set', 'period=2000', ...d()])).stderr).toContain(
        'a whole number from 0 to 1440',
      );
      expect((await cli(['posture', 'settings', 'set', 'periods=5', ...d()])).code).toBe(2);

      const events = (await cli(['events', '--json-lines', ...d()])).stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { kind: string; detail: string })
        .filter((e) => e.kind === 'posture_changed');
      expect(events.map((e) => e.detail.replace(/ \([0-9a-f-]{36}\)/, ''))).toStrictEqual([
        'posture settings changed by the CLI: period 60 -> 5; silent_periods 3 -> 2',
        'posture object "Registry" removed by the CLI',
        'posture profile "Compliant" removed by the CLI',
        'posture profile "Compliant" added by the CLI: Antivirus and ("Tools on" or Registry)',
        'posture object "Registry" added by the CLI: registry',
        'posture object "Tools on" added by the CLI: processes, os_version',
        'posture object "Antivirus" added by the CLI: av_active, av_update, av_name',
      ]);
    },
    slow,
  );
});
