// The running service as named start-up steps, each owning what it opens; one disposal path closes them in reverse.
import { elasticsearchSettings, kafkaSettings } from './config/client-settings.js';
import type { Config } from './config/load.js';
import { connectKafka } from './kafka/connect.js';
import type { RequiredTopic } from './kafka/topic-check.js';
import type { DetectionSet } from './ruleset/detection-set.js';
import { startConsuming } from './service/consuming.js';
import { startDetection } from './service/detection.js';
import { startOperations, type Operations } from './service/operations.js';
import { connectElasticsearch } from './sinks/elasticsearch/connect.js';
import type { Logger } from './telemetry/logger.js';

export interface RunningService {
  metricsPort: number;
  /** Finishes in-flight batches, commits, disconnects; resolves when everything is closed. */
  stop(): Promise<void>;
  /** Reloads rules, exceptions and suppression now (SIGHUP); a bad set is refused and the old one kept. */
  reload(trigger: string): Promise<void>;
}

/** The steps in start order; a parameter so a test can check the lifecycle with in-memory fakes. */
const SERVICE_STEPS = { startOperations, connectElasticsearch, connectKafka, startDetection, startConsuming };
export type ServiceSteps = typeof SERVICE_STEPS;

export async function startService(
  config: Config,
  detection: DetectionSet,
  logger: Logger,
  build: { version: string },
  steps: ServiceSteps = SERVICE_STEPS,
): Promise<RunningService> {
  // Each step's result joins this stack as it opens; a failed step closes the earlier ones, in reverse.
  // (A try/catch rather than `await using`: dependency-cruiser's parser does not read that syntax yet.)
  const opened = new AsyncDisposableStack();
  try {
    // Health first: /healthz and /metrics answer while the steps below wait for their clusters.
    const operations = opened.use(
      await steps.startOperations({ host: config.METRICS_HOST, port: config.METRICS_PORT, version: build.version }, logger),
    );
    // Elasticsearch before Kafka: without the alerts template, alerts would be indexed with guessed types.
    const alertStream = { dataStream: config.ALERTS_DATA_STREAM, retention: config.ALERTS_RETENTION };
    const elasticsearch = opened.use(
      await steps.connectElasticsearch(elasticsearchSettings(config), alertStream, config.ELASTICSEARCH_STARTUP_TIMEOUT_MS, logger),
    );
    const kafka = opened.use(
      await steps.connectKafka(kafkaSettings(config), requiredTopics(config), logger, operations.events.kafkaClientError),
    );
    const detecting = opened.use(steps.startDetection(config, detection, operations, logger));
    const consuming = opened.use(await steps.startConsuming(config, { operations, elasticsearch, kafka, detection: detecting }, logger));
    logger.info(
      { topics: consuming.topics, groupId: config.KAFKA_GROUP_ID, rules: detection.rules.length, fingerprint: detection.fingerprint },
      'consuming',
    );

    // Started: the service owns the steps now, and stop() is the same disposal, in reverse start order.
    const owned = opened.move();
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= owned
        .disposeAsync()
        .catch((error: unknown) => logger.warn({ error }, 'closing a part failed while stopping'))
        .then(async () => logger.info({ recordsConsumed: await consumedByTopic(operations) }, 'stopped')));
    return { metricsPort: operations.port, stop, reload: (trigger) => detecting.reload(trigger) };
  } catch (error) {
    await opened.disposeAsync().catch((closing: unknown) => logger.warn({ error: closing }, 'closing after a failed start failed'));
    throw error;
  }
}

/** Every topic the service reads or writes, with the variable that names it (checked at start-up). */
function requiredTopics(config: Config): RequiredTopic[] {
  return [
    ...config.feeds.map((feed) => ({ topic: feed.topic, variable: feed.vendor.topicVariable, role: 'feed' as const })),
    { topic: config.DLQ_TOPIC, variable: 'DLQ_TOPIC', role: 'dead-letter' as const },
  ];
}

/** What this run processed, per topic: with the final commit, what a restart will not read again. */
async function consumedByTopic(operations: Operations): Promise<Record<string, number>> {
  const consumed: Record<string, number> = {};
  for (const { labels, value } of (await operations.metrics.recordsConsumed.get()).values)
    consumed[String(labels.topic)] = (consumed[String(labels.topic)] ?? 0) + value;
  return consumed;
}
