// Follows the change feed (DECISIONS 67): every process reads the records after the last one it
// handled and applies each, in order. On SQLite a poll of the newest id, every 250 ms at most; a
// process that wrote a change itself catches up at once. PostgreSQL's LISTEN/NOTIFY will wake it instead.
import type { Logger } from 'pino';
import type { Change, Clock, Store } from '@kordon/core';

export interface ChangeFeedOptions {
  store: Store;
  clock: Clock;
  apply: (change: Change) => Promise<void>;
  logger: Logger;
  pollMs?: number;
  /** Records older than this are removed; every process has read them long before. */
  retentionMs?: number;
}

const batchSize = 500;

export class ChangeFeed {
  private lastId = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private polls = 0;

  constructor(private readonly options: ChangeFeedOptions) {}

  /** Starts after the newest record: what was written before this process started is in the store already. */
  async start(): Promise<void> {
    this.lastId = await this.options.store.changes.lastId();
    this.timer = setInterval(() => {
      this.catchUp().catch(() => undefined);
    }, this.options.pollMs ?? 250);
    this.timer.unref();
  }

  /** Reads and applies every record not yet applied; concurrent calls share one pass after the current. */
  catchUp(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.running.then(() => {
      this.queued = undefined;
      return this.pass();
    });
    this.queued = next;
    this.running = next.catch(() => undefined);
    return next;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async pass(): Promise<void> {
    const { store, apply, logger } = this.options;
    for (;;) {
      const records = await store.changes.after(this.lastId, batchSize);
      for (const record of records) {
        this.lastId = record.id;
        if (record.change === undefined) {
          logger.warn({ change: record.id }, 'skipped a change record this version cannot read');
          continue;
        }
        try {
          await apply(record.change);
        } catch (err) {
          // One change that cannot be applied must not stop the ones after it.
          logger.error({ err, change: record.id, kind: record.change.kind }, 'applying a change failed');
        }
      }
      if (records.length < batchSize) break;
    }
    if (++this.polls % 2400 === 0) await this.prune();
  }

  private async prune(): Promise<void> {
    const before = new Date(this.options.clock.now().getTime() - (this.options.retentionMs ?? 86_400_000));
    await this.options.store.changes.removeBefore(before);
  }
}
