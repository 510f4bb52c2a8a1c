// The admin console (packages/admin-ui, built by Vite) served at /admin/ from the management listener,
// the same origin as the API it calls. The build is small (a few hundred KiB), so it is read once when
// the API is built and served from memory, gzipped where the browser accepts it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiApp } from './context.js';
import { ApiError } from './errors.js';

export const consolePath = '/admin/';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Everything the page may load comes from this origin; nothing inline, nothing framed. */
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

interface ConsoleFile {
  type: string;
  body: Buffer;
  gzipped: Buffer | undefined;
  etag: string;
  /** Vite's hashed assets never change under their name. */
  immutable: boolean;
}

/** The built console: file path under /admin/ → contents. Undefined when it was not built. */
export type ConsoleFiles = ReadonlyMap<string, ConsoleFile>;

export function loadConsole(dir: string): ConsoleFiles | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const files = new Map<string, ConsoleFile>();
  for (const file of walk(dir)) {
    const body = readFileSync(file);
    const type = contentTypes[extname(file)] ?? 'application/octet-stream';
    const compressible = type.startsWith('text/') || type === 'application/json' || type === 'image/svg+xml';
    const path = relative(dir, file).split(sep).join('/');
    files.set(path, {
      type,
      body,
      gzipped: compressible && body.length > 1024 ? gzipSync(body) : undefined,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      immutable: path.startsWith('assets/'),
    });
  }
  return files;
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

/**
 * GET /admin/...: the file of that name, else (a path of the single-page application's own router)
 * index.html. Public: the pages hold no data; every call they make is authenticated.
 */
export function registerConsoleRoutes(app: ApiApp, files: ConsoleFiles | undefined): void {
  app.get('/admin', { schema: { hide: true } }, (_request, reply) => reply.redirect(consolePath, 308));
  app.get<{ Params: { '*': string } }>(`${consolePath}*`, { schema: { hide: true } }, (request, reply) => {
    if (files === undefined) {
      throw new ApiError(
        'not_found',
        'the admin console is not built: run "npm run build" in the gateway\'s source folder',
      );
    }
    const path = request.params['*'];
    const file = files.get(path) ?? (extname(path) === '' ? files.get('index.html') : undefined);
    if (file === undefined) throw new ApiError('not_found', `the admin console has no file ${path}`);
    return send(request, reply, file);
  });
}

function send(request: FastifyRequest, reply: FastifyReply, file: ConsoleFile): FastifyReply {
  void reply
    .headers(securityHeaders)
    .header('etag', file.etag)
    .header('vary', 'accept-encoding')
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
  const accepts = request.headers['accept-encoding'] ?? '';
  if (file.gzipped !== undefined && /\bgzip\b/.test(accepts)) {
    return reply.header('content-encoding', 'gzip').type(file.type).send(file.gzipped);
  }
  return reply.type(file.type).send(file.body);
}
