import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthUnavailable, type AuthResult, type Identity } from '@kordon/core';
import {
  NtlmAuthenticator,
  isBase64Token,
  parseHelperLine,
  parseWinbindUser,
  refusalOfStatus,
  tokenForm,
  type NtlmOptions,
} from './ntlm.js';

const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64');
const negotiate = b64(Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), Buffer.from([1, 0, 0, 0])]));
const authenticate = b64(Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), Buffer.from([3, 0, 0, 0])]));
const spnegoInit =
  'YEgGBisGAQUFAqA+MDygDjAMBgorBgEEAYI3AgIKoioEKE5UTE1TU1AAAQAAAAWCCGIAAAAAKAAAAAAAAAAoAAAABgEAAAAAAA8=';

describe('the form of a first token', () => {
  it('sends raw NTLMSSP to squid-2.5-ntlmssp and GSS-API/SPNEGO (0x60) to gss-spnego', () => {
    expect(tokenForm(negotiate)).toBe('ntlmssp');
    expect(tokenForm(spnegoInit)).toBe('spnego');
  });

  it('knows neither anything else, nor what is not strict base64', () => {
    expect(tokenForm(b64('hello world'))).toBeUndefined();
    expect(tokenForm(b64(Buffer.from([0xa1, 0x07])))).toBeUndefined();
    expect(tokenForm('')).toBeUndefined();
    expect(tokenForm(`${negotiate}\nKK ${negotiate}`)).toBeUndefined();
    expect(tokenForm(spnegoInit.replace(/=+$/, ''))).toBeUndefined();
    expect(isBase64Token('A'.repeat(64 * 1024 + 4))).toBe(false);
    expect(isBase64Token('TlRMTVNTUAAB')).toBe(true);
    expect(isBase64Token('TlRM TVNT')).toBe(false);
  });
});

describe('ntlm_auth reply lines', () => {
  it('reads squid-2.5-ntlmssp', () => {
    expect(parseHelperLine('ntlmssp', 'TT TlRMTVNTUAACAAAA')).toEqual({
      code: 'TT',
      token: 'TlRMTVNTUAACAAAA',
    });
    expect(parseHelperLine('ntlmssp', 'AF CORP\\alice')).toEqual({
      code: 'AF',
      token: null,
      user: 'CORP\\alice',
    });
    expect(parseHelperLine('ntlmssp', 'AF CORP\\John Smith')).toMatchObject({ user: 'CORP\\John Smith' });
    expect(parseHelperLine('ntlmssp', 'NA NT_STATUS_LOGON_FAILURE')).toEqual({
      code: 'NA',
      token: null,
      status: 'NT_STATUS_LOGON_FAILURE',
    });
    expect(parseHelperLine('ntlmssp', 'BH NT_STATUS_UNSUCCESSFUL NT_STATUS_UNSUCCESSFUL')).toEqual({
      code: 'BH',
      reason: 'NT_STATUS_UNSUCCESSFUL NT_STATUS_UNSUCCESSFUL',
    });
  });

  it('reads gss-spnego, which always prints a token or "*" before the argument', () => {
    expect(parseHelperLine('spnego', 'TT oYHKMIHH *')).toEqual({ code: 'TT', token: 'oYHKMIHH' });
    expect(parseHelperLine('spnego', 'AF oQcwBaADCgEA CORP\\alice')).toEqual({
      code: 'AF',
      token: 'oQcwBaADCgEA',
      user: 'CORP\\alice',
    });
    expect(parseHelperLine('spnego', 'AF * CORP+alice')).toEqual({
      code: 'AF',
      token: null,
      user: 'CORP+alice',
    });
    expect(parseHelperLine('spnego', 'NA * NT_STATUS_ACCOUNT_DISABLED')).toEqual({
      code: 'NA',
      token: null,
      status: 'NT_STATUS_ACCOUNT_DISABLED',
    });
    expect(parseHelperLine('spnego', 'BH NT_STATUS_UNSUCCESSFUL * NT_STATUS_UNSUCCESSFUL')).toMatchObject({
      code: 'BH',
    });
  });

  it('calls anything else unknown', () => {
    for (const line of ['', 'OK', 'TT', 'TT not base64!', 'AF', 'AF ', 'ERR', 'PW']) {
      expect(parseHelperLine('ntlmssp', line).code).toBe('unknown');
    }
    expect(parseHelperLine('spnego', 'TT * *').code).toBe('unknown');
    expect(parseHelperLine('spnego', 'AF oQcw').code).toBe('unknown');
  });

  it('splits the user at either winbind separator and wants the domain', () => {
    expect(parseWinbindUser('CORP\\alice')).toEqual({ domain: 'CORP', name: 'alice' });
    expect(parseWinbindUser('corp+alice')).toEqual({ domain: 'CORP', name: 'alice' });
    expect(parseWinbindUser('CORP\\John Smith')).toEqual({ domain: 'CORP', name: 'John Smith' });
    expect(parseWinbindUser('alice')).toBeUndefined();
    expect(parseWinbindUser('\\alice')).toBeUndefined();
    expect(parseWinbindUser('CORP\\')).toBeUndefined();
  });

  it('tells the account state only for statuses the DC gives after a right password', () => {
    expect(refusalOfStatus('NT_STATUS_LOGON_FAILURE')).toMatchObject({ reason: 'credentials' });
    expect(refusalOfStatus('NT_STATUS_ACCOUNT_LOCKED_OUT')).toMatchObject({ reason: 'credentials' });
    expect(refusalOfStatus('NT_STATUS_INVALID_PARAMETER')).toMatchObject({ reason: 'credentials' });
    expect(refusalOfStatus('NT_STATUS_ACCOUNT_DISABLED')).toMatchObject({
      reason: 'disabled',
      what: expect.stringMatching(/this account is disabled/i),
      detail: expect.stringContaining('NT_STATUS_ACCOUNT_DISABLED'),
    });
    expect(refusalOfStatus('NT_STATUS_ACCOUNT_EXPIRED').reason).toBe('disabled');
  });
});

describe('NtlmAuthenticator with a fake helper', () => {
  let dir: string;
  let fake: string;
  let authenticator: NtlmAuthenticator | undefined;
  const alice: Identity = {
    account: 'alice',
    method: 'ntlm',
    groups: [],
    displayName: null,
    disabled: false,
  };
  const resolved: { domain: string; name: string }[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kordon-ntlm-'));
    fake = join(dir, 'fake-ntlm-auth');
    // Answers like ntlm_auth; FAKE_MODE picks the answer to KK, FAKE_PIDFILE gets the process id.
    writeFileSync(
      fake,
      [
        '#!/bin/sh',
        'echo $$ > "$FAKE_PIDFILE"',
        'env > "$FAKE_PIDFILE.env"',
        'echo "started with $*" >&2',
        'while IFS= read -r line; do',
        '  case "$FAKE_MODE:$line" in',
        '    exit:*) exit 3 ;;',
        '    silent:*) ;;',
        '    *:"YR "*) echo "TT TlRMTVNTUAACAAAA" ;;',
        '    bh:"KK "*) echo "BH NT_STATUS_UNSUCCESSFUL NT_STATUS_UNSUCCESSFUL" ;;',
        '    na:"KK "*) echo "NA NT_STATUS_LOGON_FAILURE" ;;',
        '    disabled:"KK "*) echo "NA NT_STATUS_ACCOUNT_DISABLED" ;;',
        "    ok:\"KK \"*) printf '%s\\n' 'AF CORP\\alice' ;;",
        '    bare:"KK "*) echo "AF alice" ;;',
        '  esac',
        'done',
        '',
      ].join('\n'),
    );
    chmodSync(fake, 0o755);
  });

  afterEach(() => {
    authenticator?.close();
    authenticator = undefined;
    resolved.length = 0;
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function make(mode: string, options: Partial<NtlmOptions> = {}): NtlmAuthenticator {
    authenticator = new NtlmAuthenticator({
      ntlmAuthPath: fake,
      env: { FAKE_MODE: mode, FAKE_PIDFILE: join(dir, `${mode}.pid`) },
      resolve: (user): Promise<AuthResult> => {
        resolved.push(user);
        return Promise.resolve({ ok: true, identity: alice });
      },
      lookup: () => Promise.resolve(undefined),
      ...options,
    });
    return authenticator;
  }

  const pidOf = (mode: string) => Number(readFileSync(join(dir, `${mode}.pid`), 'utf8').trim());

  /** Whether the process is gone (and reaped) within a second. */
  async function gone(pid: number): Promise<boolean> {
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        return true;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    return false;
  }

  it('runs an exchange: TT is the challenge, AF the user winbind verified', async () => {
    const a = make('ok');
    expect(await a.begin('s1', negotiate)).toEqual({ kind: 'continue', token: 'TlRMTVNTUAACAAAA' });
    expect(a.size).toBe(1);
    const pid = pidOf('ok');
    expect(await a.step('s1', authenticate)).toEqual({ kind: 'done', identity: alice, token: null });
    expect(resolved).toEqual([{ domain: 'CORP', name: 'alice' }]);
    expect(a.size).toBe(0);
    expect(await gone(pid)).toBe(true);
    // The finished exchange is forgotten.
    expect(await a.step('s1', authenticate)).toMatchObject({
      kind: 'failed',
      refusal: { reason: 'credentials', detail: 'unknown exchange' },
    });
  });

  it('answers BH with AuthUnavailable, never a refusal or a success', async () => {
    const a = make('bh');
    await a.begin('s', negotiate);
    const pid = pidOf('bh');
    await expect(a.step('s', authenticate)).rejects.toBeInstanceOf(AuthUnavailable);
    expect(await gone(pid)).toBe(true);
    expect(a.size).toBe(0);
  });

  it('answers NA with a credentials refusal, and NT_STATUS_ACCOUNT_DISABLED with disabled', async () => {
    const a = make('na');
    await a.begin('s', negotiate);
    expect(await a.step('s', authenticate)).toMatchObject({
      kind: 'failed',
      refusal: { reason: 'credentials', detail: expect.stringContaining('NT_STATUS_LOGON_FAILURE') },
    });
    const d = make('disabled');
    await d.begin('s', negotiate);
    expect(await d.step('s', authenticate)).toMatchObject({
      kind: 'failed',
      refusal: { reason: 'disabled', what: expect.stringMatching(/this account is disabled/i) },
    });
    expect(resolved).toEqual([]);
  });

  it('takes a helper that exits early for AuthUnavailable, with its stderr for the log', async () => {
    const a = make('exit');
    const error = await a.begin('s', negotiate).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthUnavailable);
    expect((error as Error).message).toMatch(
      /exited \(code 3\).*started with --helper-protocol=squid-2.5-ntlmssp/,
    );
    expect(a.size).toBe(0);
  });

  it('takes a helper that cannot be started for AuthUnavailable', async () => {
    const a = make('ok', { ntlmAuthPath: join(dir, 'no-such-helper') });
    await expect(a.begin('s', negotiate)).rejects.toBeInstanceOf(AuthUnavailable);
    expect(a.size).toBe(0);
  });

  it('refuses a user without a domain as unavailable, not as anyone', async () => {
    const a = make('bare');
    await a.begin('s', negotiate);
    await expect(a.step('s', authenticate)).rejects.toBeInstanceOf(AuthUnavailable);
    expect(resolved).toEqual([]);
  });

  it('kills the helper when the exchange stays idle past its deadline', async () => {
    const a = make('ok', { idleMs: 150 });
    await a.begin('s', negotiate);
    const pid = pidOf('ok');
    await new Promise((r) => setTimeout(r, 300));
    expect(await gone(pid)).toBe(true);
    expect(a.size).toBe(0);
    expect(await a.step('s', authenticate)).toMatchObject({ refusal: { detail: 'unknown exchange' } });
  });

  it('kills a helper that does not answer within the deadline: AuthUnavailable', async () => {
    const a = make('silent', { idleMs: 150 });
    await expect(a.begin('s', negotiate)).rejects.toThrow(/no progress within 150 ms/);
    expect(await gone(pidOf('silent'))).toBe(true);
  });

  it('kills the helper on abandon', async () => {
    const a = make('ok');
    await a.begin('s', negotiate);
    const pid = pidOf('ok');
    a.abandon('s');
    expect(a.size).toBe(0);
    expect(await gone(pid)).toBe(true);
    a.abandon('s');
  });

  it('refuses tokens that are not NTLM without starting a helper, and never writes a line break', async () => {
    const a = make('ok');
    expect(await a.begin('s', b64('GET / HTTP/1.1'))).toMatchObject({ kind: 'failed' });
    expect(a.size).toBe(0);
    await a.begin('s', negotiate);
    expect(await a.step('s', `${authenticate}\nYR ${negotiate}`)).toMatchObject({
      kind: 'failed',
      refusal: { reason: 'credentials' },
    });
    expect(a.size).toBe(0);
  });

  it('starts over when a first token comes again under the same session token', async () => {
    const a = make('ok');
    await a.begin('s', negotiate);
    const first = pidOf('ok');
    await a.begin('s', negotiate);
    expect(a.size).toBe(1);
    expect(await gone(first)).toBe(true);
  });

  it('answers internal beyond maxExchanges', async () => {
    const a = make('ok', { maxExchanges: 2 });
    await a.begin('a', negotiate);
    await a.begin('b', negotiate);
    const error = await a.begin('c', negotiate).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthUnavailable);
    expect((error as AuthUnavailable).what).toMatch(/too many single sign-on logins at once/);
    a.abandon('a');
    expect(await a.begin('c', negotiate)).toMatchObject({ kind: 'continue' });
  });

  it('runs the helper under the command prefix, with only the environment it is given', async () => {
    const a = make('ok', { command: ['env', 'KORDON_PREFIX=1'] });
    expect(await a.begin('s', negotiate)).toMatchObject({ kind: 'continue' });
    expect(await a.step('s', authenticate)).toMatchObject({ kind: 'done' });
    const env = readFileSync(join(dir, 'ok.pid.env'), 'utf8').split('\n');
    expect(env).toEqual(expect.arrayContaining(['KORDON_PREFIX=1', 'LC_ALL=C', 'FAKE_MODE=ok']));
    // Nothing of the gateway's own environment (it may hold secrets) reaches the helper.
    expect(env.filter((l) => /^(HOME|USER|npm_|VITEST)/.test(l))).toEqual([]);
  });
});
