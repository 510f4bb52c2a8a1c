// The tokens and administrators page's model (src/pages/tokens/model.ts), without a browser: where an
// API error is shown, the new token's usage lines, the directory's line and how often removal asks.
import { describe, expect, it } from 'vitest';
import {
  bearerHeader,
  confirmationsToRemove,
  curlExample,
  directoryLine,
  isYou,
  problemOf,
  type AdminItem,
  type Directory,
} from '../src/pages/tokens/model.js';

const admin = (name: string, role: AdminItem['role'] = 'admin'): AdminItem => ({
  name,
  role,
  created_at: '2026-12-01T08:00:00.000Z',
  must_change_password: false,
  source: 'local',
});

const directory = (adminGroup: string | null, viewerGroup: string | null): NonNullable<Directory> => ({
  url: 'ldaps://dc1.corp.example',
  domain: 'CORP',
  realm: 'CORP.EXAMPLE',
  base_dn: 'DC=corp,DC=example',
  bind_dn: 'CN=kordon,DC=corp,DC=example',
  ca_cert: null,
  admin_group: adminGroup,
  viewer_group: viewerGroup,
  ntlm: false,
  bind_password_set: true,
  keytab_keys: null,
  kerberos_problem: null,
  updated_at: '2026-12-01T08:00:00.000Z',
});

describe('problemOf', () => {
  it('puts an error at its field when the form has that field', () => {
    const failure = {
      code: 'invalid_field',
      message: '"password" must be a non-empty string',
      field: '/password',
    };
    expect(problemOf(failure, ['/name', '/password'], 'last')).toStrictEqual({
      field: '/password',
      text: '"password" must be a non-empty string',
    });
  });

  it('shows an error for a field the form does not have, or none, for the whole form', () => {
    expect(
      problemOf({ code: 'conflict', message: 'exists', field: '/other' }, ['/name'], 'last'),
    ).toStrictEqual({
      field: null,
      text: 'exists',
    });
    expect(
      problemOf({ code: 'forbidden', message: 'read-only', field: null }, ['/name'], 'last').field,
    ).toBeNull();
  });

  it('says last_admin in the page’s words', () => {
    const failure = { code: 'last_admin', message: '"root" is the last administrator', field: null };
    expect(problemOf(failure, [], 'root cannot go')).toStrictEqual({ field: null, text: 'root cannot go' });
  });
});

describe('a new token’s usage', () => {
  it('is the Bearer header, and a curl command against the console’s origin', () => {
    expect(bearerHeader('abc')).toBe('Authorization: Bearer abc');
    expect(curlExample('https://127.0.0.1:8443', 'abc')).toBe(
      "curl -H 'Authorization: Bearer abc' https://127.0.0.1:8443/api/v1/me",
    );
  });
});

describe('directoryLine', () => {
  it('says none without a directory (or before it is known)', () => {
    expect(directoryLine(null)).toStrictEqual({ kind: 'none' });
    expect(directoryLine(undefined)).toStrictEqual({ kind: 'none' });
  });

  it('names the groups a directory has, blank ones as none', () => {
    expect(directoryLine(directory('CORP\\kordon-admins', null))).toStrictEqual({
      kind: 'groups',
      adminGroup: 'CORP\\kordon-admins',
      viewerGroup: null,
    });
    expect(directoryLine(directory(' ', null))).toStrictEqual({ kind: 'no-groups' });
  });
});

describe('who is you, and removing', () => {
  it('knows the signed-in administrator whatever the case of the name', () => {
    expect(isYou(admin('root'), { name: 'Root' })).toBe(true);
    expect(isYou(admin('ops'), { name: 'root' })).toBe(false);
  });

  it('asks twice before removing yourself, once for anyone else', () => {
    expect(confirmationsToRemove(admin('root'), { name: 'root' })).toBe(2);
    expect(confirmationsToRemove(admin('ops', 'viewer'), { name: 'root' })).toBe(1);
  });
});
