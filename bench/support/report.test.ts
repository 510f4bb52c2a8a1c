import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { linesOf, recordTargets, runFolderVariable } from './report.ts';

describe("a whole run's summary lines", () => {
  afterEach(() => {
    Reflect.deleteProperty(process.env, runFolderVariable);
  });

  it('takes the rows of a targets table that have a target, with their verdict', () => {
    expect(
      linesOf('S3', [
        ['(a) raw rate', '49 hashes/s', '', ''],
        ['(b) sustained', '45 logins/s', '≥ 90% of (a)', 'yes'],
        ['(c) crowd', '692 in', 'all within 5 min', '**no**'],
      ]),
    ).toStrictEqual([
      { what: 'S3 (b) sustained', measured: '45 logins/s', target: '≥ 90% of (a)', met: true },
      { what: 'S3 (c) crowd', measured: '692 in', target: 'all within 5 min', met: false },
    ]);
  });

  it('are written to the run folder only under `all`', async () => {
    const line = { what: 'S5 bulk', target: '< 1 s', measured: '510 ms', met: true };
    await recordTargets('s5', [line]);
    const folder = mkdtempSync(join(tmpdir(), 'kordon-report-'));
    try {
      process.env[runFolderVariable] = folder;
      await recordTargets('s5', [line]);
      expect(JSON.parse(readFileSync(join(folder, 's5.json'), 'utf8'))).toStrictEqual([line]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
