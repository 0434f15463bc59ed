// Runs one Kafka batch through the pipeline and returns only once its alerts and dead letters are safe.
import { DetectorError } from '../errors.js';
import type { DeadLetter, DeadLetterPublisher } from '../kafka/dead-letter.js';
import type { BatchHandler } from '../kafka/feed-consumer.js';
import type { AlertWriter } from '../sinks/elasticsearch/alert-sink.js';
import type { ItemOutcome } from '../sinks/elasticsearch/bulk-writer.js';
import type { Events } from '../telemetry/events.js';
import { evaluateBatch, type PendingAlert } from './evaluate-batch.js';
import type { FeedRuntime } from './feed-runtime.js';

export interface BatchHandlerDeps {
  /** Read per batch: a reload swaps what it returns, and a batch runs wholly on one set. */
  runtimesByTopic: Pick<ReadonlyMap<string, FeedRuntime>, 'get'>;
  writer: AlertWriter;
  deadLetters: DeadLetterPublisher;
  events: Events;
  /** Aborted when shutdown can wait no longer for Elasticsearch. */
  abortSignal: AbortSignal;
  now?: () => Date;
}

function sinkRejection(outcome: Extract<ItemOutcome, { outcome: 'failed' }>, alert: PendingAlert, topic: string, partition: number): DeadLetter {
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

export function createBatchHandler(deps: BatchHandlerDeps): BatchHandler {
  const now = deps.now ?? (() => new Date());
  const { events } = deps;

  return async (batch, session) => {
    const runtime = deps.runtimesByTopic.get(batch.topic);
    if (!runtime) throw new Error(`no feed is configured for topic ${batch.topic}`);
    const vendor = runtime.vendor.id;
    // Counted once the writer schemas are at hand: a batch waiting on the schema registry is read
    // again and again, and counting each attempt would make the counter disagree with the topic.
    await runtime.decoder.prepare(batch.messages.map((message) => message.value));
    events.recordsConsumed(vendor, batch.topic, batch.messages.length);
    const evaluation = evaluateBatch(runtime, batch.partition, batch.messages, now());

    const letters = evaluation.deadLetters;
    for (const letter of letters) events.recordRejected({ vendor, topic: batch.topic, partition: batch.partition, offset: letter.source.offset }, letter.error);
    for (const [ruleId, count] of evaluation.matchesByRule) events.ruleMatched(vendor, ruleId, count);
    for (const [ruleId, count] of evaluation.exceptedByRule) events.exceptionApplied(vendor, ruleId, count);

    if (evaluation.alerts.length > 0) {
      events.alertsPending(evaluation.alerts.length);
      let outcomes: ItemOutcome[];
      try {
        outcomes = await deps.writer.write(evaluation.alerts, {
          signal: deps.abortSignal,
          hooks: {
            onRequest: (outcome, seconds) => events.bulkRequest(outcome, seconds),
            onBackedUp: (reason, attempt, delayMs) => {
              events.sinkBackedUp(reason, attempt, delayMs);
              session.pauseAll();
            },
            onWaiting: () => session.heartbeat(),
          },
        });
      } finally {
        events.alertsPending(-evaluation.alerts.length);
      }
      session.resumeAll();
      const ackedAt = Date.now();
      const byId = new Map(evaluation.alerts.map((alert) => [alert.id, alert]));
      for (const outcome of outcomes) {
        const alert = byId.get(outcome.alert.id) as PendingAlert;
        events.alertWritten(outcome, alert, ackedAt);
        if (outcome.outcome === 'failed') letters.push(sinkRejection(outcome, alert, batch.topic, batch.partition));
      }
    }

    if (letters.length > 0) {
      await deps.deadLetters.publish(letters, now());
      const byCode = new Map<string, number>();
      for (const letter of letters) byCode.set(letter.error.code, (byCode.get(letter.error.code) ?? 0) + 1);
      for (const [code, count] of byCode) events.deadLettered(vendor, code, count);
    }
  };
}
