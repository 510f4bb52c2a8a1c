// GatewayConnection.open settles however the opening fails, so a reconnect loop never waits for ever.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayConnection, type ConnectionHandlers } from '../src/session/connection.js';

let server: Server | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A TCP listener on loopback that accepts and then does what `onSocket` says (nothing, by default). */
async function listen(onSocket: (socket: Socket) => void = () => undefined): Promise<number> {
  server = createServer((socket) => {
    sockets.push(socket);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const handlers: ConnectionHandlers = {
  posture: () => Promise.resolve({}),
  postureState: () => undefined,
  log: () => undefined,
};

describe('GatewayConnection.open', () => {
  it('fails when the TLS handshake never finishes (the handshake timeout)', async () => {
    const port = await listen();
    const opening = GatewayConnection.open(`wss://127.0.0.1:${port}/connect`, {}, handlers, 300);
    await expect(opening).rejects.toThrow(/timed out/i);
  });

  it('fails when the server resets the connection during the handshake', async () => {
    const port = await listen((socket) => socket.resetAndDestroy());
    const opening = GatewayConnection.open(`wss://127.0.0.1:${port}/connect`, {}, handlers, 5_000);
    await expect(opening).rejects.toThrow();
  });
});
