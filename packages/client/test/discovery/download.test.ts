// downloadFile against a loopback HTTPS server: progress, size and SHA-256; the pin holds for the
// download host too (DECISIONS 39); the size cap and the free space (DECISIONS 73); failures leave no
// file behind.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
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

  it('writes a fresh .part file, never through a link planted at its path', async () => {
    await start(serveInstaller(true));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    const dest = join(dir, 'planted.msi');
    symlinkSync(victim, `${dest}.part`);
    const result = await downloadFile(
      `https://127.0.0.1:${server.port}/IdecoAgent_x64.msi`,
      pin(gateway),
      dest,
    );
    expect(result.sha256).toBe(installerSha256);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(readFileSync(dest).equals(installer)).toBe(true);
  });
});

describe('downloadFile limits (DECISIONS 73)', () => {
  /** Announces `length` bytes, sends a first piece, then holds the connection open. */
  function announce(length: number): Handler {
    return (_req, res) => {
      res.writeHead(200, { 'content-length': String(length) });
      res.write(Buffer.alloc(65_536));
    };
  }

  function failureOf(promise: Promise<unknown>): Promise<ClientError> {
    return promise.then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => {
        expect(e).toBeInstanceOf(ClientError);
        return e as ClientError;
      },
    );
  }

  function leftovers(prefix: string): string[] {
    return readdirSync(dir).filter((f) => f.startsWith(prefix));
  }

  it('refuses a Content-Length over 1 GiB on the head alone, writing nothing, at once', async () => {
    await start(announce(1_073_741_825));
    const dest = join(dir, 'huge.msi');
    const progress: number[] = [];
    const started = performance.now();
    const error = await failureOf(
      downloadFile(`https://127.0.0.1:${server.port}/huge.msi`, pin(gateway), dest, (received) =>
        progress.push(received),
      ),
    );
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error.code).toBe('download_failed');
    expect(error.message).toBe(
      `The download of https://127.0.0.1:${server.port}/huge.msi failed: the server announces 1,073,741,825 bytes, ` +
        'more than the 1 GiB (1,073,741,824 bytes) an update may have.',
    );
    expect(progress).toEqual([]);
    expect(leftovers('huge')).toEqual([]);
  });

  it('refuses a Content-Length over a smaller maxBytes the same way', async () => {
    await start(serveInstaller(true));
    const dest = join(dir, 'capped.msi');
    const error = await failureOf(
      downloadFile(`https://127.0.0.1:${server.port}/IdecoAgent_x64.msi`, pin(gateway), dest, undefined, {
        maxBytes: 65_536,
      }),
    );
    expect(error.message).toContain(
      'the server announces 300,000 bytes, more than the 64 KiB (65,536 bytes) an update may have',
    );
    expect(leftovers('capped')).toEqual([]);
  });

  it('aborts a body without Content-Length at the cap and leaves no file', async () => {
    await start(serveInstaller(false));
    const dest = join(dir, 'endless.msi');
    let most = 0;
    const error = await failureOf(
      downloadFile(
        `https://127.0.0.1:${server.port}/IdecoAgent_x64.msi`,
        pin(gateway),
        dest,
        (received) => (most = Math.max(most, received)),
        { maxBytes: 65_536 },
      ),
    );
    expect(error.code).toBe('download_failed');
    expect(error.message).toContain(
      'the server sent more than the 64 KiB (65,536 bytes) an update may have; the download was stopped',
    );
    expect(most).toBeLessThanOrEqual(65_536);
    expect(leftovers('endless')).toEqual([]);
  });

  it('refuses a destination folder that cannot be used before asking the server', async () => {
    await start(serveInstaller(true));
    const dest = join(dir, 'no-such-folder', 'x.msi');
    const error = await failureOf(
      downloadFile(`https://127.0.0.1:${server.port}/IdecoAgent_x64.msi`, pin(gateway), dest),
    );
    expect(error.message).toContain(`the folder ${join(dir, 'no-such-folder')} cannot be used (ENOENT)`);
    expect(server.connections).toBe(0);
  });

  describe('on a file system with 1 MiB', () => {
    const small = join(tmpdir(), `kordon-download-small-${process.pid}`);
    let mounted = false;
    const big = randomBytes(2 * 1024 * 1024);

    beforeAll(() => {
      mkdirSync(small, { recursive: true });
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small], { stdio: 'ignore' });
        mounted = true;
      } catch (e) {
        // Not root, or no mounts allowed here: skipped by hand, never in CI.
        if (process.env['CI'] === 'true') {
          throw new Error(`mount -t tmpfs failed (${(e as Error).message}); the tests run as root`, {
            cause: e,
          });
        }
      }
    });

    afterAll(() => {
      if (mounted) execFileSync('umount', [small], { stdio: 'ignore' });
      rmSync(small, { recursive: true, force: true });
    });

    function serveBig(withLength: boolean): Handler {
      return (_req, res) => {
        res.writeHead(200, withLength ? { 'content-length': String(big.length) } : {});
        for (let offset = 0; offset < big.length; offset += 65_536) {
          res.write(big.subarray(offset, offset + 65_536));
        }
        res.end();
      };
    }

    it('refuses a Content-Length over the free space, saying how much is needed and free', async (ctx) => {
      if (!mounted) ctx.skip();
      await start(serveBig(true));
      const error = await failureOf(
        downloadFile(`https://127.0.0.1:${server.port}/big.msi`, pin(gateway), join(small, 'big.msi')),
      );
      expect(error.message).toMatch(
        new RegExp(
          `the update needs 2 MiB \\(2,097,152 bytes\\) but ${small} has only [\\d.]+ (KiB|MiB) \\([\\d,]+ bytes\\) free; make room there`,
        ),
      );
      expect(readdirSync(small)).toEqual([]);
    });

    it('aborts a body without Content-Length once it would not fit, and leaves no file', async (ctx) => {
      if (!mounted) ctx.skip();
      await start(serveBig(false));
      const error = await failureOf(
        downloadFile(`https://127.0.0.1:${server.port}/big.msi`, pin(gateway), join(small, 'big.msi')),
      );
      expect(error.code).toBe('download_failed');
      expect(error.message).toContain(`the update does not fit: ${small} had `);
      expect(readdirSync(small)).toEqual([]);
    });
  });
});
