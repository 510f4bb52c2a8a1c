// Installer downloads on the client port: a client that goes away, or a file that cannot deliver the
// bytes it promised, closes the file and the connection, is logged, and the gateway keeps serving.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequestStream } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '@kordon/core';
import { systemClock } from '../../src/clock.js';
import { dataPaths } from '../../src/data-dir.js';
import { serveInstaller } from '../../src/endpoint/installer-files.js';
import { registerInstaller } from '../../src/installers.js';
import { openSqliteStore } from '../../src/store/index.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { httpsRequest } from '../support/https.js';
import { descriptorsOn, logLevel, recordingLogger, sha256, until } from './helpers.js';

// Larger than every buffer between the file and a client that stops reading, so the server is
// mid-file, waiting on the client, when the test acts.
const bigInstaller = randomBytes(64 * 1024 * 1024);

async function registerBig(store: Store, dir: string, os: string, fileName: string): Promise<void> {
  const source = join(dir, '..', `source-${fileName}`);
  writeFileSync(source, bigInstaller);
  await registerInstaller({ store, dir, os, version: '1.0.0', fileName, source, clock: systemClock });
  rmSync(source);
}

type Outcome = 'complete' | 'cut' | 'hung';

/** Reads the rest of a response: whole, cut off by the server, or never finished within `timeoutMs`. */
async function outcomeOf(response: IncomingMessage, timeoutMs = 5000): Promise<Outcome> {
  // Not events.once: it rejects on the 'error' a cut response emits before 'close'.
  const closed = new Promise<Outcome>((resolve) => {
    response.on('error', () => undefined);
    response.on('close', () => {
      resolve(response.complete ? 'complete' : 'cut');
    });
  });
  response.resume();
  const outcome = await Promise.race([closed, sleep(timeoutMs, 'hung' as const)]);
  response.destroy();
  return outcome;
}

describe('downloads from the client endpoint', () => {
  let gw: TestGateway;
  let installersDir: string;

  beforeAll(async () => {
    gw = await startTestGateway();
    installersDir = dataPaths(gw.dir).installers;
    await registerBig(gw.store, installersDir, 'windows', 'abort.bin');
    await registerBig(gw.store, installersDir, 'linux', 'shrinks.bin');
  });

  afterAll(async () => {
    await gw.dispose();
  });

  /** Starts a download and stops reading it at once. */
  async function pausedDownload(path: string): Promise<IncomingMessage> {
    const request = httpsRequestStream({
      host: '127.0.0.1',
      port: gw.port,
      path,
      ca: gw.ca,
      servername: 'localhost',
    });
    request.end();
    const [response] = (await once(request, 'response')) as [IncomingMessage];
    response.pause();
    return response;
  }

  it('a client that goes away mid-file leaves no descriptor open on the installer', async () => {
    const file = join(installersDir, 'abort.bin');
    const response = await pausedDownload('/abort.bin');
    expect(response.statusCode).toBe(200);
    expect(descriptorsOn(file)).toBe(1);
    await sleep(200);
    response.destroy();
    expect(await until(() => descriptorsOn(file) === 0)).toBe(true);

    const again = await httpsRequest(gw.port, '/abort.bin', gw.ca, { headers: { range: 'bytes=0-9' } });
    expect(again.status).toBe(206);
    expect(again.body.equals(bigInstaller.subarray(0, 10))).toBe(true);
    expect(await until(() => descriptorsOn(file) === 0)).toBe(true);
  });

  it('a file that shrinks under a download cuts the response instead of leaving the client waiting', async () => {
    const file = join(installersDir, 'shrinks.bin');
    const response = await pausedDownload('/shrinks.bin');
    expect(response.headers['content-length']).toBe(String(bigInstaller.length));
    await sleep(200);
    truncateSync(file, 1024 * 1024);
    expect(await outcomeOf(response)).toBe('cut');
    expect(await until(() => descriptorsOn(file) === 0)).toBe(true);
    // The gateway is still up and serves the other installer whole.
    const whole = await httpsRequest(gw.port, '/abort.bin', gw.ca);
    expect(whole.status).toBe(200);
    expect(sha256(whole.body)).toBe(sha256(bigInstaller));
  });
});

describe('serveInstaller logs what went wrong with a download', () => {
  const { logger, lines } = recordingLogger();
  const failures: unknown[] = [];
  let dir: string;
  let installersDir: string;
  let store: Store;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kordon-downloads-'));
    installersDir = join(dir, 'installers');
    store = await openSqliteStore({ file: join(dir, 'kordon.db') });
    await registerBig(store, installersDir, 'windows', 'abort.bin');
    await registerBig(store, installersDir, 'linux', 'shrinks.bin');
    // The same contract as the client endpoint's request handler: false means "not an installer".
    server = createServer((req, res) => {
      serveInstaller(req, res, store.installers, installersDir, logger).then(
        (served) => {
          if (!served) res.writeHead(404).end();
        },
        (error: unknown) => {
          failures.push(error);
          res.destroy();
        },
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function pausedDownload(path: string): Promise<IncomingMessage> {
    const request = httpRequest({ host: '127.0.0.1', port, path });
    request.end();
    const [response] = (await once(request, 'response')) as [IncomingMessage];
    response.pause();
    return response;
  }

  it('a client that goes away is a debug line, not a warning', async () => {
    const response = await pausedDownload('/abort.bin');
    await sleep(200);
    response.destroy();
    expect(await until(() => lines.some((line) => line['file'] === 'abort.bin'))).toBe(true);
    const line = lines.find((entry) => entry['file'] === 'abort.bin');
    expect(line).toMatchObject({
      level: logLevel.debug,
      msg: 'installer download ended early: the client went away',
    });
    expect(await until(() => descriptorsOn(join(installersDir, 'abort.bin')) === 0)).toBe(true);
    expect(failures).toEqual([]);
  });

  it('a file that cannot deliver its bytes is a warning with the reason, and the response is cut', async () => {
    const file = join(installersDir, 'shrinks.bin');
    const response = await pausedDownload('/shrinks.bin');
    await sleep(200);
    truncateSync(file, 1024 * 1024);
    expect(await outcomeOf(response)).toBe('cut');
    expect(await until(() => lines.some((line) => line['file'] === 'shrinks.bin'))).toBe(true);
    const line = lines.find((entry) => entry['file'] === 'shrinks.bin');
    expect(line).toMatchObject({ level: logLevel.warn, msg: 'installer download failed' });
    expect(JSON.stringify(line?.['err'])).toContain('shorter');
    expect(await until(() => descriptorsOn(file) === 0)).toBe(true);
    expect(failures).toEqual([]);
  });
});
