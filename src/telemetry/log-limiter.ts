// Lets one log line per key through per interval and counts the rest, so a flood of one problem stays readable.

export interface LogPermit {
  /** Lines of this key left out since the last one written (to be logged with it). */
  suppressed: number;
}

export class LogLimiter {
  private readonly windows = new Map<string, { openedMs: number; suppressed: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
    /** Distinct keys remembered at most; keys are bounded (codes, partitions) but a bound costs nothing. */
    private readonly maxKeys = 10_000,
  ) {}

  /** A permit to write this key's line now, or undefined when one was written less than an interval ago. */
  permit(key: string): LogPermit | undefined {
    const now = this.now();
    const window = this.windows.get(key);
    if (window && now - window.openedMs < this.intervalMs) {
      window.suppressed++;
      return undefined;
    }
    if (!window && this.windows.size >= this.maxKeys) this.windows.clear();
    this.windows.set(key, { openedMs: now, suppressed: 0 });
    return { suppressed: window?.suppressed ?? 0 };
  }
}
