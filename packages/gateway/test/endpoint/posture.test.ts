// The posture exchange through the real endpoint (docs/posture.md): the request after the auth_state
// that authorizes (DECISIONS 11, 32), each report evaluated and stored with the session, posture_state
// only for clients that announced it (DECISIONS 76), and re-evaluation after a change (DECISIONS 67).
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessRule, PostureObject, PostureProfile, Session } from '@kordon/core';
import { PostureService } from '../../src/endpoint/posture.js';
import { TestClient } from '../support/client.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
  for (const name of ['pia', 'pete', 'paula', 'pavel']) await gw.addUser(name, `${name}-password`);
});

afterAll(async () => {
  await gw.dispose();
});

const kordonVersion = {
  type: 'version',
  major: 1,
  minor: 0,
  build: 0,
  os: 'linux',
  kordon: { features: ['posture_state'] },
};
const vendorVersion = { type: 'version', major: 1, minor: 0, build: 0, os: 'linux' };

/** What an administrator's change writes: the rows and the change record, in one transaction. */
async function changePosture(work: (tx: TestGateway['store']) => Promise<void>): Promise<void> {
  await gw.store.transaction(async (tx) => {
    await work(tx);
    await tx.changes.append({ kind: 'posture' }, new Date());
  });
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The account's newest session (earlier ones of the suite may wait out their grace). */
async function sessionOf(account: string): Promise<Session | undefined> {
  return (await gw.store.sessions.listByAccount(account)).at(-1);
}

/** Messages until one of `type` comes; the others are returned too, in order. */
async function nextOfType(c: TestClient, type: string, ms = 5000): Promise<Record<string, unknown>> {
  for (;;) {
    const m = await c.next(ms);
    if (m['type'] === type) return m;
  }
}

async function login(
  account: string,
  address: string,
  version: Record<string, unknown> = kordonVersion,
): Promise<TestClient> {
  const c = await TestClient.connect(gw.port, gw.ca, { localAddress: address });
  await c.request(version);
  expect(
    await c.request({ type: 'authorize', login: account, password: `${account}-password` }),
  ).toMatchObject({
    type: 'auth_state',
    authorized: true,
  });
  return c;
}

const tools: PostureObject = {
  id: randomUUID(),
  name: 'Tools',
  criteria: [{ check: 'processes', operator: 'contains', values: ['osqueryd'] }],
};
const compliant: PostureProfile = { id: randomUUID(), name: 'Compliant', expression: { object: tools.id } };

const linuxReport = (processes: string[]): Record<string, unknown> => ({
  type: 'ztna',
  node_name: 'ws-1',
  operation_system: { type: 'Linux', version: '', domain: '' },
  proc_list: processes,
});

describe('the posture exchange', () => {
  it('sends no ztna request while nothing is checked (DECISIONS 32)', async () => {
    const c = await login('pia', '127.0.71.1');
    await expect(c.next(1500)).rejects.toThrow(/no message/);
    expect((await sessionOf('pia'))?.posture).toBeNull();
    c.close();
  });

  it('asks right after the authorizing auth_state, evaluates each report, and tells a Kordon client', async () => {
    await changePosture(async (tx) => {
      await tx.posture.createObject(tools);
      await tx.posture.createProfile(compliant);
    });
    const c = await login('pete', '127.0.71.2');
    expect(await c.next()).toStrictEqual({
      type: 'ztna',
      period: 60,
      test_list: ['os_type', 'processes'],
      kb_list: [],
      proc_list: ['osqueryd'],
      service_list: [],
      reg_key_list: [],
    });

    c.send(linuxReport(['sshd']));
    const without = await nextOfType(c, 'posture_state');
    expect(without).toMatchObject({
      profiles: ['device without profile'],
      limited: false,
      checks: [{ object: 'Tools', criterion: 'processes', passed: false }],
    });
    expect(String((without['checks'] as { why: string }[])[0]?.why)).toContain('osqueryd');
    const stored = await sessionOf('pete');
    expect(stored?.posture).toMatchObject({
      profileIds: [],
      profiles: ['device without profile'],
      changes: 0,
    });

    c.send(linuxReport(['osqueryd', 'sshd']));
    expect(await nextOfType(c, 'posture_state')).toMatchObject({ profiles: ['Compliant'], limited: false });
    const after = await until(
      () => sessionOf('pete'),
      (s) => s?.posture?.changes === 1,
      'the change to be stored',
    );
    expect(after?.posture).toMatchObject({ profileIds: [compliant.id], profiles: ['Compliant'], note: null });
    expect(after?.posture?.report).toMatchObject({ proc_list: ['osqueryd', 'sshd'] });
    const events = await gw.store.events.list(20);
    expect(events.find((e) => e.kind === 'session_posture' && e.account === 'pete')?.detail).toBe(
      'posture profiles: Compliant (was: device without profile)',
    );

    // The same report again: evaluated, nothing new to tell.
    c.send(linuxReport(['sshd', 'osqueryd']));
    await expect(nextOfType(c, 'posture_state', 1000)).rejects.toThrow(/no message/);
    c.close();
  });

  it('a vendor client gets the request but never posture_state', async () => {
    const c = await login('paula', '127.0.71.3', vendorVersion);
    expect(await c.next()).toMatchObject({ type: 'ztna', proc_list: ['osqueryd'] });
    c.send(linuxReport(['osqueryd']));
    await until(
      () => sessionOf('paula'),
      (s) => s?.posture?.profiles[0] === 'Compliant',
      'the evaluation',
    );
    await expect(c.next(800)).rejects.toThrow(/no message/);
    c.close();
  });

  it('a changed object re-evaluates live sessions within a second and asks again for the new checks', async () => {
    const c = await login('pavel', '127.0.71.4');
    await c.next();
    c.send(linuxReport(['osqueryd']));
    expect(await nextOfType(c, 'posture_state')).toMatchObject({ profiles: ['Compliant'] });
    const changedAt = Date.now();
    await changePosture(async (tx) => {
      await tx.posture.updateObject({
        ...tools,
        criteria: [{ check: 'processes', operator: 'contains', values: ['osqueryd', 'clamd'] }],
      });
    });
    // The last report lacks clamd: no profile now, and the new request names it.
    const messages = [await c.next(), await c.next()];
    expect(Date.now() - changedAt).toBeLessThan(1500);
    expect(messages).toContainEqual(
      expect.objectContaining({ type: 'ztna', proc_list: ['clamd', 'osqueryd'] }),
    );
    expect(messages).toContainEqual(
      expect.objectContaining({ type: 'posture_state', profiles: ['device without profile'] }),
    );
    c.close();
  });

  it('access rules: a client is told at once that its access is now limited, and why', async () => {
    const c = await login('paula', '127.0.71.6');
    await c.next();
    c.send(linuxReport(['sshd']));
    expect(await nextOfType(c, 'posture_state')).toMatchObject({ limited: false });
    const rules: AccessRule[] = [
      {
        id: randomUUID(),
        position: 10,
        action: 'allow',
        profiles: [compliant.id],
        to: ['0.0.0.0/0'],
        createdAt: new Date(),
      },
      {
        id: randomUUID(),
        position: 20,
        action: 'allow',
        profiles: ['device without profile'],
        to: ['198.18.4.0/24'],
        createdAt: new Date(),
      },
    ];
    await gw.store.transaction(async (tx) => {
      for (const rule of rules) await tx.accessRules.create(rule);
      await tx.changes.append({ kind: 'access_rules' }, new Date());
    });
    const told = await nextOfType(c, 'posture_state');
    expect(told).toMatchObject({ profiles: ['device without profile'], limited: true });
    expect(told['message']).toMatch(
      /^Access is limited to 198\.18\.4\.0\/24 \(device posture profile: device without profile\)\. Tools: /,
    );
    const listed = await until(
      () => sessionOf('paula'),
      (s) => s?.posture?.profiles[0] === 'device without profile',
      'the stored evaluation',
    );
    expect(listed?.posture?.checks[0]?.passed).toBe(false);
    await gw.store.transaction(async (tx) => {
      for (const rule of rules) await tx.accessRules.remove(rule.id);
      await tx.changes.append({ kind: 'access_rules' }, new Date());
    });
    expect(await nextOfType(c, 'posture_state')).toMatchObject({ limited: false });
    c.close();
  });

  it('a resume is asked again, and is told the evaluation it kept until the next report', async () => {
    const c = await TestClient.connect(gw.port, gw.ca, { localAddress: '127.0.71.5' });
    await c.request(kordonVersion);
    const reply = await c.request({ type: 'authorize', login: 'pia', password: 'pia-password' });
    const ticket = reply['resume_ticket'];
    expect(typeof ticket).toBe('string');
    await nextOfType(c, 'ztna');
    c.send(linuxReport(['osqueryd', 'clamd']));
    expect(await nextOfType(c, 'posture_state')).toMatchObject({ profiles: ['Compliant'] });
    c.ws.terminate();
    await c.closed;

    const back = await TestClient.connect(gw.port, gw.ca, { localAddress: '127.0.71.5' });
    await back.request(kordonVersion);
    expect(await back.request({ type: 'resume', ticket })).toMatchObject({ authorized: true });
    const next = [await back.next(), await back.next()];
    expect(next).toContainEqual(expect.objectContaining({ type: 'ztna' }));
    expect(next).toContainEqual(expect.objectContaining({ type: 'posture_state', profiles: ['Compliant'] }));
    back.close();
  });
});

/** A stored session of its own for a PostureService driven by the test, and a connection holding it. */
async function heldSession(
  account: string,
  address: string,
): Promise<{
  session: Session;
  sent: Record<string, unknown>[];
  conn: { sessionId: string | null; features: Set<string>; sendPosture: (encoded: string) => void };
}> {
  const session: Session = {
    id: randomUUID(),
    account,
    method: 'password',
    sourceAddress: address,
    vpn: false,
    tunnelIpv4: null,
    device: address,
    state: 'active',
    since: new Date(),
    node: 'test-node',
    holder: 'test-node/elsewhere',
    graceUntil: null,
    resumeNonceHash: null,
    previousNonceHash: null,
    rotatedAt: null,
    posture: null,
  };
  await gw.store.sessions.insert(session);
  const sent: Record<string, unknown>[] = [];
  const conn = {
    sessionId: session.id as string | null,
    features: new Set(['posture_state']),
    sendPosture: (encoded: string) => void sent.push(JSON.parse(encoded) as Record<string, unknown>),
  };
  return { session, sent, conn };
}

describe('the posture timers (one PostureService, its clock in the test’s hands)', () => {
  it('re-checks on its timer, asks again after the silent periods, and an unanswered request leaves no profile', async () => {
    let now = 0;
    const granted: Session[] = [];
    const service = new PostureService({
      store: gw.store,
      clock: { now: () => new Date(), monotonicMs: () => now },
      logger: pino({ level: 'silent' }),
      grant: (s) => {
        granted.push(s);
        return Promise.resolve(true);
      },
      sweepMs: 3_600_000,
    });
    const { session, sent, conn } = await heldSession('timer', '127.0.72.1');
    const requests = (): number => sent.filter((m) => m['type'] === 'ztna').length;
    const stored = async (): Promise<Session['posture']> =>
      (await gw.store.sessions.get(session.id))?.posture ?? null;
    try {
      await service.authorized(conn, session);
      expect(requests()).toBe(1);
      await service.report(conn, linuxReport(['osqueryd', 'clamd']) as never);
      expect(granted.at(-1)?.posture?.profiles).toEqual(['Compliant']);

      // The re-check timer (15 minutes): the last report judged again, nothing asked.
      const firstCheck = (await stored())?.checkedAt.getTime() ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 5));
      now += 15 * 60_000;
      await service.sweep();
      expect((await stored())?.checkedAt.getTime()).toBeGreaterThan(firstCheck);
      expect(requests()).toBe(1);

      // Three silent periods of 60 minutes after the report: asked again, once.
      now = 3 * 3_600_000 - 1;
      await service.sweep();
      expect(requests()).toBe(1);
      now += 1;
      await service.sweep();
      expect(requests()).toBe(2);
      now += 59_999;
      await service.sweep();
      expect((await stored())?.profiles).toEqual(['Compliant']);
      // No answer within 60 s: "device without profile", said so, and enforced.
      now += 1;
      await service.sweep();
      expect(await stored()).toMatchObject({
        profileIds: [],
        profiles: ['device without profile'],
        report: null,
        changes: 1,
        note: 'the device did not answer the gateway’s posture request within 60 s',
      });
      expect(granted.at(-1)?.posture?.profileIds).toEqual([]);
      expect(sent.at(-1)).toMatchObject({ type: 'posture_state', profiles: ['device without profile'] });
      expect(String(sent.at(-1)?.['message'])).toContain('did not answer');
      await service.report(conn, linuxReport(['osqueryd', 'clamd']) as never);
      expect(await stored()).toMatchObject({ profiles: ['Compliant'], changes: 2, note: null });
    } finally {
      service.stop();
      await gw.store.sessions.remove(session.id);
    }
  });

  it('a closed connection leaves the exchange; the other connections keep theirs', async () => {
    let now = 0;
    const service = new PostureService({
      store: gw.store,
      clock: { now: () => new Date(), monotonicMs: () => now },
      logger: pino({ level: 'silent' }),
      grant: () => Promise.resolve(true),
      sweepMs: 3_600_000,
    });
    const closing = await heldSession('closing', '127.0.72.2');
    const staying = await heldSession('staying', '127.0.72.3');
    const requests = (sent: Record<string, unknown>[]): number =>
      sent.filter((m) => m['type'] === 'ztna').length;
    try {
      await service.authorized(closing.conn, closing.session);
      await service.authorized(staying.conn, staying.session);
      await service.report(closing.conn, linuxReport(['osqueryd', 'clamd']) as never);
      await service.report(staying.conn, linuxReport(['osqueryd', 'clamd']) as never);
      // A connection that never held this session closing changes nothing.
      service.connectionClosed({ ...closing.conn, sendPosture: () => undefined });
      service.connectionClosed(closing.conn);
      // Past three silent periods of 60 minutes: only the connection still open is asked again.
      now = 3 * 3_600_000;
      await service.sweep();
      expect(requests(closing.sent)).toBe(1);
      expect(requests(staying.sent)).toBe(2);
    } finally {
      service.stop();
      await gw.store.sessions.remove(closing.session.id);
      await gw.store.sessions.remove(staying.session.id);
    }
  });
});
