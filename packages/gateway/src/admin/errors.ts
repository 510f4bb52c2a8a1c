// What an administrative action refuses, in domain terms; the management API maps each code to an
// HTTP status, the CLI prints the message. Messages say what was wrong and what to do.
import type { RestErrorCode } from '@kordon/core';

export type AdminErrorCode = Extract<
  RestErrorCode,
  'not_found' | 'conflict' | 'invalid_field' | 'missing_field' | 'last_admin' | 'directory_unavailable'
>;

export class AdminError extends Error {
  override readonly name = 'AdminError';

  constructor(
    readonly code: AdminErrorCode,
    message: string,
    /** The JSON Pointer of the field at fault, as the API's body names it. */
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

export const notFound = (message: string): AdminError => new AdminError('not_found', message);

export const invalidField = (field: string, message: string): AdminError =>
  new AdminError('invalid_field', message, field);
