import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientDeadline } from './deadline.js';

/** Keeps the event loop busy, as a crowd of TLS handshakes in one turn does. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a client deadline', () => {
  let server: Server | undefined;
  let client: Socket | undefined;
  afterEach(() => {
    client?.destroy();
    server?.close();
  });

  it('expires on time when the loop keeps up', async () => {
    const started = performance.now();
    const expired = await new Promise<number>((resolve) => {
      new ClientDeadline(40, () => resolve(performance.now()));
    });
    expect(expired - started).toBeGreaterThanOrEqual(39);
    expect(expired - started).toBeLessThan(1000);
  });

  it('does not expire when the message came in time and waited behind a busy loop', async () => {
    let expired = false;
    let heard = false;
    let accepted: () => void = () => undefined;
    const connected = new Promise<void>((r) => (accepted = r));
    server = createServer((socket) => {
      const deadline = new ClientDeadline(100, () => (expired = true));
      socket.on('data', () => {
        heard = true;
        deadline.cancel();
      });
      accepted();
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    client = connect(port, '127.0.0.1');
    await connected;
    // The message is in the server's socket well before the deadline; the loop gets to it after.
    client.write('version');
    await sleep(10);
    block(190);
    await sleep(200);
    expect(heard).toBe(true);
    expect(expired).toBe(false);
  });

  it('moves on by the lateness, so a message handled soon after a long lag still counts', async () => {
    let expired = false;
    const deadline = new ClientDeadline(100, () => (expired = true));
    block(150);
    await sleep(30);
    expect(expired).toBe(false);
    deadline.cancel();
    await sleep(100);
    expect(expired).toBe(false);
  });

  it('still expires when the client sends nothing, at most twice its time late', async () => {
    const started = performance.now();
    let expiredAt = 0;
    new ClientDeadline(100, () => (expiredAt = performance.now()));
    block(150);
    await sleep(400);
    expect(expiredAt).toBeGreaterThan(0);
    expect(expiredAt - started).toBeLessThan(550);
  });

  it('is not moved on past twice its time, however long the loop lagged', async () => {
    let expired = false;
    new ClientDeadline(50, () => (expired = true));
    block(200);
    await sleep(5);
    expect(expired).toBe(true);
  });
});
