// The WebSocket pings that find dead client connections: every connection is pinged once an interval,
// and one that has said nothing since the last ping (no pong, no message) is dropped. One timer per
// endpoint, not one per connection: the connections are spread over groups, one per tick of the
// interval, and each tick pings one group. A timer per connection cost an event-loop wake-up for each
// ping and again for each pong; pinging a group at once lets the loop read its pongs together (S1's idle
// CPU at 18,000 sessions on one worker: 10.9% of a core before, 2.8% after, docs/benchmarks.md). Ticks
// are 100 ms apart: with a tick a second, each held the loop long enough (500 pings at 15,000 sessions a
// worker) to be the lag's 99th percentile by itself.

/** What the keepalive needs of a connection. */
export interface KeptAlive {
  /** Drops the connection if it was silent since the last tick, else pings it. */
  keepaliveTick(): void;
}

export class Keepalive {
  private readonly groups: Set<KeptAlive>[];
  private readonly groupOf = new Map<KeptAlive, Set<KeptAlive>>();
  /** The group the last tick pinged: a new connection joins it, so its first ping is a whole interval away. */
  private last = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs: number, tickMs = 100) {
    const slots = Math.max(1, Math.round(intervalMs / tickMs));
    this.groups = Array.from({ length: slots }, () => new Set<KeptAlive>());
    this.timer = setInterval(() => {
      this.tick();
    }, intervalMs / this.groups.length);
    this.timer.unref();
  }

  add(conn: KeptAlive): void {
    const group = this.groups[this.last] as Set<KeptAlive>;
    group.add(conn);
    this.groupOf.set(conn, group);
  }

  remove(conn: KeptAlive): void {
    this.groupOf.get(conn)?.delete(conn);
    this.groupOf.delete(conn);
  }

  get size(): number {
    return this.groupOf.size;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    this.last = (this.last + 1) % this.groups.length;
    // A connection that leaves its group during the walk is simply not reached (a Set allows that).
    for (const conn of this.groups[this.last] as Set<KeptAlive>) conn.keepaliveTick();
  }
}
