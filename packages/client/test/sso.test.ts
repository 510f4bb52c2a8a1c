// Single sign-on on the client: the engine's `sso` exchange against a scripted gateway on loopback, and
// the relay through the daemon's socket from the user's process (DECISIONS 61, 78).
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { openChannel, serve } from '../src/ipc/channel.js';
import { ClientSession, type SessionParts, type SessionState } from '../src/session/engine.js';
import { answerTokenAsks } from '../src/sso/provider.js';
import { SsoRelay } from '../src/sso/relay.js';
import { SsoUnavailable, firstAvailable, type SsoTokens } from '../src/sso/tokens.js';

type Message = Record<string, unknown>;

let server: WebSocketServer | undefined;
const received: Message[] = [];

async function gateway(script: (msg: Message) => Message | undefined): Promise<number> {
  received.length = 0;
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => server!.once('listening', r));
  server.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as Message;
      received.push(msg);
      if (msg['type'] === 'version') {
        ws.send(JSON.stringify({ type: 'update', need_update: false, download_url: null }));
        return;
      }
      const reply = script(msg);
      if (reply !== undefined) ws.send(JSON.stringify(reply));
    });
  });
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

const authorized = {
  type: 'auth_state',
  authorized: true,
  need_tunnel: false,
  timeout: 0,
  message: 'Authorized as alice@CORP.EXAMPLE.',
  welcome_url: '',
};
const challenge = {
  type: 'sso',
  status: 'challenge',
  session_token: null,
  access_token: null,
  computer_name: 'dc1.corp.example',
  error: null,
};

/** Two-step tokens, as NTLM makes them: NEGOTIATE, then AUTHENTICATE for the gateway's CHALLENGE. */
function twoStep(log: string[]): SsoTokens {
  return {
    start: (host) => {
      log.push(`start ${host}`);
      return Promise.resolve({
        method: 'ntlm',
        token: 'TkVHT1RJQVRF',
        next: (serverToken) => {
          log.push(`next ${serverToken}`);
          return Promise.resolve('QVVUSEVOVElDQVRF');
        },
        close: () => log.push('close'),
      });
    },
  };
}

function parts(port: number, tokens: SsoTokens, states: SessionState[]): SessionParts {
  return {
    server: 'gw.corp.example',
    locate: () => Promise.resolve({ host: 'gw.corp.example', port, url: `ws://127.0.0.1:${port}`, tls: {} }),
    password: () => Promise.reject(new Error('an SSO session never asks for a password')),
    login: 'alice',
    sso: { domain: 'CORP.EXAMPLE', tokens },
    identity: { major: 1, minor: 0, build: 0, os: 'linux' },
    keys: () => ({ privateKey: 'x', publicKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }),
    tunnel: { up: () => Promise.resolve({ address: '100.64.0.2/32' }), down: () => Promise.resolve() },
    update: () => Promise.resolve('/tmp/x'),
    posture: () => Promise.resolve({}),
    onState: (s) => states.push(s),
    log: () => undefined,
    sleep: () => new Promise((r) => setTimeout(r, 10)),
  };
}

async function until(states: SessionState[], state: SessionState['state']): Promise<SessionState> {
  for (let i = 0; i < 300; i++) {
    const found = states.find((s) => s.state === state);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never ${state}: ${JSON.stringify(states)}`);
}

describe('the sso exchange', () => {
  it('asks, then sends each token with the session token of the last in_progress, until auth_state', async () => {
    const port = await gateway((m) => {
      if (m['token'] === null) return challenge;
      if (m['session_token'] === null)
        return {
          type: 'sso',
          status: 'in_progress',
          session_token: 'S1',
          access_token: 'Q0hBTExFTkdF',
          error: null,
        };
      return authorized;
    });
    const states: SessionState[] = [];
    const log: string[] = [];
    const session = new ClientSession(parts(port, twoStep(log), states));
    const run = session.run();
    expect(await until(states, 'connected')).toMatchObject({ state: 'connected', user: 'alice', vpn: false });
    expect(received.filter((m) => m['type'] === 'sso')).toStrictEqual([
      { type: 'sso', token: null, session_token: null, domain: 'CORP.EXAMPLE' },
      { type: 'sso', token: 'TkVHT1RJQVRF', session_token: null, domain: 'CORP.EXAMPLE' },
      { type: 'sso', token: 'QVVUSEVOVElDQVRF', session_token: 'S1', domain: 'CORP.EXAMPLE' },
    ]);
    // The context is for the host the client connected to (HTTP/<host>), and is closed after use.
    expect(log).toStrictEqual(['start gw.corp.example', 'next Q0hBTExFTkdF', 'close']);
    await session.stop();
    await run;
  });

  it('waits out a gateway that does not offer it here (the place may change), with its words', async () => {
    const port = await gateway(() => ({
      type: 'sso',
      status: 'not_authorized',
      session_token: null,
      access_token: null,
      error: 'Single sign-on works only from the office network.',
    }));
    const states: SessionState[] = [];
    const session = new ClientSession(parts(port, twoStep([]), states));
    const run = session.run();
    const waiting = await until(states, 'waiting');
    expect(waiting).toMatchObject({ why: expect.stringContaining('only from the office network') });
    await session.stop();
    await run;
  });

  it('stops for good when the user has no credentials, or the gateway refuses the proof', async () => {
    const port = await gateway((m) =>
      m['token'] === null
        ? challenge
        : {
            ...authorized,
            authorized: false,
            reason: 'sso',
            message: 'Single sign-on failed: the token was used before (a replay).',
          },
    );
    const none: SsoTokens = {
      start: () => Promise.reject(new SsoUnavailable('no Kerberos ticket: run kinit')),
    };
    const states: SessionState[] = [];
    expect(await new ClientSession(parts(port, none, states)).run()).toStrictEqual({
      why: 'no Kerberos ticket: run kinit',
      final: true,
    });
    expect(await new ClientSession(parts(port, twoStep([]), [])).run()).toStrictEqual({
      why: 'Single sign-on failed: the token was used before (a replay).',
      final: true,
    });
  });
});

describe('NTLM that finds nothing cached only at the second token', () => {
  it('stops for good, in its words', async () => {
    const port = await gateway((m) => {
      if (m['token'] === null) return challenge;
      return {
        type: 'sso',
        status: 'in_progress',
        session_token: 'S1',
        access_token: 'Q0hBTExFTkdF',
        error: null,
      };
    });
    const closed: string[] = [];
    const nothingCached: SsoTokens = {
      start: () =>
        Promise.resolve({
          method: 'ntlm',
          token: 'TkVHT1RJQVRF',
          next: () => Promise.reject(new SsoUnavailable('no NTLM credentials are cached for "bob"')),
          close: () => closed.push('close'),
        }),
    };
    expect(await new ClientSession(parts(port, nothingCached, [])).run()).toStrictEqual({
      why: 'no NTLM credentials are cached for "bob"',
      final: true,
    });
    expect(closed).toStrictEqual(['close']);
  });
});

describe('tokens made in the user process (DECISIONS 78)', () => {
  it('tries Kerberos first and falls back, joining the reasons when nothing serves', async () => {
    const no = (why: string): SsoTokens => ({ start: () => Promise.reject(new SsoUnavailable(why)) });
    await expect(firstAvailable([no('no ticket'), no('no winbind')]).start('h')).rejects.toThrow(
      'no ticket; no winbind',
    );
    const context = await firstAvailable([no('no ticket'), twoStep([])]).start('h');
    expect(context.method).toBe('ntlm');
  });

  it('reach the daemon through its socket: each ask answered by the newest process of that user', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kordon-relay-'));
    const socket = join(dir, 'daemon.sock');
    const relay = new SsoRelay();
    const daemon = await serve(socket, () => Promise.resolve('plain'), {
      'sso-provider': (uid, req, channel) => {
        relay.register(uid, channel, { user: String(req.args['user']), domain: 'CORP.EXAMPLE' });
      },
    });
    try {
      const uid = process.getuid?.() ?? 0;
      await expect(relay.tokensFor(uid).start('gw')).rejects.toBeInstanceOf(SsoUnavailable);
      const log: string[] = [];
      const channel = await openChannel(socket, { op: 'sso-provider', args: { user: 'alice' } });
      answerTokenAsks(channel, twoStep(log), () => undefined);
      for (let i = 0; i < 100 && !relay.has(uid); i++) await new Promise((r) => setTimeout(r, 10));
      expect(relay.infoOf(uid)).toStrictEqual({ user: 'alice', domain: 'CORP.EXAMPLE' });
      const context = await relay.tokensFor(uid).start('gw.corp.example');
      expect(context).toMatchObject({ method: 'ntlm', token: 'TkVHT1RJQVRF' });
      expect(await context.next('Q0hBTExFTkdF')).toBe('QVVUSEVOVElDQVRF');
      context.close();
      for (let i = 0; i < 100 && !log.includes('close'); i++) await new Promise((r) => setTimeout(r, 10));
      expect(log).toStrictEqual(['start gw.corp.example', 'next Q0hBTExFTkdF', 'close']);
      // The process went away: its tokens are no longer offered.
      channel.close();
      for (let i = 0; i < 100 && relay.has(uid); i++) await new Promise((r) => setTimeout(r, 10));
      expect(relay.has(uid)).toBe(false);
      await expect(relay.tokensFor(uid).start('gw')).rejects.toThrow('kordon agent');
    } finally {
      await new Promise((r) => daemon.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
