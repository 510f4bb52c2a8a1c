import { describe, expect, it } from 'vitest';

import { checkSha256Fingerprint, normalizeSha256Fingerprint, parseServerAddress } from './fields.js';

describe('parseServerAddress', () => {
  it.each([
    ['gw.corp.example', { host: 'gw.corp.example', kind: 'dns' }],
    ['gw', { host: 'gw', kind: 'dns' }],
    ['gw.corp.example.', { host: 'gw.corp.example.', kind: 'dns' }],
    ['gw.corp.example:14765', { host: 'gw.corp.example', port: 14765, kind: 'dns' }],
    ['198.51.100.7', { host: '198.51.100.7', kind: 'ipv4' }],
    ['198.51.100.7:1', { host: '198.51.100.7', port: 1, kind: 'ipv4' }],
    ['2001:db8::1', { host: '2001:db8::1', kind: 'ipv6' }],
    ['::1', { host: '::1', kind: 'ipv6' }],
    ['[2001:db8::1]', { host: '2001:db8::1', kind: 'ipv6' }],
    ['[2001:db8::1]:65535', { host: '2001:db8::1', port: 65535, kind: 'ipv6' }],
  ])('reads %j', (text, address) => {
    expect(parseServerAddress(text)).toEqual(address);
  });

  it.each([
    '',
    ' gw.corp.example',
    'gw..corp',
    'gw_corp.example',
    '-gw.example',
    'gw-.example',
    `${'a'.repeat(64)}.example`,
    '10.0.0',
    '256.1.1.1',
    '010.0.0.1',
    'gw.corp.example:',
    'gw.corp.example:0',
    'gw.corp.example:08',
    'gw.corp.example:65536',
    '[2001:db8::1',
    '[2001:db8::1]14765',
    '[198.51.100.7]:80',
    '2001:db8::g',
    'https://gw.corp.example',
  ])('refuses %j', (text) => {
    expect(parseServerAddress(text)).toBeUndefined();
  });
});

describe('SHA-256 fingerprints (DECISIONS 24)', () => {
  const hex = '0123456789abcdef'.repeat(4);
  const colons = hex.toUpperCase().match(/../g)!.join(':');

  it('accepts 64 hex digits, with or without colons, and normalizes them', () => {
    expect(checkSha256Fingerprint(hex)).toBeUndefined();
    expect(checkSha256Fingerprint(colons)).toBeUndefined();
    expect(normalizeSha256Fingerprint(colons)).toBe(hex);
  });

  it.each([
    hex.slice(1),
    `${hex}0`,
    `${hex.slice(1)}g`,
    colons.replace(':', ''),
    colons.replaceAll(':', '-'),
    `${colons}:`,
  ])('refuses %j', (text) => {
    expect(checkSha256Fingerprint(text)).toBe(
      'must be a SHA-256 fingerprint: 64 hexadecimal digits, optionally in pairs separated by colons (AB:CD:...)',
    );
  });
});
