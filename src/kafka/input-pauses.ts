// Owns every pause of the feed topics: leases held by batches waiting on the sink, and per-partition retry backoffs.

import type { PauseLease } from '../pipeline/ports.js';
export interface TopicPartitions {
  topic: string;
  partitions?: number[];
}

/** What pausing acts on: the kafkajs consumer in service, a recording fake in tests. */
export interface PauseTarget {
  pause(topics: TopicPartitions[]): void;
  resume(topics: TopicPartitions[]): void;
}

/** A hold on the feeds' input; releasing it twice is harmless, so it can sit in a `finally`. */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: Timers = {
  set: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Backoff {
  topic: string;
  partition: number;
  until: number;
  timer: unknown;
}

/**
 * The feeds are paused for the sink while at least one lease is held, and a partition whose batch
 * failed is paused until its backoff ends. Both end on their own (a lease in the holder's
 * `finally`, a backoff on a timer): resuming never waits for a batch to arrive. kafkajs' topic-wide
 * resume also clears partition pauses, so backoffs are applied again after it.
 */
export class InputPauses {
  private leases = 0;
  private readonly backoffs = new Map<string, Backoff>();

  constructor(
    private readonly target: PauseTarget,
    private readonly topics: readonly string[],
    private readonly onChange: () => void = () => undefined,
    private readonly timers: Timers = REAL_TIMERS,
    private readonly now: () => number = Date.now,
  ) {}

  get pausedForSink(): boolean {
    return this.leases > 0;
  }

  holdForSink(): PauseLease {
    if (this.leases++ === 0) {
      this.target.pause(this.topics.map((topic) => ({ topic })));
      this.onChange();
    }
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        if (--this.leases > 0) return;
        this.target.resume(this.topics.map((topic) => ({ topic })));
        this.applyBackoffs();
        this.onChange();
      },
    };
  }

  /** Pauses one partition for `ms`; a second call for the same partition replaces the first. */
  backOff(topic: string, partition: number, ms: number): void {
    const key = `${topic}/${partition}`;
    const existing = this.backoffs.get(key);
    if (existing) this.timers.clear(existing.timer);
    const timer = this.timers.set(() => this.endBackoff(key), ms);
    this.backoffs.set(key, { topic, partition, until: this.now() + ms, timer });
    if (!this.pausedForSink) this.target.pause([{ topic, partitions: [partition] }]);
    this.onChange();
  }

  isBackingOff(topic: string, partition: number): boolean {
    return this.backoffs.has(`${topic}/${partition}`);
  }

  /** How many of `assigned` fetch nothing right now. */
  pausedCount(assigned: ReadonlyArray<{ topic: string; partition: number }>): number {
    if (this.pausedForSink) return assigned.length;
    return assigned.filter(({ topic, partition }) => this.backoffs.has(`${topic}/${partition}`)).length;
  }

  /**
   * Makes the consumer's pauses match ours again. kafkajs forgets them when it rebuilds its group
   * state after a crash, and keeps them across an ordinary rebalance: either way, ours are the truth.
   */
  reapply(): void {
    const all = this.topics.map((topic) => ({ topic }));
    if (this.pausedForSink) {
      this.target.pause(all);
      return;
    }
    this.target.resume(all);
    this.applyBackoffs();
  }

  /** Stops the backoff timers (at shutdown); pauses stay as they are. */
  close(): void {
    for (const backoff of this.backoffs.values()) this.timers.clear(backoff.timer);
    this.backoffs.clear();
  }

  private endBackoff(key: string): void {
    const backoff = this.backoffs.get(key);
    if (!backoff) return;
    this.backoffs.delete(key);
    // While the sink holds every topic, the topic-wide resume at its release covers this partition.
    if (!this.pausedForSink) this.target.resume([{ topic: backoff.topic, partitions: [backoff.partition] }]);
    this.onChange();
  }

  private applyBackoffs(): void {
    for (const { topic, partition } of this.backoffs.values()) this.target.pause([{ topic, partitions: [partition] }]);
  }
}
