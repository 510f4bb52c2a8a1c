import { describe, expect, it } from 'vitest';
import { deviceStatusWords, statusOf, statusWords } from './status.js';

describe('kordon status in words (DECISIONS 74)', () => {
  it('says what the session is doing, step by step', () => {
    const words = (s: Parameters<typeof statusOf>[0]) => statusWords({ ...statusOf(s), profile: 'office' });
    expect(words({ state: 'locating', server: 'corp.example' })).toBe(
      'looking for the gateway of corp.example (profile office)',
    );
    expect(
      words({ state: 'connecting', server: 'corp.example', host: 'gw1.corp.example', port: 14765 }),
    ).toBe('connecting to gw1.corp.example port 14765 for corp.example (profile office)');
    expect(
      words({ state: 'authorizing', server: 'gw1.corp.example', waitingFor: 'the answer to the login' }),
    ).toBe('at gw1.corp.example: waiting for the answer to the login (profile office)');
    expect(
      words({
        state: 'second_factor',
        server: 'gw1.corp.example',
        url: 'https://gw1.corp.example/2fa',
        until: new Date('2026-12-01T10:05:00Z'),
      }),
    ).toBe(
      'waiting for the second factor: open https://gw1.corp.example/2fa in a browser to finish logging in to gw1.corp.example (until 2026-12-01T10:05:00.000Z) (profile office)',
    );
    expect(words({ state: 'waiting', why: 'the gateway is busy (HTTP 503)', retryInSeconds: 12 })).toBe(
      'not connected yet: the gateway is busy (HTTP 503); trying again in 12 s (profile office)',
    );
  });

  it('says whether a stop will be retried', () => {
    expect(statusWords(statusOf({ state: 'stopped', why: 'Wrong login or password.', final: true }))).toBe(
      'stopped: Wrong login or password. (not retried until the profile changes or you connect again)',
    );
    expect(statusWords(statusOf({ state: 'stopped', why: 'disconnected', final: true }))).toBe(
      'disconnected',
    );
    expect(statusWords({ state: 'disconnected' })).toBe('not connected');
  });

  it('gives the connected state as fields, with the posture verdict in words', () => {
    const since = new Date('2026-12-01T10:00:00Z');
    const status = statusOf({
      state: 'connected',
      server: '198.18.2.1',
      user: 'bob',
      vpn: true,
      tunnelAddress: '100.64.0.2/32',
      since,
    });
    expect(status).toEqual({
      state: 'connected',
      server: '198.18.2.1',
      user: 'bob',
      mode: 'vpn',
      tunnel_address: '100.64.0.2/32',
      since: '2026-12-01T10:00:00.000Z',
    });
    expect(
      statusWords({ ...status, posture: { profiles: [], limited: true, message: 'antivirus is off' } }),
    ).toBe(
      'connected to 198.18.2.1 as bob (VPN, tunnel 100.64.0.2/32) since 2026-12-01T10:00:00.000Z; posture: limited (antivirus is off)',
    );
  });
});

describe("Device VPN's line (DECISIONS 77)", () => {
  it('says it stepped aside, and never that a device waits for a profile to change', () => {
    expect(
      deviceStatusWords({ state: 'stepped_aside', why: "a user's connection is up on this machine" }),
    ).toBe("Device VPN: stepped aside: a user's connection is up on this machine");
    expect(deviceStatusWords({ state: 'stopped', why: 'the configuration is not valid', final: true })).toBe(
      'Device VPN: stopped: the configuration is not valid',
    );
  });
});
