// The consumer group over the feed topics: batches in, offsets resolved only after the batch is safe.
import type { Consumer, ConsumerConfig, ConsumerRunConfig, EachBatchPayload, Kafka } from 'kafkajs';
import type { Events } from '../telemetry/events.js';
import type { Logger } from '../telemetry/logger.js';
import type { BatchHandler } from '../pipeline/ports.js';
import { BatchRunner, type Generation } from './batch-runner.js';
import { DeliveryOrder } from './delivery-order.js';
import { InputPauses, type TopicPartitions } from './input-pauses.js';
import { PartitionProgress } from './partition-progress.js';
import { RetryBackoff } from './retry-backoff.js';

export interface FeedConsumerOptions {
  groupId: string;
  topics: string[];
  sessionTimeoutMs: number;
  maxBytesPerPartition: number;
  maxBytes: number;
  /** Backoff of a partition whose batch failed: from 1 s, doubling, capped here. */
  retryMaxBackoffMs?: number;
}

const RETRY_INITIAL_BACKOFF_MS = 1_000;
/** How often delivered positions are committed (kafkajs' autoCommitInterval, which is off here). */
const COMMIT_INTERVAL_MS = 1_000;
const RETRY_MAX_BACKOFF_MS = 30_000;

/** Batches of different partitions processed at once: one decodes while another waits for room. */
const PARTITIONS_CONSUMED_CONCURRENTLY = 4;

/**
 * The kafkajs consumer and run settings the service uses; exported so the benchmark's bare consumer
 * (bench/lib/bare-consumer.ts) measures kafkajs under exactly the same ones.
 */
export function kafkaConsumerSettings(options: FeedConsumerOptions): {
  consumer: ConsumerConfig;
  run: Omit<ConsumerRunConfig, 'eachBatch' | 'eachMessage'>;
  /** How often the service commits delivered positions (a consumer with nothing to wait for can let kafkajs do it at this interval). */
  commitIntervalMs: number;
} {
  return {
    commitIntervalMs: COMMIT_INTERVAL_MS,
    consumer: {
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: Math.max(1_000, Math.floor(options.sessionTimeoutMs / 10)),
      maxBytesPerPartition: options.maxBytesPerPartition,
      maxBytes: options.maxBytes,
      maxWaitTimeInMs: 100,
      retry: { retries: 10 },
    },
    // kafkajs fetches from the offset resolved last and would commit it too: it resolves a batch as
    // soon as it is accepted, and commits (by hand) only what is delivered (delivery-order.ts).
    run: {
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
    },
  };
}

export class FeedConsumer {
  readonly progress = new PartitionProgress();
  readonly pauses: InputPauses;
  private readonly consumer: Consumer;
  private readonly runner: BatchRunner;
  private readonly order: DeliveryOrder;
  private joined = false;
  private crashed = false;
  private stopping = false;
  /** Replaced on every rebalance and crash: batches of an older generation commit nothing, and their deliveries stop. */
  private generation: Generation & { controller: AbortController } = FeedConsumer.generationAfter(0);
  private committing: Promise<void> | undefined;
  private commitTimer: NodeJS.Timeout | undefined;
  /** Whether the last change left the feeds paused for the sink: the log says so once per transition. */
  private wasPausedForSink = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    kafka: Kafka,
    private readonly options: FeedConsumerOptions,
    private readonly events: Events,
    private readonly logger: Logger,
  ) {
    this.consumer = kafka.consumer(kafkaConsumerSettings(options).consumer);
    this.pauses = new InputPauses(this.pauseTarget(), options.topics, () => this.pausesChanged());
    this.order = new DeliveryOrder((topic, partition, waiting) => this.progress.progressed(topic, partition, waiting));
    this.runner = new BatchRunner({
      pauses: this.pauses,
      progress: this.progress,
      backoff: new RetryBackoff({ initialMs: RETRY_INITIAL_BACKOFF_MS, maxMs: options.retryMaxBackoffMs ?? RETRY_MAX_BACKOFF_MS }),
      order: this.order,
      generation: () => this.generation,
      hooks: {
        failed: (topic, partition, error, attempt, retryInMs) => events.batchFailed(topic, partition, error, attempt, retryInMs),
        abandoned: (topic, partition) => events.batchAbandoned(topic, partition),
        completed: (_topic, _partition, seconds) => events.batchCompleted(seconds),
      },
    });
    this.observeGroupEvents();
  }

  get isJoined(): boolean {
    return this.joined && !this.crashed;
  }

  get hasCrashed(): boolean {
    return this.crashed;
  }

  /** Assigned partitions fetching nothing right now (paused for the sink or backing off). */
  get pausedPartitions(): number {
    return this.pauses.pausedCount(this.progress.assigned);
  }

  async start(handler: BatchHandler): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    await this.consumer.run({
      ...kafkaConsumerSettings(this.options).run,
      eachBatch: (payload) => this.runBatch(payload, handler),
    });
    this.commitTimer = setInterval(() => void this.commitDelivered(), COMMIT_INTERVAL_MS);
    this.commitTimer.unref();
  }

  /**
   * Takes no new batch, waits for the batches being accepted and then for every accepted one to be
   * delivered (or given up when shutdown aborts the sinks), commits every delivered position, then
   * leaves the group. kafkajs' autoCommit is off, so without this the positions delivered since the
   * last periodic commit would turn a clean stop into records read again.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled(this.inFlight);
    await this.runner.settled();
    clearInterval(this.commitTimer);
    this.pauses.close();
    await this.committing;
    const offsets = this.order.delivered;
    if (offsets.length > 0 && this.joined) {
      await this.consumer.commitOffsets(offsets).catch((error: unknown) => this.events.commitFailed(error, true));
    }
    await this.consumer.disconnect();
  }

  /** One commit at a time, of the positions that moved since the last one; a failed one is sent again next time. */
  private commitDelivered(): Promise<void> {
    if (this.committing !== undefined || this.stopping) return this.committing ?? Promise.resolve();
    const positions = this.order.takeChanged();
    if (positions.length === 0) return Promise.resolve();
    this.committing = this.consumer
      .commitOffsets(positions)
      .catch((error: unknown) => {
        this.order.restore(positions);
        this.events.commitFailed(error, false);
      })
      .finally(() => (this.committing = undefined));
    return this.committing;
  }

  private static generationAfter(id: number): Generation & { controller: AbortController } {
    const controller = new AbortController();
    return { id: id + 1, signal: controller.signal, controller };
  }

  /** A rebalance or crash: deliveries of the old generation stop (kafkajs reads those partitions again from their commits). */
  private nextGeneration(): void {
    this.generation.controller.abort(new Error('the group generation ended (rebalance or crash)'));
    this.generation = FeedConsumer.generationAfter(this.generation.id);
  }

  private runBatch(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const running = this.runner.run(payload, handler);
    this.inFlight.add(running);
    return running.finally(() => this.inFlight.delete(running));
  }

  /** kafkajs refuses pause/resume before run() and between a crash and its restart; the next join re-applies ours. */
  private pauseTarget() {
    const guarded = (action: (topics: TopicPartitions[]) => void) => (topics: TopicPartitions[]) => {
      try {
        action(topics);
      } catch (error) {
        this.logger.debug({ error }, 'consumer not running; pauses are applied again when it joins');
      }
    };
    return {
      pause: guarded((topics) => this.consumer.pause(topics)),
      resume: guarded((topics) => this.consumer.resume(topics)),
    };
  }

  private pausesChanged(): void {
    this.events.partitionsPaused(this.pausedPartitions);
    const paused = this.pauses.pausedForSink;
    if (paused === this.wasPausedForSink) return;
    this.wasPausedForSink = paused;
    if (paused) this.events.inputPaused(this.options.topics);
    else this.events.inputResumed(this.options.topics);
  }

  private observeGroupEvents(): void {
    const { events } = this.consumer;
    this.consumer.on(events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.nextGeneration();
      const assigned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => ({ topic, partition })),
      );
      this.progress.assign(assigned);
      this.order.reassigned(new Set(assigned.map(({ topic, partition }) => `${topic}/${partition}`)));
      this.pauses.reapply();
      this.events.consumerJoined(
        { groupId: payload.groupId, memberId: payload.memberId, assignment: payload.memberAssignment },
        assigned.length,
        this.pausedPartitions,
      );
    });
    this.consumer.on(events.REBALANCING, () => {
      // Commits of the ending generation are still accepted while the group prepares to rebalance.
      void this.commitDelivered();
      this.joined = false;
      this.nextGeneration();
    });
    this.consumer.on(events.COMMIT_OFFSETS, ({ payload }) => {
      const nowSeconds = Date.now() / 1000;
      for (const topic of payload.topics) {
        for (const partition of topic.partitions) {
          this.events.offsetCommitted(topic.topic, partition.partition, nowSeconds);
        }
      }
    });
    this.consumer.on(events.CRASH, ({ payload }) => {
      this.nextGeneration();
      this.events.consumerCrashed(payload.error, payload.restart);
      if (!payload.restart) this.crashed = true;
    });
    this.consumer.on(events.STOP, () => {
      this.joined = false;
    });
  }
}
