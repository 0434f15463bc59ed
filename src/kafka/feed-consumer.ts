// The consumer group over the feed topics: batches in, offsets resolved only after the batch is safe.
import type { Consumer, ConsumerConfig, ConsumerRunConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { PartitionProgress } from './partition-progress.js';

const RETRY_PAUSE_MS = 1_000;

export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
}

/** What a batch handler may do with the Kafka session while it waits on slow sinks. */
export interface SessionControls {
  heartbeat(): Promise<void>;
  /** Stops fetching every feed topic until resumeAll; the handler calls it when the sink backs up. */
  pauseAll(): void;
  resumeAll(): void;
  /** False once the consumer is stopping or lost the partition in a rebalance. */
  stillOwned(): boolean;
}

/**
 * Processes one partition batch. Resolving means every record up to the last one is safe
 * (alerts acknowledged, dead letters acknowledged); throwing means nothing of the batch is.
 */
export type BatchHandler = (batch: PartitionBatch, session: SessionControls) => Promise<void>;

export interface FeedConsumerOptions {
  groupId: string;
  topics: string[];
  sessionTimeoutMs: number;
  maxBytesPerPartition: number;
  maxBytes: number;
}

/** Batches of different partitions processed at once: one waits on Elasticsearch while another decodes. */
const PARTITIONS_CONSUMED_CONCURRENTLY = 4;

/**
 * The kafkajs consumer and run settings the service uses; exported so the benchmark's bare consumer
 * (bench/lib/bare-consumer.ts) measures kafkajs under exactly the same ones.
 */
export function kafkaConsumerSettings(options: FeedConsumerOptions): { consumer: ConsumerConfig; run: Omit<ConsumerRunConfig, 'eachBatch' | 'eachMessage'> } {
  return {
    consumer: {
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: Math.max(1_000, Math.floor(options.sessionTimeoutMs / 10)),
      maxBytesPerPartition: options.maxBytesPerPartition,
      maxBytes: options.maxBytes,
      maxWaitTimeInMs: 100,
      retry: { retries: 10 },
    },
    // Offsets are resolved by hand after acknowledgement; kafkajs commits only what was resolved.
    run: { autoCommit: true, autoCommitInterval: 1_000, eachBatchAutoResolve: false, partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY },
  };
}

export class FeedConsumer {
  readonly progress = new PartitionProgress();
  private readonly consumer: Consumer;
  private joined = false;
  private crashed = false;
  private paused = false;
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Next offset to commit per partition, as resolved after acknowledgement (kept for the final commit). */
  private readonly resolved = new Map<string, { topic: string; partition: number; offset: string }>();

  constructor(
    kafka: Kafka,
    private readonly options: FeedConsumerOptions,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.consumer = kafka.consumer(kafkaConsumerSettings(options).consumer);
    this.observeGroupEvents();
  }

  get isJoined(): boolean {
    return this.joined && !this.crashed;
  }

  get hasCrashed(): boolean {
    return this.crashed;
  }

  async start(handler: BatchHandler): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    await this.consumer.run({
      ...kafkaConsumerSettings(this.options).run,
      eachBatch: (payload) => this.runBatch(payload, handler),
    });
  }

  /**
   * Takes no new batch, waits for the in-flight ones, commits every acknowledged offset, then leaves
   * the group. (kafkajs itself does not commit on disconnect; its periodic commit may be up to
   * autoCommitInterval behind, which would turn a clean stop into redelivered records.)
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
    const offsets = [...this.resolved.values()];
    if (offsets.length > 0 && this.joined) {
      await this.consumer.commitOffsets(offsets).catch((error: unknown) => {
        this.logger.warn({ error }, 'final offset commit failed; the group resumes from the last periodic commit');
      });
    }
    await this.consumer.disconnect();
  }

  private runBatch(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const running = this.processBatch(payload, handler);
    this.inFlight.add(running);
    return running.finally(() => this.inFlight.delete(running));
  }

  private async processBatch(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
    const session: SessionControls = {
      heartbeat: () => payload.heartbeat(),
      pauseAll: () => this.pauseAll(),
      resumeAll: () => this.resumeAll(),
      stillOwned: () => payload.isRunning() && !payload.isStale(),
    };
    const started = performance.now();
    try {
      await handler({ topic: batch.topic, partition: batch.partition, messages: batch.messages }, session);
    } catch (error) {
      // Nothing of this batch is resolved: after a restart or rebalance it is read again, and the
      // deterministic alert ids turn the re-read into 409s rather than duplicates.
      this.logger.warn({ error, topic: batch.topic, partition: batch.partition }, 'batch not completed; it will be read again');
      // Unresolved offsets make kafkajs fetch the same records again; a pause keeps that from spinning.
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      if (payload.isRunning()) await payload.heartbeat().catch(() => undefined);
      return;
    }
    payload.resolveOffset(batch.lastOffset());
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    this.resolved.set(`${batch.topic}/${batch.partition}`, { topic: batch.topic, partition: batch.partition, offset: next });
    const lag = Math.max(0, Number(batch.highWatermark) - Number(batch.lastOffset()) - 1);
    this.progress.progressed(batch.topic, batch.partition, lag);
    this.metrics.batchDuration.observe((performance.now() - started) / 1000);
    await payload.heartbeat();
  }

  private pauseAll(): void {
    if (this.paused) return;
    this.paused = true;
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
    this.progress.setPaused(true);
    this.metrics.partitionsPaused.set(this.progress.assignedCount);
    this.logger.warn({ topics: this.options.topics }, 'paused consumption: Elasticsearch is not accepting alerts');
  }

  private resumeAll(): void {
    if (!this.paused) return;
    this.paused = false;
    this.consumer.resume(this.options.topics.map((topic) => ({ topic })));
    this.progress.setPaused(false);
    this.metrics.partitionsPaused.set(0);
    this.logger.info({ topics: this.options.topics }, 'resumed consumption');
  }

  private observeGroupEvents(): void {
    const { events } = this.consumer;
    this.consumer.on(events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      const assigned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => ({ topic, partition })),
      );
      this.progress.assign(assigned);
      const owned = new Set(assigned.map(({ topic, partition }) => `${topic}/${partition}`));
      for (const key of this.resolved.keys()) if (!owned.has(key)) this.resolved.delete(key);
      this.metrics.partitionsAssigned.set(assigned.length);
      this.logger.info({ groupId: payload.groupId, memberId: payload.memberId, assigned: payload.memberAssignment }, 'joined consumer group');
    });
    this.consumer.on(events.REBALANCING, () => {
      this.joined = false;
    });
    this.consumer.on(events.COMMIT_OFFSETS, ({ payload }) => {
      const nowSeconds = Date.now() / 1000;
      for (const topic of payload.topics) {
        for (const partition of topic.partitions) {
          this.metrics.offsetsCommitted.inc({ topic: topic.topic });
          this.metrics.lastCommit.set({ topic: topic.topic, partition: String(partition.partition) }, nowSeconds);
        }
      }
    });
    this.consumer.on(events.CRASH, ({ payload }) => {
      this.logger.error({ error: payload.error, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart) this.crashed = true;
    });
    this.consumer.on(events.STOP, () => {
      this.joined = false;
    });
  }
}
