// Runs one partition batch through the pipeline and returns only once its alerts and dead letters are safe.
import { DetectorError } from '../errors.js';
import type { Events } from '../telemetry/events.js';
import { evaluateBatch, type BatchEvaluation, type PendingAlert } from './evaluate-batch.js';
import type { FeedRuntime } from './feed-runtime.js';
import type { AlertWriter, BatchHandler, DeadLetter, DeadLetterSink, PauseLease, SessionControls, WriteOutcome } from './ports.js';

export interface BatchHandlerDeps {
  /** Read per batch: a reload swaps what it returns, and a batch runs wholly on one set. */
  runtimesByTopic: Pick<ReadonlyMap<string, FeedRuntime>, 'get'>;
  writer: AlertWriter;
  deadLetters: DeadLetterSink;
  events: Events;
  /** Aborted when shutdown can wait no longer for Elasticsearch. */
  abortSignal: AbortSignal;
  now?: () => Date;
  /** How often the session is kept alive while a dead-letter send is outstanding. */
  keepAliveMs?: number;
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

/** kafkajs heartbeats only when asked: a slow broker send must not cost the group membership. */
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

  /** Alerts to Elasticsearch; the feeds stay paused only while this batch waits, whatever ends the wait. */
  async function writeAlerts(alerts: PendingAlert[], session: SessionControls): Promise<WriteOutcome[]> {
    events.alertsPending(alerts.length);
    let lease: PauseLease | undefined;
    try {
      return await deps.writer.write(alerts, {
        signal: AbortSignal.any([deps.abortSignal, session.revoked]),
        hooks: {
          onRequest: (outcome, seconds) => events.bulkRequest(outcome, seconds),
          onBackedUp: (reason, attempt, delayMs) => {
            events.sinkBackedUp(reason, attempt, delayMs);
            lease ??= session.holdInputForSink();
          },
          onWaiting: () => session.heartbeat(),
        },
      });
    } finally {
      lease?.release();
      events.alertsPending(-alerts.length);
    }
  }

  /**
   * Counted only now that the batch is safe, so a batch read again (Elasticsearch down, a schema
   * the registry has not answered for) is counted once and the counters agree with the topic.
   */
  function countSafeBatch(
    vendor: string,
    topic: string,
    partition: number,
    size: number,
    evaluation: BatchEvaluation,
    letters: DeadLetter[],
  ): void {
    events.recordsConsumed(vendor, topic, size);
    for (const letter of evaluation.deadLetters)
      events.recordRejected({ vendor, topic, partition, offset: letter.source.offset }, letter.error);
    for (const offset of evaluation.projectionMismatches) events.projectionMismatch({ vendor, topic, partition, offset });
    for (const [ruleId, count] of evaluation.matchesByRule) events.ruleMatched(vendor, ruleId, count);
    for (const [ruleId, count] of evaluation.exceptedByRule) events.exceptionApplied(vendor, ruleId, count);
    const byCode = new Map<string, number>();
    for (const letter of letters) byCode.set(letter.error.code, (byCode.get(letter.error.code) ?? 0) + 1);
    for (const [code, count] of byCode) events.deadLettered(vendor, code, count);
  }

  return async (batch, session) => {
    const runtime = deps.runtimesByTopic.get(batch.topic);
    if (!runtime) throw new Error(`no feed is configured for topic ${batch.topic}`);
    const vendor = runtime.vendor.id;

    await runtime.decoder.prepare(batch.messages.map((message) => message.value));
    const evaluation = evaluateBatch(runtime, batch.partition, batch.messages, now());
    const letters = [...evaluation.deadLetters];

    if (evaluation.alerts.length > 0) {
      const outcomes = await writeAlerts(evaluation.alerts, session);
      const ackedAt = Date.now();
      const byId = new Map(evaluation.alerts.map((alert) => [alert.id, alert]));
      for (const outcome of outcomes) {
        const alert = byId.get(outcome.alert.id) as PendingAlert;
        events.alertWritten(outcome, alert, ackedAt);
        if (outcome.outcome === 'failed') letters.push(sinkRejection(outcome, alert, batch.topic, batch.partition));
      }
    }

    if (letters.length > 0) await keepingAlive(session, keepAliveMs, deps.deadLetters.publish(letters, now()));
    countSafeBatch(vendor, batch.topic, batch.partition, batch.messages.length, evaluation, letters);
  };
}
