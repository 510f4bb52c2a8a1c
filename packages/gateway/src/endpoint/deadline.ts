// A deadline a client is held to (the version and login timeouts, DECISIONS 6, 68) that does not count
// time the gateway itself was behind. When the event loop lags (a reconnect storm: thousands of TLS
// handshakes in one turn), timers run before the turn's I/O, so a plain timer closes connections whose
// message had arrived in time and was waiting in the socket; after 4001 the client stops for good
// (DECISIONS 29). S2 measured 66 of 10,000 clients lost that way after a restart.

/** A timer later than this by the loop's fault moves the deadline on by as much. */
const lateToleranceMs = 20;

export class ClientDeadline {
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private cancelled = false;

  /**
   * `expire` runs `ms` after now, plus the time the loop was late in between (at most `ms` more), and
   * only after the I/O of the turn in which it is due, so a message already received comes first.
   */
  constructor(
    private readonly ms: number,
    private readonly expire: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.arm(ms, 0);
  }

  cancel(): void {
    this.cancelled = true;
    clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
  }

  private arm(wait: number, extendedMs: number): void {
    const due = this.now() + wait;
    this.timer = setTimeout(() => {
      const late = this.now() - due;
      if (late > lateToleranceMs && extendedMs + late <= this.ms) {
        this.arm(late, extendedMs + late);
        return;
      }
      // The check phase comes after this turn's poll phase: data waiting in the socket is read first.
      this.immediate = setImmediate(() => {
        if (!this.cancelled) this.expire();
      });
    }, wait);
  }
}
