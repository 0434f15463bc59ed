// One alert writer for every partition: alerts of all batches queue up, go out by size or after a short interval, one request at a time.
import { backoffDelayMs } from '../backoff.js';
import { DetectorError } from '../errors.js';
import type { Events } from '../telemetry/events.js';
import type { AlertWriter, PauseLease, SinkAlert, WriteOutcome } from './ports.js';

export interface AlertQueueOptions {
  /** A request goes out once this many alerts wait... */
  flushMaxAlerts: number;
  /** ...or once the oldest has waited this long. */
  flushIntervalMs: number;
  /** Cap of the retry delay after an unexpected writer failure. */
  maxBackoffMs: number;
}

export interface AlertQueueDeps {
  writer: AlertWriter;
  /** Pauses every feed while Elasticsearch refuses alerts; the lease ends when a request succeeds again. */
  holdInput: () => PauseLease;
  events: Events;
  /** Aborted when shutdown can wait no longer for Elasticsearch: everything still queued is given up. */
  abortSignal: AbortSignal;
}

interface Entry<Alert extends SinkAlert> {
  alerts: readonly Alert[];
  /** The batch's own signal: aborted when its partition is revoked, and then it is not sent. */
  signal: AbortSignal;
  resolve(outcomes: Array<WriteOutcome<Alert>>): void;
  reject(error: unknown): void;
}

/**
 * Requests go out one at a time, in the order batches arrived: suppressed alerts count matches per
 * partition position (suppression-state.ts), which is exact only when a partition's matches reach
 * Elasticsearch in order. While a request is out, later alerts gather for the next one, so the
 * requests grow with the load instead of the number of partitions.
 */
export class AlertQueue<Alert extends SinkAlert = SinkAlert> {
  private readonly queue: Array<Entry<Alert>> = [];
  private queued = 0;
  private writing = false;
  private timer: NodeJS.Timeout | undefined;
  private lease: PauseLease | undefined;
  private failures = 0;

  constructor(
    private readonly deps: AlertQueueDeps,
    private readonly options: AlertQueueOptions,
  ) {
    deps.abortSignal.addEventListener('abort', () => this.giveUp(), { once: true });
  }

  /** Resolves with one outcome per alert once all are safe; rejects only when `signal` or shutdown gives them up first. */
  write(alerts: readonly Alert[], signal: AbortSignal): Promise<Array<WriteOutcome<Alert>>> {
    if (alerts.length === 0) return Promise.resolve([]);
    if (this.deps.abortSignal.aborted) return Promise.reject(this.unavailable(alerts.length));
    return new Promise((resolve, reject) => {
      this.queue.push({ alerts, signal, resolve, reject });
      this.queued += alerts.length;
      this.deps.events.alertsPending(alerts.length);
      this.schedule();
    });
  }

  /** Stops the interval timer (at shutdown, after the last batch settled). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lease?.release();
    this.lease = undefined;
  }

  private schedule(): void {
    if (this.writing || this.queue.length === 0) return;
    if (this.queued >= this.options.flushMaxAlerts) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.options.flushIntervalMs);
  }

  /** Takes whole entries up to the request size (at least one), skipping those whose batch was revoked. */
  private take(): Array<Entry<Alert>> {
    const taken: Array<Entry<Alert>> = [];
    let alerts = 0;
    while (this.queue.length > 0 && (taken.length === 0 || alerts + this.queue[0]!.alerts.length <= this.options.flushMaxAlerts)) {
      const entry = this.queue.shift()!;
      this.queued -= entry.alerts.length;
      if (entry.signal.aborted) {
        this.settled(entry);
        entry.reject(entry.signal.reason);
        continue;
      }
      taken.push(entry);
      alerts += entry.alerts.length;
    }
    return taken;
  }

  private async flush(): Promise<void> {
    if (this.writing) return;
    const taken = this.take();
    if (taken.length === 0) return;
    this.writing = true;
    // A request whose batches were all revoked (an eager rebalance revokes every one) stops retrying:
    // the partitions are read again from their commits, so waiting out an outage for them is pointless.
    const allRevoked = new AbortController();
    const cleanup = new AbortController();
    let live = taken.length;
    for (const entry of taken)
      entry.signal.addEventListener('abort', () => --live === 0 && allRevoked.abort(), { once: true, signal: cleanup.signal });
    try {
      const outcomes = await this.deps.writer.write(
        taken.flatMap((entry) => entry.alerts),
        {
          signal: AbortSignal.any([this.deps.abortSignal, allRevoked.signal]),
          hooks: {
            onRequest: (outcome, seconds) => this.deps.events.bulkRequest(outcome, seconds),
            onBackedUp: (reason, attempt, delayMs) => {
              this.deps.events.sinkBackedUp(reason, attempt, delayMs);
              this.lease ??= this.deps.holdInput();
            },
          },
        },
      );
      this.failures = 0;
      this.deliver(taken, outcomes as Array<WriteOutcome<Alert>>);
    } catch (error) {
      await this.failed(taken, error, allRevoked.signal.aborted);
    } finally {
      cleanup.abort();
      this.writing = false;
    }
    this.schedule();
  }

  private deliver(taken: Array<Entry<Alert>>, outcomes: Array<WriteOutcome<Alert>>): void {
    this.lease?.release();
    this.lease = undefined;
    const byAlert = new Map(outcomes.map((outcome) => [outcome.alert, outcome]));
    for (const entry of taken) {
      this.settled(entry);
      const mine = entry.alerts.map((alert) => byAlert.get(alert));
      if (mine.every((outcome) => outcome !== undefined)) entry.resolve(mine);
      else entry.reject(new DetectorError('SINK_UNAVAILABLE', 'the alert writer returned no outcome for some alerts'));
    }
  }

  /** Given up (shutdown, or every batch revoked), or an unexpected failure: then the same alerts are tried again after a backoff. */
  private async failed(taken: Array<Entry<Alert>>, error: unknown, allRevoked: boolean): Promise<void> {
    if (this.deps.abortSignal.aborted || allRevoked) {
      this.lease?.release();
      this.lease = undefined;
      for (const entry of taken) {
        this.settled(entry);
        entry.reject(entry.signal.aborted ? entry.signal.reason : error);
      }
      return;
    }
    const delayMs = backoffDelayMs(this.failures++, 1_000, this.options.maxBackoffMs);
    this.deps.events.sinkBackedUp(error instanceof Error ? error.message : String(error), this.failures, delayMs);
    this.lease ??= this.deps.holdInput();
    this.queue.unshift(...taken);
    for (const entry of taken) this.queued += entry.alerts.length;
    await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
  }

  private settled(entry: Entry<Alert>): void {
    this.deps.events.alertsPending(-entry.alerts.length);
  }

  private giveUp(): void {
    this.close();
    for (const entry of this.queue.splice(0)) {
      this.queued -= entry.alerts.length;
      this.settled(entry);
      entry.reject(this.unavailable(entry.alerts.length));
    }
  }

  private unavailable(count: number): DetectorError {
    return new DetectorError('SINK_UNAVAILABLE', `stopped before Elasticsearch acknowledged ${count} alert(s)`);
  }
}
