// Every call the console makes goes through here: the management API with types generated from its
// OpenAPI document (schema.d.ts). Console sessions send the CSRF token on unsafe methods (DECISIONS
// 20); an error body {"error":{"code","message","field"}} becomes an ApiFailure; a 401 means the
// session ended or expired, and the app goes back to sign-in saying so.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

export interface ApiErrorBody {
  code: string;
  message: string;
  /** The JSON Pointer of the field at fault (e.g. /trusted_ca_cert), or null. */
  field: string | null;
}

/** An error reply of the API, with its code, words and (for a bad field) its JSON Pointer. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;
  /** Seconds from Retry-After (429 throttled), else null. */
  readonly retryAfter: number | null;

  constructor(status: number, body: ApiErrorBody, retryAfter: number | null) {
    super(body.message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = body.code;
    this.field = body.field;
    this.retryAfter = retryAfter;
  }
}

/** What the app is told about the session from any reply. */
export interface SessionEvents {
  /** A 401 from a route other than login: the console session ended or expired. */
  expired: () => void;
  /** 403 password_change_required: an administrator reset this one's password meanwhile. */
  passwordChangeRequired: () => void;
}

let csrfToken: string | null = null;
let events: SessionEvents = { expired: () => undefined, passwordChangeRequired: () => undefined };

/** The token of the signed-in console session (from login or /me), sent on unsafe methods. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function onSessionEvents(handlers: SessionEvents): void {
  events = handlers;
}

/** The stream said signed_out: the same as a 401. */
export function sessionEnded(): void {
  csrfToken = null;
  events.expired();
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
// A wrong password at sign-in is a 401 too: only other routes mean "the session is gone".
const signInPath = '/api/v1/login';

function isErrorBody(value: unknown): value is { error: ApiErrorBody } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    'message' in error &&
    typeof error.message === 'string'
  );
}

const session: Middleware = {
  onRequest({ request }) {
    if (!safeMethods.has(request.method) && csrfToken !== null)
      request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  async onResponse({ request, response }) {
    const path = new URL(request.url, location.href).pathname;
    if (response.status === 401 && path !== signInPath) sessionEnded();
    if (response.status === 403) {
      const body: unknown = await response
        .clone()
        .json()
        .catch(() => null);
      if (isErrorBody(body) && body.error.code === 'password_change_required')
        events.passwordChangeRequired();
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(session);

function retryAfterOf(response: Response): number | null {
  const header = response.headers.get('retry-after');
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds > 0 ? Math.ceil(seconds) : null;
  // Retry-After may be an HTTP date.
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}

/** The reply's data, or an ApiFailure that says what went wrong. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  const { response } = result;
  // openapi-fetch gives no data for 204 No Content; the callers of such routes ignore it.
  if (response.ok) return result.data as T;
  const retryAfter = retryAfterOf(response);
  if (isErrorBody(result.error)) {
    const { code, message, field } = result.error.error;
    throw new ApiFailure(response.status, { code, message, field: field ?? null }, retryAfter);
  }
  throw new ApiFailure(
    response.status,
    {
      code: 'http_error',
      message: `the gateway answered ${response.status} ${response.statusText}`.trim(),
      field: null,
    },
    retryAfter,
  );
}

/** An error in words for a person: the API's message, or what failed on the way. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
