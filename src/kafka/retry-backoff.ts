// Per-partition retry delays for failed batches: exponential, capped, reset by the first success.
import { backoffDelayMs } from '../backoff.js';

export interface RetryBackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0..1 returns; injectable so tests see exact delays. */
  random?: () => number;
}

export class RetryBackoff {
  private readonly failures = new Map<string, number>();
  private readonly random: () => number;

  constructor(private readonly options: RetryBackoffOptions) {
    this.random = options.random ?? Math.random;
  }

  /** Records one more failure of `key` and returns how long to wait before its next attempt. */
  failed(key: string): number {
    const attempt = this.failures.get(key) ?? 0;
    this.failures.set(key, attempt + 1);
    return backoffDelayMs(attempt, this.options.initialMs, this.options.maxMs, this.random);
  }

  succeeded(key: string): void {
    this.failures.delete(key);
  }

  /** Consecutive failures of `key` so far. */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}
