import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClientError } from './errors.js';
import { normalizeFingerprint, tlsOptions, tlsPolicyFor } from './tls.js';

const hex = 'ab'.repeat(32);
const formatted = Array<string>(32).fill('AB').join(':');
const dir = mkdtempSync(join(tmpdir(), 'kordon-tls-unit-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function thrown(action: () => unknown): ClientError {
  try {
    action();
  } catch (e) {
    expect(e).toBeInstanceOf(ClientError);
    return e as ClientError;
  }
  throw new Error('expected an error');
}

describe('normalizeFingerprint', () => {
  it.each([hex, hex.toUpperCase(), formatted, formatted.toLowerCase(), ` ${formatted}\n`])(
    'reads %j as AA:BB:... upper case',
    (text) => {
      expect(normalizeFingerprint(text)).toBe(formatted);
    },
  );

  it.each(['', 'ab'.repeat(31), 'ab'.repeat(33), `${'ab'.repeat(31)}zz`, 'sha256:' + hex])(
    'refuses %j',
    (text) => {
      expect(normalizeFingerprint(text)).toBeNull();
    },
  );
});

describe('tlsPolicyFor', () => {
  it('takes the pin, then ca_file, else the system CAs', () => {
    expect(tlsPolicyFor({ server_sha256: hex })).toEqual({ kind: 'pin', sha256: formatted });
    expect(tlsPolicyFor({ server_sha256: hex, ca_file: '/etc/kordon/ca.pem' })).toEqual({
      kind: 'pin',
      sha256: formatted,
    });
    expect(tlsPolicyFor({ ca_file: '/etc/kordon/ca.pem' })).toEqual({
      kind: 'ca',
      caFile: '/etc/kordon/ca.pem',
    });
    expect(tlsPolicyFor({})).toEqual({ kind: 'system' });
  });

  it('carries the owner a root daemon reads the ca_file for (DECISIONS 73), and only for ca_file', () => {
    const owner = { uid: 1000, gids: [1000, 27] };
    expect(tlsPolicyFor({ ca_file: '/home/alice/ca.pem' }, owner)).toEqual({
      kind: 'ca',
      caFile: '/home/alice/ca.pem',
      owner,
    });
    expect(tlsPolicyFor({ server_sha256: hex }, owner)).toEqual({ kind: 'pin', sha256: formatted });
    expect(tlsPolicyFor({}, owner)).toEqual({ kind: 'system' });
  });

  it('refuses a malformed pin as bad_profile', () => {
    const error = thrown(() => tlsPolicyFor({ server_sha256: 'abcd' }));
    expect(error.code).toBe('bad_profile');
    expect(error.detail).toEqual({ field: 'server_sha256' });
    expect(error.message).toContain('64 hexadecimal digits');
  });
});

describe('tlsOptions', () => {
  it('checks the pin and the CA file before any connection', () => {
    expect(thrown(() => tlsOptions({ kind: 'pin', sha256: 'nope' }, 'gw')).code).toBe('bad_profile');
    const missing = thrown(() => tlsOptions({ kind: 'ca', caFile: join(dir, 'missing.pem') }, 'gw'));
    expect(missing.detail).toEqual({ field: 'ca_file' });
    expect(missing.message).toBe(
      `The profile's ca_file ${join(dir, 'missing.pem')} cannot be read (ENOENT).`,
    );
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate');
    expect(thrown(() => tlsOptions({ kind: 'ca', caFile: garbage }, 'gw')).message).toContain(
      'does not hold a PEM certificate',
    );
  });

  it('gives only a createConnection, never rejectUnauthorized', () => {
    const options = tlsOptions({ kind: 'pin', sha256: hex }, 'gw.corp.example');
    expect(Object.keys(options)).toEqual(['createConnection']);
  });
});
