import { describe, expect, it } from 'vitest';
import { normalizeLocalLogin, parseLogin, validateLocalUserName } from './login.js';

describe('login normalization (DECISIONS 14)', () => {
  it.each([
    ['alice', 'alice'],
    ['Alice', 'alice'],
    ['CORP\\alice', 'alice'],
    ['corp\\ALICE', 'alice'],
    ['alice@corp.example', 'alice'],
    ['ALICE@CORP.EXAMPLE', 'alice'],
    ['  alice  ', 'alice'],
  ])('%s is the local account %s', (login, account) => {
    expect(normalizeLocalLogin(login)).toBe(account);
  });

  it.each(['', '\\alice', 'CORP\\', 'alice@', '@corp', 'a\\b\\c', 'a b', 'ünïcode', 'x'.repeat(65)])(
    'refuses %j',
    (login) => {
      expect(normalizeLocalLogin(login)).toBeUndefined();
    },
  );

  it('keeps the domain, upper-cased', () => {
    expect(parseLogin('corp\\Bob')).toEqual({ user: 'bob', domain: 'CORP' });
    expect(parseLogin('bob@corp.example')).toEqual({ user: 'bob', domain: 'CORP.EXAMPLE' });
    expect(parseLogin('bob')).toEqual({ user: 'bob', domain: null });
  });

  it('validates names of new local users', () => {
    expect(validateLocalUserName('Alice.B')).toEqual({ ok: true, name: 'alice.b' });
    expect(validateLocalUserName('CORP\\alice')).toMatchObject({ ok: false });
    expect(validateLocalUserName('-x')).toMatchObject({ ok: false });
  });
});
