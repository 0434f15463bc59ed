// Wires the stages together and owns their lifecycle: start in order, stop in reverse, bounded.
import { errors as esErrors } from '@elastic/elasticsearch';
import { Partitioners } from 'kafkajs';
import { Registry } from 'prom-client';
import type { Config } from './config/load.js';
import { registryClient } from './decode/feed-decoder.js';
import { refusedByReason } from './detect/rule-set.js';
import { DetectorError } from './errors.js';
import { createKafka } from './kafka/client.js';
import { DeadLetterPublisher } from './kafka/dead-letter.js';
import { FeedConsumer } from './kafka/feed-consumer.js';
import { LagMonitor } from './kafka/lag-monitor.js';
import { checkTopicsExist } from './kafka/topic-check.js';
import { createBatchHandler } from './pipeline/batch-handler.js';
import type { FeedRuntime } from './pipeline/feed-runtime.js';
import { liveness, readiness, type ServiceState } from './readiness.js';
import type { DetectionSet } from './ruleset/detection-set.js';
import { buildFeedRuntimes } from './ruleset/feed-runtimes.js';
import { loadDetectionSet } from './ruleset/load-detection-set.js';
import { Reloader } from './ruleset/reloader.js';
import { AlertSink } from './sinks/elasticsearch/alert-sink.js';
import { createElasticsearchClient } from './sinks/elasticsearch/client.js';
import { installAlertTemplateWhenReachable } from './sinks/elasticsearch/install-template.js';
import { createEvents } from './telemetry/events.js';
import { startOperationsServer, type RunningServer } from './telemetry/http-server.js';
import type { Logger } from './telemetry/logger.js';
import { createMetrics } from './telemetry/metrics.js';

export interface RunningService {
  metricsPort: number;
  /** Finishes in-flight batches, commits, disconnects; resolves when everything is closed. */
  stop(): Promise<void>;
  /** Reloads rules, exceptions and suppression now (SIGHUP); a bad set is refused and the old one kept. */
  reload(trigger: string): Promise<void>;
}

const READINESS_POLL_MS = 5_000;

/** Authentication and authorisation failures will not heal by retrying: start-up stops with them. */
function isCredentialsError(error: unknown): boolean {
  const cause = error instanceof DetectorError ? error.cause : error;
  return cause instanceof esErrors.ResponseError && (cause.statusCode === 401 || cause.statusCode === 403);
}

/** A broker that rejects our SASL login (checked by name: kafkajs' error classes are not ESM exports). */
const TLS_TRUST_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A certificate the configured CA does not vouch for, anywhere in the error's cause chain. */
function isTlsTrustFailure(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && TLS_TRUST_CODES.has(code)) return true;
    current = (current as Error & { originalError?: unknown }).originalError ?? current.cause;
  }
  return false;
}

function isSaslRefusal(error: unknown): boolean {
  return error instanceof Error && error.name === 'KafkaJSSASLAuthenticationError';
}

export async function startService(config: Config, detection: DetectionSet, logger: Logger, build: { version: string }): Promise<RunningService> {
  const registry = new Registry();
  const metrics = createMetrics(registry, build);
  const events = createEvents(metrics, logger);
  const state: ServiceState = {
    consumerJoined: false,
    consumerCrashed: false,
    elasticsearchReachable: false,
    templateInstalled: false,
    stopping: false,
    pausedForSink: false,
    stalledPartitions: [],
  };

  const elasticsearch = createElasticsearchClient({
    url: config.ELASTICSEARCH_URL,
    apiKey: config.ELASTICSEARCH_API_KEY,
    username: config.ELASTICSEARCH_USERNAME,
    password: config.ELASTICSEARCH_PASSWORD,
    ca: config.elasticsearchCa,
    requestTimeoutMs: config.ELASTICSEARCH_REQUEST_TIMEOUT_MS,
  });
  const kafka = createKafka(
    {
      clientId: config.KAFKA_CLIENT_ID,
      brokers: config.KAFKA_BROKERS,
      ssl: config.KAFKA_SSL,
      ca: config.kafkaCa,
      saslMechanism: config.KAFKA_SASL_MECHANISM,
      saslUsername: config.KAFKA_SASL_USERNAME,
      saslPassword: config.KAFKA_SASL_PASSWORD,
    },
    logger,
  );
  const topics = config.feeds.map((feed) => feed.topic);
  const consumer = new FeedConsumer(
    kafka,
    {
      groupId: config.KAFKA_GROUP_ID,
      topics,
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      maxBytesPerPartition: config.KAFKA_MAX_BYTES_PER_PARTITION,
      maxBytes: config.KAFKA_MAX_BYTES,
      retryMaxBackoffMs: config.BATCH_RETRY_MAX_BACKOFF_MS,
    },
    metrics,
    events,
    logger,
  );

  const registrySettings = {
    format: config.VALUE_FORMAT,
    registryUrl: config.SCHEMA_REGISTRY_URL,
    registryUsername: config.SCHEMA_REGISTRY_USERNAME,
    registryPassword: config.SCHEMA_REGISTRY_PASSWORD,
  };
  const schemaRegistry = registryClient(registrySettings);

  const refreshState = (): ServiceState => {
    state.schemaRegistryProblem = schemaRegistry?.health().reason;
    state.consumerJoined = consumer.isJoined;
    state.consumerCrashed = consumer.hasCrashed;
    state.pausedForSink = consumer.pauses.pausedForSink;
    state.stalledPartitions = consumer.progress.stalled(config.HEALTH_STALL_TIMEOUT_MS);
    metrics.stalledPartitions.set(state.stalledPartitions.length);
    metrics.partitionsPaused.set(consumer.pausedPartitions);
    metrics.elasticsearchReachable.set(state.elasticsearchReachable ? 1 : 0);
    metrics.ready.set(readiness(state).ok ? 1 : 0);
    return state;
  };
  const server: RunningServer = await startOperationsServer(
    { registry, liveness: () => liveness(refreshState()), readiness: () => readiness(refreshState()) },
    config.METRICS_HOST,
    config.METRICS_PORT,
  );
  logger.info({ port: server.port }, 'operations endpoint listening (/metrics, /healthz, /readyz)');

  // Elasticsearch first: without the template, alerts would be indexed with guessed types.
  const alertStream = { dataStream: config.ALERTS_DATA_STREAM, retention: config.ALERTS_RETENTION };
  const template = await installAlertTemplateWhenReachable(elasticsearch, alertStream, config.ELASTICSEARCH_STARTUP_TIMEOUT_MS, (error, attempt) =>
    logger.warn({ error, attempt }, 'Elasticsearch not ready for the alerts template yet; retrying'),
  ).catch(async (error: unknown) => {
    await server.close();
    throw isCredentialsError(error)
      ? new DetectorError('CONFIG_INVALID', `Elasticsearch refused our credentials at ${config.ELASTICSEARCH_URL}: check ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME/PASSWORD`, { cause: error })
      : error;
  });
  state.templateInstalled = true;
  state.elasticsearchReachable = true;
  if (!template.wildcardSupported) {
    logger.warn({ dataStream: config.ALERTS_DATA_STREAM }, 'this Elasticsearch lacks the wildcard field type; command lines are mapped as keyword + text');
  }
  if (!template.lifecycleSupported) {
    logger.warn(
      { dataStream: config.ALERTS_DATA_STREAM, retention: config.ALERTS_RETENTION ?? null },
      'this Elasticsearch lacks the data stream lifecycle: the retention is stored with the stream but not enforced',
    );
  }
  if (template.notUpdated.length > 0) {
    logger.warn(
      { dataStream: config.ALERTS_DATA_STREAM, notUpdated: template.notUpdated },
      'no privilege to update the existing alerts data stream; the template applies from its next rollover',
    );
  }
  logger.info({ dataStream: config.ALERTS_DATA_STREAM, retention: config.ALERTS_RETENTION ?? null }, 'alerts data stream template installed');

  // Dead letters are at-least-once like everything else: a retried send may write a letter twice,
  // which is harmless, while an idempotent producer would need unbounded retries to keep its promise.
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const admin = kafka.admin();
  try {
    await producer.connect();
    await admin.connect();
  } catch (error) {
    await server.close();
    const brokers = config.KAFKA_BROKERS.join(',');
    // Refused credentials or an untrusted certificate will not heal by restarting (exit 2); an
    // unreachable broker may (exit 1, and the orchestrator restarts us with backoff).
    if (isSaslRefusal(error)) {
      throw new DetectorError(
        'CONFIG_INVALID',
        `Kafka refused the SASL credentials at ${brokers} (${config.KAFKA_SASL_MECHANISM ?? 'sasl'}): check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (isTlsTrustFailure(error)) {
      throw new DetectorError('CONFIG_INVALID', `cannot verify the TLS certificate of Kafka at ${brokers}: check KAFKA_SSL_CA_FILE: ${(error as Error).message}`, { cause: error });
    }
    throw new DetectorError('KAFKA_UNAVAILABLE', `cannot connect to Kafka at ${brokers}: ${(error as Error).message}`, { cause: error });
  }
  const requiredTopics = [
    ...config.feeds.map((feed) => ({ topic: feed.topic, variable: feed.vendor.topicVariable, role: 'feed' as const })),
    { topic: config.DLQ_TOPIC, variable: 'DLQ_TOPIC', role: 'dead-letter' as const },
  ];
  await checkTopicsExist(admin, requiredTopics, config.KAFKA_BROKERS.join(',')).catch(async (error: unknown) => {
    await Promise.allSettled([producer.disconnect(), admin.disconnect(), server.close()]);
    throw error;
  });
  const lagMonitor = new LagMonitor(admin, config.KAFKA_GROUP_ID, topics, metrics, logger, (topic, partition, lag) =>
    consumer.progress.observedLag(topic, partition, lag),
  );

  // Everything that depends on the detection set is built here, at start-up and on every reload.
  const buildRuntimes = (detection: DetectionSet): Map<string, FeedRuntime> => {
    const built = buildFeedRuntimes(config.feeds, detection, { ...registrySettings, registry: schemaRegistry });
    events.rulesReady({
      loaded: detection.loaded.rules.length,
      activeByVendor: new Map([...built.rulesByVendor].map(([vendor, list]) => [vendor, list.length])),
      refusedByReason: refusedByReason(detection.loaded),
      idle: built.idle.map(({ rule }) => ({ id: rule.id, name: rule.name })),
    });
    return built.byTopic;
  };
  let activeSet = detection;
  let runtimes = buildRuntimes(detection);
  const summary = (set: DetectionSet) => ({ fingerprint: set.fingerprint, loadedAtMs: set.loadedAtMs, rules: set.rules.length, exceptionLists: set.exceptions.lists.size });
  events.detectionSetLoaded(summary(detection), undefined, 'start-up');
  const reloader = new Reloader<DetectionSet>({
    directories: [config.RULES_DIR, config.EXCEPTIONS_DIR],
    debounceMs: config.RELOAD_DEBOUNCE_MS,
    load: () => loadDetectionSet(config),
    apply: (next, trigger) => {
      // One assignment: the next batch of every partition runs on the new set, none on a mixture.
      runtimes = next.fingerprint === activeSet.fingerprint ? runtimes : buildRuntimes(next);
      events.detectionSetLoaded(summary(next), activeSet.fingerprint, trigger);
      events.detectionSetReloadSucceeded();
      activeSet = next;
    },
    refuse: (error, trigger) => events.detectionSetRefused(error, activeSet.fingerprint, trigger),
    logger,
  });

  const shutdownAbort = new AbortController();
  const writer = new AlertSink(elasticsearch, { dataStream: config.ALERTS_DATA_STREAM, maxBackoffMs: config.ELASTICSEARCH_RETRY_MAX_BACKOFF_MS });
  const handler = createBatchHandler({
    runtimesByTopic: { get: (topic) => runtimes.get(topic) },
    writer,
    deadLetters: new DeadLetterPublisher(producer, config.DLQ_TOPIC),
    events,
    abortSignal: shutdownAbort.signal,
  });

  const reachability = setInterval(() => {
    elasticsearch.indices
      .exists({ index: config.ALERTS_DATA_STREAM })
      .then(() => (state.elasticsearchReachable = true))
      .catch(() => (state.elasticsearchReachable = false))
      .finally(refreshState);
  }, READINESS_POLL_MS);
  reachability.unref();

  await consumer.start(handler);
  lagMonitor.start();
  reloader.start();
  logger.info({ topics, groupId: config.KAFKA_GROUP_ID, rules: detection.rules.length, fingerprint: detection.fingerprint }, 'consuming');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      state.stopping = true;
      refreshState();
      clearInterval(reachability);
      reloader.stop();
      // Give the in-flight batch most of the bound to finish normally, then give up on Elasticsearch:
      // the unacknowledged batch stays uncommitted and is read again after the restart.
      const abortTimer = setTimeout(() => shutdownAbort.abort(), Math.floor(config.SHUTDOWN_TIMEOUT_MS * 0.6));
      abortTimer.unref();
      await consumer.stop().catch((error: unknown) => logger.warn({ error }, 'consumer stop failed'));
      clearTimeout(abortTimer);
      await lagMonitor.stop();
      await Promise.allSettled([producer.disconnect(), admin.disconnect(), elasticsearch.close()]);
      await server.close();
      // What this run processed, per topic: with the final commit, what a restart will not read again.
      const consumed: Record<string, number> = {};
      for (const { labels, value } of (await metrics.recordsConsumed.get()).values) consumed[String(labels.topic)] = (consumed[String(labels.topic)] ?? 0) + value;
      logger.info({ recordsConsumed: consumed }, 'stopped');
    })());

  return { metricsPort: server.port, stop, reload: (trigger) => reloader.reload(trigger) };
}
