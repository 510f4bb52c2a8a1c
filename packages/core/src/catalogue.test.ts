import { describe, expect, it } from 'vitest';
import { AUTH_FAILURE_REASONS } from '@kordon/protocol';
import { CloseCode, closeCodes, failureReasons, restErrorCodes } from './catalogue.js';

describe('the error catalogue', () => {
  it('gives every close code one name, in the application range or the standard one', () => {
    const numbers = Object.values(CloseCode);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.sort()).toStrictEqual(Object.keys(closeCodes).map(Number).sort());
    for (const code of numbers) expect(code >= 4000 || (code >= 1000 && code < 1016)).toBe(true);
  });

  it('describes every failure reason the protocol declares', () => {
    expect(Object.keys(failureReasons).sort()).toStrictEqual([...AUTH_FAILURE_REASONS].sort());
  });

  it('gives every REST error code an HTTP error status', () => {
    for (const status of Object.values(restErrorCodes)) expect(status).toBeGreaterThanOrEqual(400);
  });
});
