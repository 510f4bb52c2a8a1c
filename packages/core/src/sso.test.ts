import { describe, expect, it } from 'vitest';
import {
  accountOfNtlmUser,
  accountOfPrincipal,
  firstTokenMethod,
  kerberosProblem,
  ssoAvailability,
} from './sso.js';

const directory = { domain: 'CORP', realm: 'CORP.EXAMPLE', url: 'ldaps://dc1.corp.example:636' };

describe('ssoAvailability (DECISIONS 61)', () => {
  const offer = { directory, kerberos: true, ntlm: false };

  it('offers the methods set up, naming the domain controller', () => {
    expect(ssoAvailability(offer, true, 'corp.example')).toStrictEqual({
      ok: true,
      methods: ['kerberos'],
      computerName: 'dc1.corp.example',
    });
    expect(ssoAvailability({ ...offer, ntlm: true }, true, 'CORP')).toMatchObject({
      methods: ['kerberos', 'ntlm'],
    });
  });

  it('refuses from outside before anything else', () => {
    const r = ssoAvailability({ directory: null, kerberos: false, ntlm: false }, false, 'X');
    expect(r).toStrictEqual({
      ok: false,
      error:
        'Single sign-on works only from the office network; from outside, log in with your login and password.',
    });
  });

  it.each([
    [{ directory: null, kerberos: true, ntlm: true }, 'CORP.EXAMPLE', 'not configured'],
    [{ directory, kerberos: false, ntlm: false }, 'CORP.EXAMPLE', 'not configured'],
    [offer, 'OTHER.EXAMPLE', 'not available for the domain OTHER.EXAMPLE: this gateway serves CORP.EXAMPLE'],
    [offer, '', 'the domain (none)'],
  ])('refuses %#, in words', (o, domain, words) => {
    const r = ssoAvailability(o, true, domain);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(words);
  });
});

describe('firstTokenMethod', () => {
  const ntlmssp = Buffer.from('NTLMSSP\u0000\u0001\u0000\u0000\u0000', 'latin1');
  it('tells raw and SPNEGO-wrapped NTLM from Kerberos', () => {
    expect(firstTokenMethod(ntlmssp)).toBe('ntlm');
    expect(firstTokenMethod(Buffer.concat([Buffer.from([0x60, 0x40, 0x06]), ntlmssp]))).toBe('ntlm');
    expect(firstTokenMethod(Buffer.from([0x60, 0x82, 0x05, 0x6a, 0x06, 0x06, 0x2b]))).toBe('kerberos');
  });
  it('is neither for anything else', () => {
    expect(firstTokenMethod(Buffer.from('hello'))).toBeUndefined();
    expect(firstTokenMethod(new Uint8Array())).toBeUndefined();
  });
});

describe('the verified name as the directory account (DECISIONS 14)', () => {
  it('maps a principal of the realm, in any case, to the normalized account', () => {
    expect(accountOfPrincipal('Alice@corp.example', directory)).toStrictEqual({
      ok: true,
      user: 'Alice',
      account: 'alice@CORP.EXAMPLE',
    });
  });
  it.each(['alice@OTHER.EXAMPLE', 'alice', 'HTTP/gw.corp.example@CORP.EXAMPLE', 'WS-042$@CORP.EXAMPLE'])(
    'refuses %s',
    (principal) => {
      expect(accountOfPrincipal(principal, directory).ok).toBe(false);
    },
  );
  it("maps winbind's DOMAIN and name, the NetBIOS name or the realm", () => {
    expect(accountOfNtlmUser('corp', 'bob', directory)).toMatchObject({
      ok: true,
      account: 'bob@CORP.EXAMPLE',
    });
    expect(accountOfNtlmUser('CORP.EXAMPLE', 'bob', directory)).toMatchObject({ ok: true });
    expect(accountOfNtlmUser('OTHER', 'bob', directory).ok).toBe(false);
  });
});

describe('kerberosProblem (DECISIONS 13)', () => {
  it('wants a keytab and a DNS name in auth_domain', () => {
    expect(kerberosProblem(null, 'gw.corp.example', 'CORP.EXAMPLE')).toContain('no keytab');
    const keytab = new Uint8Array([5, 2]);
    expect(kerberosProblem(keytab, null, 'CORP.EXAMPLE')).toContain(
      "auth_domain must be the gateway's DNS name",
    );
    expect(kerberosProblem(keytab, '192.0.2.1', 'CORP.EXAMPLE')).toContain('DNS name');
    expect(kerberosProblem(keytab, 'gw.corp.example', 'CORP.EXAMPLE')).toBe('the keytab holds no keys');
  });
});
