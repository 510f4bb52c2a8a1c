// Serves registered installers on the client port (`download_url` is ":14765/<file>", DECISIONS 48).
// Only names registered in the store are served, opened without following symlinks, so no request can
// read any other file (no traversal, no encoded dots, no links).
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { InstallerRepository } from '@kordon/core';

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

/** Answers GET/HEAD for an installer; returns false when the path is not one (the caller answers 404). */
export async function serveInstaller(
  req: IncomingMessage,
  res: ServerResponse,
  installers: InstallerRepository,
  dir: string,
): Promise<boolean> {
  const path = (req.url ?? '').split('?')[0] ?? '';
  const m = servable.exec(path);
  if (!m?.[1] || m[1].includes('..')) return false;
  const installer = await installers.getByFileName(m[1]);
  if (!installer) return false;
  let handle;
  try {
    handle = await open(join(dir, installer.fileName), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    notFound(res);
    return true;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      notFound(res);
      await handle.close();
      return true;
    }
    const size = stat.size;
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
      await handle.close();
      return true;
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const status = range ? 206 : 200;
    if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    headers['content-length'] = size === 0 ? 0 : end - start + 1;
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || size === 0) {
      res.end();
      await handle.close();
      return true;
    }
    const stream = handle.createReadStream({ start, end });
    stream.on('error', () => res.destroy());
    stream.pipe(res);
    return true;
  } catch {
    await handle.close();
    if (!res.headersSent) notFound(res);
    else res.destroy();
    return true;
  }
}
