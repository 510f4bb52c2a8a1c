// The admin console's files at /admin/ (packages/admin-ui's build), read from a real folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConsole } from '../../src/api/index.js';
import { createHarness, errorOf, type Harness } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'kordon-console-'));
const script = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;
let h: Harness;

beforeAll(async () => {
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><title>Kordon</title><script src="/admin/assets/app-1a2b.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), script);
  h = await createHarness({ deps: { console: loadConsole(dir) } });
});

afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the admin console at /admin/', () => {
  it('redirects /admin to /admin/ and serves index.html there without authentication, under a strict CSP', async () => {
    const bare = await h.app.inject({ method: 'GET', url: '/admin' });
    expect(bare.statusCode).toBe(308);
    expect(bare.headers.location).toBe('/admin/');
    const page = await h.app.inject({ method: 'GET', url: '/admin/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>Kordon</title>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it("answers the console's own routes with index.html, and an unknown file with 404", async () => {
    const route = await h.app.inject({ method: 'GET', url: '/admin/monitor' });
    expect(route.statusCode).toBe(200);
    expect(route.body).toContain('<title>Kordon</title>');
    const missing = await h.app.inject({ method: 'GET', url: '/admin/assets/gone-9z.js' });
    expect(missing.statusCode).toBe(404);
    expect(errorOf(missing)).toStrictEqual({
      code: 'not_found',
      message: 'the admin console has no file assets/gone-9z.js',
      field: null,
    });
    const outside = await h.app.inject({ method: 'GET', url: '/admin/../api/v1/users' });
    expect(outside.statusCode).toBe(401);
  });

  it('serves hashed assets gzipped, cached for good, and 304 for a known ETag', async () => {
    const plain = await h.app.inject({ method: 'GET', url: '/admin/assets/app-1a2b.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const zipped = await h.app.inject({
      method: 'GET',
      url: '/admin/assets/app-1a2b.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.rawPayload.length).toBeLessThan(script.length / 10);
    expect(gunzipSync(zipped.rawPayload).toString('utf8')).toBe(script);
    const etag = String(plain.headers.etag);
    const again = await h.app.inject({
      method: 'GET',
      url: '/admin/assets/app-1a2b.js',
      headers: { 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('says how to build the console when it is not built', async () => {
    const bare = await createHarness();
    try {
      const page = await bare.app.inject({ method: 'GET', url: '/admin/' });
      expect(page.statusCode).toBe(404);
      expect(errorOf(page).message).toBe(
        'the admin console is not built: run "npm run build" in the gateway\'s source folder',
      );
    } finally {
      await bare.close();
    }
  });
});
