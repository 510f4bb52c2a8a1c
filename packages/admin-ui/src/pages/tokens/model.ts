// The tokens and administrators page without the DOM: the shapes it reads (from the generated OpenAPI
// types), where an API error is shown, the usage line of a new token, the directory's line, and how
// many times a removal asks. Unit-tested in test/tokens.test.ts.
import type { paths } from '../../api/schema';
import type { Json200 } from '../../api/types';

type Json201<T> = T extends { responses: { 201: { content: { 'application/json': infer R } } } } ? R : never;

type TokenPage = Json200<paths['/api/v1/tokens']['get']>;
export type TokenItem = TokenPage['items'][number];
export type NewToken = Json201<paths['/api/v1/tokens']['post']>;
type AdminPage = Json200<paths['/api/v1/admins']['get']>;
export type AdminItem = AdminPage['items'][number];
export type Directory = Json200<paths['/api/v1/directory']['get']>;
export type Role = AdminItem['role'];

export const roles: readonly Role[] = ['admin', 'viewer'];

/** The part of an ApiFailure this module reads (kept free of the client, so it runs without a browser). */
export interface Failure {
  code: string;
  message: string;
  field: string | null;
}

/** Where an error is shown: at one of the form's fields (its JSON Pointer), or for the whole form. */
export interface Problem {
  field: string | null;
  text: string;
}

/**
 * An API error for a form whose fields are `fields` (JSON Pointers): at its field when the form has
 * that field, else for the form. `last_admin` is put in the page's words (`lastAdmin`), not the API's.
 */
export function problemOf(failure: Failure, fields: readonly string[], lastAdmin: string): Problem {
  if (failure.code === 'last_admin') return { field: null, text: lastAdmin };
  const field = failure.field !== null && fields.includes(failure.field) ? failure.field : null;
  return { field, text: failure.message };
}

/** The header a script sends with the token. */
export function bearerHeader(token: string): string {
  return `Authorization: Bearer ${token}`;
}

/** A command that proves the token works: who it is, from the management API at `origin`. */
export function curlExample(origin: string, token: string): string {
  return `curl -H '${bearerHeader(token)}' ${origin}/api/v1/me`;
}

/** What the page says about administrators who come from a directory. */
export type DirectoryLine =
  | { kind: 'none' }
  | { kind: 'no-groups' }
  | { kind: 'groups'; adminGroup: string | null; viewerGroup: string | null };

export function directoryLine(directory: Directory | undefined): DirectoryLine {
  if (directory === undefined || directory === null) return { kind: 'none' };
  const adminGroup = blankToNull(directory.admin_group);
  const viewerGroup = blankToNull(directory.viewer_group);
  if (adminGroup === null && viewerGroup === null) return { kind: 'no-groups' };
  return { kind: 'groups', adminGroup, viewerGroup };
}

function blankToNull(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value;
}

export function isYou(admin: AdminItem, me: { name: string }): boolean {
  return admin.name === me.name.trim().toLowerCase();
}

/**
 * How many confirmations removing `admin` asks: two for yourself. Removing yourself is offered (not
 * hidden) because only the gateway knows whether you are the last admin (it answers 409 last_admin,
 * shown in words), and handing over to a new administrator is a real need; but it ends this console
 * session at once, so it is asked twice.
 */
export function confirmationsToRemove(admin: AdminItem, me: { name: string }): 1 | 2 {
  return isYou(admin, me) ? 2 : 1;
}
