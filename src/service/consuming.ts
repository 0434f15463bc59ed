// Last start-up step: the consumer group, the batch handler, lag and reachability polls; its disposal drains and commits.
import type { Config } from '../config/load.js';
import type { KafkaClients } from '../kafka/connect.js';
import { DeadLetterPublisher } from '../kafka/dead-letter.js';
import { FeedConsumer } from '../kafka/feed-consumer.js';
import { LagMonitor } from '../kafka/lag-monitor.js';
import { AlertQueue } from '../pipeline/alert-queue.js';
import { createBatchHandler } from '../pipeline/batch-handler.js';
import { DeliveryBudget } from '../pipeline/delivery-budget.js';
import type { PendingAlert } from '../pipeline/evaluate-batch.js';
import { AlertSink } from '../sinks/elasticsearch/alert-sink.js';
import type { ElasticsearchConnection } from '../sinks/elasticsearch/connect.js';
import type { Logger } from '../telemetry/logger.js';
import type { Detection } from './detection.js';
import type { Operations } from './operations.js';

const READINESS_POLL_MS = 5_000;
/** Share of SHUTDOWN_TIMEOUT_MS accepted batches get to be delivered before the sinks give up on Elasticsearch and the dead-letter topic. */
const DRAIN_SHARE = 0.6;

export interface Consuming extends AsyncDisposable {
  topics: string[];
}

export async function startConsuming(
  config: Config,
  parts: { operations: Operations; elasticsearch: ElasticsearchConnection; kafka: KafkaClients; detection: Detection },
  logger: Logger,
): Promise<Consuming> {
  const { operations, elasticsearch, kafka, detection } = parts;
  const { events, state } = operations;
  const topics = config.feeds.map((feed) => feed.topic);
  const consumer = new FeedConsumer(
    kafka.kafka,
    {
      groupId: config.KAFKA_GROUP_ID,
      topics,
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      maxBytesPerPartition: config.KAFKA_MAX_BYTES_PER_PARTITION,
      maxBytes: config.KAFKA_MAX_BYTES,
      retryMaxBackoffMs: config.BATCH_RETRY_MAX_BACKOFF_MS,
    },
    events,
    logger,
  );
  operations.addProbe((probed) => {
    probed.consumerJoined = consumer.isJoined;
    probed.consumerCrashed = consumer.hasCrashed;
    probed.pausedForSink = consumer.pauses.pausedForSink;
    events.partitionsPaused(consumer.pausedPartitions);
    probed.stalledPartitions = consumer.progress.stalled(config.HEALTH_STALL_TIMEOUT_MS);
  });
  state.templateInstalled = true;
  state.elasticsearchReachable = true;
  const lagMonitor = new LagMonitor(kafka.admin, config.KAFKA_GROUP_ID, topics, events, (topic, partition, lag) =>
    consumer.progress.observedLag(topic, partition, lag),
  );

  const shutdownAbort = new AbortController();
  const alerts = new AlertQueue<PendingAlert>(
    {
      writer: new AlertSink(elasticsearch.client, {
        dataStream: config.ALERTS_DATA_STREAM,
        maxBackoffMs: config.ELASTICSEARCH_RETRY_MAX_BACKOFF_MS,
      }),
      holdInput: () => consumer.pauses.holdForSink(),
      events,
      abortSignal: shutdownAbort.signal,
    },
    {
      flushMaxAlerts: config.ALERT_FLUSH_MAX_ALERTS,
      flushIntervalMs: config.ALERT_FLUSH_INTERVAL_MS,
      maxBackoffMs: config.ELASTICSEARCH_RETRY_MAX_BACKOFF_MS,
    },
  );
  const handler = createBatchHandler({
    runtimesByTopic: { get: detection.runtimeFor },
    alerts,
    deadLetters: new DeadLetterPublisher(kafka.producer, config.DLQ_TOPIC),
    budget: new DeliveryBudget(
      { maxRecords: config.DELIVERY_MAX_UNACKNOWLEDGED_RECORDS, maxItems: config.DELIVERY_MAX_PENDING_ALERTS },
      (held) => events.deliveryHeld(held.records),
    ),
    events,
    abortSignal: shutdownAbort.signal,
    retryMaxBackoffMs: config.BATCH_RETRY_MAX_BACKOFF_MS,
  });

  const reachability = setInterval(() => {
    elasticsearch.client.indices
      .exists({ index: config.ALERTS_DATA_STREAM })
      .then(() => (state.elasticsearchReachable = true))
      .catch(() => (state.elasticsearchReachable = false))
      .finally(operations.refresh);
  }, READINESS_POLL_MS);
  reachability.unref();

  const stop = async (): Promise<void> => {
    state.stopping = true;
    operations.refresh();
    clearInterval(reachability);
    // Give accepted batches most of the bound to be delivered, then give up on Elasticsearch and the
    // dead-letter topic: what is undelivered stays uncommitted and is read again after the restart.
    const abortTimer = setTimeout(() => shutdownAbort.abort(), Math.floor(config.SHUTDOWN_TIMEOUT_MS * DRAIN_SHARE));
    abortTimer.unref();
    await consumer.stop().catch((error: unknown) => logger.warn({ error }, 'consumer stop failed'));
    clearTimeout(abortTimer);
    alerts.close();
    await lagMonitor.stop();
  };
  try {
    await consumer.start(handler);
  } catch (error) {
    await stop();
    throw error;
  }
  lagMonitor.start();
  return { topics, [Symbol.asyncDispose]: stop };
}
