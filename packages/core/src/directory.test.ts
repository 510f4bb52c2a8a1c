import { describe, expect, it } from 'vitest';
import { directoryConfigProblem, directoryGroupName, isDirectoryAccount, routeLogin } from './directory.js';

const corp = { domain: 'CORP', realm: 'CORP.EXAMPLE' };

describe('which logins are the directory’s (DECISIONS 14)', () => {
  it('takes CORP\\alice, alice@corp.example and alice@CORP.EXAMPLE as the directory’s alice@CORP.EXAMPLE', () => {
    for (const login of ['CORP\\alice', 'corp\\Alice', 'alice@corp.example', 'alice@CORP.EXAMPLE']) {
      expect(routeLogin(login, corp, true)).toEqual({
        kind: 'directory',
        user: 'alice',
        account: 'alice@CORP.EXAMPLE',
      });
    }
  });

  it('takes a bare name as the local user when one exists, else the directory’s', () => {
    expect(routeLogin('alice', corp, true)).toEqual({ kind: 'local', user: 'alice' });
    expect(routeLogin('alice', corp, false)).toEqual({
      kind: 'directory',
      user: 'alice',
      account: 'alice@CORP.EXAMPLE',
    });
  });

  it('refuses another domain, and keeps every login local without a directory', () => {
    expect(routeLogin('OTHER\\alice', corp, true)).toMatchObject({ kind: 'none' });
    expect(routeLogin('CORP\\alice', null, false)).toEqual({ kind: 'local', user: 'alice' });
    expect(routeLogin('a\\b\\c', corp, false)).toMatchObject({ kind: 'none' });
  });

  it('names directory groups and accounts apart from local ones', () => {
    expect(directoryGroupName('corp', 'VPN-Users')).toBe('CORP\\vpn-users');
    expect(isDirectoryAccount('alice@CORP.EXAMPLE')).toBe(true);
    expect(isDirectoryAccount('alice')).toBe(false);
  });
});

describe('a directory configuration', () => {
  const good = {
    url: 'ldaps://dc1.corp.example',
    domain: 'CORP',
    realm: 'CORP.EXAMPLE',
    baseDn: 'DC=corp,DC=example',
    bindDn: 'CN=kordon,CN=Users,DC=corp,DC=example',
    bindPassword: 'secret',
    caCert: null,
    adminGroup: null,
    viewerGroup: null,
    keytab: null,
    ntlm: false,
  };

  it('is sound as an administrator writes it', () => {
    expect(directoryConfigProblem(good)).toBeNull();
    expect(directoryConfigProblem({ ...good, url: 'ldap://dc1.corp.example:389' })).toBeNull();
  });

  it.each([
    [{ url: 'http://dc1' }, 'url'],
    [{ url: 'ldaps://dc1/DC=x' }, 'url'],
    [{ domain: 'CORP.EXAMPLE.TOO.LONG' }, 'domain'],
    [{ realm: 'corp' }, 'realm'],
    [{ baseDn: 'corp.example' }, 'base_dn'],
    [{ bindDn: ' ' }, 'bind_dn'],
    [{ bindPassword: '' }, 'bind_password'],
  ])('names the field at fault: %o', (change, field) => {
    expect(directoryConfigProblem({ ...good, ...change })).toMatchObject({ field });
  });
});
