// The installers page's model without the DOM (unit-tested in test/installers.test.ts): the shapes
// taken from the generated schema, every OS the API knows, the upload's URL, the version a file name
// carries, and the upload's reply read the way client.ts's unwrap reads one.
import { ApiFailure, type ApiErrorBody } from '../../api/client';
import type { paths } from '../../api/schema';

type InstallerPage = paths['/api/v1/installers']['get']['responses'][200]['content']['application/json'];
export type Installer = InstallerPage['items'][number];

const uploadRoute = '/api/v1/installers/{os}' satisfies keyof paths;
type UploadOperation = paths[typeof uploadRoute]['put'];
/** The upload's query (a renamed parameter in the API breaks the build here). */
export type UploadQuery = UploadOperation['parameters']['query'];
export type OsName = UploadOperation['parameters']['path']['os'];
export type Policy = NonNullable<UploadQuery['policy']>;
export type Installed = UploadOperation['responses'][201]['content']['application/json'];

// `satisfies` fails the build when the API's OS enum gains or loses a name; the order is the table's.
const osTable = { windows: true, macos: true, linux: true } satisfies Record<OsName, true>;
export const osNames = Object.keys(osTable) as OsName[];

const policyTable = { exact: true, minimum: true } satisfies Record<Policy, true>;
export const policies = Object.keys(policyTable) as Policy[];

/** The fields of the upload form, as the API's JSON Pointers name the query parameters at fault. */
export type UploadField = '/version' | '/file_name' | '/policy';
const uploadFields: readonly string[] = ['/version', '/file_name', '/policy'] satisfies UploadField[];

export function uploadFieldOf(pointer: string | null): UploadField | null {
  return pointer !== null && uploadFields.includes(pointer) ? (pointer as UploadField) : null;
}

/** `PUT /api/v1/installers/{os}?version=…&file_name=…&policy=…`, relative to the console's origin. */
export function uploadUrl(os: OsName, query: UploadQuery): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (typeof value === 'string') search.set(name, value);
  }
  return `${uploadRoute.replace('{os}', encodeURIComponent(os))}?${search.toString()}`;
}

const largestPart = 2 ** 31 - 1;
// Three integers without leading zeros, neither glued to a digit nor to a fourth ".N" part.
const versionInName =
  /(?<![0-9.])((?:0|[1-9][0-9]{0,9})\.(?:0|[1-9][0-9]{0,9})\.(?:0|[1-9][0-9]{0,9}))(?![0-9]|\.[0-9])/;

/**
 * The major.minor.build a file name carries ("kordon-1.4.2.msi" → "1.4.2"), as the API would accept it;
 * undefined when it has none, or only something else (four parts, leading zeros, a date).
 */
export function versionFromFileName(fileName: string): string | undefined {
  const found = versionInName.exec(fileName)?.[1];
  if (found === undefined) return undefined;
  return found.split('.').every((part) => Number(part) <= largestPart) ? found : undefined;
}

/** The first characters of a SHA-256, for a table cell (the whole is in its title and copied). */
export function shortHash(sha256: string, length = 12): string {
  return sha256.length <= length ? sha256 : `${sha256.slice(0, length)}…`;
}

/** How many percent of the file have been sent, whole, never 100 before the last byte. */
export function percentSent(sent: number, total: number): number {
  if (total <= 0) return 0;
  if (sent >= total) return 100;
  return Math.min(99, Math.floor((sent / total) * 100));
}

export type UploadReply = { kind: 'stored'; installer: Installed } | { kind: 'refused'; failure: ApiFailure };

function isErrorBody(value: unknown): value is { error: ApiErrorBody } {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const { error } = value;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    'message' in error &&
    typeof error.message === 'string'
  );
}

function isInstalled(value: unknown): value is Installed {
  return (
    typeof value === 'object' &&
    value !== null &&
    'os' in value &&
    'version' in value &&
    typeof value.version === 'string' &&
    'sha256' in value &&
    typeof value.sha256 === 'string'
  );
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The upload's reply as unwrap reads one: the installer stored, or an ApiFailure with its field. */
export function readUploadReply(status: number, statusText: string, text: string): UploadReply {
  const body = parsed(text);
  if (status >= 200 && status < 300 && isInstalled(body)) return { kind: 'stored', installer: body };
  if (isErrorBody(body)) {
    const { code, message, field } = body.error;
    return {
      kind: 'refused',
      failure: new ApiFailure(status, { code, message, field: field ?? null }, null),
    };
  }
  const message = `the gateway answered ${status} ${statusText}`.trim();
  return {
    kind: 'refused',
    failure: new ApiFailure(status, { code: 'http_error', message, field: null }, null),
  };
}
