import { describe, expect, it } from 'vitest';
import { escapeFilter, restrictionOfBindError, userOf } from './directory.js';

const dn = 'CN=Alice,CN=Users,DC=corp,DC=test';

describe('a directory user as a login judges it', () => {
  it('may log in when enabled, unlocked and unexpired', () => {
    expect(
      userOf({
        dn,
        sAMAccountName: 'Alice',
        userAccountControl: '512',
        accountExpires: '0',
        displayName: 'Alice A',
      }),
    ).toEqual({ dn, user: 'alice', displayName: 'Alice A', restriction: null });
  });

  it.each([
    [{ userAccountControl: '514' }, /disabled/],
    [{ userAccountControl: '512', 'msDS-User-Account-Control-Computed': '16' }, /locked/],
    [{ userAccountControl: '512', accountExpires: '130000000000000000' }, /expired/],
    [
      { userAccountControl: '512', 'msDS-User-Account-Control-Computed': String(0x800000) },
      /password .* has expired/,
    ],
  ])('says why not: %o', (attributes, words) => {
    expect(userOf({ dn, sAMAccountName: 'alice', ...attributes }).restriction).toMatch(words);
  });

  it('treats accountExpires 0 and 2^63-1 as never', () => {
    for (const never of ['0', '9223372036854775807'])
      expect(
        userOf({ dn, sAMAccountName: 'a', userAccountControl: '512', accountExpires: never }).restriction,
      ).toBeNull();
  });
});

describe('escapeFilter (RFC 4515)', () => {
  it('escapes what would change a filter', () => {
    expect(escapeFilter('a*)(uid=*')).toBe('a\\2a\\29\\28uid=\\2a');
    expect(escapeFilter('CN=x\\,y')).toBe('CN=x\\5c,y');
  });
});

describe('an AD bind refusal', () => {
  const message = (code: string) =>
    `80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data ${code}, v2580`;

  it('tells the account state only for the sub-codes AD gives after a right password', () => {
    expect(restrictionOfBindError(message('533'), { restriction: null })).toMatch(/disabled/);
    expect(restrictionOfBindError(message('701'), { restriction: null })).toMatch(/expired/);
    expect(restrictionOfBindError(message('773'), { restriction: null })).toMatch(/must be changed/);
    expect(restrictionOfBindError(message('52e'), { restriction: null })).toBeNull();
    expect(restrictionOfBindError(message('775'), { restriction: 'locked' })).toBeNull();
    expect(restrictionOfBindError('Invalid credentials', { restriction: 'disabled' })).toBeNull();
  });
});
