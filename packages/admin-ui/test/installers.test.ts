// The installers page's model (src/pages/installers/model.ts) without a browser: the version a file
// name carries, the upload's URL, the progress in percent and the upload's reply read like unwrap.
import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../src/api/client.js';
import {
  osNames,
  percentSent,
  policies,
  readUploadReply,
  shortHash,
  uploadFieldOf,
  uploadUrl,
  versionFromFileName,
} from '../src/pages/installers/model.js';

describe('versionFromFileName', () => {
  it('finds major.minor.build in the usual installer names', () => {
    expect(versionFromFileName('kordon-1.4.2.msi')).toBe('1.4.2');
    expect(versionFromFileName('kordon_2.3.4-1_amd64.deb')).toBe('2.3.4');
    expect(versionFromFileName('Kordon-v10.0.17.dmg')).toBe('10.0.17');
    expect(versionFromFileName('kordon-0.0.0.pkg')).toBe('0.0.0');
    expect(versionFromFileName('1.2.3')).toBe('1.2.3');
    expect(versionFromFileName('kordon-1.2.3-x86_64.rpm')).toBe('1.2.3');
  });

  it('finds none where the API would refuse what it found, or where there is none', () => {
    expect(versionFromFileName('kordon.msi')).toBeUndefined();
    expect(versionFromFileName('kordon-1.2.msi')).toBeUndefined();
    // Four parts: which three are meant cannot be told.
    expect(versionFromFileName('kordon-1.2.3.4.msi')).toBeUndefined();
    // Leading zeros, as in a date.
    expect(versionFromFileName('kordon-2026.12.03.exe')).toBeUndefined();
    expect(versionFromFileName('kordon-01.2.3.exe')).toBeUndefined();
    // Larger than the API's 2^31 - 1.
    expect(versionFromFileName('kordon-2147483648.0.0.exe')).toBeUndefined();
    expect(versionFromFileName('kordon-2147483647.0.0.exe')).toBe('2147483647.0.0');
  });
});

describe('the upload request', () => {
  it('puts the OS in the path and the typed query in the query string', () => {
    expect(uploadUrl('linux', { version: '2.3.4', file_name: 'kordon-2.3.4.deb', policy: 'minimum' })).toBe(
      '/api/v1/installers/linux?version=2.3.4&file_name=kordon-2.3.4.deb&policy=minimum',
    );
    expect(uploadUrl('windows', { version: '1 2', file_name: 'a&b.msi' })).toBe(
      '/api/v1/installers/windows?version=1+2&file_name=a%26b.msi',
    );
  });

  it('knows every OS and policy of the API, in the table order', () => {
    expect(osNames).toStrictEqual(['windows', 'macos', 'linux']);
    expect(policies).toStrictEqual(['exact', 'minimum']);
  });

  it('shows the API’s pointers of the form’s fields there, others on the page', () => {
    expect(uploadFieldOf('/version')).toBe('/version');
    expect(uploadFieldOf('/file_name')).toBe('/file_name');
    expect(uploadFieldOf('/policy')).toBe('/policy');
    expect(uploadFieldOf('/os')).toBeNull();
    expect(uploadFieldOf(null)).toBeNull();
  });
});

describe('percentSent and shortHash', () => {
  it('counts whole percent and says 100 only when everything is sent', () => {
    expect(percentSent(0, 0)).toBe(0);
    expect(percentSent(0, 100)).toBe(0);
    expect(percentSent(25, 100)).toBe(25);
    expect(percentSent(999, 1000)).toBe(99);
    expect(percentSent(1000, 1000)).toBe(100);
  });

  it('shortens a SHA-256 to its first characters', () => {
    const sha = 'a'.repeat(64);
    expect(shortHash(sha)).toBe(`${'a'.repeat(12)}…`);
    expect(shortHash('abc')).toBe('abc');
  });
});

describe('readUploadReply', () => {
  const stored = {
    os: 'linux',
    version: '2.3.4',
    file_name: 'kordon-2.3.4.deb',
    size: 10,
    sha256: 'b'.repeat(64),
    policy: 'minimum',
    added_at: '2026-12-03T08:00:00.000Z',
  };

  it('gives the stored installer of a 201', () => {
    expect(readUploadReply(201, 'Created', JSON.stringify(stored))).toStrictEqual({
      kind: 'stored',
      installer: stored,
    });
  });

  it('turns an error body into an ApiFailure with its field', () => {
    const body = {
      error: { code: 'invalid_field', message: '"1.2" is not a version', field: '/version' },
    };
    const reply = readUploadReply(400, 'Bad Request', JSON.stringify(body));
    expect(reply.kind).toBe('refused');
    if (reply.kind !== 'refused') return;
    expect(reply.failure).toBeInstanceOf(ApiFailure);
    expect(reply.failure.status).toBe(400);
    expect(reply.failure.code).toBe('invalid_field');
    expect(reply.failure.field).toBe('/version');
    expect(reply.failure.message).toBe('"1.2" is not a version');
  });

  it('says what the gateway answered when the body is no error body', () => {
    const reply = readUploadReply(502, 'Bad Gateway', '<html>');
    expect(reply.kind).toBe('refused');
    if (reply.kind !== 'refused') return;
    expect(reply.failure.code).toBe('http_error');
    expect(reply.failure.field).toBeNull();
    expect(reply.failure.message).toBe('the gateway answered 502 Bad Gateway');
    const missingField = readUploadReply(
      413,
      '',
      JSON.stringify({ error: { code: 'body_too_large', message: 'big' } }),
    );
    expect(missingField.kind === 'refused' && missingField.failure.field).toBeNull();
  });
});
