// Every call the console makes: the management API through types generated from its OpenAPI document
// (schema.d.ts). Console sessions send the CSRF token on unsafe methods (DECISIONS 20); a 401 means the
// session ended or expired, and the app goes back to sign-in.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

export interface ApiErrorBody {
  code: string;
  message: string;
  field: string | null;
}

/** An error reply of the API, with its code, words and (for a bad field) its JSON Pointer. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;
  readonly retryAfter: number | null;

  constructor(status: number, body: ApiErrorBody, retryAfter: number | null) {
    super(body.message);
    this.status = status;
    this.code = body.code;
    this.field = body.field;
    this.retryAfter = retryAfter;
  }
}

let csrfToken: string | null = null;
let onExpired: () => void = () => undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function whenSessionExpires(handler: () => void): void {
  onExpired = handler;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

const session: Middleware = {
  onRequest({ request }) {
    if (!safeMethods.has(request.method) && csrfToken !== null)
      request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    // A failed sign-in is a 401 too: only other routes mean "the session is gone".
    if (response.status === 401 && !request.url.endsWith('/api/v1/login')) onExpired();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(session);

function isErrorBody(value: unknown): value is { error: ApiErrorBody } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

/** The reply's data, or an ApiFailure that says what went wrong. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  const { response } = result;
  if (response.ok) return result.data as T;
  const retry = Number(response.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : null;
  if (isErrorBody(result.error)) throw new ApiFailure(response.status, result.error.error, retryAfter);
  throw new ApiFailure(
    response.status,
    { code: 'http_error', message: `the gateway answered ${response.status}`, field: null },
    retryAfter,
  );
}
