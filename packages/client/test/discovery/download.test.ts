// downloadFile against a loopback HTTPS server: progress, size and SHA-256; the pin holds for the
// download host too (DECISIONS 39); failures leave no file behind.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClientError } from '../../src/discovery/errors.js';
import { downloadFile, resolveDownloadUrl } from '../../src/discovery/download.js';
import type { TlsPolicy } from '../../src/discovery/tls.js';
import {
  type CertificateFolder,
  certificateFolder,
  type Handler,
  startHttpsServer,
  type TestCertificate,
  type TestHttpsServer,
} from './servers.js';

const installer = randomBytes(300_000);
const installerSha256 = createHash('sha256').update(installer).digest('hex');
let certs: CertificateFolder;
let gateway: TestCertificate;
let stranger: TestCertificate;
let dir: string;
let server: TestHttpsServer;

beforeAll(() => {
  certs = certificateFolder();
  gateway = certs.make('gateway', ['DNS:localhost', 'IP:127.0.0.1']);
  stranger = certs.make('stranger', ['DNS:localhost', 'IP:127.0.0.1']);
  dir = mkdtempSync(join(tmpdir(), 'kordon-download-'));
});

afterEach(async () => {
  await server.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  certs.dispose();
});

const pin = (certificate: TestCertificate): TlsPolicy => ({ kind: 'pin', sha256: certificate.fingerprint });

/** Serves the installer in 64 KiB pieces, with or without Content-Length. */
function serveInstaller(withLength: boolean): Handler {
  return (req, res) => {
    if (req.url !== '/IdecoAgent_x64.msi') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      ...(withLength ? { 'content-length': String(installer.length) } : {}),
    });
    for (let offset = 0; offset < installer.length; offset += 65_536) {
      res.write(installer.subarray(offset, offset + 65_536));
    }
    res.end();
  };
}

async function start(handler: Handler, certificate: TestCertificate = gateway): Promise<TestHttpsServer> {
  server = await startHttpsServer({ name: 'gateway', host: '127.0.0.1', certificate, handler });
  return server;
}

describe('downloadFile', () => {
  it('downloads a ":port/file" URL with progress, size and SHA-256', async () => {
    await start(serveInstaller(true));
    const url = resolveDownloadUrl(`:${server.port}/IdecoAgent_x64.msi`, '127.0.0.1');
    expect(url.href).toBe(`https://127.0.0.1:${server.port}/IdecoAgent_x64.msi`);
    const progress: [number, number | null][] = [];
    const dest = join(dir, 'with-length.msi');
    const result = await downloadFile(url, pin(gateway), dest, (received, total) =>
      progress.push([received, total]),
    );
    expect(result).toEqual({ path: dest, size: installer.length, sha256: installerSha256 });
    expect(readFileSync(dest).equals(installer)).toBe(true);
    expect(existsSync(`${dest}.part`)).toBe(false);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every(([, total]) => total === installer.length)).toBe(true);
    expect(progress.map(([received]) => received)).toEqual(
      [...progress.map(([received]) => received)].sort((a, b) => a - b),
    );
    expect(progress.at(-1)).toEqual([installer.length, installer.length]);
    expect(server.requests).toEqual(['GET /IdecoAgent_x64.msi']);
  });

  it('reports total null without Content-Length', async () => {
    await start(serveInstaller(false));
    const progress: (number | null)[] = [];
    const dest = join(dir, 'chunked.msi');
    const result = await downloadFile(
      `https://127.0.0.1:${server.port}/IdecoAgent_x64.msi`,
      pin(gateway),
      dest,
      (_received, total) => progress.push(total),
    );
    expect(result.size).toBe(installer.length);
    expect(result.sha256).toBe(installerSha256);
    expect(new Set(progress)).toEqual(new Set([null]));
  });

  it('refuses a download host whose certificate does not match the pin, and asks it nothing', async () => {
    await start(serveInstaller(true), stranger);
    const dest = join(dir, 'impostor.msi');
    const error = await downloadFile(
      `https://127.0.0.1:${server.port}/IdecoAgent_x64.msi`,
      pin(gateway),
      dest,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('tls_mismatch');
    expect((error as ClientError).message).toContain(`actual:   ${stranger.fingerprint}`);
    expect(server.connections).toBe(1);
    expect(server.requests).toEqual([]);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('fails on a status other than 200, leaving no file', async () => {
    await start(serveInstaller(true));
    const dest = join(dir, 'missing.msi');
    const error = await downloadFile(
      `https://127.0.0.1:${server.port}/nothing.msi`,
      pin(gateway),
      dest,
    ).catch((e: unknown) => e);
    expect((error as ClientError).code).toBe('download_failed');
    expect((error as ClientError).message).toBe(
      `The download of https://127.0.0.1:${server.port}/nothing.msi failed: the server answered HTTP 404.`,
    );
    expect(existsSync(dest)).toBe(false);
  });

  it('fails when the body is shorter than Content-Length, leaving no file', async () => {
    await start((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write(Buffer.alloc(400));
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const dest = join(dir, 'short.msi');
    const error = await downloadFile(`https://127.0.0.1:${server.port}/x.msi`, pin(gateway), dest).catch(
      (e: unknown) => e,
    );
    expect((error as ClientError).code).toBe('download_failed');
    expect((error as ClientError).message).toContain('the connection ended after 400 of 1000 bytes');
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('short'))).toEqual([]);
  });
});
