// Named internal events of the Kafka side (consumer group, offsets, lag, the client's own errors): each logs and counts in one place.
import type { ErrorCode } from '../errors.js';
import type { LogLimiter } from './log-limiter.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export function kafkaEvents(metrics: Metrics, logger: Logger, limiter: LogLimiter, countError: (code: ErrorCode) => void) {
  return {
    /** kafkajs logged an error (it retries on its own); one line per namespace and message per interval. */
    kafkaClientError(namespace: string, message: string, details: Record<string, unknown>): void {
      countError('KAFKA_CLIENT_ERROR');
      const permit = limiter.permit(`kafkajs/${namespace}/${message}`);
      if (permit) logger.error({ 'log.logger': `kafkajs.${namespace}`, kafkajs: details, suppressedSinceLast: permit.suppressed }, message);
    },

    consumerJoined(group: { groupId: string; memberId: string; assignment: unknown }, assigned: number, paused: number): void {
      metrics.partitionsAssigned.set(assigned);
      metrics.partitionsPaused.set(paused);
      logger.info({ groupId: group.groupId, memberId: group.memberId, assigned: group.assignment }, 'joined consumer group');
    },

    consumerCrashed(error: unknown, restart: boolean): void {
      countError('KAFKA_CONSUMER_CRASHED');
      logger.error({ error, restart }, 'consumer crashed');
    },

    partitionsPaused(count: number): void {
      metrics.partitionsPaused.set(count);
    },

    offsetCommitted(topic: string, partition: number, atSeconds: number): void {
      metrics.offsetsCommitted.inc({ topic });
      metrics.lastCommit.set({ topic, partition: String(partition) }, atSeconds);
    },

    /** A periodic commit is sent again with the next one; a failed final one means those records are read again. */
    commitFailed(error: unknown, final: boolean): void {
      countError('KAFKA_COMMIT_FAILED');
      if (final) {
        logger.warn({ error }, 'final offset commit failed; the group resumes from the last commit and reads those records again');
        return;
      }
      const permit = limiter.permit('commit-failed');
      if (permit) logger.warn({ error, suppressedSinceLast: permit.suppressed }, 'offset commit failed; retrying with the next one');
    },

    batchCompleted(durationSeconds: number): void {
      metrics.batchDuration.observe(durationSeconds);
    },

    lagObserved(topic: string, partition: number, lag: number): void {
      metrics.consumerLag.set({ topic, partition: String(partition) }, lag);
    },

    /** The last lag values stay; kafkajs logs the cause itself, so this line is only for debugging. */
    lagPollFailed(error: unknown): void {
      countError('KAFKA_CLIENT_ERROR');
      logger.debug({ error }, 'lag poll failed; keeping the last values');
    },
  };
}
