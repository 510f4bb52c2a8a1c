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
      if (msg['type'] === 'unauthorize') {
        ws.send(JSON.stringify({ ...loggedOut }));
        return;
      }
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
const loggedOut = {
  type: 'auth_state',
  authorized: false,
  need_tunnel: false,
  timeout: 0,
  message: 'Logged out.',
  welcome_url: '',
  reason: 'logged_out',
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
      server: 'gw.test',
      locate: () => Promise.resolve({ host: '127.0.0.1', port, url: `ws://127.0.0.1:${port}`, tls: {} }),
      password: () => Promise.resolve('pw'),
      login: 'alice',
      identity: { major: 1, minor: 0, build: 0, os: 'linux' },
      keys: () => ({ privateKey: 'x', publicKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }),
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

  it('sends nothing after its first report while the device is unchanged, and the full set when it changes (DECISIONS 11)', async () => {
    const reports: Record<string, unknown>[] = [];
    const port = await gateway((msg, ws) => {
      if (msg['type'] === 'version') return noUpdate;
      if (msg['type'] === 'ztna') {
        reports.push(msg);
        return undefined;
      }
      ws.send(
        JSON.stringify({
          type: 'ztna',
          period: 60,
          test_list: ['processes'],
          kb_list: [],
          proc_list: ['osqueryd'],
          service_list: [],
          reg_key_list: [],
        }),
      );
      return ok;
    });
    let running: string[] = [];
    const t = parts(port, {
      posture: (req) =>
        Promise.resolve({ node_name: 'pc', proc_list: req.proc_list.filter((p) => running.includes(p)) }),
    });
    const session = new ClientSession(t.parts);
    void session.run();
    await until(t.states, 'connected');
    for (let i = 0; i < 100 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await session.checkPosture()).toStrictEqual({
      report: { node_name: 'pc', proc_list: [] },
      sent: false,
    });
    expect(await session.checkPosture()).toMatchObject({ sent: false });
    running = ['osqueryd'];
    expect(await session.checkPosture()).toMatchObject({ sent: true });
    for (let i = 0; i < 100 && reports.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    expect(reports).toStrictEqual([
      { type: 'ztna', node_name: 'pc', proc_list: [] },
      { type: 'ztna', node_name: 'pc', proc_list: ['osqueryd'] },
    ]);
    await session.stop();
  });

  describe('against gateways as PROTOCOL.md allows them (DECISIONS 63)', () => {
    it('announces its extensions in version (DECISIONS 76)', async () => {
      const port = await gateway((msg) => (msg['type'] === 'version' ? noUpdate : ok));
      const t = parts(port);
      const session = new ClientSession(t.parts);
      void session.run();
      await until(t.states, 'connected');
      expect(received[0]).toEqual({
        type: 'version',
        major: 1,
        minor: 0,
        build: 0,
        os: 'linux',
        kordon: { features: ['posture_state'] },
      });
      await session.stop();
    });

    it('ends the attempt with the message of an error reply to authorize, within the deadline', async () => {
      const port = await gateway((msg) =>
        msg['type'] === 'version'
          ? noUpdate
          : { type: 'error', code: 'invalid_field', message: '/login: too long', field: '/login' },
      );
      const t = parts(port, { replyTimeoutMs: 2000 });
      const started = Date.now();
      const end = await new ClientSession(t.parts).run();
      expect(end).toEqual({ why: 'the gateway refused the login: /login: too long', final: true });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(received.filter((m) => m['type'] === 'authorize')).toHaveLength(1);
    });

    it('gives up on a gateway that never answers authorize after the deadline, and tries again later', async () => {
      const port = await gateway((msg) => (msg['type'] === 'version' ? noUpdate : undefined));
      const t = parts(port, { replyTimeoutMs: 300 });
      const session = new ClientSession(t.parts);
      const started = Date.now();
      void session.run();
      const waiting = await until(t.states, 'waiting');
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(waiting).toMatchObject({ why: 'the gateway did not answer the login within 0.3 s' });
      await session.stop();
    });

    it('asks for the password again after a failure without a reason, whatever its timeout', async () => {
      const port = await gateway((msg) => {
        if (msg['type'] === 'version') return noUpdate;
        if (msg['password'] === 'right') return ok;
        // A vendor gateway: no reason, and a timeout of its own.
        return {
          type: 'auth_state',
          authorized: false,
          need_tunnel: false,
          timeout: 1,
          message: 'Неверный логин или пароль',
        };
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
      expect(asked).toEqual([null, 'Неверный логин или пароль']);
      expect(t.sleeps).toEqual([1000]);
      expect(received.filter((m) => m['type'] === 'authorize').map((m) => m['password'])).toEqual([
        'wrong',
        'right',
      ]);
      await session.stop();
    });

    it('stops with the message when nobody can give another password after a failure without reason', async () => {
      const port = await gateway((msg) =>
        msg['type'] === 'version'
          ? noUpdate
          : { type: 'auth_state', authorized: false, need_tunnel: false, timeout: 0, message: 'Denied' },
      );
      const t = parts(port, {
        password: (failed) => Promise.resolve(failed ? undefined : 'pw'),
      });
      expect(await new ClientSession(t.parts).run()).toEqual({ why: 'Denied', final: true });
      expect(received.filter((m) => m['type'] === 'authorize')).toHaveLength(1);
    });

    it('accepts a tunnel_wg without dns_suffix, with an IPv6 network and fields it does not know', async () => {
      const tunnel = {
        type: 'tunnel_wg',
        server_port: 3051,
        public_key: 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=',
        client_tunnel_ipv4: '100.64.0.2/32',
        user_tunnel_ipv4_network: '100.64.0.0/16',
        dns_ipv4: '100.64.0.1',
        forward_nets: ['10.0.0.0/8', '2001:db8::/32'],
        mtu: 1380,
      };
      const port = await gateway((msg) => {
        if (msg['type'] === 'version') return { ...noUpdate, error: null };
        if (msg['type'] === 'authorize') return { ...ok, need_tunnel: true, error: null };
        if (msg['type'] === 'tunnel_wg') return tunnel;
        return undefined;
      });
      const ups: unknown[] = [];
      const t = parts(port, {
        tunnel: {
          up: (reply) => {
            ups.push(reply);
            return Promise.resolve({ address: reply.client_tunnel_ipv4 });
          },
          down: () => Promise.resolve(),
        },
      });
      const session = new ClientSession(t.parts);
      void session.run();
      expect(await until(t.states, 'connected')).toMatchObject({ vpn: true, tunnelAddress: '100.64.0.2/32' });
      const { mtu: _mtu, ...known } = tunnel;
      expect(ups).toEqual([{ ...known, dns_suffix: '' }]);
      await session.stop();
    });

    it('leaves aside message types it does not know', async () => {
      const port = await gateway((msg, ws) => {
        if (msg['type'] === 'version') {
          ws.send(JSON.stringify({ type: 'banner', text: 'hello' }));
          return noUpdate;
        }
        return ok;
      });
      const logs: string[] = [];
      const t = parts(port, { log: (level, message) => logs.push(`${level}: ${message}`) });
      const session = new ClientSession(t.parts);
      void session.run();
      await until(t.states, 'connected');
      expect(
        logs.some((l) =>
          l.startsWith('info: ignored a message from the gateway: unknown message type "banner"'),
        ),
      ).toBe(true);
      await session.stop();
    });

    it('shows a welcome_url and completes the login when the gateway next says so', async () => {
      const port = await gateway((msg, ws) => {
        if (msg['type'] === 'version') return noUpdate;
        if (msg['type'] !== 'authorize') return undefined;
        setTimeout(() => ws.send(JSON.stringify(ok)), 300);
        return {
          type: 'auth_state',
          authorized: false,
          need_tunnel: false,
          timeout: 0,
          message: 'Confirm the login in your browser',
          welcome_url: 'https://gw.corp.example/2fa/abc',
        };
      });
      const asked: unknown[] = [];
      const t = parts(port, {
        password: (failed) => {
          asked.push(failed);
          return Promise.resolve('pw');
        },
      });
      const session = new ClientSession(t.parts);
      void session.run();
      expect(await until(t.states, 'second_factor')).toMatchObject({
        url: 'https://gw.corp.example/2fa/abc',
      });
      expect(await until(t.states, 'connected')).toMatchObject({ user: 'alice' });
      expect(asked).toEqual([null]);
      expect(received.filter((m) => m['type'] === 'authorize')).toHaveLength(1);
      await session.stop();
    });

    it('stops when the second factor is not completed in time', async () => {
      const port = await gateway((msg) =>
        msg['type'] === 'version'
          ? noUpdate
          : {
              type: 'auth_state',
              authorized: false,
              need_tunnel: false,
              timeout: 0,
              message: 'Confirm the login in your browser',
              welcome_url: 'https://gw.corp.example/2fa/abc',
            },
      );
      const t = parts(port, { secondFactorTimeoutMs: 200 });
      const end = await new ClientSession(t.parts).run();
      expect(end.final).toBe(true);
      expect(end.why).toContain('the second factor was not completed');
      expect(end.why).toContain('https://gw.corp.example/2fa/abc');
    });

    it('retries pool_exhausted after the tunnel request with the password it has, after at least 5 s', async () => {
      let tunnels = 0;
      const port = await gateway((msg) => {
        if (msg['type'] === 'version') return noUpdate;
        if (msg['type'] === 'authorize') return { ...ok, need_tunnel: true };
        if (msg['type'] !== 'tunnel_wg') return undefined;
        tunnels++;
        if (tunnels === 1)
          return {
            type: 'auth_state',
            authorized: false,
            need_tunnel: false,
            timeout: 0,
            message: 'No tunnel address is free.',
            welcome_url: '',
            reason: 'pool_exhausted',
          };
        return {
          type: 'tunnel_wg',
          server_port: 3051,
          public_key: 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=',
          client_tunnel_ipv4: '100.64.0.2/32',
          user_tunnel_ipv4_network: '100.64.0.0/16',
          dns_ipv4: '100.64.0.1',
          forward_nets: [],
          dns_suffix: '',
        };
      });
      const asked: unknown[] = [];
      const t = parts(port, {
        password: (failed) => {
          asked.push(failed);
          return Promise.resolve('pw');
        },
      });
      const session = new ClientSession(t.parts);
      void session.run();
      await until(t.states, 'connected');
      expect(received.map((m) => m['type'])).toEqual([
        'version',
        'authorize',
        'tunnel_wg',
        'authorize',
        'tunnel_wg',
      ]);
      expect(asked).toEqual([null]);
      expect(t.sleeps[0]).toBeGreaterThanOrEqual(5000);
      await session.stop();
    });

    it('stops at key_in_use (DECISIONS 64)', async () => {
      const port = await gateway((msg) => {
        if (msg['type'] === 'version') return noUpdate;
        if (msg['type'] === 'authorize') return { ...ok, need_tunnel: true };
        return {
          type: 'auth_state',
          authorized: false,
          need_tunnel: false,
          timeout: 0,
          message: 'This WireGuard key belongs to another account.',
          welcome_url: '',
          reason: 'key_in_use',
        };
      });
      const end = await new ClientSession(parts(port).parts).run();
      expect(end).toEqual({ why: 'This WireGuard key belongs to another account.', final: true });
    });

    it('reconnects at once after 4008 and logs in with the password it has', async () => {
      let connections = 0;
      const port = await gateway((msg, ws) => {
        if (msg['type'] === 'version') {
          connections++;
          if (connections === 1) setTimeout(() => ws.close(4008, 'authorize timeout'), 20);
          return noUpdate;
        }
        return ok;
      });
      const t = parts(port, {
        // The user is slow to type: the gateway's deadline passes first.
        password: () => new Promise((r) => setTimeout(() => r('pw'), 100)),
      });
      const session = new ClientSession(t.parts);
      void session.run();
      await until(t.states, 'connected');
      expect(connections).toBe(2);
      expect(t.sleeps).toEqual([]);
      expect(t.states.some((s) => s.state === 'waiting')).toBe(false);
      await session.stop();
    });

    it('reports the posture verdict the gateway sends (DECISIONS 76)', async () => {
      const verdict = {
        type: 'posture_state',
        profiles: [],
        limited: true,
        message: 'antivirus signatures are too old',
        checks: [{ object: 'Antivirus', criterion: 'av_update', passed: false, why: '12 days; at most 7' }],
      };
      const port = await gateway((msg, ws) => {
        if (msg['type'] === 'version') return noUpdate;
        setTimeout(() => ws.send(JSON.stringify(verdict)), 20);
        return ok;
      });
      const seen: unknown[] = [];
      const t = parts(port, { onPostureState: (m) => seen.push(m) });
      const session = new ClientSession(t.parts);
      void session.run();
      await until(t.states, 'connected');
      for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toEqual([verdict]);
      await session.stop();
    });
  });

  describe('the device session (Device VPN, DECISIONS 64, 77)', () => {
    const device = { name: () => 'ws-042.corp.test', firstRetryMs: 1000 };
    const refusedCertificate = {
      type: 'auth_state',
      authorized: false,
      need_tunnel: false,
      timeout: 0,
      message: 'certificate expired',
      welcome_url: '',
      reason: 'certificate',
    };

    it('logs in with authorize_device, never asks for a password, and is connected as its name', async () => {
      const port = await gateway((msg) => (msg['type'] === 'version' ? noUpdate : ok));
      let asked = 0;
      const t = parts(port, {
        device,
        password: () => {
          asked++;
          return Promise.resolve('pw');
        },
      });
      const session = new ClientSession(t.parts);
      void session.run();
      expect(await until(t.states, 'connected')).toMatchObject({ user: 'ws-042.corp.test' });
      expect(received.map((m) => m['type'])).toEqual(['version', 'authorize_device']);
      expect(received[1]).toEqual({ type: 'authorize_device' });
      expect(asked).toBe(0);
      await session.stop();
      expect(received.at(-1)).toEqual({ type: 'unauthorize' });
    });

    it('retries a refused certificate with back-off, and says why each time', async () => {
      let attempts = 0;
      const port = await gateway((msg) => {
        if (msg['type'] === 'version') return noUpdate;
        attempts++;
        return attempts < 4 ? refusedCertificate : ok;
      });
      const logs: string[] = [];
      const t = parts(port, { device, log: (_level, message) => logs.push(message) });
      const session = new ClientSession(t.parts);
      void session.run();
      await until(t.states, 'connected');
      expect(t.sleeps).toHaveLength(3);
      const [a = 0, b = 0, c = 0] = t.sleeps;
      expect([a >= 700 && a <= 1000, b >= 1400 && b <= 2000, c >= 2800 && c <= 4000]).toEqual([
        true,
        true,
        true,
      ]);
      const why = "the gateway refused this device's certificate: certificate expired";
      expect(logs.filter((l) => l === `connection failed: ${why}`)).toHaveLength(3);
      expect(t.states.find((s) => s.state === 'waiting')).toMatchObject({ why });
      expect(t.states.some((s) => s.state === 'stopped')).toBe(false);
      await session.stop();
    });

    it('retries after the closes that stop a user, and after an error reply, without a resume', async () => {
      let connections = 0;
      const port = await gateway((msg, ws) => {
        if (msg['type'] === 'version') {
          connections++;
          return noUpdate;
        }
        if (connections === 1) {
          setTimeout(() => ws.close(4002, 'ended by an administrator'), 20);
          return ok;
        }
        if (connections === 2)
          return { type: 'error', code: 'unknown_type', message: 'unknown message type "authorize_device"' };
        return ok;
      });
      const t = parts(port, { device });
      const session = new ClientSession(t.parts);
      void session.run();
      for (let i = 0; i < 300 && t.states.filter((s) => s.state === 'connected').length < 2; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(received.map((m) => m['type'])).toEqual([
        'version',
        'authorize_device',
        'version',
        'authorize_device',
        'version',
        'authorize_device',
      ]);
      expect(t.states.flatMap((s) => (s.state === 'waiting' ? [s.why] : []))).toEqual([
        'an administrator ended this session',
        'the gateway refused the device login: unknown message type "authorize_device"',
      ]);
      await session.stop();
    });

    it('ends only when stopped, even in the middle of a long wait to retry', async () => {
      const port = await gateway((msg) => (msg['type'] === 'version' ? noUpdate : refusedCertificate));
      // The engine's own sleep, a minute long: stop() must cut it short.
      const { sleep: _sleep, ...real } = parts(port, { device: { ...device, firstRetryMs: 60_000 } }).parts;
      const states: SessionState[] = [];
      const session = new ClientSession({ ...real, onState: (s) => states.push(s) });
      const ended = session.run();
      await until(states, 'waiting');
      const started = Date.now();
      await session.stop();
      expect(await ended).toEqual({ why: 'disconnected', final: true });
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });
});
