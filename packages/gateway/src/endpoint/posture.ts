// The posture exchange on the gateway (PROTOCOL.md "ZTNA", DECISIONS 11, 32, 67, 76; docs/posture.md):
// the `ztna` request after every authorizing `auth_state`, each report evaluated by the core into the
// session's profiles and stored with the session, the kernel's profile sets following the result, and
// `posture_state` for clients that asked for it. Re-checks run on a one-second sweep of this process's
// connections: the re-evaluation timer, the request after silent periods, and the 60 s answer deadline.
// What a connection was asked and when is this process's own business (it holds the connection);
// every result is in the store, so any process shows it and a resume elsewhere starts from it. A report
// costs one write (the evaluations of the moment share one transaction) and reads the session only when
// its profiles change: the S6 benchmark (docs/benchmarks.md) measures this path.
import type { Logger } from 'pino';
import {
  DEVICE_WITHOUT_PROFILE,
  canonicalReport,
  evaluatePosture,
  postureStateOf,
  ztnaRequestFor,
  type AccessRule,
  type Change,
  type Clock,
  type PostureObject,
  type PostureProfile,
  type PostureSettings,
  type Session,
  type SessionPosture,
  type Store,
} from '@kordon/core';
import {
  encodeServerMessage,
  type PostureStateMessage,
  type ZtnaReport,
  type ZtnaRequest,
} from '@kordon/protocol';

/** What the exchange needs of a client connection. */
export interface PostureConnection {
  readonly sessionId: string | null;
  /** DECISIONS 76: `posture_state` goes only to clients that announced it. */
  readonly features: ReadonlySet<string>;
  /**
   * A `ztna` request or a `posture_state`, already encoded: the service encodes each state once (to
   * tell whether it changed) and the request once per policy, so nothing is encoded twice per report.
   */
  sendPosture(encoded: string): void;
}

export interface PostureServiceOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Puts a session's access in the kernel with its new profiles; false when it could not and the session ended. */
  grant: (session: Session) => Promise<boolean>;
  /** How often timers are looked at; default 1 s. */
  sweepMs?: number;
}

/** DECISIONS 11 as docs/posture.md settles it: an unanswered request makes the device one without profile. */
const answerDeadlineMs = 60_000;
const noAnswer = 'the device did not answer the gateway’s posture request within 60 s';

interface Policy {
  objects: PostureObject[];
  profiles: PostureProfile[];
  settings: PostureSettings;
  rules: AccessRule[];
  request: ZtnaRequest | null;
  /** The request as sent (encoded once), or "null": a change of it is asked again of every connection. */
  requestKey: string;
  idByName: Map<string, string>;
}

interface Tracked {
  conn: PostureConnection;
  /** When the request now unanswered was sent, or null. */
  askedAt: number | null;
  /** The last report or request: silent periods count from here. */
  heardAt: number;
  checkedAt: number;
  /** The request this connection was last sent. */
  requestKey: string | null;
  /** The last `posture_state` sent, as text, so an unchanged one is not sent again. */
  lastState: string | null;
  /** Work on one session runs in turn: a report, the sweep and a change never interleave. */
  chain: Promise<void>;
  /**
   * The session's evaluation as stored, once known: this process is its only writer while it holds the
   * connection (docs/posture.md "Storage"), so a report needs no read of the session, only the write.
   * Undefined: not known yet, read from the store.
   */
  posture: SessionPosture | null | undefined;
}

const MINUTE_MS = 60_000;

/** What a batch's write found: the session gone, or stored (and read back when its profiles changed). */
type Written = { stored: false } | { stored: true; session: Session | undefined };

/** A session's evaluation waiting for its batch's write. */
interface PendingWrite {
  id: string;
  posture: SessionPosture;
  /** The `session_posture` event's words when the profiles changed: written with the evaluation. */
  change: { at: Date; detail: string } | null;
  done: (written: Written) => void;
  failed: (err: unknown) => void;
}

/** What an evaluation judges: a report (or none), when it came, and why there is none. */
interface Judged {
  report: ZtnaReport | null;
  reportedAt: Date | null;
  note: string | null;
}

/**
 * The re-check and a posture change: the current profiles applied to the last report, its ages grown
 * since; a session never evaluated is left to its first report.
 */
const lastJudged = (posture: SessionPosture | null): Judged | null =>
  posture && {
    report: posture.report,
    reportedAt: posture.reportedAt,
    note: posture.note,
  };

export class PostureService {
  private policyLoad: Promise<Policy> | undefined;
  private readonly tracked = new Map<string, Tracked>();
  private readonly sweepTimer: NodeJS.Timeout;
  /** The evaluations to write in the next batch, and the batch being written. */
  private writes: PendingWrite[] | undefined;
  private writing: Promise<void> = Promise.resolve();
  constructor(private readonly o: PostureServiceOptions) {
    this.sweepTimer = setInterval(() => {
      this.sweep().catch((err: unknown) => {
        o.logger.error({ err }, 'the posture sweep failed');
      });
    }, o.sweepMs ?? 1000);
    this.sweepTimer.unref();
  }

  /** After an `auth_state` that authorized `session` on `conn` (a login or a resume). */
  async authorized(conn: PostureConnection, session: Session): Promise<void> {
    const tracked = this.track(session.id, conn);
    tracked.posture = session.posture;
    await this.inTurn(session.id, tracked, async () => {
      const policy = await this.policy();
      this.ask(tracked, policy);
      // A resumed session keeps its evaluation until the next report; its client hears it again.
      if (session.posture !== null) this.tell(tracked, session.posture, policy);
    });
  }

  /** A `ztna` report on `conn`: evaluated, stored, enforced, told. */
  async report(conn: PostureConnection, report: ZtnaReport): Promise<void> {
    const id = conn.sessionId;
    if (id === null) return;
    const known = this.tracked.get(id);
    // A report the gateway did not ask this connection for (it sends on change) is judged all the same.
    const t = known?.conn === conn ? known : this.track(id, conn);
    await this.inTurn(id, t, async () => {
      t.askedAt = null;
      t.heardAt = this.o.clock.monotonicMs();
      await this.judge(id, t, {
        report: canonicalReport(report),
        reportedAt: this.o.clock.now(),
        note: null,
      });
    });
  }

  private track(id: string, conn: PostureConnection): Tracked {
    const now = this.o.clock.monotonicMs();
    const tracked: Tracked = {
      conn,
      askedAt: null,
      heardAt: now,
      checkedAt: now,
      requestKey: null,
      lastState: null,
      chain: Promise.resolve(),
      posture: undefined,
    };
    this.tracked.set(id, tracked);
    return tracked;
  }

  /**
   * The connection closed: its session's exchange ends here (its result stays stored). Found by the
   * session it holds, not by a walk of every connection (S7: no per-connect work that grows with the
   * sessions); an entry left under a session the connection no longer holds goes at the next sweep.
   */
  connectionClosed(conn: PostureConnection): void {
    const id = conn.sessionId;
    if (id !== null && this.tracked.get(id)?.conn === conn) this.tracked.delete(id);
  }

  /**
   * DECISIONS 67: a posture change re-evaluates every session this process holds (and asks again when
   * the request changed); an access-rule change tells clients what their access now is.
   */
  async applyChange(change: Change): Promise<void> {
    if (change.kind !== 'posture' && change.kind !== 'access_rules') return;
    this.policyLoad = undefined;
    const policy = await this.policy();
    if (change.kind === 'access_rules') {
      // What the sessions reach changed, not their profiles: each client hears its state anew, in turn
      // with its evaluations, so an older state is never told after a newer one.
      await Promise.all(
        [...this.tracked].map(([id, t]) =>
          this.inTurn(id, t, async () => {
            const posture =
              t.posture === undefined ? (await this.o.store.sessions.get(id))?.posture : t.posture;
            if (posture) this.tell(t, posture, policy);
          }),
        ),
      );
      return;
    }
    await Promise.all(
      [...this.tracked].map(([id, t]) =>
        this.inTurn(id, t, async () => {
          // A session never evaluated has nothing to judge again: the request (asked below) comes first.
          await this.judge(id, t, lastJudged);
          if (t.requestKey !== policy.requestKey) this.ask(t, policy);
        }),
      ),
    );
  }

  stop(): void {
    clearInterval(this.sweepTimer);
    this.tracked.clear();
  }

  /** The timers of every connection: the 60 s answer deadline, the silent periods, the re-check. */
  async sweep(): Promise<void> {
    if (this.tracked.size === 0) return;
    const policy = await this.policy();
    const { period, recheck_minutes: recheck, silent_periods: silent } = policy.settings;
    const now = this.o.clock.monotonicMs();
    const work: Promise<void>[] = [];
    for (const [id, t] of this.tracked) {
      if (t.conn.sessionId !== id) {
        this.tracked.delete(id);
        continue;
      }
      if (t.askedAt !== null && now - t.askedAt >= answerDeadlineMs) {
        t.askedAt = null;
        t.heardAt = now;
        work.push(
          this.inTurn(id, t, () => this.judge(id, t, { report: null, reportedAt: null, note: noAnswer })),
        );
      } else if (
        t.askedAt === null &&
        period > 0 &&
        policy.request !== null &&
        now - t.heardAt >= silent * period * MINUTE_MS
      ) {
        this.ask(t, policy);
      } else if (now - t.checkedAt >= recheck * MINUTE_MS) {
        t.checkedAt = now;
        work.push(this.inTurn(id, t, () => this.judge(id, t, lastJudged)));
      }
    }
    await Promise.all(work);
  }

  private ask(t: Tracked, policy: Policy): void {
    t.requestKey = policy.requestKey;
    if (policy.request === null) return;
    t.conn.sendPosture(policy.requestKey);
    const now = this.o.clock.monotonicMs();
    t.askedAt = now;
    t.heardAt = now;
  }

  /**
   * Evaluates what the session has to show, stores it, moves its access, logs and tells a change. The
   * session itself is read only when its evaluation is not known here yet and, in the write's
   * transaction, when its profiles change (the grant and the event need it): an unchanged result costs
   * one write in a batch.
   */
  private async judge(
    id: string,
    t: Tracked,
    what: Judged | ((posture: SessionPosture | null) => Judged | null),
  ): Promise<void> {
    const { store, clock } = this.o;
    if (t.posture === undefined) {
      const session = await store.sessions.get(id);
      if (!session) {
        this.tracked.delete(id);
        return;
      }
      t.posture = session.posture;
    }
    const before = t.posture;
    const input = typeof what === 'function' ? what(before) : what;
    if (input === null) return;
    const policy = await this.policy();
    const now = clock.now();
    const timing = input.reportedAt ? { reportedAt: input.reportedAt, now } : undefined;
    const result = evaluatePosture(input.report, policy.objects, policy.profiles, timing);
    const profileIds = result.profiles
      .filter((name) => name !== DEVICE_WITHOUT_PROFILE)
      .flatMap((name) => policy.idByName.get(name) ?? [])
      .sort();
    const changed = before === null || !sameList(before.profileIds, profileIds);
    const posture: SessionPosture = {
      report: input.report,
      reportedAt: input.reportedAt,
      profileIds,
      profiles: result.profiles,
      checks: result.checks,
      checkedAt: now,
      changes: (before?.changes ?? 0) + (before !== null && changed ? 1 : 0),
      note: input.note,
    };
    t.checkedAt = this.o.clock.monotonicMs();
    const was = before === null ? 'not evaluated' : before.profiles.join(', ');
    const change = changed
      ? {
          at: now,
          detail: `posture profiles: ${result.profiles.join(', ')} (was: ${was})${input.note ? `; ${input.note}` : ''}`,
        }
      : null;
    // Undefined until written: a failed write leaves what the store holds unknown here.
    t.posture = undefined;
    const written = await this.record({ id, posture, change });
    if (!written.stored || (changed && !written.session)) {
      this.tracked.delete(id);
      return;
    }
    t.posture = posture;
    if (changed && written.session) {
      const session = written.session;
      // Fail closed: a session whose new profiles cannot be enforced ends (SessionService).
      if (!(await this.o.grant({ ...session, posture }))) return;
      this.o.logger.info(
        { session: id, account: session.account, profiles: result.profiles, changes: posture.changes },
        'posture profiles changed',
      );
    }
    this.tell(t, posture, policy);
  }

  /**
   * `setPosture`, with the evaluations of the moment written in one transaction: one commit for many
   * reports, and one turn on the store's connection. A change of profiles is written with its event and
   * reads its session back there. The batch closes when the one before it is written, so batches grow
   * with the load.
   */
  private record(write: Omit<PendingWrite, 'done' | 'failed'>): Promise<Written> {
    return new Promise((done, failed) => {
      if (!this.writes) {
        const batch: PendingWrite[] = [];
        this.writes = batch;
        this.writing = this.writing.then(() => this.write(batch));
      }
      this.writes.push({ ...write, done, failed });
    });
  }

  private async write(batch: PendingWrite[]): Promise<void> {
    // What the reports read in this turn of the event loop evaluate joins the batch.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.writes === batch) this.writes = undefined;
    const { store } = this.o;
    try {
      const [only] = batch;
      const written: Written[] =
        batch.length === 1 && only && only.change === null
          ? [{ stored: await store.sessions.setPosture(only.id, only.posture), session: undefined }]
          : await store.transaction(async (tx) => {
              const each: Written[] = [];
              for (const w of batch) {
                if (!(await tx.sessions.setPosture(w.id, w.posture))) {
                  each.push({ stored: false });
                  continue;
                }
                const session = w.change ? await tx.sessions.get(w.id) : undefined;
                if (w.change && session) {
                  await tx.events.append({
                    at: w.change.at,
                    kind: 'session_posture',
                    account: session.account,
                    sourceAddress: session.sourceAddress,
                    detail: w.change.detail,
                  });
                }
                each.push({ stored: true, session });
              }
              return each;
            });
      batch.forEach((w, i) => w.done(written[i] ?? { stored: false }));
    } catch (err) {
      for (const w of batch) w.failed(err);
    }
  }

  /** DECISIONS 76: `posture_state` when it says something new, to clients that announced it. */
  private tell(t: Tracked, posture: SessionPosture, policy: Policy): void {
    if (!t.conn.features.has('posture_state')) return;
    const view = postureStateOf(posture, policy.rules, posture.note);
    const message: PostureStateMessage = { type: 'posture_state', ...view };
    const text = encodeServerMessage(message);
    if (text === t.lastState) return;
    t.lastState = text;
    t.conn.sendPosture(text);
  }

  private inTurn(id: string, t: Tracked, work: () => Promise<void>): Promise<void> {
    const next = t.chain.then(work).catch((err: unknown) => {
      this.o.logger.error({ err, session: id }, 'posture evaluation failed');
    });
    t.chain = next;
    return next;
  }

  /** Objects, profiles, settings and rules, read once and again after each change to them. */
  private policy(): Promise<Policy> {
    if (this.policyLoad) return this.policyLoad;
    const load = (async (): Promise<Policy> => {
      const { posture, accessRules } = this.o.store;
      const [objects, profiles, settings, rules] = await Promise.all([
        posture.listObjects(),
        posture.listProfiles(),
        posture.getSettings(),
        accessRules.list(),
      ]);
      const request = ztnaRequestFor(objects, profiles, settings.period);
      return {
        objects,
        profiles,
        settings,
        rules,
        request,
        requestKey: request === null ? 'null' : encodeServerMessage(request),
        idByName: new Map(profiles.map((p) => [p.name, p.id])),
      };
    })();
    this.policyLoad = load;
    load.catch(() => {
      if (this.policyLoad === load) this.policyLoad = undefined;
    });
    return load;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
