// An installer's upload: XMLHttpRequest, because fetch reports no upload progress. It sends what
// client.ts would (the session's CSRF token, same-origin cookies) and reads the reply as unwrap does.
import { ApiFailure, api, messageOf, sessionEnded, unwrap } from '../../api/client';
import { readUploadReply, uploadUrl, type Installed, type OsName, type UploadQuery } from './model';

type UploadResult =
  | { kind: 'stored'; installer: Installed }
  | { kind: 'refused'; failure: ApiFailure }
  | { kind: 'cancelled' }
  /** No reply: the connection failed (the gateway stopped, the network went away). */
  | { kind: 'unreachable'; message: string };

export interface UploadProgress {
  sent: number;
  total: number;
}

export interface RunningUpload {
  result: Promise<UploadResult>;
  /** Aborts the request; the gateway drops the partial file and keeps the installer it had. */
  cancel: () => void;
}

/** The CSRF token of this console session, asked afresh (client.ts keeps its copy to itself). */
async function csrfToken(): Promise<string | null> {
  return unwrap(await api.GET('/api/v1/me')).csrf_token;
}

export function startUpload(options: {
  os: OsName;
  query: UploadQuery;
  file: Blob;
  onProgress: (progress: UploadProgress) => void;
}): RunningUpload {
  const { os, query, file, onProgress } = options;
  let cancelled = false;
  let request: XMLHttpRequest | null = null;

  const send = (token: string | null) =>
    new Promise<UploadResult>((resolve) => {
      const xhr = new XMLHttpRequest();
      request = xhr;
      xhr.open('PUT', uploadUrl(os, query));
      // Same origin: the session cookie goes with it without withCredentials.
      xhr.withCredentials = false;
      xhr.setRequestHeader('content-type', 'application/octet-stream');
      xhr.setRequestHeader('accept', 'application/json');
      if (token !== null) xhr.setRequestHeader('x-csrf-token', token);
      xhr.upload.onprogress = (event) => {
        onProgress({ sent: event.loaded, total: event.lengthComputable ? event.total : file.size });
      };
      xhr.onload = () => {
        if (xhr.status === 401) sessionEnded();
        resolve(readUploadReply(xhr.status, xhr.statusText, xhr.responseText));
      };
      xhr.onabort = () => {
        resolve({ kind: 'cancelled' });
      };
      xhr.onerror = () => {
        resolve({ kind: 'unreachable', message: 'the connection to the gateway failed' });
      };
      onProgress({ sent: 0, total: file.size });
      xhr.send(file);
    });

  const result = csrfToken()
    .then((token) => (cancelled ? { kind: 'cancelled' as const } : send(token)))
    .catch((error: unknown): UploadResult => {
      if (error instanceof ApiFailure) return { kind: 'refused', failure: error };
      return { kind: 'unreachable', message: messageOf(error) };
    });

  return {
    result,
    cancel: () => {
      cancelled = true;
      request?.abort();
    },
  };
}
