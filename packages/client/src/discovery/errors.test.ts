import { describe, expect, it } from 'vitest';
import {
  badDownloadUrl,
  badProfile,
  badRedirect,
  busy,
  byteCount,
  type CandidateFailure,
  ClientError,
  downloadFailed,
  isClientError,
  parseRetryAfter,
  redactUrl,
  serverNotFound,
  serviceUnavailable,
  sizeText,
  srvOutsideDomain,
  tlsMismatch,
  tlsUntrusted,
  tooManyRedirects,
  unreachable,
} from './errors.js';

const pinned = Array<string>(32).fill('AA').join(':');
const actual = Array<string>(32).fill('BB').join(':');

describe('ClientError', () => {
  it('is an Error with a code, a detail and a narrowing guard', () => {
    const error: unknown = busy('gw.corp.example', 14765, 10);
    expect(error).toBeInstanceOf(Error);
    expect(isClientError(error)).toBe(true);
    expect(isClientError(error, 'tls_mismatch')).toBe(false);
    if (!isClientError(error, 'busy')) throw new Error('expected busy');
    expect(error.detail.retryAfterSeconds).toBe(10);
    expect(error.name).toBe('ClientError');
  });

  it('says what to do about a pin mismatch, with both fingerprints', () => {
    const error = tlsMismatch('127.0.0.2', 14765, pinned, actual);
    expect(error.message).toContain(
      `127.0.0.2:14765 does not match the fingerprint pinned in the profile ("server_sha256")`,
    );
    expect(error.message).toContain(`expected: ${pinned}\n  actual:   ${actual}\n`);
    expect(error.message).toContain('kordon sent nothing to this server');
    expect(error.message).toContain('someone may be intercepting the connection');
    expect(error.transient).toBe(false);
  });

  it('suggests server_sha256 with the actual fingerprint, or ca_file, for an untrusted certificate', () => {
    const error = tlsUntrusted('::1', 14765, actual, 'self-signed certificate', 'system');
    expect(error.message).toContain('[::1]:14765');
    expect(error.message).toContain(`"server_sha256": "${actual}"`);
    expect(error.message).toContain('"ca_file"');
    expect(tlsUntrusted('gw', 1, actual, 'issuer not trusted', 'ca').message).toContain(
      `the profile's "ca_file" does not vouch for it (issuer not trusted)`,
    );
  });

  it('is transient when busy, or unreachable with at least one candidate time can mend', () => {
    const network = { host: 'a', port: 1, redirects: [], reason: 'connection refused' };
    expect(unreachable('gw', [network]).transient).toBe(true);
    const withBusy = unreachable('gw', [network, { ...network, reason: 'busy', error: busy('b', 1, 30) }]);
    expect(withBusy.transient).toBe(true);
    expect(withBusy.retryAfterSeconds).toBe(30);
    // One node with a wrong certificate and one that is down: the down one may come back.
    const withTls = unreachable('gw', [
      network,
      { ...network, reason: 'mismatch', error: tlsMismatch('a', 1, pinned, actual) },
    ]);
    expect(withTls.transient).toBe(true);
    expect(withTls.retryAfterSeconds).toBeNull();
    expect(withTls.message).toContain('check the profile\'s "server_sha256" or "ca_file"');
  });

  it('is final for what retrying cannot fix (DECISIONS 64)', () => {
    const finals: ClientError[] = [
      tlsMismatch('a', 1, pinned, actual),
      tlsUntrusted('a', 1, actual, 'the certificate is for another host name', 'ca'),
      tlsUntrusted('a', 1, null, 'self-signed certificate', 'system'),
      tooManyRedirects('a', 1, ['b:1', 'c:1', 'd:1', 'e:1', 'f:1', 'g:1']),
      badRedirect('a', 1, '/connect'),
      serviceUnavailable('corp.example', '_ideco-client._tcp.corp.example'),
      badDownloadUrl('ftp://gw/x.msi'),
      badProfile('ca_file', "The profile's ca_file /x is a symbolic link."),
      srvOutsideDomain('corp.example', '_ideco-client._tcp.corp.example', 'gw.evil.example', 14765),
    ];
    for (const error of finals) expect([error.code, error.transient]).toEqual([error.code, false]);
    const failures: CandidateFailure[] = finals.map((error) => ({
      host: 'a',
      port: 1,
      redirects: [],
      reason: error.code,
      error,
    }));
    const allFinal = unreachable('corp.example', failures);
    expect(allFinal.transient).toBe(false);
    expect(allFinal.retryAfterSeconds).toBeNull();
    // One candidate time can mend makes the whole transient again.
    expect(
      unreachable('corp.example', [...failures, { ...failures[0]!, error: busy('b', 1, 5) }]).transient,
    ).toBe(true);
    expect(
      unreachable('corp.example', [
        ...failures,
        { host: 'b', port: 1, redirects: [], reason: 'connection refused' },
      ]).transient,
    ).toBe(true);
    // Other errors are not among the retryable ones either.
    expect(serverNotFound('corp.example', null).transient).toBe(false);
    expect(downloadFailed('https://gw/x.msi', 'the server answered HTTP 404').transient).toBe(false);
  });

  it('says which SRV target is outside which name, and what to do', () => {
    const error = srvOutsideDomain(
      'corp.example',
      '_ideco-client._tcp.corp.example',
      'gw.evil.example',
      14765,
    );
    expect(error.detail).toEqual({
      server: 'corp.example',
      srvName: '_ideco-client._tcp.corp.example',
      target: 'gw.evil.example',
      port: 14765,
    });
    expect(error.message).toContain('kordon did not connect to gw.evil.example:14765');
    expect(error.message).toContain('gw.evil.example is not corp.example nor a name under it');
    expect(error.message).toContain('"server_sha256"');
  });

  it('lists each candidate with its redirects', () => {
    const error = unreachable('gw.corp.example', [
      { host: 'lb', port: 14765, redirects: ['node1:14765'], reason: 'connection refused' },
      { host: '::1', port: 14765, redirects: [], reason: 'no answer within 5 s' },
    ]);
    expect(error.message).toBe(
      'kordon could not connect to gw.corp.example; every address failed:\n' +
        '  - lb:14765 -> node1:14765: connection refused\n' +
        '  - [::1]:14765: no answer within 5 s\n' +
        'Check the network connection, or ask your administrator whether the gateway is running.',
    );
  });

  it('keeps user names and passwords of URLs out of messages', () => {
    expect(redactUrl('https://alice:s3cret@gw.corp.example/x.msi')).toBe('https://gw.corp.example/x.msi');
    const error = badDownloadUrl('ftp://alice:s3cret@gw.corp.example/x.msi');
    expect(error.message).not.toContain('s3cret');
    expect(error).toBeInstanceOf(ClientError);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('10')).toBe(10);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    expect(parseRetryAfter(undefined)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(parseRetryAfter('Thu, 26 Nov 2026 10:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Thu, 26 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });
});

describe('sizes in messages', () => {
  it('are readable, then exact', () => {
    expect(byteCount(2_097_152)).toBe('2,097,152 bytes');
    expect(sizeText(1_073_741_824)).toBe('1 GiB (1,073,741,824 bytes)');
    expect(sizeText(65_536)).toBe('64 KiB (65,536 bytes)');
    expect(sizeText(3_670_016)).toBe('3.5 MiB (3,670,016 bytes)');
    expect(sizeText(512)).toBe('512 bytes');
  });
});
