import { describe, expect, it } from 'vitest';
import { ClientError } from './errors.js';
import { type DnsDeps, isWithinDomain, parseServer, resolveCandidates } from './resolve.js';

function dnsError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

describe('parseServer', () => {
  it.each([
    ['gw.corp.example', { host: 'gw.corp.example', port: null, isIp: false }],
    ['GW.Corp.Example.', { host: 'gw.corp.example', port: null, isIp: false }],
    ['gw.corp.example:8443', { host: 'gw.corp.example', port: 8443, isIp: false }],
    [' 192.0.2.7 ', { host: '192.0.2.7', port: null, isIp: true }],
    ['192.0.2.7:14766', { host: '192.0.2.7', port: 14766, isIp: true }],
    ['2001:db8::7', { host: '2001:db8::7', port: null, isIp: true }],
    ['[2001:db8::7]', { host: '2001:db8::7', port: null, isIp: true }],
    ['[2001:db8::7]:443', { host: '2001:db8::7', port: 443, isIp: true }],
    ['localhost', { host: 'localhost', port: null, isIp: false }],
  ])('reads %j', (text, expected) => {
    expect(parseServer(text)).toEqual(expected);
  });

  it.each([
    '',
    'gw.corp.example:',
    'gw.corp.example:0',
    'gw.corp.example:65536',
    'gw.corp.example:80a',
    'gw corp',
    'https://gw.corp.example',
    '[gw.corp.example]:1',
    '-gw.corp.example',
    'a..b',
    '[2001:db8::7]:x',
  ])('refuses %j as bad_profile naming the server', (text) => {
    let error: unknown;
    try {
      parseServer(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('bad_profile');
    expect((error as ClientError).detail).toEqual({ field: 'server' });
    expect((error as ClientError).message).toContain(JSON.stringify(text));
  });
});

describe('resolveCandidates', () => {
  function fake(srv: DnsDeps['resolveSrv'], lookup: DnsDeps['lookup']) {
    const asked: string[] = [];
    const deps: DnsDeps = {
      resolveSrv: (name) => {
        asked.push(`SRV ${name}`);
        return srv(name);
      },
      lookup: (host) => {
        asked.push(`A ${host}`);
        return lookup(host);
      },
    };
    return { deps, asked };
  }

  it('asks for _ideco-client._tcp.<name> and keeps each target’s port, without a trailing dot', async () => {
    const { deps, asked } = fake(
      () => Promise.resolve([{ name: 'gw1.corp.example.', port: 4443, priority: 0, weight: 0 }]),
      () => Promise.reject(dnsError('ENOTFOUND')),
    );
    expect(await resolveCandidates('corp.example', deps)).toEqual([
      { host: 'gw1.corp.example', port: 4443, viaSrv: true },
    ]);
    expect(asked).toEqual(['SRV _ideco-client._tcp.corp.example']);
  });

  it.each(['ENOTFOUND', 'ENODATA', 'ESERVFAIL', 'ETIMEOUT'])(
    'falls back to A/AAAA when the SRV lookup fails with %s',
    async (code) => {
      const { deps, asked } = fake(
        () => Promise.reject(dnsError(code)),
        () => Promise.resolve([{ address: '192.0.2.1', family: 4 }]),
      );
      expect(await resolveCandidates('gw.corp.example', deps)).toEqual([
        { host: 'gw.corp.example', port: 14765, viaSrv: false },
      ]);
      expect(asked).toEqual(['SRV _ideco-client._tcp.gw.corp.example', 'A gw.corp.example']);
    },
  );

  it('tells "no record" from a failed lookup in server_not_found', async () => {
    const none = fake(
      () => Promise.resolve([]),
      () => Promise.reject(dnsError('ENOTFOUND')),
    );
    await expect(resolveCandidates('gw.corp.example', none.deps)).rejects.toThrow(
      'kordon could not find the server gw.corp.example: no SRV or A/AAAA record',
    );
    const broken = fake(
      () => Promise.reject(dnsError('ETIMEOUT')),
      () => Promise.reject(dnsError('ETIMEOUT')),
    );
    const error = await resolveCandidates('gw.corp.example', broken.deps).catch((e: unknown) => e);
    expect((error as ClientError).code).toBe('server_not_found');
    expect((error as ClientError).detail).toEqual({ server: 'gw.corp.example', dnsError: 'ETIMEOUT' });
    expect((error as ClientError).message).toContain('the DNS lookup failed (ETIMEOUT)');
  });

  it('uses the injected random source for the weights', async () => {
    const records = [
      { name: 'light', port: 1, priority: 0, weight: 1 },
      { name: 'heavy', port: 2, priority: 0, weight: 99 },
    ];
    const { deps } = fake(
      () => Promise.resolve(records),
      () => Promise.reject(dnsError('ENOTFOUND')),
    );
    expect((await resolveCandidates('gw.corp.example', deps, () => 0)).map((c) => c.host)).toEqual([
      'light',
      'heavy',
    ]);
    expect((await resolveCandidates('gw.corp.example', deps, () => 0.5)).map((c) => c.host)).toEqual([
      'heavy',
      'light',
    ]);
  });
});

describe('isWithinDomain (DECISIONS 65)', () => {
  it.each([
    ['corp.example', 'corp.example'],
    ['gw1.corp.example', 'corp.example'],
    ['a.b.corp.example', 'corp.example'],
    ['GW1.Corp.Example.', 'corp.example'],
    ['gw1.corp.example', 'CORP.EXAMPLE.'],
  ])('takes %j as within %j', (name, domain) => {
    expect(isWithinDomain(name, domain)).toBe(true);
  });

  it.each([
    ['gw.evil.example', 'corp.example'],
    ['evilcorp.example', 'corp.example'],
    ['corp.example.evil', 'corp.example'],
    ['example', 'corp.example'],
    ['gw1.corp.example', ''],
  ])('takes %j as outside %j', (name, domain) => {
    expect(isWithinDomain(name, domain)).toBe(false);
  });
});
