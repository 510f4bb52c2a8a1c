import type { ZtnaReport } from '@kordon/protocol';
import { describe, expect, it } from 'vitest';
import { evaluatePosture } from './evaluate.js';
import {
  DEVICE_WITHOUT_PROFILE,
  type Criterion,
  type PostureObject,
  type PostureProfile,
  type RegistryKeyCriterion,
} from './model.js';

const av = (over: Partial<NonNullable<ZtnaReport['antivirus']>[number]> = {}) => ({
  active: true,
  name: 'ClamAV',
  version: '1.0.3',
  last_update: 1,
  last_scan: 2,
  ...over,
});

const report = (over: Partial<ZtnaReport> = {}): ZtnaReport => ({
  type: 'ztna',
  node_name: 'ws-042',
  operation_system: { type: 'Windows', version: '10.0.19045.3803', domain: 'corp.example' },
  kb_list: ['KB5034441'],
  antivirus: [av({ name: 'Windows Defender', version: '4.18.24010.12' })],
  firewall: [{ active: true, name: 'Windows Firewall', version: '10.0' }],
  proc_list: ['osqueryd'],
  service_list: ['sshd'],
  reg_key_list: [{ key: 'HKLM\\SOFTWARE\\Kordon\\Enabled', value: '1' }],
  ...over,
});

/** The single check of an object holding `criteria`, used by a profile. */
function checks(r: ZtnaReport | null, ...criteria: Criterion[]) {
  const objects: PostureObject[] = [{ id: 'o1', name: 'Object', criteria }];
  const profiles: PostureProfile[] = [{ id: 'p1', name: 'Compliant', expression: { object: 'o1' } }];
  return evaluatePosture(r, objects, profiles);
}

function only(r: ZtnaReport | null, criterion: Criterion): { passed: boolean; why: string } {
  const [check] = checks(r, criterion).checks;
  return { passed: check!.passed, why: check!.why };
}

describe('evaluatePosture: operating system', () => {
  it('os_type contains and does not contain, in words', () => {
    const windowsOrLinux: Criterion = {
      check: 'os_type',
      operator: 'contains',
      values: ['Windows', 'Linux'],
    };
    expect(only(report(), windowsOrLinux)).toEqual({ passed: true, why: 'the operating system is Windows' });
    const mac = report({ operation_system: { type: 'MacOS', version: '14.1', domain: '' } });
    expect(only(mac, windowsOrLinux)).toEqual({
      passed: false,
      why: 'the operating system is MacOS, not Windows or Linux',
    });
    const notWindows: Criterion = { check: 'os_type', operator: 'does_not_contain', values: ['Windows'] };
    expect(only(report(), notWindows)).toEqual({
      passed: false,
      why: 'the operating system is Windows, which is not allowed',
    });
    expect(only(mac, notWindows)).toEqual({ passed: true, why: 'the operating system is MacOS' });
  });

  it('os_type reads the reported type without regard to case', () => {
    const r = report({ operation_system: { type: 'macOS', version: '14.1', domain: '' } });
    expect(only(r, { check: 'os_type', operator: 'contains', values: ['MacOS'] }).passed).toBe(true);
  });

  it('os_version compares dotted numbers, tolerant of text around them', () => {
    const atLeast: Criterion = { check: 'os_version', operator: '>=', value: '10.0.19041' };
    expect(only(report(), atLeast)).toEqual({
      passed: true,
      why: 'the operating system version is 10.0.19045.3803, at least 10.0.19041',
    });
    const old = report({ operation_system: { type: 'Windows', version: '10.0.17763', domain: '' } });
    expect(only(old, atLeast)).toEqual({
      passed: false,
      why: 'the operating system version is 10.0.17763, older than 10.0.19041',
    });
    const ubuntu = report({ operation_system: { type: 'Linux', version: 'Ubuntu 22.04.3 LTS', domain: '' } });
    expect(only(ubuntu, { check: 'os_version', operator: '<=', value: '22.04' })).toEqual({
      passed: false,
      why: 'the operating system version is Ubuntu 22.04.3 LTS, newer than 22.04',
    });
    expect(only(ubuntu, { check: 'os_version', operator: '<=', value: '24.04' })).toEqual({
      passed: true,
      why: 'the operating system version is Ubuntu 22.04.3 LTS, at most 24.04',
    });
    const mac = report({ operation_system: { type: 'MacOS', version: '13.6.1 (22G313)', domain: '' } });
    expect(only(mac, { check: 'os_version', operator: '=', value: '13.6.1' })).toEqual({
      passed: true,
      why: 'the operating system version is 13.6.1 (22G313)',
    });
    expect(only(mac, { check: 'os_version', operator: '=', value: '13.6' })).toEqual({
      passed: false,
      why: 'the operating system version is 13.6.1 (22G313), not 13.6',
    });
  });

  it('os_version as text: contains and does not contain', () => {
    const ubuntu = report({ operation_system: { type: 'Linux', version: 'Ubuntu 22.04.3 LTS', domain: '' } });
    expect(only(ubuntu, { check: 'os_version', operator: 'contains', value: 'lts' })).toEqual({
      passed: true,
      why: 'the operating system version is Ubuntu 22.04.3 LTS',
    });
    expect(only(ubuntu, { check: 'os_version', operator: 'does_not_contain', value: 'Ubuntu' })).toEqual({
      passed: false,
      why: 'the operating system version is Ubuntu 22.04.3 LTS, which contains "Ubuntu"',
    });
    expect(only(ubuntu, { check: 'os_version', operator: 'contains', value: 'Debian' })).toEqual({
      passed: false,
      why: 'the operating system version is Ubuntu 22.04.3 LTS, which does not contain "Debian"',
    });
  });

  it('a version with no number fails a comparison', () => {
    const r = report({ operation_system: { type: 'Linux', version: 'rolling', domain: '' } });
    expect(only(r, { check: 'os_version', operator: '>=', value: '1' })).toEqual({
      passed: false,
      why: 'the operating system version is rolling, which holds no version number',
    });
  });

  it('domain contains and does not contain, ignoring case', () => {
    expect(only(report(), { check: 'domain', operator: 'contains', value: 'CORP.example' })).toEqual({
      passed: true,
      why: 'the domain is corp.example',
    });
    expect(only(report(), { check: 'domain', operator: 'does_not_contain', value: 'corp' })).toEqual({
      passed: false,
      why: 'the domain is corp.example, which contains "corp"',
    });
  });

  it('an empty domain grants neither operator', () => {
    const r = report({ operation_system: { type: 'Linux', version: '6.1', domain: '' } });
    const why = 'the domain is not reported (not checked, or in no domain)';
    expect(only(r, { check: 'domain', operator: 'contains', value: 'corp' })).toEqual({ passed: false, why });
    expect(only(r, { check: 'domain', operator: 'does_not_contain', value: 'corp' })).toEqual({
      passed: false,
      why,
    });
  });

  it('operating system criteria without operation_system are not reported', () => {
    const { operation_system: _, ...bare } = report();
    expect(only(bare, { check: 'os_type', operator: 'does_not_contain', values: ['Linux'] })).toEqual({
      passed: false,
      why: 'the operating system type is not reported',
    });
    expect(only(bare, { check: 'os_version', operator: '>=', value: '1' })).toEqual({
      passed: false,
      why: 'the operating system version is not reported',
    });
  });
});

describe('evaluatePosture: updates, processes, services, registry', () => {
  it('kb_list: contains all, does not contain any', () => {
    const kb = (operator: 'contains' | 'does_not_contain', values: string[]): Criterion => ({
      check: 'kb_list',
      operator,
      values,
    });
    expect(only(report(), kb('contains', ['KB5034441']))).toEqual({
      passed: true,
      why: 'KB5034441 is installed',
    });
    expect(only(report(), kb('contains', ['KB5034441', 'KB5035845', 'KB5036892']))).toEqual({
      passed: false,
      why: 'KB5035845 and KB5036892 are not installed',
    });
    expect(only(report({ kb_list: ['kb5034441'] }), kb('does_not_contain', ['KB5034441']))).toEqual({
      passed: false,
      why: 'KB5034441 is installed, which is not allowed',
    });
    expect(only(report({ kb_list: [] }), kb('does_not_contain', ['KB1', 'KB2', 'KB3']))).toEqual({
      passed: true,
      why: 'KB1, KB2 and KB3 are not installed',
    });
    const { kb_list: _, ...bare } = report();
    expect(only(bare, kb('does_not_contain', ['KB1']))).toEqual({
      passed: false,
      why: 'installed updates are not reported',
    });
  });

  it('processes: "osqueryd is not running"', () => {
    const linux = (proc_list: string[] | undefined): ZtnaReport => {
      const r = report({ operation_system: { type: 'Linux', version: '6.1', domain: '' } });
      if (proc_list === undefined) {
        const { proc_list: _, ...bare } = r;
        return bare;
      }
      return { ...r, proc_list };
    };
    const running: Criterion = { check: 'processes', operator: 'contains', values: ['osqueryd'] };
    expect(only(linux([]), running)).toEqual({ passed: false, why: 'osqueryd is not running' });
    expect(only(linux(['osqueryd']), running)).toEqual({ passed: true, why: 'osqueryd is running' });
    expect(only(linux(undefined), running)).toEqual({
      passed: false,
      why: 'running processes are not reported',
    });
    const forbidden: Criterion = {
      check: 'processes',
      operator: 'does_not_contain',
      values: ['nc', 'torrent'],
    };
    expect(only(linux([]), forbidden)).toEqual({ passed: true, why: 'nc and torrent are not running' });
    expect(only(linux(['torrent']), forbidden)).toEqual({
      passed: false,
      why: 'torrent is running, which is not allowed',
    });
    expect(only(linux(undefined), forbidden)).toEqual({
      passed: false,
      why: 'running processes are not reported',
    });
  });

  it('processes compare on the first 15 characters', () => {
    const r = report({
      operation_system: { type: 'Linux', version: '6.1', domain: '' },
      proc_list: ['kordon-posture-'],
    });
    expect(
      only(r, { check: 'processes', operator: 'contains', values: ['kordon-posture-agent'] }).passed,
    ).toBe(true);
  });

  it('process case: exact on Linux, case-blind on Windows, the stricter when the type is unknown', () => {
    const on = (type: string): ZtnaReport =>
      report({ operation_system: { type, version: '', domain: '' }, proc_list: ['OSQueryD'] });
    const need: Criterion = { check: 'processes', operator: 'contains', values: ['osqueryd'] };
    const forbid: Criterion = { check: 'processes', operator: 'does_not_contain', values: ['osqueryd'] };
    expect(only(on('Linux'), need).passed).toBe(false);
    expect(only(on('Linux'), forbid).passed).toBe(true);
    expect(only(on('Windows'), need).passed).toBe(true);
    expect(only(on('Windows'), forbid)).toEqual({
      passed: false,
      why: 'osqueryd is running, which is not allowed',
    });
    expect(only(on(''), need).passed).toBe(false);
    expect(only(on(''), forbid).passed).toBe(false);
  });

  it('services: contains and does not contain', () => {
    expect(only(report(), { check: 'services', operator: 'contains', values: ['sshd', 'auditd'] })).toEqual({
      passed: false,
      why: 'the service auditd is not running',
    });
    expect(only(report(), { check: 'services', operator: 'contains', values: ['sshd'] })).toEqual({
      passed: true,
      why: 'the service sshd is running',
    });
    expect(
      only(report(), { check: 'services', operator: 'does_not_contain', values: ['telnetd', 'rshd'] }),
    ).toEqual({ passed: true, why: 'the services telnetd and rshd are not running' });
    expect(only(report(), { check: 'services', operator: 'does_not_contain', values: ['SSHD'] })).toEqual({
      passed: false,
      why: 'the service SSHD is running, which is not allowed',
    });
  });

  it('registry: present, value equals, value contains; and their negation', () => {
    const key = 'HKLM\\SOFTWARE\\Kordon\\Enabled';
    const reg = (operator: 'contains' | 'does_not_contain', ...keys: RegistryKeyCriterion[]): Criterion => ({
      check: 'registry',
      operator,
      keys,
    });
    expect(only(report(), reg('contains', { key: key.toLowerCase() }))).toEqual({
      passed: true,
      why: 'hklm\\software\\kordon\\enabled is set',
    });
    expect(only(report(), reg('contains', { key, value: { operator: 'equals', text: '1' } }))).toEqual({
      passed: true,
      why: `${key} is "1"`,
    });
    expect(only(report(), reg('contains', { key, value: { operator: 'equals', text: '0' } }))).toEqual({
      passed: false,
      why: `${key} is "1", not "0"`,
    });
    expect(only(report(), reg('contains', { key, value: { operator: 'contains', text: 'x' } }))).toEqual({
      passed: false,
      why: `${key} is "1", which does not contain "x"`,
    });
    expect(only(report(), reg('contains', { key: 'HKLM\\Missing' }))).toEqual({
      passed: false,
      why: 'HKLM\\Missing is not set',
    });
    expect(only(report(), reg('does_not_contain', { key }))).toEqual({
      passed: false,
      why: `${key} is set, which is not allowed`,
    });
    expect(
      only(report(), reg('does_not_contain', { key, value: { operator: 'equals', text: '0' } })),
    ).toEqual({
      passed: true,
      why: `${key} is "1"`,
    });
    expect(only(report({ reg_key_list: [] }), reg('does_not_contain', { key }))).toEqual({
      passed: true,
      why: `${key} is not set`,
    });
    const { reg_key_list: _, ...bare } = report();
    expect(only(bare, reg('does_not_contain', { key }))).toEqual({
      passed: false,
      why: 'registry keys are not reported',
    });
  });
});

describe('evaluatePosture: antivirus and firewall', () => {
  it('"signatures are 12 days old; at most 7 allowed"', () => {
    const r = report({ antivirus: [av({ name: '', last_update: 12 })] });
    expect(only(r, { check: 'av_update', max_days: 7 })).toEqual({
      passed: false,
      why: 'signatures are 12 days old; at most 7 allowed',
    });
    expect(
      only(report({ antivirus: [av({ last_update: 0 })] }), { check: 'av_update', max_days: 7 }),
    ).toEqual({
      passed: true,
      why: 'the signatures of ClamAV are less than a day old; at most 7 allowed',
    });
    expect(
      only(report({ antivirus: [av({ last_update: null })] }), { check: 'av_update', max_days: 7 }),
    ).toEqual({
      passed: false,
      why: 'the signature age of ClamAV is not reported',
    });
  });

  it('av_scan: days since the last scan; null is not reported', () => {
    expect(only(report({ antivirus: [av({ last_scan: 1 })] }), { check: 'av_scan', max_days: 1 })).toEqual({
      passed: true,
      why: 'the last scan of ClamAV was 1 day ago; at most 1 allowed',
    });
    expect(only(report({ antivirus: [av({ last_scan: 30 })] }), { check: 'av_scan', max_days: 7 })).toEqual({
      passed: false,
      why: 'the last scan of ClamAV was 30 days ago; at most 7 allowed',
    });
    expect(only(report({ antivirus: [av({ last_scan: null })] }), { check: 'av_scan', max_days: 7 })).toEqual(
      {
        passed: false,
        why: 'the last scan of ClamAV is not reported (none ran, or not checked)',
      },
    );
  });

  it('ages grow with the whole days since the report came', () => {
    const objects: PostureObject[] = [
      { id: 'o', name: 'AV', criteria: [{ check: 'av_update', max_days: 7 }] },
    ];
    const profiles: PostureProfile[] = [{ id: 'p', name: 'Fresh', expression: { object: 'o' } }];
    const r = report({ antivirus: [av({ name: '', last_update: 6 })] });
    const reportedAt = new Date('2026-12-01T10:00:00Z');
    const later = (hours: number) => ({
      reportedAt,
      now: new Date(reportedAt.getTime() + hours * 3_600_000),
    });
    expect(evaluatePosture(r, objects, profiles, later(23)).profiles).toEqual(['Fresh']);
    expect(evaluatePosture(r, objects, profiles, later(24 + 23)).checks[0]!.why).toBe(
      'signatures are 7 days old; at most 7 allowed',
    );
    const twoDays = evaluatePosture(r, objects, profiles, later(48));
    expect(twoDays.profiles).toEqual([DEVICE_WITHOUT_PROFILE]);
    expect(twoDays.checks[0]!.why).toBe('signatures are 8 days old; at most 7 allowed');
  });

  it('av_active, av_name, av_version', () => {
    expect(only(report({ antivirus: [av({ active: false })] }), { check: 'av_active' })).toEqual({
      passed: false,
      why: 'ClamAV is not running',
    });
    expect(only(report({ antivirus: [av({ name: '' })] }), { check: 'av_active' })).toEqual({
      passed: true,
      why: 'the antivirus is running',
    });
    expect(only(report(), { check: 'av_name', operator: 'contains', value: 'defender' })).toEqual({
      passed: true,
      why: 'the antivirus is Windows Defender',
    });
    expect(only(report(), { check: 'av_name', operator: 'contains', value: 'Kaspersky' })).toEqual({
      passed: false,
      why: 'the antivirus is Windows Defender, which does not contain "Kaspersky"',
    });
    expect(only(report(), { check: 'av_name', operator: 'does_not_contain', value: 'Defender' })).toEqual({
      passed: false,
      why: 'the antivirus is Windows Defender, which contains "Defender"',
    });
    expect(
      only(report({ antivirus: [av({ name: '' })] }), {
        check: 'av_name',
        operator: 'does_not_contain',
        value: 'x',
      }),
    ).toEqual({
      passed: false,
      why: 'the name of the antivirus is not reported',
    });
    expect(only(report(), { check: 'av_version', operator: '>=', value: '4.18.24090' })).toEqual({
      passed: false,
      why: 'the version of Windows Defender is 4.18.24010.12, older than 4.18.24090',
    });
    expect(
      only(report({ antivirus: [av({ version: '' })] }), { check: 'av_version', operator: '>=', value: '1' }),
    ).toEqual({
      passed: false,
      why: 'the version of ClamAV is not reported',
    });
  });

  it('fw_active, fw_name, fw_version', () => {
    const fw = (active: boolean, name = 'nftables', version = '1.0.6') =>
      report({ firewall: [{ active, name, version }] });
    expect(only(fw(true), { check: 'fw_active' })).toEqual({ passed: true, why: 'nftables is on' });
    expect(only(fw(false), { check: 'fw_active' })).toEqual({ passed: false, why: 'nftables is off' });
    expect(only(fw(true, ''), { check: 'fw_active' })).toEqual({ passed: true, why: 'the firewall is on' });
    expect(only(fw(true), { check: 'fw_name', operator: 'contains', value: 'ufw' })).toEqual({
      passed: false,
      why: 'the firewall is nftables, which does not contain "ufw"',
    });
    expect(only(fw(true), { check: 'fw_version', operator: '>=', value: '1.0' })).toEqual({
      passed: true,
      why: 'the version of nftables is 1.0.6, at least 1.0',
    });
    expect(only(report({ firewall: [] }), { check: 'fw_active' })).toEqual({
      passed: false,
      why: 'no firewall is installed',
    });
    const { firewall: _, ...bare } = report();
    expect(only(bare, { check: 'fw_active' })).toEqual({
      passed: false,
      why: 'the firewall is not reported',
    });
  });

  it("one product must meet all of an object's antivirus criteria: not one running, another fresh", () => {
    const split = report({
      antivirus: [
        av({ name: 'Running', active: true, last_update: 30 }),
        av({ name: 'Fresh', active: false, last_update: 0 }),
      ],
    });
    const result = checks(split, { check: 'av_active' }, { check: 'av_update', max_days: 7 });
    expect(result.profiles).toEqual([DEVICE_WITHOUT_PROFILE]);
    // The words come from the product that meets the most criteria, the first in canonical order.
    expect(result.checks.map((c) => [c.criterion, c.passed, c.why])).toEqual([
      ['av_active', false, 'Fresh is not running'],
      ['av_update', true, 'the signatures of Fresh are less than a day old; at most 7 allowed'],
    ]);
    const both = report({
      antivirus: [...split.antivirus!, av({ name: 'Good', active: true, last_update: 2 })],
    });
    expect(checks(both, { check: 'av_active' }, { check: 'av_update', max_days: 7 }).profiles).toEqual([
      'Compliant',
    ]);
  });

  it('antivirus not asked, or none installed', () => {
    const { antivirus: _, ...bare } = report();
    expect(only(bare, { check: 'av_active' })).toEqual({
      passed: false,
      why: 'the antivirus is not reported',
    });
    expect(only(report({ antivirus: [] }), { check: 'av_update', max_days: 7 })).toEqual({
      passed: false,
      why: 'no antivirus is installed',
    });
  });
});

describe('evaluatePosture: profiles', () => {
  const objects: PostureObject[] = [
    { id: 'av', name: 'Antivirus', criteria: [{ check: 'av_active' }, { check: 'av_update', max_days: 7 }] },
    { id: 'fw', name: 'Firewall', criteria: [{ check: 'fw_active' }] },
    { id: 'unused', name: 'Unused', criteria: [{ check: 'kb_list', operator: 'contains', values: ['KB1'] }] },
  ];
  const profiles: PostureProfile[] = [
    { id: 'c', name: 'Compliant', expression: { op: 'and', of: [{ object: 'av' }, { object: 'fw' }] } },
    { id: 'b', name: 'Basic', expression: { op: 'or', of: [{ object: 'av' }, { object: 'fw' }] } },
  ];

  it('assigns every matching profile, sorted by name, and checks only the objects in use', () => {
    const result = evaluatePosture(report(), objects, profiles);
    expect(result.profiles).toEqual(['Basic', 'Compliant']);
    expect(result.checks).toEqual([
      { object: 'Antivirus', criterion: 'av_active', passed: true, why: 'Windows Defender is running' },
      {
        object: 'Antivirus',
        criterion: 'av_update',
        passed: true,
        why: 'the signatures of Windows Defender are 1 day old; at most 7 allowed',
      },
      { object: 'Firewall', criterion: 'fw_active', passed: true, why: 'Windows Firewall is on' },
    ]);
  });

  it('OR holds with one object, AND needs both', () => {
    const r = report({ firewall: [{ active: false, name: 'ufw', version: '0.36' }] });
    expect(evaluatePosture(r, objects, profiles).profiles).toEqual(['Basic']);
  });

  it('"device without profile" when nothing matches, and before any report', () => {
    const r = report({ firewall: [], antivirus: [] });
    expect(evaluatePosture(r, objects, profiles).profiles).toEqual([DEVICE_WITHOUT_PROFILE]);
    const none = evaluatePosture(null, objects, profiles);
    expect(none.profiles).toEqual([DEVICE_WITHOUT_PROFILE]);
    expect(none.checks.every((c) => !c.passed && c.why.includes('not reported'))).toBe(true);
    expect(evaluatePosture(report(), objects, []).profiles).toEqual([DEVICE_WITHOUT_PROFILE]);
  });
});
