// The posture loop of one connection (PROTOCOL.md "ZTNA", DECISIONS 11): every `ztna` request is
// answered at once with the full set asked; then the client collects again every `period` minutes and
// sends the full set only when something changed (silence means "unchanged"); `period: 0` collects once.
import { reportsEqual } from '@kordon/core';
import type { ZtnaReport, ZtnaRequest } from '@kordon/protocol';

export interface PostureLoopParts {
  collect: (request: ZtnaRequest) => Promise<Record<string, unknown>>;
  /** Sends a report (the `type` is added by the sender). */
  send: (report: Record<string, unknown>) => void;
  log: (level: 'info' | 'warn', message: string) => void;
  /** Timers, injectable for tests. */
  every?: (ms: number, run: () => void) => { stop: () => void };
}

export class PostureLoop {
  private request: ZtnaRequest | undefined;
  private last: ZtnaReport | null = null;
  private timer: { stop: () => void } | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly p: PostureLoopParts) {}

  /** A request from the gateway: answered in full at once, and the period it gives starts. */
  onRequest(request: ZtnaRequest): Promise<void> {
    this.request = request;
    this.timer?.stop();
    this.timer = undefined;
    if (request.period > 0) {
      const every = this.p.every ?? defaultEvery;
      this.timer = every(request.period * 60_000, () => void this.collectAndSend(false));
    }
    return this.collectAndSend(true).then(() => undefined);
  }

  /**
   * Collects now (`kordon posture check`): sends when something changed since the last report sent;
   * the report, or undefined before the gateway asked for anything.
   */
  async checkNow(): Promise<{ report: Record<string, unknown>; sent: boolean } | undefined> {
    if (this.request === undefined) return undefined;
    return this.collectAndSend(false);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.stop();
  }

  private isStopped(): boolean {
    return this.stopped;
  }

  private collectAndSend(
    force: boolean,
  ): Promise<{ report: Record<string, unknown>; sent: boolean } | undefined> {
    // One collection at a time: a slow collector must not interleave two reports.
    const next = this.running.then(async () => {
      const request = this.request;
      if (request === undefined || this.stopped) return undefined;
      let report: Record<string, unknown>;
      try {
        report = await this.p.collect(request);
      } catch (e) {
        this.p.log('warn', `the posture report could not be made: ${(e as Error).message}`);
        return undefined;
      }
      const wire = { type: 'ztna', ...report } as ZtnaReport;
      const changed = !reportsEqual(this.last, wire);
      // stop() may have come while collecting.
      const sent = !this.isStopped() && (force || changed);
      if (sent) {
        this.p.send(report);
        this.last = wire;
      }
      return { report, sent };
    });
    this.running = next.catch(() => undefined);
    return next;
  }
}

function defaultEvery(ms: number, run: () => void): { stop: () => void } {
  const t = setInterval(run, ms);
  t.unref();
  return { stop: () => clearInterval(t) };
}
