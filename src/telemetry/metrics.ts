// The service's Prometheus metrics, registered on an injected registry (never the global one).
import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';

const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const BULK_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(registry: Registry, build: { version: string }) {
  const prefix = 'edr_detector_';
  const registers = [registry];
  const metrics = {
    recordsConsumed: new Counter({
      name: `${prefix}records_consumed_total`,
      help: 'Records processed, counted once when their batch is safe (alerts and dead letters acknowledged, offsets resolved).',
      labelNames: ['vendor', 'topic'] as const,
      registers,
    }),
    decodeFailures: new Counter({
      name: `${prefix}decode_failures_total`,
      help: 'Records that could not be decoded, mapped to ECS or turned into an alert, by error code; counted once their dead letter is acknowledged.',
      labelNames: ['vendor', 'error_code'] as const,
      registers,
    }),
    deadLetters: new Counter({
      name: `${prefix}dead_letters_total`,
      help: 'Records written to the dead-letter topic, by error code.',
      labelNames: ['vendor', 'error_code'] as const,
      registers,
    }),
    ruleMatches: new Counter({
      name: `${prefix}rule_matches_total`,
      help: 'Events a detection rule matched, counted once their batch is safe; past the first 200 rules to match, rule_id is "other".',
      labelNames: ['vendor', 'rule_id'] as const,
      registers,
    }),
    projectionMismatches: new Counter({
      name: `${prefix}projection_mismatches_total`,
      help: 'Records the projected fast path matched but the full record did not (no alert is written; a mapping bug).',
      labelNames: ['vendor'] as const,
      registers,
    }),
    errors: new Counter({
      name: `${prefix}errors_total`,
      help: 'Every coded error the service met, by error code (the closed list in src/errors.ts) and stage: bad records, batch failures, sink rejections, Kafka client errors, refused reloads.',
      labelNames: ['error_code', 'stage'] as const,
      registers,
    }),
    batchFailures: new Counter({
      name: `${prefix}batch_failures_total`,
      help: 'Batch attempts that failed and will be read again after a per-partition backoff, by error code.',
      labelNames: ['topic', 'error_code'] as const,
      registers,
    }),
    alertsWritten: new Counter({
      name: `${prefix}alerts_written_total`,
      help: "Alerts sent to Elasticsearch by outcome: created, duplicate (already written), suppressed (counted into its group's alert), failed.",
      labelNames: ['vendor', 'outcome'] as const,
      registers,
    }),
    bulkRequests: new Counter({
      name: `${prefix}elasticsearch_bulk_requests_total`,
      help: 'Elasticsearch bulk requests by outcome: success, retried, error.',
      labelNames: ['outcome'] as const,
      registers,
    }),
    bulkDuration: new Histogram({
      name: `${prefix}elasticsearch_bulk_duration_seconds`,
      help: 'Duration of Elasticsearch bulk requests.',
      labelNames: ['outcome'] as const,
      buckets: BULK_BUCKETS_S,
      registers,
    }),
    offsetsCommitted: new Counter({
      name: `${prefix}offsets_committed_total`,
      help: 'Partition offsets committed to the consumer group.',
      labelNames: ['topic'] as const,
      registers,
    }),
    consumerLag: new Gauge({
      name: `${prefix}consumer_lag_records`,
      help: 'Records between the last processed offset and the high watermark, per partition.',
      labelNames: ['topic', 'partition'] as const,
      registers,
    }),
    lastCommit: new Gauge({
      name: `${prefix}last_commit_timestamp_seconds`,
      help: 'Unix time of the last offset commit, per partition.',
      labelNames: ['topic', 'partition'] as const,
      registers,
    }),
    partitionsAssigned: new Gauge({
      name: `${prefix}partitions_assigned`,
      help: 'Partitions assigned to this instance.',
      registers,
    }),
    partitionsPaused: new Gauge({
      name: `${prefix}partitions_paused`,
      help: 'Assigned partitions not fetching now: all while Elasticsearch is not accepting alerts, else those backing off after a failed batch.',
      registers,
    }),
    stalledPartitions: new Gauge({
      name: `${prefix}stalled_partitions`,
      help: 'Assigned partitions with records waiting whose offset has not advanced for HEALTH_STALL_TIMEOUT_MS (fails /healthz).',
      registers,
    }),
    pendingAlerts: new Gauge({
      name: `${prefix}pending_alerts`,
      help: 'Alerts built but not yet acknowledged by Elasticsearch (queued for the one writer, or in its request).',
      registers,
    }),
    unacknowledgedRecords: new Gauge({
      name: `${prefix}unacknowledged_records`,
      help: 'Records accepted whose batches are not yet delivered (alerts and dead letters acknowledged): not committable yet; bounded by DELIVERY_MAX_UNACKNOWLEDGED_RECORDS.',
      registers,
    }),
    elasticsearchReachable: new Gauge({
      name: `${prefix}elasticsearch_reachable`,
      help: '1 when the last check (every 5 s) reached Elasticsearch, whether or not it accepts alerts.',
      registers,
    }),
    ready: new Gauge({
      name: `${prefix}ready`,
      help: '1 when the consumer joined its group, Elasticsearch answers, the template is installed and the feeds are not paused for Elasticsearch.',
      registers,
    }),
    buildInfo: new Gauge({
      name: `${prefix}build_info`,
      help: 'Build information; always 1.',
      labelNames: ['version', 'node_version'] as const,
      registers,
    }),
    alertLatencyFromEvent: new Histogram({
      name: `${prefix}alert_latency_from_event_seconds`,
      help: 'From the event time (@timestamp) to the alert acknowledged by Elasticsearch.',
      labelNames: ['vendor'] as const,
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
    alertLatencyFromKafka: new Histogram({
      name: `${prefix}alert_latency_from_kafka_seconds`,
      help: 'From the Kafka record timestamp to the alert acknowledged by Elasticsearch.',
      labelNames: ['vendor'] as const,
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
    exceptedEvents: new Counter({
      name: `${prefix}exceptions_applied_total`,
      help: 'Rule matches silenced by an exception item (no alert written), per rule.',
      labelNames: ['vendor', 'rule_id'] as const,
      registers,
    }),
    detectionSetInfo: new Gauge({
      name: `${prefix}detection_set_info`,
      help: 'Always 1, labelled with the fingerprint of the active rules, exception lists and suppression settings.',
      labelNames: ['fingerprint'] as const,
      registers,
    }),
    detectionSetLoadedTime: new Gauge({
      name: `${prefix}detection_set_loaded_timestamp_seconds`,
      help: 'When the active detection set was loaded (Unix time).',
      registers,
    }),
    detectionSetReloads: new Counter({
      name: `${prefix}detection_set_reloads_total`,
      help: 'Reloads of rules/exceptions by outcome: success (new set active), unchanged (same fingerprint), failed (old set kept).',
      labelNames: ['outcome'] as const,
      registers,
    }),
    detectionSetLastReloadFailed: new Gauge({
      name: `${prefix}detection_set_last_reload_failed`,
      help: '1 while the latest reload attempt was refused (the previous set is still active), else 0.',
      registers,
    }),
    rulesLoaded: new Gauge({
      name: `${prefix}rules_loaded`,
      help: 'Detection rules loaded at start-up (whether or not an enabled feed matches their index patterns).',
      registers,
    }),
    rulesActive: new Gauge({
      name: `${prefix}rules_active`,
      help: "Loaded rules running on each enabled feed (their index patterns match the feed's Elastic index).",
      labelNames: ['vendor'] as const,
      registers,
    }),
    rulesRefused: new Gauge({
      name: `${prefix}rules_refused`,
      help: 'Rule files refused at start-up, by reason (invalid_*, duplicate_rule_id, rule_type, setting, eql_*).',
      labelNames: ['reason'] as const,
      registers,
    }),
    batchDuration: new Histogram({
      name: `${prefix}batch_duration_seconds`,
      help: 'Time of one Kafka batch from the handler to delivered: decode, map, match, queue, alerts and dead letters acknowledged.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
      registers,
    }),
  };
  metrics.buildInfo.set({ version: build.version, node_version: process.version }, 1);
  metrics.ready.set(0);
  metrics.partitionsAssigned.set(0);
  metrics.partitionsPaused.set(0);
  metrics.stalledPartitions.set(0);
  metrics.elasticsearchReachable.set(0);
  metrics.pendingAlerts.set(0);
  collectDefaultMetrics({ register: registry });
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
