import { AuthUnavailable } from '@kordon/core';
import { describe, expect, it } from 'vitest';
import { gssFailure } from './kerberos.js';

const gss = (minor: string): string =>
  `Unspecified GSS failure.  Minor code may provide more information: ${minor}`;

describe("GSSAPI's refusals in the user's words", () => {
  it.each([
    ['Request is a replay', 'used before (a replay)'],
    ['Clock skew too great', "clock and the domain's differ"],
    ['Ticket expired', 'has expired'],
    ['Some other failure', 'the Kerberos token was refused'],
  ])('%s', (minor, words) => {
    const result = gssFailure(gss(minor));
    expect(result.kind).toBe('failed');
    if (result.kind === 'failed') {
      expect(result.refusal.what).toContain(words);
      // The GSSAPI text is for the log only.
      expect(result.refusal.detail).toBe(gss(minor));
    }
  });

  it.each([
    'No key table entry found for HTTP/gw@CORP',
    'Decrypt integrity check failed',
    'Wrong principal in request',
  ])("blames the gateway's keytab, not the user: %s", (minor) => {
    expect(() => gssFailure(gss(minor))).toThrow(AuthUnavailable);
  });
});
