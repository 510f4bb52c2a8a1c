import { describe, expect, it } from 'vitest';
import type { PostureObject, PostureProfile } from './model.js';
import { ztnaRequestFor } from './request.js';

describe('ztnaRequestFor', () => {
  const objects: PostureObject[] = [
    {
      id: 'a',
      name: 'Agent',
      criteria: [
        { check: 'processes', operator: 'contains', values: ['osqueryd', 'auditd'] },
        { check: 'kb_list', operator: 'contains', values: ['KB5034441'] },
      ],
    },
    {
      id: 'b',
      name: 'Hardened',
      criteria: [
        { check: 'av_update', max_days: 7 },
        { check: 'processes', operator: 'does_not_contain', values: ['osqueryd', 'torrent'] },
        { check: 'kb_list', operator: 'does_not_contain', values: ['kb5034441', 'KB1'] },
        { check: 'registry', operator: 'contains', keys: [{ key: 'HKLM\\A' }, { key: 'hklm\\a' }] },
        { check: 'services', operator: 'contains', values: ['sshd'] },
      ],
    },
    { id: 'c', name: 'Unused', criteria: [{ check: 'fw_active' }] },
  ];
  const profile = (...ids: string[]): PostureProfile => ({
    id: ids.join(),
    name: ids.join(),
    expression: { op: 'or', of: ids.map((object) => ({ object })) },
  });

  it('asks for what the objects in use check, keywords in the protocol order, lists deduplicated and sorted', () => {
    expect(ztnaRequestFor(objects, [profile('b', 'a')], 60)).toEqual({
      type: 'ztna',
      period: 60,
      test_list: ['os_type', 'kb_list', 'av_update', 'processes', 'services', 'registry'],
      kb_list: ['KB1', 'KB5034441'],
      proc_list: ['auditd', 'osqueryd', 'torrent'],
      service_list: ['sshd'],
      reg_key_list: ['HKLM\\A'],
    });
  });

  it('does not depend on the order of objects and profiles', () => {
    const one = ztnaRequestFor(objects, [profile('a'), profile('b')], 0);
    const other = ztnaRequestFor([...objects].reverse(), [profile('b'), profile('a')], 0);
    expect(other).toEqual(one);
  });

  it('is null when no profile is in use or the profiles check nothing (DECISIONS 32)', () => {
    expect(ztnaRequestFor(objects, [], 60)).toBeNull();
    expect(ztnaRequestFor([{ id: 'e', name: 'Empty', criteria: [] }], [profile('e')], 60)).toBeNull();
  });

  it('asks only for the antivirus check it needs', () => {
    expect(ztnaRequestFor(objects, [profile('c')], 15)).toEqual({
      type: 'ztna',
      period: 15,
      test_list: ['fw_active'],
      kb_list: [],
      proc_list: [],
      service_list: [],
      reg_key_list: [],
    });
  });
});
