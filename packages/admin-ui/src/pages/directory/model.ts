// The directory form without the DOM: what the form holds, the PUT body it makes (secrets only when
// typed or chosen: DECISIONS 14), and a keytab file's bytes as the base64 the API takes.
import type { paths } from '../../api/schema';
import type { Json200 } from '../../api/types';

export type DirectoryItem = NonNullable<Json200<paths['/api/v1/directory']['get']>>;
export type DirectoryBody = paths['/api/v1/directory']['put']['requestBody']['content']['application/json'];
export type DirectoryUser = Json200<paths['/api/v1/directory/users']['get']>['items'][number];

export interface Draft {
  url: string;
  domain: string;
  realm: string;
  base_dn: string;
  bind_dn: string;
  /** Empty: the one set stays. */
  bind_password: string;
  ca_cert: string | null;
  admin_group: string;
  viewer_group: string;
  ntlm: boolean;
  /** undefined: the keytab set stays; null: removed; a string: a new one (base64). */
  keytab: string | null | undefined;
  /** The chosen keytab file's name, shown until saved. */
  keytabFile: string | null;
}

export function draftOf(item: DirectoryItem | null): Draft {
  return {
    url: item?.url ?? '',
    domain: item?.domain ?? '',
    realm: item?.realm ?? '',
    base_dn: item?.base_dn ?? '',
    bind_dn: item?.bind_dn ?? '',
    bind_password: '',
    ca_cert: item?.ca_cert ?? null,
    admin_group: item?.admin_group ?? '',
    viewer_group: item?.viewer_group ?? '',
    ntlm: item?.ntlm ?? false,
    keytab: undefined,
    keytabFile: null,
  };
}

const orNull = (text: string): string | null => (text.trim() === '' ? null : text.trim());

export function bodyOf(draft: Draft): DirectoryBody {
  return {
    url: draft.url.trim(),
    domain: draft.domain.trim(),
    realm: draft.realm.trim(),
    base_dn: draft.base_dn.trim(),
    bind_dn: draft.bind_dn.trim(),
    ca_cert: draft.ca_cert,
    admin_group: orNull(draft.admin_group),
    viewer_group: orNull(draft.viewer_group),
    ntlm: draft.ntlm,
    ...(draft.bind_password === '' ? {} : { bind_password: draft.bind_password }),
    ...(draft.keytab === undefined ? {} : { keytab: draft.keytab }),
  };
}

/** The form's fields as the API's JSON Pointers name them (an error elsewhere is shown by Save). */
export const fieldPointers = new Set([
  '/url',
  '/domain',
  '/realm',
  '/base_dn',
  '/bind_dn',
  '/bind_password',
  '/ca_cert',
  '/admin_group',
  '/viewer_group',
  '/ntlm',
  '/keytab',
]);

/** Bytes as standard base64, in chunks (a keytab is small, but apply() has an argument limit). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(binary);
}
