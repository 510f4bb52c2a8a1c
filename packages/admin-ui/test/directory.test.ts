// The directory form's model: the PUT body sends the bind password and the keytab only when given.
import { describe, expect, it } from 'vitest';
import { bodyOf, draftOf, toBase64, type DirectoryItem } from '../src/pages/directory/model.js';

const item: DirectoryItem = {
  url: 'ldaps://dc1.corp.example',
  domain: 'CORP',
  realm: 'CORP.EXAMPLE',
  base_dn: 'DC=corp,DC=example',
  bind_dn: 'CN=kordon,CN=Users,DC=corp,DC=example',
  ca_cert: null,
  admin_group: 'CORP\\kordon-admins',
  viewer_group: null,
  ntlm: true,
  bind_password_set: true,
  keytab_keys: ['HTTP/gw.corp.example@CORP.EXAMPLE (kvno 2, aes256-cts-hmac-sha1-96)'],
  kerberos_problem: null,
  updated_at: '2026-12-03T08:00:00.000Z',
};

describe('the directory form', () => {
  it('sends what is shown, and leaves the bind password and the keytab out when untouched', () => {
    expect(bodyOf(draftOf(item))).toStrictEqual({
      url: 'ldaps://dc1.corp.example',
      domain: 'CORP',
      realm: 'CORP.EXAMPLE',
      base_dn: 'DC=corp,DC=example',
      bind_dn: 'CN=kordon,CN=Users,DC=corp,DC=example',
      ca_cert: null,
      admin_group: 'CORP\\kordon-admins',
      viewer_group: null,
      ntlm: true,
    });
  });

  it('sends a typed password, a removed keytab as null and a new one as base64; empty groups as null', () => {
    const body = bodyOf({ ...draftOf(item), bind_password: 's3cret', keytab: null, admin_group: '  ' });
    expect(body).toMatchObject({ bind_password: 's3cret', keytab: null, admin_group: null });
    expect(bodyOf({ ...draftOf(null), keytab: 'BQI=' }).keytab).toBe('BQI=');
    expect(draftOf(null)).toMatchObject({ url: '', ntlm: false, keytab: undefined });
  });

  it('writes bytes as standard base64, in chunks', () => {
    expect(toBase64(new Uint8Array([5, 2, 0, 255]))).toBe('BQIA/w==');
    const big = new Uint8Array(100_000).map((_, i) => i % 256);
    expect(toBase64(big)).toBe(Buffer.from(big).toString('base64'));
  });
});
