import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientReply, ntlmTokens } from './ntlm.js';
import { SsoUnavailable } from './tokens.js';

const negotiate = 'TlRMTVNTUAABAAAABYIIYgAAAAAoAAAAAAAAACgAAAAGAQAAAAAADw==';
const authenticate = 'TlRMTVNTUAADAAAAGAAYAFgAAAA=';

describe('clientReply', () => {
  it('takes the token of the expected code', () => {
    expect(clientReply(`YR ${negotiate}`, 'YR')).toBe(negotiate);
    expect(clientReply(`AF ${authenticate}`, 'AF')).toBe(authenticate);
  });

  it('says no credentials are cached when the helper asks for a password (PW)', () => {
    expect(() => clientReply('PW', 'AF', 'alice')).toThrow(SsoUnavailable);
    expect(() => clientReply('PW', 'AF', 'alice')).toThrow(/no NTLM credentials are cached for "alice"/);
    expect(() => clientReply('PW', 'YR')).toThrow(/no NTLM credentials are cached for this user/);
  });

  it('gives the helper’s words for BH and NA', () => {
    expect(() => clientReply('BH NT_STATUS_NO_SUCH_USER', 'AF')).toThrow(/no NTLM credentials are cached/);
    expect(() => clientReply('BH NT_STATUS_UNSUCCESSFUL', 'AF')).toThrow(
      'NTLM could not make a token (NT_STATUS_UNSUCCESSFUL)',
    );
    expect(() => clientReply('NA', 'AF')).toThrow('NTLM could not make a token (NA)');
  });

  it('refuses another code, a missing token or one that is not base64', () => {
    expect(() => clientReply(`YR ${negotiate}`, 'AF')).toThrow(/answered "YR .*" instead of AF/);
    expect(() => clientReply('YR', 'YR')).toThrow(SsoUnavailable);
    expect(() => clientReply('AF CORP\\alice', 'AF')).toThrow(SsoUnavailable);
    expect(() => clientReply('', 'AF')).toThrow(SsoUnavailable);
  });
});

/** Whether process `pid` is gone within 2 s. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('ntlmTokens with fake helpers', () => {
  let dir: string;
  /** A fake `ntlm_auth`: YR → NEGOTIATE; TT → its argument file's answer; records its argv. */
  const helper = (name: string, onTT: string): string => {
    const path = join(dir, name);
    writeFileSync(
      path,
      [
        '#!/bin/sh',
        `printf "%s\\n" "$*" > "${path}.argv"`,
        `echo $$ > "${path}.pid"`,
        'while read -r line; do',
        '  case "$line" in',
        `    YR) echo "YR ${negotiate}" ;;`,
        `    TT*) ${onTT} ;;`,
        '    *) echo "BH unexpected" ;;',
        '  esac',
        'done',
        '',
      ].join('\n'),
    );
    chmodSync(path, 0o755);
    return path;
  };
  const wbinfo = (name: string, code: number): string => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n[ "$1" = --ping ] || exit 9\nexit ${code}\n`);
    chmodSync(path, 0o755);
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kordon-ntlm-client-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes NEGOTIATE then AUTHENTICATE with the cached credentials of the user', async () => {
    const ntlmAuthPath = helper('cached', `echo "AF ${authenticate}"`);
    const tokens = ntlmTokens({ user: 'CORP\\alice', ntlmAuthPath, wbinfoPath: wbinfo('wb-ok', 0) });
    const context = await tokens.start('gw.corp.test');
    expect(context.method).toBe('ntlm');
    expect(context.token).toBe(negotiate);
    expect(await context.next('TlRMTVNTUAACAAAA')).toBe(authenticate);
    context.close();
    expect(readFileSync(`${ntlmAuthPath}.argv`, 'utf8').trim()).toBe(
      '--helper-protocol=ntlmssp-client-1 --use-cached-creds --username=CORP\\alice',
    );
  });

  it('without cached credentials (PW): next rejects in words and the helper is ended', async () => {
    const ntlmAuthPath = helper('nothing-cached', 'echo PW');
    const context = await ntlmTokens({ user: 'bob', ntlmAuthPath, wbinfoPath: wbinfo('wb-ok2', 0) }).start(
      'gw.corp.test',
    );
    const error = await context.next('TlRMTVNTUAACAAAA').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SsoUnavailable);
    expect((error as Error).message).toMatch(/^no NTLM credentials are cached for "bob"/);
    // Ended without its caller's close(): a helper that asked for a password would wait for ever.
    const pid = Number(readFileSync(`${ntlmAuthPath}.pid`, 'utf8'));
    expect(await gone(pid)).toBe(true);
    context.close();
  });

  it('says winbind is needed when wbinfo --ping fails or is missing, and starts no helper', async () => {
    const ntlmAuthPath = helper('never', `echo "AF ${authenticate}"`);
    for (const wbinfoPath of [wbinfo('wb-down', 1), join(dir, 'no-such-wbinfo')]) {
      const error = await ntlmTokens({ user: 'alice', ntlmAuthPath, wbinfoPath })
        .start('gw.corp.test')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SsoUnavailable);
      expect((error as Error).message).toMatch(/^NTLM needs winbind/);
    }
    expect(() => readFileSync(`${ntlmAuthPath}.argv`)).toThrow();
  });

  it('a helper that exits after its last line: its words, not "no helper"', async () => {
    const ntlmAuthPath = join(dir, 'bh-exit');
    writeFileSync(ntlmAuthPath, '#!/bin/sh\nread -r line\necho "BH NT_STATUS_UNSUCCESSFUL"\nexit 1\n');
    chmodSync(ntlmAuthPath, 0o755);
    const error = await ntlmTokens({ user: 'alice', ntlmAuthPath, wbinfoPath: wbinfo('wb-ok3', 0) })
      .start('gw.corp.test')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SsoUnavailable);
    expect((error as Error).message).toBe('NTLM could not make a token (NT_STATUS_UNSUCCESSFUL)');
  });

  it('a helper that does not answer in time', async () => {
    const ntlmAuthPath = join(dir, 'silent');
    writeFileSync(ntlmAuthPath, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(ntlmAuthPath, 0o755);
    const error = await ntlmTokens({
      user: 'alice',
      ntlmAuthPath,
      wbinfoPath: wbinfo('wb-ok4', 0),
      timeoutMs: 200,
    })
      .start('gw.corp.test')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SsoUnavailable);
    expect((error as Error).message).toBe("NTLM's helper did not answer in time");
  });
});
