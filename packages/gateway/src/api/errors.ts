// Every error of the management API has one shape (DECISIONS 44):
// {"error":{"code":"<snake_case>","message":"<words for a person>","field":"<JSON Pointer or null>"}}.
import Type from 'typebox';
import { restErrorCodes, type RestErrorCode } from '@kordon/core';

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      field: Type.Union([Type.String(), Type.Null()]),
    }),
  },
  {
    description:
      'An error: a stable code, a message for a person, and the JSON Pointer of the field at fault.',
  },
);
export type ErrorBody = Type.Static<typeof ErrorBody>;

/**
 * An error a route or hook throws on purpose; the error handler turns it into the body above. Its
 * status comes from the error catalogue (core), so one code always has one status.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly statusCode: number;

  constructor(
    readonly code: RestErrorCode,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.statusCode = restErrorCodes[code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, field: this.field } };
  }
}

export const unauthorized = (message: string): ApiError => new ApiError('unauthorized', message);

export const notFound = (message: string): ApiError => new ApiError('not_found', message);

export const invalidField = (field: string, message: string): ApiError =>
  new ApiError('invalid_field', message, field);

/** The last token of a JSON Pointer, unescaped (RFC 6901), for messages. */
export function pointerName(pointer: string): string {
  const last = pointer.slice(pointer.lastIndexOf('/') + 1);
  return last.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** One token of a JSON Pointer, escaped (RFC 6901). */
export function pointerToken(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}
