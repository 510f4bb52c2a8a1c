// The management API over real TLS on loopback, as the gateway serves it (127.0.0.1, self-signed).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsServerCertificate } from './certs.js';
import { createHarness, type Harness } from './harness.js';

let h: Harness;
let port: number;
let ca: string;

beforeAll(async () => {
  const identity = tlsServerCertificate();
  ca = identity.cert;
  h = await createHarness({ https: identity });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  port = (h.app.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await h.close();
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function call(
  method: string,
  path: string,
  options: {
    headers?: Record<string, string>;
    body?: Buffer | string;
    trust?: string;
    endBody?: boolean;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ca: options.trust ?? ca,
        headers: options.headers ?? {},
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.endBody === false) {
      // Headers only: the body is announced but never sent.
      req.flushHeaders();
      return;
    }
    req.end(options.body);
  });
}

describe('over TLS', () => {
  it('serves /healthz, and a client that does not trust the certificate is refused by TLS', async () => {
    const ok = await call('GET', '/healthz');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toStrictEqual({ status: 'ok' });
    await expect(call('GET', '/healthz', { trust: tlsServerCertificate().cert })).rejects.toThrow(
      /self[- ]signed|certificate/i,
    );
  });

  it('logs in, uses the cookie with the CSRF token, and logs out', async () => {
    await h.addAdmin('alice', 'correct horse');
    const login = await call('POST', '/api/v1/login', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'alice', password: 'correct horse' }),
    });
    expect(login.status).toBe(200);
    const { csrf_token: csrf } = JSON.parse(login.body) as { csrf_token: string };
    const setCookie = login.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;

    const put = await call('PUT', '/agent_backend/wireguard/setting', {
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: JSON.stringify({
        auth_domain: 'gw.corp.example',
        local_tunnel: true,
        device_vpn: false,
        trusted_ca_cert: null,
      }),
    });
    expect(put.status).toBe(200);
    expect(JSON.parse(put.body)).toStrictEqual({
      auth_domain: 'gw.corp.example',
      local_tunnel: true,
      device_vpn: false,
      trusted_ca_cert: null,
    });
    expect(h.control.settingsChanges.at(-1)?.after.local_tunnel).toBe(true);

    const noCsrf = await call('PUT', '/agent_backend/wireguard/state', {
      headers: { cookie, 'content-type': 'application/json' },
      body: '{"enabled":false}',
    });
    expect(noCsrf.status).toBe(403);
    expect(JSON.parse(noCsrf.body)).toMatchObject({ error: { code: 'csrf_token_invalid' } });

    expect((await call('POST', '/api/v1/logout', { headers: { cookie, 'x-csrf-token': csrf } })).status).toBe(
      204,
    );
    expect((await call('GET', '/api/v1/me', { headers: { cookie } })).status).toBe(401);
  });

  it('streams an installer upload to disk', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024 + 17, 0x5a);
    const response = await call('PUT', '/api/v1/installers/windows?version=3.2.1&file_name=Kordon.msi', {
      headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/octet-stream' },
      body: data,
    });
    expect(response.status).toBe(201);
    const sha256 = createHash('sha256').update(data).digest('hex');
    expect(JSON.parse(response.body)).toMatchObject({ size: data.length, sha256 });
    expect(readFileSync(join(h.installersDir, 'Kordon.msi')).equals(data)).toBe(true);
  });

  it('refuses an upload announced over 1 GiB before reading it, and closes the connection', async () => {
    const response = await call('PUT', '/api/v1/installers/linux?version=1.0.0&file_name=huge.deb', {
      headers: {
        authorization: `Bearer ${h.adminToken}`,
        'content-type': 'application/octet-stream',
        'content-length': String(2 * 1024 ** 3),
      },
      endBody: false,
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'body_too_large', field: null } });
    expect(response.headers.connection).toBe('close');
    expect(await h.store.installers.get('linux')).toBeUndefined();
  });

  it('serves /metrics to a viewer token', async () => {
    const response = await call('GET', '/metrics', { headers: { authorization: `Bearer ${h.viewerToken}` } });
    expect(response.status).toBe(200);
    expect(response.body).toContain('kordon_sessions_active');
  });
});
