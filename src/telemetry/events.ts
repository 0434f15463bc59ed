// Named internal events: each one logs and bumps its metrics in one place, so the two never disagree.
import { ERROR_CODES, isDetectorError, type DetectorError, type ErrorCode } from '../errors.js';
import { kafkaEvents } from './kafka-events.js';
import { LogLimiter } from './log-limiter.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export interface RecordPosition {
  vendor: string;
  topic: string;
  partition: number;
  offset: string;
}

/** One alert's outcome as a sink reports it (the Elasticsearch sink's ItemOutcome fits): telemetry imports no sink. */
export interface AlertOutcome {
  alert: { id: string; vendor: string };
  outcome: 'created' | 'duplicate' | 'suppressed' | 'failed';
  status?: number;
  reason?: string;
}

export interface LatencySample {
  vendor: string;
  eventTimeMs: number | undefined;
  kafkaTimeMs: number | undefined;
}

/** Distinct rule_id label values of rule_matches_total, per process. */
export const MAX_RULE_LABELS = 200;
export const OTHER_RULES = 'other';

/** Names of idle rules put in the start-up log line; the rest are counted. */
const IDLE_RULES_LOGGED = 20;

export interface EventOptions {
  /** Lines of one kind and key (vendor + code, partition) written at most once per this interval. */
  repeatedLogIntervalMs?: number;
  now?: () => number;
}

/** Error codes as metric labels: a closed list, so anything else is the generic batch failure. */
function codeOf(error: unknown): ErrorCode {
  return isDetectorError(error) ? error.code : 'BATCH_FAILED';
}

/** Counts one coded error into errors_total: every event that reports an error calls it. */
type CountError = (code: ErrorCode, count?: number) => void;

export function createEvents(metrics: Metrics, logger: Logger, options: EventOptions = {}) {
  const limiter = new LogLimiter(options.repeatedLogIntervalMs ?? 30_000, options.now);
  const countError: CountError = (code, count = 1) => metrics.errors.inc({ error_code: code, stage: ERROR_CODES[code].stage }, count);
  // With a whole rules tree loaded, rule_id labels stay bounded: the first MAX_RULE_LABELS rules to
  // match keep their own series, later ones share "other" (their alerts still name them).
  const labelledRules = new Set<string>();
  const ruleLabel = (ruleId: string): string => {
    if (labelledRules.has(ruleId)) return ruleId;
    if (labelledRules.size >= MAX_RULE_LABELS) return OTHER_RULES;
    labelledRules.add(ruleId);
    return ruleId;
  };
  /** A partition's work failed and will be tried again: counted per attempt, logged once per kind, partition and code per interval. */
  const partitionRetry = (
    kind: string,
    retry: { topic: string; partition: number; error: unknown; attempt: number; retryInMs: number },
    message: string,
  ): void => {
    const code = codeOf(retry.error);
    metrics.batchFailures.inc({ topic: retry.topic, error_code: code });
    countError(code);
    const permit = limiter.permit(`${kind}/${retry.topic}/${retry.partition}/${code}`);
    if (permit) logger.warn({ ...retry, suppressedSinceLast: permit.suppressed }, message);
  };
  return {
    ...kafkaEvents(metrics, logger, limiter, countError),

    /** Counted when the batch holding them is safe: a batch read twice counts once per success. */
    recordsConsumed(vendor: string, topic: string, count: number): void {
      metrics.recordsConsumed.inc({ vendor, topic }, count);
    },

    /** The record's dead letter is acknowledged: counted, and logged at most once per vendor and code per interval. */
    recordRejected(position: RecordPosition, error: Pick<DetectorError, 'code' | 'stage' | 'message'>): void {
      metrics.decodeFailures.inc({ vendor: position.vendor, error_code: error.code });
      countError(error.code);
      const permit = limiter.permit(`rejected/${position.vendor}/${error.code}`);
      if (!permit) return;
      logger.warn(
        { ...position, error: { code: error.code, stage: error.stage, message: error.message }, suppressedSinceLast: permit.suppressed },
        'record rejected; sent to the dead-letter topic',
      );
    },

    projectionMismatch(position: RecordPosition): void {
      metrics.projectionMismatches.inc({ vendor: position.vendor });
      const permit = limiter.permit(`mismatch/${position.vendor}`);
      if (!permit) return;
      logger.error(
        { ...position, suppressedSinceLast: permit.suppressed },
        'the projected fast path matched a record the full record does not: no alert written (mapping bug)',
      );
    },

    batchFailed(topic: string, partition: number, error: unknown, attempt: number, retryInMs: number): void {
      partitionRetry('batch', { topic, partition, error, attempt, retryInMs }, 'batch not completed; it will be read again');
    },

    /** The dead-letter topic did not acknowledge a batch's letters: retried in place, the partition's position waits for them. */
    deadLettersRetrying(topic: string, partition: number, error: unknown, attempt: number, retryInMs: number): void {
      partitionRetry(
        'letters',
        { topic, partition, error, attempt, retryInMs },
        'dead letters not acknowledged; retrying, and the partition commits nothing past them',
      );
    },

    /** A rebalance took the partition (or may have) while its batch waited: it stays unresolved for the next owner. */
    batchAbandoned(topic: string, partition: number): void {
      const permit = limiter.permit(`abandoned/${topic}/${partition}`);
      if (permit)
        logger.info(
          { topic, partition, suppressedSinceLast: permit.suppressed },
          "batch abandoned: the group is rebalancing; its records are read again by the partition's owner",
        );
    },

    inputPaused(topics: readonly string[]): void {
      logger.warn({ topics }, 'paused consumption: Elasticsearch is not accepting alerts');
    },

    inputResumed(topics: readonly string[]): void {
      logger.info({ topics }, 'resumed consumption');
    },

    deadLettered(vendor: string, code: string, count = 1): void {
      metrics.deadLetters.inc({ vendor, error_code: code }, count);
    },

    rulesReady(summary: {
      loaded: number;
      activeByVendor: ReadonlyMap<string, number>;
      refusedByReason: ReadonlyMap<string, number>;
      idle: readonly { id: string; name: string }[];
    }): void {
      metrics.rulesLoaded.set(summary.loaded);
      for (const [vendor, count] of summary.activeByVendor) metrics.rulesActive.set({ vendor }, count);
      for (const [reason, count] of summary.refusedByReason) metrics.rulesRefused.set({ reason }, count);
      if (summary.idle.length > 0) {
        const names = summary.idle.slice(0, IDLE_RULES_LOGGED).map((rule) => rule.name);
        logger.info(
          { idleRules: summary.idle.length, examples: names },
          "some loaded rules match no enabled feed's index patterns and run nowhere (npm run rules -- check lists them)",
        );
      }
    },

    ruleMatched(vendor: string, ruleId: string, count: number): void {
      metrics.ruleMatches.inc({ vendor, rule_id: ruleLabel(ruleId) }, count);
    },

    exceptionApplied(vendor: string, ruleId: string, count: number): void {
      metrics.exceptedEvents.inc({ vendor, rule_id: ruleId }, count);
      logger.debug({ vendor, ruleId, count }, 'matches silenced by an exception item');
    },

    detectionSetLoaded(
      set: { fingerprint: string; loadedAtMs: number; rules: number; exceptionLists: number },
      previousFingerprint: string | undefined,
      trigger: string,
    ): void {
      if (previousFingerprint !== undefined) metrics.detectionSetInfo.remove({ fingerprint: previousFingerprint });
      metrics.detectionSetInfo.set({ fingerprint: set.fingerprint }, 1);
      metrics.detectionSetLoadedTime.set(set.loadedAtMs / 1000);
      if (trigger !== 'start-up')
        metrics.detectionSetReloads.inc({ outcome: previousFingerprint === set.fingerprint ? 'unchanged' : 'success' });
      logger.info(
        { fingerprint: set.fingerprint, previousFingerprint, trigger, rules: set.rules, exceptionLists: set.exceptionLists },
        'detection set active',
      );
    },

    detectionSetRefused(error: Error, activeFingerprint: string, trigger: string): void {
      metrics.detectionSetReloads.inc({ outcome: 'failed' });
      countError(isDetectorError(error) ? error.code : 'CONFIG_INVALID');
      metrics.detectionSetLastReloadFailed.set(1);
      logger.error({ trigger, activeFingerprint, error }, 'new rules/exceptions refused; the previous detection set stays active');
    },

    detectionSetReloadSucceeded(): void {
      metrics.detectionSetLastReloadFailed.set(0);
    },

    /** The service state as the probes last read it (every /healthz, /readyz and 5 s reachability check). */
    healthObserved(health: { ready: boolean; stalledPartitions: number; elasticsearchReachable: boolean }): void {
      metrics.ready.set(health.ready ? 1 : 0);
      metrics.stalledPartitions.set(health.stalledPartitions);
      metrics.elasticsearchReachable.set(health.elasticsearchReachable ? 1 : 0);
    },

    alertsPending(delta: number): void {
      metrics.pendingAlerts.inc(delta);
    },

    /** Records accepted whose batches are not yet delivered: how far consumption runs ahead of the sinks. */
    deliveryHeld(records: number): void {
      metrics.unacknowledgedRecords.set(records);
    },

    alertWritten(outcome: AlertOutcome, latency: LatencySample, ackedAtMs: number): void {
      metrics.alertsWritten.inc({ vendor: outcome.alert.vendor, outcome: outcome.outcome });
      if (outcome.outcome === 'failed') {
        countError('SINK_REJECTED');
        logger.error(
          { alertId: outcome.alert.id, vendor: outcome.alert.vendor, status: outcome.status, reason: outcome.reason },
          'Elasticsearch rejected an alert; it goes to the dead-letter topic',
        );
        return;
      }
      if (latency.eventTimeMs !== undefined) {
        metrics.alertLatencyFromEvent.observe({ vendor: latency.vendor }, Math.max(0, ackedAtMs - latency.eventTimeMs) / 1000);
      }
      if (latency.kafkaTimeMs !== undefined) {
        metrics.alertLatencyFromKafka.observe({ vendor: latency.vendor }, Math.max(0, ackedAtMs - latency.kafkaTimeMs) / 1000);
      }
      if (outcome.outcome === 'created') logger.info({ alertId: outcome.alert.id, vendor: outcome.alert.vendor }, 'alert written');
      else if (outcome.outcome === 'suppressed') logger.debug({ alertId: outcome.alert.id }, 'match counted into its suppressed alert');
      else logger.debug({ alertId: outcome.alert.id }, 'alert already written (redelivered record)');
    },

    bulkRequest(outcome: 'success' | 'retried' | 'error', durationSeconds: number): void {
      metrics.bulkRequests.inc({ outcome });
      metrics.bulkDuration.observe({ outcome }, durationSeconds);
    },

    sinkBackedUp(reason: string, attempt: number, delayMs: number): void {
      countError('SINK_UNAVAILABLE');
      const permit = limiter.permit('sink-backed-up');
      if (permit)
        logger.warn(
          { reason, attempt, retryInMs: delayMs, suppressedSinceLast: permit.suppressed },
          'Elasticsearch is not accepting alerts; retrying',
        );
    },
  };
}

export type Events = ReturnType<typeof createEvents>;
