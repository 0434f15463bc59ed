// In-memory stand-ins for the kafkajs side of the consumer: pause state as kafkajs keeps it, timers by hand.
import type { KafkaMessage } from 'kafkajs';
import type { BatchPayload, Generation } from '../../../src/kafka/batch-runner.js';
import type { PauseTarget, Timers, TopicPartitions } from '../../../src/kafka/input-pauses.js';

/** kafkajs' subscription-state rules: a topic-wide pause or resume clears partition-level entries. */
export class FakePauseTarget implements PauseTarget {
  private readonly wholeTopics = new Set<string>();
  private readonly partitions = new Set<string>();
  calls = 0;

  pause(topics: TopicPartitions[]): void {
    this.calls++;
    for (const { topic, partitions } of topics) {
      if (partitions === undefined) {
        this.wholeTopics.add(topic);
        for (const key of this.partitions) if (key.startsWith(`${topic}/`)) this.partitions.delete(key);
      } else for (const partition of partitions) this.partitions.add(`${topic}/${partition}`);
    }
  }

  resume(topics: TopicPartitions[]): void {
    this.calls++;
    for (const { topic, partitions } of topics) {
      if (partitions === undefined) {
        this.wholeTopics.delete(topic);
        for (const key of this.partitions) if (key.startsWith(`${topic}/`)) this.partitions.delete(key);
      } else if (!this.wholeTopics.has(topic)) for (const partition of partitions) this.partitions.delete(`${topic}/${partition}`);
    }
  }

  isPaused(topic: string, partition: number): boolean {
    return this.wholeTopics.has(topic) || this.partitions.has(`${topic}/${partition}`);
  }

  /** kafkajs rebuilding its group state after a crash: every pause forgotten. */
  forget(): void {
    this.wholeTopics.clear();
    this.partitions.clear();
  }
}

/** Timers advanced by hand, so backoffs are tested in no time. */
export class ManualTimers implements Timers {
  now = 0;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  set(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.pending].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at <= this.now && this.pending.delete(id)) timer.callback();
    }
  }

  get count(): number {
    return this.pending.size;
  }
}

export interface FakePayload extends BatchPayload {
  resolved: string[];
  heartbeats: number;
  /** What the next heartbeats do: succeed, or throw as kafkajs does when the group rebalances. */
  heartbeatFails: boolean;
  running: boolean;
}

function messages(from: number, values: ReadonlyArray<Buffer | null>): KafkaMessage[] {
  return values.map((value, i) => ({
    key: null,
    value,
    timestamp: '1767225600000',
    attributes: 0,
    offset: String(from + i),
    headers: {},
  }));
}

/** A fetched batch from offset `from`: `records` placeholder values, or the values given. */
export function fakePayload(
  topic: string,
  partition: number,
  from: number,
  records: number | ReadonlyArray<Buffer | null>,
  highWatermark = from + (typeof records === 'number' ? records : records.length),
): FakePayload {
  const batchMessages = messages(from, typeof records === 'number' ? Array.from({ length: records }, () => Buffer.from('x')) : records);
  const payload: FakePayload = {
    batch: {
      topic,
      partition,
      messages: batchMessages,
      highWatermark: String(highWatermark),
      firstOffset: () => batchMessages[0]?.offset ?? null,
      lastOffset: () => batchMessages[batchMessages.length - 1]?.offset ?? String(from - 1),
    },
    resolved: [],
    heartbeats: 0,
    heartbeatFails: false,
    running: true,
    resolveOffset: (offset) => void payload.resolved.push(offset),
    heartbeat: async () => {
      payload.heartbeats++;
      if (payload.heartbeatFails)
        throw Object.assign(new Error('The group is rebalancing, so a rejoin is needed'), { type: 'REBALANCE_IN_PROGRESS' });
    },
    isRunning: () => payload.running,
    isStale: () => false,
  };
  return payload;
}

/** The consumer's group generations by hand: `end()` is a rebalance, which aborts the ending generation's signal. */
export class FakeGenerations {
  current = FakeGenerations.after(0);
  readonly get = (): Generation => this.current;

  /** `signalled: false` leaves the old signal as it is: only the id tells the generations apart. */
  end({ signalled = true }: { signalled?: boolean } = {}): void {
    if (signalled) this.current.controller.abort(new Error('rebalance'));
    this.current = FakeGenerations.after(this.current.id);
  }

  private static after(id: number): Generation & { controller: AbortController } {
    const controller = new AbortController();
    return { id: id + 1, signal: controller.signal, controller };
  }
}
