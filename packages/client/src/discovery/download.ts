// The installer a gateway offers in `download_url` (DECISIONS 39, 48): where it is, and fetching it
// under the profile's TLS policy (a pin applies to the download host too).
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, rm, statfs } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { badDownloadUrl, byteCount, downloadFailed, hostPort, isClientError, sizeText } from './errors.js';
import { errorCode } from './resolve.js';
import { tlsOptions, type TlsPolicy } from './tls.js';

/** DECISIONS 73: an installer is far smaller; a bigger answer is a wrong or hostile server. */
const maxDownloadBytes = 1_073_741_824;

/**
 * `:<port>/<file>` is resolved against `https://<host>` (the host the WebSocket is connected to,
 * after redirects); a full `https://` URL is used as it is; anything else is `bad_download_url`.
 */
export function resolveDownloadUrl(downloadUrl: string, host: string): URL {
  if (downloadUrl.startsWith(':')) {
    const match = /^:(\d{1,5})(\/[^\s\\]*)$/.exec(downloadUrl);
    const port = Number(match?.[1]);
    if (!match || port < 1 || port > 65535) throw badDownloadUrl(downloadUrl);
    let base: URL;
    let url: URL;
    try {
      base = new URL(`https://${hostPort(host, port)}`);
      url = new URL(`${base.origin}${match[2] ?? '/'}`);
    } catch {
      throw badDownloadUrl(downloadUrl);
    }
    // The path must not be able to move the URL to another host or port.
    if (url.host !== base.host) throw badDownloadUrl(downloadUrl);
    return url;
  }
  if (/^https:\/\//i.test(downloadUrl)) {
    try {
      return new URL(downloadUrl);
    } catch {
      throw badDownloadUrl(downloadUrl);
    }
  }
  throw badDownloadUrl(downloadUrl);
}

export interface DownloadOptions {
  /** How names are resolved for the connection (the system's when absent). */
  lookup?: LookupFunction;
  /** No data for this long fails the download; 30 s when absent. */
  idleTimeoutMs?: number;
  /** The most a download may be (DECISIONS 73); 1 GiB when absent. */
  maxBytes?: number;
}

export interface DownloadedFile {
  path: string;
  size: number;
  /** Hex, lower case. */
  sha256: string;
}

/**
 * Downloads `url` to `dest` under `policy`: written to `dest + '.part'` and renamed when complete, so
 * `dest` is never a partial file. `onProgress(received, total)` follows each chunk (`total` from
 * Content-Length, null without it). A short body, a status other than 200, a network error, or a body
 * larger than `maxBytes` (1 GiB) or than the free space of `dest`'s file system fails with
 * `download_failed` and leaves no file; a certificate failure with `tls_mismatch`/`tls_untrusted`.
 */
export async function downloadFile(
  url: URL | string,
  policy: TlsPolicy,
  dest: string,
  onProgress?: (received: number, total: number | null) => void,
  options: DownloadOptions = {},
): Promise<DownloadedFile> {
  const target = typeof url === 'string' ? new URL(url) : url;
  if (target.protocol !== 'https:') throw badDownloadUrl(target.href);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const maxBytes = options.maxBytes ?? maxDownloadBytes;
  const part = `${dest}.part`;
  const folder = dirname(dest);
  // Once the body started, a failure is told as how far it got.
  let body: { received: number; total: number | null } | null = null;
  let created = false;
  try {
    // Before anything is asked of the server: a full disk is known without it.
    const free = await freeBytes(folder, target.href);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(target, {
        ...tlsOptions(policy, host),
        method: 'GET',
        headers: { 'user-agent': 'kordon' },
        timeout: idleTimeoutMs,
        ...(options.lookup ? { lookup: options.lookup } : {}),
      });
      req.on('error', reject);
      req.once('timeout', () => {
        req.destroy(Object.assign(new Error(`no data for ${idleTimeoutMs / 1000} s`), { code: 'ETIMEDOUT' }));
      });
      req.once('response', resolve);
      req.end();
    });
    if (response.statusCode !== 200) {
      response.destroy();
      throw downloadFailed(target.href, `the server answered HTTP ${response.statusCode ?? 0}`);
    }
    const length = response.headers['content-length'];
    const progress = {
      received: 0,
      total: length !== undefined && /^\d+$/.test(length) ? Number(length) : null,
    };
    // Refused on the head alone: not a byte of such a body is read or written.
    if (progress.total !== null && progress.total > maxBytes) {
      response.destroy();
      throw downloadFailed(
        target.href,
        `the server announces ${byteCount(progress.total)}, more than the ${sizeText(maxBytes)} an update may have`,
      );
    }
    if (progress.total !== null && progress.total > free) {
      response.destroy();
      throw downloadFailed(
        target.href,
        `the update needs ${sizeText(progress.total)} but ${folder} has only ${sizeText(free)} free; make room there and try again`,
      );
    }
    body = progress;
    const hash = createHash('sha256');
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        progress.received += chunk.length;
        // Without Content-Length the caps hold on what actually arrives.
        if (progress.received > maxBytes) {
          callback(
            downloadFailed(
              target.href,
              `the server sent more than the ${sizeText(maxBytes)} an update may have; the download was stopped`,
            ),
          );
          return;
        }
        if (progress.received > free) {
          callback(
            downloadFailed(
              target.href,
              `the update does not fit: ${folder} had ${sizeText(free)} free and the server sent more; make room there and try again`,
            ),
          );
          return;
        }
        hash.update(chunk);
        onProgress?.(progress.received, progress.total);
        callback(null, chunk);
      },
    });
    // A fresh file, never one that is already there: a link planted at the `.part` path must not
    // make the daemon write through it.
    await rm(part, { force: true });
    const file = await open(
      part,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o644,
    );
    created = true;
    await pipeline(response, counter, file.createWriteStream());
    if (!response.complete || (progress.total !== null && progress.received !== progress.total)) {
      throw downloadFailed(target.href, cutShort(progress));
    }
    await rename(part, dest);
    return { path: dest, size: progress.received, sha256: hash.digest('hex') };
  } catch (error) {
    if (created) await rm(part, { force: true });
    if (isClientError(error)) throw error;
    const code = errorCode(error);
    const reason =
      body !== null && (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE')
        ? cutShort(body)
        : reasonOf(error);
    throw downloadFailed(target.href, reason, error);
  }
}

/** Free bytes for an unprivileged writer (`bavail`): what the download may count on. */
async function freeBytes(folder: string, url: string): Promise<number> {
  try {
    const fs = await statfs(folder);
    return fs.bavail * fs.bsize;
  } catch (e) {
    throw downloadFailed(url, `the folder ${folder} cannot be used (${errorCode(e) ?? 'error'})`, e);
  }
}

function cutShort(body: { received: number; total: number | null }): string {
  return `the connection ended after ${body.received} of ${body.total ?? 'an unknown number of'} bytes`;
}

function reasonOf(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'the connection was closed';
  if (code === 'ETIMEDOUT') return error instanceof Error ? error.message : 'timed out';
  return error instanceof Error ? error.message : String(error);
}
