import { describe, expect, it } from 'vitest';
import { ClientError } from './errors.js';
import { resolveDownloadUrl } from './download.js';

describe('resolveDownloadUrl', () => {
  it('resolves ":port/file" against https://<host> (DECISIONS 39, 48)', () => {
    expect(resolveDownloadUrl(':14765/IdecoAgent_x64.msi', 'gw.corp.example').href).toBe(
      'https://gw.corp.example:14765/IdecoAgent_x64.msi',
    );
    expect(resolveDownloadUrl(':14765/x.msi', '192.0.2.7').href).toBe('https://192.0.2.7:14765/x.msi');
    expect(resolveDownloadUrl(':14765/x.msi', '2001:db8::7').href).toBe('https://[2001:db8::7]:14765/x.msi');
    expect(resolveDownloadUrl(':8443/dir/kordon%20setup.msi?v=2', 'gw').href).toBe(
      'https://gw:8443/dir/kordon%20setup.msi?v=2',
    );
  });

  it('uses a full https URL as it is', () => {
    expect(resolveDownloadUrl('https://downloads.corp.example/x.msi', 'gw').href).toBe(
      'https://downloads.corp.example/x.msi',
    );
  });

  it.each([
    'http://gw.corp.example/x.msi',
    '/x.msi',
    'x.msi',
    '',
    ':x.msi',
    ':/x.msi',
    ':14765',
    ':0/x.msi',
    ':70000/x.msi',
    ':14765@evil.example/x.msi',
    ':14765\\@evil.example/x.msi',
    'ftp://gw/x.msi',
    'https://',
  ])('refuses %j as bad_download_url', (text) => {
    let error: unknown;
    try {
      resolveDownloadUrl(text, 'gw.corp.example');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('bad_download_url');
    expect((error as ClientError).message).toContain(JSON.stringify(text));
  });
});
