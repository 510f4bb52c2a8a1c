import { describe, expect, it } from 'vitest';
import { decodeChange, encodeChange, type Change } from './changes.js';
import { defaultClientSettings } from './model.js';

describe('change records', () => {
  const changes: Change[] = [
    { kind: 'user', account: 'alice', action: 'disabled' },
    { kind: 'group', group: 'remote' },
    { kind: 'vpn_rules' },
    { kind: 'settings', before: defaultClientSettings, after: { ...defaultClientSettings, enabled: false } },
    { kind: 'session_ended', sessionId: 's1' },
    { kind: 'session_displaced', sessionId: 's2', code: 4003, reason: 'device_limit' },
    { kind: 'session_displaced', sessionId: 's3', code: 4007, reason: null },
    { kind: 'exemptions' },
    { kind: 'directory' },
    { kind: 'posture' },
    { kind: 'access_rules' },
  ];

  it('read back what was written', () => {
    for (const change of changes) {
      const encoded = encodeChange(change);
      expect(decodeChange(encoded.kind, encoded.payload)).toEqual(change);
    }
  });

  it('skip what this version cannot read instead of guessing', () => {
    expect(decodeChange('posture_profile', '{}')).toBeUndefined();
    expect(decodeChange('user', '{"account":"alice","action":"renamed"}')).toBeUndefined();
    expect(decodeChange('user', 'not json')).toBeUndefined();
    expect(decodeChange('settings', '{"before":{},"after":{}}')).toBeUndefined();
    expect(decodeChange('group', '[]')).toBeUndefined();
    expect(decodeChange('access_rules', '[]')).toBeUndefined();
    expect(decodeChange('access_rule', '{}')).toBeUndefined();
  });
});
