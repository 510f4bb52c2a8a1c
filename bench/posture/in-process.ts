// S6 without the wire, to tell the protocol's share from the evaluation's and the store's:
// - the core alone: canonicalReport and evaluatePosture over the same reports the clients send;
// - the gateway's PostureService (packages/gateway/dist/endpoint/posture.js) over a SQLite store of
//   its own in a temporary folder, with as many sessions as the wire run, each reporting in a loop
//   as a client does: read the session, evaluate, record, build and encode its `posture_state`.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import {
  canonicalReport,
  evaluatePosture,
  type AccessRule,
  type PostureObject,
  type PostureProfile,
  type Session,
} from '@kordon/core';
import { createLogger } from '@kordon/drivers';
import type { ZtnaReport } from '@kordon/protocol';
import { systemClock } from '../../packages/gateway/dist/clock.js';
import { PostureService, type PostureConnection } from '../../packages/gateway/dist/endpoint/posture.js';
import { openSqliteStore } from '../../packages/gateway/dist/store/index.js';
import { postureReport } from './workload.ts';

export interface Policy {
  objects: PostureObject[];
  profiles: PostureProfile[];
  rules: AccessRule[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Reports of `devices` devices, one cycle of steps each, as the clients send them (parsed). */
function reportsOf(devices: number, flipEvery: number): ZtnaReport[] {
  const steps = Math.max(10, flipEvery);
  return Array.from({ length: devices * steps }, (_, i) =>
    postureReport(Math.floor(i / steps), i % steps, flipEvery),
  );
}

/** Reports evaluated per second by the core alone, in one thread, over `ms` after a warm-up. */
export function evaluationRate(policy: Policy, flipEvery: number, ms: number): number {
  const reports = reportsOf(100, flipEvery);
  const reportedAt = new Date();
  let i = 0;
  const evaluate = (): void => {
    const report = reports[i % reports.length] as ZtnaReport;
    i += 1;
    evaluatePosture(canonicalReport(report), policy.objects, policy.profiles, {
      reportedAt,
      now: new Date(),
    });
  };
  for (let warm = 0; warm < 20_000; warm += 1) evaluate();
  let done = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    for (let k = 0; k < 1000; k += 1) evaluate();
    done += 1000;
  }
  return done / ((performance.now() - started) / 1000);
}

/** Reports evaluated and recorded per second by the PostureService over SQLite, `sessions` in a loop. */
export async function serviceRate(
  policy: Policy,
  options: { sessions: number; flipEvery: number; warmupMs: number; windowMs: number },
): Promise<{
  perSecond: number;
  cpuUsPerReport: number;
  /** One `setPosture` of a stored evaluation, alone in its transaction and 50 to a transaction, µs. */
  writeUs: number;
  batchedWriteUs: number;
  recorded: boolean;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'kordon-bench-s6-store-'));
  const store = await openSqliteStore({ file: join(dir, 'kordon.db') });
  // The lines the service writes on a change are made as the gateway makes them, then dropped.
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const logger = createLogger({ level: 'info', format: 'json', destination: discard });
  const service = new PostureService({
    store,
    clock: systemClock,
    logger,
    grant: () => Promise.resolve(true),
  });
  try {
    for (const object of policy.objects) await store.posture.createObject(object);
    for (const profile of policy.profiles) await store.posture.createProfile(profile);
    for (const rule of policy.rules) await store.accessRules.create(rule);
    const features = new Set(['posture_state']);
    const now = new Date();
    const sessions: Session[] = [];
    for (let i = 0; i < options.sessions; i += 1) {
      const address = `127.3.${Math.floor(i / 256)}.${i % 256}`;
      const session: Session = {
        id: randomUUID(),
        account: `bench${i}`,
        method: 'password',
        sourceAddress: address,
        vpn: false,
        tunnelIpv4: null,
        device: address,
        state: 'active',
        since: now,
        node: 'bench',
        holder: 'bench/0',
        graceUntil: null,
        resumeNonceHash: null,
        previousNonceHash: null,
        rotatedAt: null,
        posture: null,
      };
      await store.sessions.insert(session);
      sessions.push(session);
    }
    let sending = true;
    let counting = false;
    let inWindow = 0;
    const loops = sessions.map(async (session, device) => {
      const reports = Array.from({ length: 10 }, (_, step) => postureReport(device, step, options.flipEvery));
      const conn: PostureConnection = {
        sessionId: session.id,
        features,
        // The service hands over each message encoded; the socket write is the wire's, not measured here.
        sendPosture: () => undefined,
      };
      await service.authorized(conn, session);
      for (let step = 0; sending; step += 1) {
        // Each report comes as an event of its own, as from a socket: timers run between them.
        await new Promise((resolve) => setImmediate(resolve));
        await service.report(conn, reports[step % reports.length] as ZtnaReport);
        if (counting) inWindow += 1;
      }
    });
    await sleep(options.warmupMs);
    counting = true;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await sleep(options.windowMs);
    counting = false;
    const { user, system } = process.cpuUsage(cpu);
    const elapsed = performance.now() - started;
    sending = false;
    await Promise.all(loops);
    const stored = await store.sessions.get((sessions[0] as Session).id);
    const posture = stored?.posture;
    if (!posture) throw new Error('the PostureService stored no evaluation');
    // The store's share: the same write, without the evaluation around it.
    const writes = 5000;
    let at = performance.now();
    for (let i = 0; i < writes; i += 1) {
      await store.sessions.setPosture((sessions[i % sessions.length] as Session).id, posture);
    }
    const writeUs = ((performance.now() - at) * 1000) / writes;
    at = performance.now();
    for (let i = 0; i < writes; i += 50) {
      await store.transaction(async (tx) => {
        for (let k = i; k < i + 50; k += 1) {
          await tx.sessions.setPosture((sessions[k % sessions.length] as Session).id, posture);
        }
      });
    }
    return {
      perSecond: inWindow / (elapsed / 1000),
      cpuUsPerReport: (user + system) / Math.max(1, inWindow),
      writeUs,
      batchedWriteUs: ((performance.now() - at) * 1000) / writes,
      recorded: posture.reportedAt instanceof Date,
    };
  } finally {
    service.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
