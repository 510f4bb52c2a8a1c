// The session engine against a small scripted gateway on loopback: what it sends after each answer
// (DECISIONS 28, 29, 54, 55), with real WebSocket connections.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientSession, type SessionParts, type SessionState } from '../src/session/engine.js';

type Script = (msg: Record<string, unknown>, ws: WebSocket, n: number) => unknown;

let server: WebSocketServer | undefined;
const received: Record<string, unknown>[] = [];

async function gateway(script: Script): Promise<number> {
  received.length = 0;
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => server!.once('listening', r));
  server.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      received.push(msg);
      const reply = script(msg, ws, received.length);
      if (reply !== undefined) ws.send(JSON.stringify(reply));
    });
  });
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

const ok = {
  type: 'auth_state',
  authorized: true,
  need_tunnel: false,
  timeout: 0,
  message: 'Authorized as alice.',
  welcome_url: '',
  resume_ticket: 'T1',
};
const noUpdate = { type: 'update', need_update: false, download_url: null };

function parts(
  port: number,
  over: Partial<SessionParts> = {},
): { parts: SessionParts; states: SessionState[]; sleeps: number[] } {
  const states: SessionState[] = [];
  const sleeps: number[] = [];
  return {
    states,
    sleeps,
    parts: {
      locate: () => Promise.resolve({ host: '127.0.0.1', port, url: `ws://127.0.0.1:${port}`, tls: {} }),
      password: () => Promise.resolve('pw'),
      login: 'alice',
      identity: { major: 1, minor: 0, build: 0, os: 'linux' },
      keys: { privateKey: 'x', publicKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
      tunnel: { up: () => Promise.resolve({ address: '100.64.0.2/32' }), down: () => Promise.resolve() },
      update: () => Promise.resolve('/tmp/x'),
      posture: () => Promise.resolve({ node_name: 'test' }),
      onState: (s) => states.push(s),
      log: () => undefined,
      sleep: (ms) => {
        sleeps.push(ms);
        return new Promise((r) => setTimeout(r, 10));
      },
      ...over,
    },
  };
}

async function until(states: SessionState[], state: SessionState['state']): Promise<SessionState> {
  for (let i = 0; i < 300; i++) {
    const found = states.find((s) => s.state === state);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no ${state} state: ${JSON.stringify(states)}`);
}

describe('the session engine', () => {
  it('retries by itself after a back-off, with the same password, after the timeout', async () => {
    const port = await gateway((msg, _ws, n) => {
      if (msg['type'] === 'version') return noUpdate;
      if (n === 2)
        return {
          ...ok,
          authorized: false,
          timeout: 3,
          message: 'Too many failed login attempts. Try again in 3 s.',
          reason: 'throttled',
          resume_ticket: undefined,
        };
      return ok;
    });
    const t = parts(port);
    const session = new ClientSession(t.parts);
    void session.run();
    await until(t.states, 'connected');
    expect(received.filter((m) => m['type'] === 'authorize')).toEqual([
      { type: 'authorize', login: 'alice', password: 'pw' },
      { type: 'authorize', login: 'alice', password: 'pw' },
    ]);
    expect(t.sleeps[0]).toBeGreaterThanOrEqual(3000);
    expect(t.sleeps[0]).toBeLessThanOrEqual(3600);
    await session.stop();
    expect(received.at(-1)).toEqual({ type: 'unauthorize' });
  });

  it('never re-sends a refused password: it waits the timeout and asks again', async () => {
    const port = await gateway((msg) => {
      if (msg['type'] === 'version') return noUpdate;
      if (msg['password'] === 'wrong')
        return {
          type: 'auth_state',
          authorized: false,
          need_tunnel: false,
          timeout: 2,
          message: 'Wrong login or password.',
          welcome_url: '',
          reason: 'credentials',
        };
      return ok;
    });
    const asked: (string | null)[] = [];
    const answers = ['wrong', 'right'];
    const t = parts(port, {
      password: (failed) => {
        asked.push(failed?.message ?? null);
        return Promise.resolve(answers.shift());
      },
    });
    const session = new ClientSession(t.parts);
    void session.run();
    await until(t.states, 'connected');
    expect(asked).toEqual([null, 'Wrong login or password.']);
    expect(t.sleeps).toEqual([2000]);
    expect(received.filter((m) => m['type'] === 'authorize').map((m) => m['password'])).toEqual([
      'wrong',
      'right',
    ]);
    await session.stop();
  });

  it('resumes with its ticket after the gateway restarts (4006), and logs in afresh when the ticket is refused', async () => {
    let connections = 0;
    const port = await gateway((msg, ws) => {
      if (msg['type'] === 'version') {
        connections++;
        return noUpdate;
      }
      if (msg['type'] === 'authorize' && connections === 1) {
        setTimeout(() => ws.close(4006, 'restarting'), 20);
        return ok;
      }
      if (msg['type'] === 'resume') {
        return {
          type: 'auth_state',
          authorized: false,
          need_tunnel: false,
          timeout: 0,
          message: 'The previous session cannot be resumed any more; log in again.',
          welcome_url: '',
          reason: 'resume_refused',
        };
      }
      return { ...ok, resume_ticket: 'T2' };
    });
    const t = parts(port);
    const session = new ClientSession(t.parts);
    void session.run();
    for (let i = 0; i < 300 && t.states.filter((s) => s.state === 'connected').length < 2; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(received.map((m) => m['type'])).toEqual([
      'version',
      'authorize',
      'version',
      'resume',
      'authorize',
    ]);
    expect(received[3]).toEqual({ type: 'resume', ticket: 'T1' });
    await session.stop();
  });

  it.each([
    [4002, 'an administrator ended this session'],
    [
      4003,
      'this account logged in on another device (at most 5 at once); this, the oldest session, was ended',
    ],
  ])('stops after close %i and says why', async (code, why) => {
    const port = await gateway((msg, ws) => {
      if (msg['type'] === 'version') return noUpdate;
      setTimeout(() => ws.close(code), 20);
      return ok;
    });
    const t = parts(port);
    const end = await new ClientSession(t.parts).run();
    expect(end).toEqual({ why, final: true });
    expect(received.filter((m) => m['type'] === 'version')).toHaveLength(1);
  });

  it('answers a ztna request at once with a report, whenever it comes (DECISIONS 11, 32)', async () => {
    let report: Record<string, unknown> | undefined;
    const port = await gateway((msg, ws) => {
      if (msg['type'] === 'version') return noUpdate;
      if (msg['type'] === 'ztna') {
        report = msg;
        return undefined;
      }
      ws.send(
        JSON.stringify({
          type: 'ztna',
          period: 0,
          test_list: [' av_update', 'os_type'],
          kb_list: [],
          proc_list: [],
          service_list: [],
          reg_key_list: [],
        }),
      );
      return ok;
    });
    const t = parts(port, { posture: (req) => Promise.resolve({ node_name: 'pc', asked: req.test_list }) });
    const session = new ClientSession(t.parts);
    void session.run();
    await until(t.states, 'connected');
    for (let i = 0; i < 100 && !report; i++) await new Promise((r) => setTimeout(r, 10));
    expect(report).toEqual({ type: 'ztna', node_name: 'pc', asked: ['av_update', 'os_type'] });
    await session.stop();
  });
});
