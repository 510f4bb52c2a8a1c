import { describe, expect, it } from 'vitest';
import { kerberosTokens, kerberosWords } from './kerberos.js';
import { SsoUnavailable } from './tokens.js';

describe('Kerberos on the client', () => {
  it.each([
    ['No Kerberos credentials available (default cache: FILE:/tmp/krb5cc_1000)', 'run kinit'],
    ['Credentials cache file /tmp/krb5cc_1000 not found', 'run kinit'],
    [
      'No credentials were supplied, or the credentials were unavailable or inaccessible: SPNEGO cannot find mechanisms to negotiate',
      'run kinit',
    ],
    ['Ticket expired', 'has expired'],
    [
      'Server HTTP/gw.corp.example@CORP.EXAMPLE not found in Kerberos database',
      'knows no service HTTP/gw.corp.example',
    ],
  ])('says "%s" in words', (message, words) => {
    expect(kerberosWords(message, 'gw.corp.example')).toContain(words);
  });

  it('is unavailable, not broken, when the module cannot be loaded', async () => {
    const tokens = kerberosTokens(() => Promise.reject(new Error('cannot find module')));
    await expect(tokens.start('gw')).rejects.toBeInstanceOf(SsoUnavailable);
  });
});
