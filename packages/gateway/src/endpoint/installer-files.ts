// Serves registered installers on the client port (`download_url` is ":14765/<file>", DECISIONS 48).
// Only names registered in the store are served, opened without following symlinks, so no request can
// read any other file (no traversal, no encoded dots, no links). The bytes go out through
// stream.pipeline: a client that goes away or a failed read destroys both ends and closes the file.
import type { FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { Installer, InstallerRepository } from '@kordon/core';
import { openInstallerFile } from '../installers.js';

type DownloadLogger = Pick<Logger, 'debug' | 'warn'>;

const contentTypes: Record<string, string> = {
  msi: 'application/x-msi',
  exe: 'application/vnd.microsoft.portable-executable',
  dmg: 'application/x-apple-diskimage',
  pkg: 'application/vnd.apple.installer+xml',
  deb: 'application/vnd.debian.binary-package',
  rpm: 'application/x-rpm',
  zip: 'application/zip',
  gz: 'application/gzip',
};

function contentTypeOf(fileName: string): string {
  const ext = fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase();
  return contentTypes[ext] ?? 'application/octet-stream';
}

/** A registered name is one path segment; anything else in a request path is not a file we serve. */
const servable = /^\/([A-Za-z0-9][A-Za-z0-9._-]{0,127})$/;

type Range = { start: number; end: number } | 'unsatisfiable' | undefined;

/** RFC 9110 single byte range; several ranges are answered with the whole file (allowed). */
function parseRange(header: string | undefined, size: number): Range {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('not found\n');
}

/**
 * Answers GET/HEAD for an installer; returns false when the path is not one (the caller answers 404).
 * A download that fails once the bytes flow is logged on `logger`; without one it is thrown to the
 * caller (after the response was cut). A client that goes away is only a debug line.
 */
export async function serveInstaller(
  req: IncomingMessage,
  res: ServerResponse,
  installers: InstallerRepository,
  dir: string,
  logger?: DownloadLogger,
): Promise<boolean> {
  const path = (req.url ?? '').split('?')[0] ?? '';
  const m = servable.exec(path);
  if (!m?.[1] || m[1].includes('..')) return false;
  const found = await openRegistered(installers, dir, m[1]);
  if (found === undefined) return false;
  const { installer, file } = found;
  if (file === undefined) {
    logger?.warn(
      { file: installer.fileName },
      'a registered installer file is missing, not a regular file, or not of its recorded size',
    );
    notFound(res);
    return true;
  }
  let streaming = false;
  try {
    const size = installer.size;
    const headers: Record<string, string | number> = {
      'content-type': contentTypeOf(installer.fileName),
      'content-disposition': `attachment; filename="${installer.fileName}"`,
      'accept-ranges': 'bytes',
      etag: `"${installer.sha256}"`,
      'cache-control': 'no-cache',
    };
    const range = parseRange(req.headers.range, size);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` });
      res.end();
      return true;
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const status = range ? 206 : 200;
    if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    headers['content-length'] = size === 0 ? 0 : end - start + 1;
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      return true;
    }
    streaming = true;
    await sendBytes(file, start, end, res, installer.fileName, logger);
    return true;
  } finally {
    // Once streaming, the read stream owns the file and closes it however the download ends.
    if (!streaming) await file.close();
  }
}

interface OpenedInstaller {
  installer: Installer;
  /** Undefined when the record's file cannot be served. */
  file: FileHandle | undefined;
}

/**
 * The record and its open file. The record is read again once the file is open: an upload that
 * replaced the file in between would otherwise be served under the older record's checksum.
 */
async function openRegistered(
  installers: InstallerRepository,
  dir: string,
  fileName: string,
  attemptsLeft = 3,
): Promise<OpenedInstaller | undefined> {
  const installer = await installers.getByFileName(fileName);
  if (installer === undefined) return undefined;
  const file = await openInstallerFile(dir, installer);
  if (file === undefined) return { installer, file };
  const current = await installers.getByFileName(fileName);
  if (current?.sha256 === installer.sha256) return { installer, file };
  await file.close();
  if (attemptsLeft <= 1) return { installer, file: undefined };
  return openRegistered(installers, dir, fileName, attemptsLeft - 1);
}

/** Errors that mean the client closed the connection, not that the gateway failed. */
const clientGoneCodes = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE']);

async function sendBytes(
  file: FileHandle,
  start: number,
  end: number,
  res: ServerResponse,
  fileName: string,
  logger: DownloadLogger | undefined,
): Promise<void> {
  const expected = end - start + 1;
  let bytesRead = 0;
  // A file that ends early (shrunk under the download) must cut the response: a short body under a
  // Content-Length would leave the client waiting for bytes that never come.
  const checkLength = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      bytesRead += chunk.length;
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      callback(
        bytesRead === expected
          ? null
          : new Error(
              `the installer file is shorter than its record: ${bytesRead} of ${expected} bytes read`,
            ),
      );
    },
  });
  try {
    await pipeline(file.createReadStream({ start, end }), checkLength, res);
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? err.code : undefined;
    if (typeof code === 'string' && clientGoneCodes.has(code)) {
      logger?.debug(
        { file: fileName, bytesRead, expected },
        'installer download ended early: the client went away',
      );
      return;
    }
    if (logger === undefined) throw err;
    logger.warn({ err, file: fileName, bytesRead, expected }, 'installer download failed');
  }
}
