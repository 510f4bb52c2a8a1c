// DECISIONS 71: the gateway with `--workers 4`, as a service manager runs it (the built CLI): rules that
// span sessions hold across workers, changes reach every worker, a worker's death loses no session.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { TestClient } from '../support/client.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { httpsRequest } from '../support/https.js';

let dir: string;
let gateway: GatewayProcess;
let clientPort = 0;
let adminPort = 0;
let ca = '';
let token = '';

interface SessionItem {
  id: string;
  account: string;
  worker: string | null;
  source_address: string;
}

async function sessionsOf(account: string): Promise<SessionItem[]> {
  const response = await httpsRequest(adminPort, '/api/v1/sessions', ca, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  const body = JSON.parse(response.text) as { items: SessionItem[] };
  return body.items.filter((s) => s.account === account);
}

/**
 * Waits until the process has exited (a zombie or gone): only then has the kernel closed its listening
 * socket. Until that moment a connection the kernel hands to the dying worker's socket is reset, as the
 * real client's back-off would absorb (DECISIONS 28).
 */
async function exited(pid: number): Promise<void> {
  const deadline = performance.now() + 5000;
  for (;;) {
    let state: string;
    try {
      state = readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /s, '')
        .charAt(0);
    } catch {
      return;
    }
    if (state === 'Z' || state === 'X') return;
    if (performance.now() > deadline) throw new Error(`process ${pid} still ${state} after 5 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function addUser(name: string): Promise<void> {
  const run = await cli(['user', 'add', name, '--password-stdin', '--data-dir', dir], `${name}-pw\n`);
  expect(run.code, run.stderr).toBe(0);
}

async function login(account: string, address: string): Promise<{ client: TestClient; ticket: string }> {
  const client = await TestClient.connect(clientPort, ca, { localAddress: address });
  const reply = await client.login(account, `${account}-pw`);
  expect(reply, address).toMatchObject({ authorized: true });
  return { client, ticket: reply['resume_ticket'] as string };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kordon-workers-'));
  const made = await cli([
    'token',
    'create',
    '--name',
    'test',
    '--role',
    'admin',
    '--json',
    '--data-dir',
    dir,
  ]);
  token = (JSON.parse(made.stdout) as { token: string }).token;
  gateway = await startGatewayProcess(dir, ['--workers', '4', '--reconnect-grace', '60']);
  ({ clientPort, adminPort, ca } = gateway);
}, 60_000);

afterAll(async () => {
  await gateway.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('--workers 4 (DECISIONS 71)', () => {
  it('starts four workers on one port', () => {
    expect([...gateway.workerPids.keys()].sort()).toStrictEqual([1, 2, 3, 4]);
  });

  it('six concurrent logins of one account, spread over the workers, leave exactly five sessions (20 times)', async () => {
    await addUser('alice');
    const workersSeen = new Set<string>();
    const open: TestClient[] = [];
    for (let round = 0; round < 20; round++) {
      const addresses = [1, 2, 3, 4, 5, 6].map((i) => `127.0.${40 + round}.${i}`);
      const logins = await Promise.all(addresses.map((address) => login('alice', address)));
      open.push(...logins.map((l) => l.client));
      const sessions = await sessionsOf('alice');
      expect(sessions, `round ${round}`).toHaveLength(5);
      for (const s of sessions) workersSeen.add(s.worker ?? 'none');
    }
    // The kernel spread the connections: more than one worker held sessions.
    expect(workersSeen.size).toBeGreaterThan(1);
    expect(workersSeen.has('none')).toBe(false);
    for (const c of open) c.close();
  });

  it('the back-off is one for all workers: of ten parallel guesses only five are checked (DECISIONS 47, 68)', async () => {
    const clients = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        TestClient.connect(clientPort, ca, { localAddress: `127.0.75.${i + 1}` }),
      ),
    );
    for (const c of clients) await c.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
    const replies = await Promise.all(
      clients.map((c, i) => c.request({ type: 'authorize', login: 'target', password: `guess-${i}` })),
    );
    const reasons = replies.map((r) => r['reason']);
    expect(reasons.filter((r) => r === 'credentials')).toHaveLength(5);
    expect(reasons.filter((r) => r === 'throttled')).toHaveLength(5);
    for (const c of clients) c.close();
  });

  for (const [command, account, subnet] of [
    ['remove', 'bob', 70],
    ['disable', 'bea', 71],
  ] as const) {
    it(`the CLI's user ${command} ends the account's sessions on every worker within a second`, async () => {
      await addUser(account);
      const loginAll = () => Promise.all([1, 2, 3, 4, 5].map((i) => login(account, `127.0.${subnet}.${i}`)));
      const holders = async () => new Set((await sessionsOf(account)).map((s) => s.worker));
      let logins = await loginAll();
      // The kernel spreads connections by a hash of addresses and ports, so now and then all five land
      // on one worker: logging in again (new ports) replaces them until two workers hold some.
      for (let i = 0; i < 5 && (await holders()).size < 2; i++) logins = await loginAll();
      expect((await holders()).size).toBeGreaterThan(1);
      const run = await cli(['user', command, account, '--data-dir', dir]);
      expect(run.code, run.stderr).toBe(0);
      const doneAt = performance.now();
      const codes = await Promise.all(logins.map((l) => l.client.closed.then((c) => c.code)));
      expect(performance.now() - doneAt).toBeLessThan(1000);
      expect(codes).toStrictEqual([4002, 4002, 4002, 4002, 4002]);
      expect(await sessionsOf(account)).toStrictEqual([]);
    });
  }

  it('/metrics covers every worker', async () => {
    const response = await httpsRequest(adminPort, '/metrics', ca, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const total = /^kordon_client_connections_total (\d+)/m.exec(response.text)?.[1];
    // 120 + 10 + 10 connections so far, spread over four workers: only the sum of all of them reaches it.
    expect(Number(total)).toBeGreaterThanOrEqual(140);
  });
  it('a worker killed with SIGKILL loses no session: its clients resume on the workers that remain', async () => {
    await addUser('carol');
    const logins = await Promise.all([1, 2, 3, 4, 5].map((i) => login('carol', `127.0.80.${i}`)));
    const before = await sessionsOf('carol');
    const victim = Number(before[0]?.worker);
    const pid = gateway.workerPids.get(victim);
    expect(pid).toBeDefined();
    const onVictim = before.filter((s) => s.worker === String(victim)).map((s) => s.source_address);
    process.kill(pid ?? 0, 'SIGKILL');
    // Its clients lose their connections; the others keep theirs.
    for (const [i, l] of logins.entries()) {
      if (onVictim.includes(`127.0.80.${i + 1}`)) expect((await l.client.closed).code).toBe(1006);
    }
    await exited(pid ?? 0);
    // They come back with their tickets, on whichever worker the kernel picks.
    for (const [i, l] of logins.entries()) {
      const address = `127.0.80.${i + 1}`;
      if (!onVictim.includes(address)) continue;
      const back = await TestClient.connect(clientPort, ca, { localAddress: address });
      await back.request({ type: 'version', major: 1, minor: 0, build: 0, os: 'linux' });
      expect(await back.request({ type: 'resume', ticket: l.ticket })).toMatchObject({ authorized: true });
      logins[i] = { client: back, ticket: l.ticket };
    }
    const after = await sessionsOf('carol');
    expect(after.map((s) => s.id).sort()).toStrictEqual(before.map((s) => s.id).sort());
    expect(after.every((s) => s.worker !== null)).toBe(true);
    for (const l of logins) l.client.close();
  });

  it('when the owner dies, every worker exits (the service manager restarts the gateway)', async () => {
    const pids = [...gateway.workerPids.values()];
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    gateway.child.kill('SIGKILL');
    const deadline = performance.now() + 5000;
    while (performance.now() < deadline && pids.some(alive)) await new Promise((r) => setTimeout(r, 50));
    expect(pids.filter(alive)).toStrictEqual([]);
  });
});
