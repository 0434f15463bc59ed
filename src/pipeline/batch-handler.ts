// Runs one partition batch through the pipeline: evaluated at once, its alerts and dead letters handed on, delivery reported when they are safe.
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs } from '../backoff.js';
import { DetectorError } from '../errors.js';
import type { Events } from '../telemetry/events.js';
import type { AlertQueue } from './alert-queue.js';
import type { DeliveryBudget } from './delivery-budget.js';
import { evaluateBatch, type BatchEvaluation, type PendingAlert } from './evaluate-batch.js';
import type { FeedRuntime } from './feed-runtime.js';
import type { BatchHandler, DeadLetter, DeadLetterSink, SessionControls, WriteOutcome } from './ports.js';

export interface BatchHandlerDeps {
  /** Read per batch: a reload swaps what it returns, and a batch runs wholly on one set. */
  runtimesByTopic: Pick<ReadonlyMap<string, FeedRuntime>, 'get'>;
  alerts: AlertQueue<PendingAlert>;
  deadLetters: DeadLetterSink;
  budget: DeliveryBudget;
  events: Events;
  /** Aborted when shutdown can wait no longer for Elasticsearch or the dead-letter topic. */
  abortSignal: AbortSignal;
  /** Cap of the retry delay while the dead-letter topic does not acknowledge (from 1 s, doubling). */
  retryMaxBackoffMs: number;
  now?: () => Date;
  /** How often the session is kept alive while a batch waits for room. */
  keepAliveMs?: number;
}

/** What delivery needs to know of a batch (not its records). */
interface BatchRef {
  topic: string;
  partition: number;
  records: number;
}

function sinkRejection(
  outcome: Extract<WriteOutcome, { outcome: 'failed' }>,
  alert: PendingAlert,
  topic: string,
  partition: number,
): DeadLetter {
  const source = alert.document['edr'] as { source?: { offset?: string } } | undefined;
  return {
    vendor: alert.vendor,
    source: { topic, partition, offset: String(source?.source?.offset ?? '') },
    key: Buffer.from(alert.id),
    value: Buffer.from(JSON.stringify(alert.document)),
    headers: { 'content-type': 'application/json', 'edr.alert.id': alert.id },
    error: new DetectorError('SINK_REJECTED', `Elasticsearch rejected alert ${alert.id} (HTTP ${outcome.status}): ${outcome.reason}`),
  };
}

/** kafkajs heartbeats only when asked: a batch waiting for room must not cost the group membership. */
async function keepingAlive<T>(session: SessionControls, everyMs: number, work: Promise<T>): Promise<T> {
  const timer = setInterval(() => void session.heartbeat(), everyMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

export function createBatchHandler(deps: BatchHandlerDeps): BatchHandler {
  const now = deps.now ?? (() => new Date());
  const keepAliveMs = deps.keepAliveMs ?? 1_000;
  const { events } = deps;

  /**
   * Counted only now that the batch is safe, so a batch read again (a rebalance, a schema the
   * registry has not answered for) is counted once and the counters agree with the topic.
   */
  function countSafeBatch(vendor: string, batch: BatchRef, evaluation: BatchEvaluation, letters: DeadLetter[]): void {
    const { topic, partition } = batch;
    events.recordsConsumed(vendor, topic, batch.records);
    for (const letter of evaluation.deadLetters)
      events.recordRejected({ vendor, topic, partition, offset: letter.source.offset }, letter.error);
    for (const offset of evaluation.projectionMismatches) events.projectionMismatch({ vendor, topic, partition, offset });
    for (const [ruleId, count] of evaluation.matchesByRule) events.ruleMatched(vendor, ruleId, count);
    for (const [ruleId, count] of evaluation.exceptedByRule) events.exceptionApplied(vendor, ruleId, count);
    const byCode = new Map<string, number>();
    for (const letter of letters) byCode.set(letter.error.code, (byCode.get(letter.error.code) ?? 0) + 1);
    for (const [code, count] of byCode) events.deadLettered(vendor, code, count);
  }

  /** Letters are retried where they are: the partition's position cannot pass an unwritten letter anyway. */
  async function publishLetters(batch: BatchRef, letters: DeadLetter[], signal: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      try {
        await deps.deadLetters.publish(letters, now());
        return;
      } catch (error) {
        const delayMs = backoffDelayMs(attempt, 1_000, deps.retryMaxBackoffMs);
        events.deadLettersRetrying(batch.topic, batch.partition, error, attempt + 1, delayMs);
        await sleep(delayMs, undefined, { signal });
      }
    }
  }

  async function deliver(vendor: string, batch: BatchRef, evaluation: BatchEvaluation, signal: AbortSignal): Promise<void> {
    const letters = [...evaluation.deadLetters];
    if (evaluation.alerts.length > 0) {
      const outcomes = await deps.alerts.write(evaluation.alerts, signal);
      const ackedAt = Date.now();
      for (const outcome of outcomes) {
        events.alertWritten(outcome, outcome.alert, ackedAt);
        if (outcome.outcome === 'failed') letters.push(sinkRejection(outcome, outcome.alert, batch.topic, batch.partition));
      }
    }
    if (letters.length > 0) await publishLetters(batch, letters, signal);
    countSafeBatch(vendor, batch, evaluation, letters);
  }

  return async (batch, session) => {
    const runtime = deps.runtimesByTopic.get(batch.topic);
    if (!runtime) throw new Error(`no feed is configured for topic ${batch.topic}`);

    await runtime.decoder.prepare(batch.messages.map((message) => message.value));
    const evaluation = evaluateBatch(runtime, batch.partition, batch.messages, now());
    const held = { records: batch.messages.length, items: evaluation.alerts.length + evaluation.deadLetters.length };
    const signal = AbortSignal.any([deps.abortSignal, session.revoked]);
    // The one wait on the fetch path: only when Elasticsearch or the dead-letter topic is behind.
    if (!deps.budget.tryAdmit(held)) await keepingAlive(session, keepAliveMs, deps.budget.admit(held, signal));
    // Only the batch's name and size travel on: its records are not kept alive while it is delivered.
    const ref: BatchRef = { topic: batch.topic, partition: batch.partition, records: batch.messages.length };
    const delivered = deliver(runtime.vendor.id, ref, evaluation, signal).finally(() => deps.budget.release(held));
    return { delivered };
  };
}
