import { describe, expect, it } from 'vitest';
import {
  admit,
  afterAuthorized,
  afterSessionEnded,
  afterVersion,
  initialConnectionState,
  type ClientMessageType,
} from './connection.js';

const all: ClientMessageType[] = [
  'version',
  'authorize',
  'sso',
  'resume',
  'authorize_device',
  'tunnel_wg',
  'ztna',
  'unauthorize',
];

function allowed(state: typeof initialConnectionState): ClientMessageType[] {
  return all.filter((t) => admit(state, t) === undefined);
}

describe('connection state machine', () => {
  it('accepts only version first', () => {
    expect(allowed(initialConnectionState)).toEqual(['version']);
    expect(admit(initialConnectionState, 'authorize')).toMatchObject({ code: 'version_required' });
  });

  it('then a login, or unauthorize (answered with logged_out)', () => {
    const s = afterVersion(initialConnectionState, false);
    expect(allowed(s)).toEqual(['authorize', 'sso', 'resume', 'authorize_device', 'unauthorize']);
    expect(admit(s, 'version')).toMatchObject({ code: 'version_already_sent' });
    expect(admit(s, 'tunnel_wg')).toMatchObject({ code: 'not_authorized' });
  });

  it('after a login without a tunnel: ztna and unauthorize', () => {
    const s = afterAuthorized(afterVersion(initialConnectionState, false), false);
    expect(allowed(s)).toEqual(['ztna', 'unauthorize']);
    expect(admit(s, 'authorize')).toMatchObject({ code: 'already_authorized' });
    expect(admit(s, 'tunnel_wg')).toMatchObject({ code: 'tunnel_not_needed' });
  });

  it('after a login that needs a tunnel: tunnel_wg too', () => {
    const s = afterAuthorized(afterVersion(initialConnectionState, false), true);
    expect(allowed(s)).toEqual(['tunnel_wg', 'ztna', 'unauthorize']);
  });

  it('after the session ends, a new login may follow on the same connection', () => {
    const s = afterSessionEnded(afterAuthorized(afterVersion(initialConnectionState, true), true));
    expect(s).toMatchObject({ phase: 'awaiting_auth', updateRequired: true, needTunnel: false });
  });
});
