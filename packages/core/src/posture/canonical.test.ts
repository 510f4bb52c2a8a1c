import type { ZtnaReport } from '@kordon/protocol';
import { describe, expect, it } from 'vitest';
import { canonicalReport, reportsEqual } from './canonical.js';

const report: ZtnaReport = {
  type: 'ztna',
  node_name: 'ws-042',
  proc_list: ['sshd', 'osqueryd'],
  antivirus: [
    { active: true, name: 'Z', version: '1', last_update: 1, last_scan: null },
    { active: false, name: 'A', version: '2', last_update: null, last_scan: 3 },
  ],
  operation_system: { domain: '', version: '6.1', type: 'Linux' },
};

describe('canonicalReport', () => {
  it('orders keys as the protocol does and sorts the lists', () => {
    expect(JSON.stringify(canonicalReport(report))).toBe(
      JSON.stringify({
        type: 'ztna',
        node_name: 'ws-042',
        operation_system: { type: 'Linux', version: '6.1', domain: '' },
        antivirus: [
          { active: false, name: 'A', version: '2', last_update: null, last_scan: 3 },
          { active: true, name: 'Z', version: '1', last_update: 1, last_scan: null },
        ],
        proc_list: ['osqueryd', 'sshd'],
      }),
    );
  });

  it('drops keys the protocol does not define', () => {
    const extra = { ...report, extra: 1 } as ZtnaReport;
    expect(canonicalReport(extra)).not.toHaveProperty('extra');
  });

  it('tells a changed report from a reordered one', () => {
    const reordered = {
      ...report,
      proc_list: ['osqueryd', 'sshd'],
      antivirus: [...report.antivirus!].reverse(),
    };
    expect(reportsEqual(report, reordered)).toBe(true);
    expect(reportsEqual(report, { ...report, proc_list: ['sshd'] })).toBe(false);
    expect(reportsEqual(report, { ...report, kb_list: [] })).toBe(false);
    expect(reportsEqual(null, null)).toBe(true);
    expect(reportsEqual(report, null)).toBe(false);
  });
});
