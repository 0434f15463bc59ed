// The batch handler as the unit tests build it: on the real alert queue and delivery budget, with retries in milliseconds.
import { AlertQueue } from '../../../src/pipeline/alert-queue.js';
import { createBatchHandler } from '../../../src/pipeline/batch-handler.js';
import { DeliveryBudget, type DeliveryLimits } from '../../../src/pipeline/delivery-budget.js';
import type { PendingAlert } from '../../../src/pipeline/evaluate-batch.js';
import type { FeedRuntime } from '../../../src/pipeline/feed-runtime.js';
import type { AlertWriter, BatchHandler, DeadLetterSink, PauseLease, SessionControls } from '../../../src/pipeline/ports.js';
import type { Events } from '../../../src/telemetry/events.js';

/** A session that is never revoked and whose heartbeats always succeed. */
export const steadySession: SessionControls = { heartbeat: async () => undefined, revoked: new AbortController().signal };

export function handlerOnQueue(parts: {
  runtime: FeedRuntime;
  writer: AlertWriter;
  deadLetters: DeadLetterSink;
  events: Events;
  /** Where the queue pauses input while Elasticsearch refuses; a lease nobody watches by default. */
  holdInput?: () => PauseLease;
  shutdown?: AbortSignal;
  limits?: DeliveryLimits;
}): BatchHandler {
  const { runtime, writer, deadLetters, events } = parts;
  const abortSignal = parts.shutdown ?? new AbortController().signal;
  const alerts = new AlertQueue<PendingAlert>(
    { writer, holdInput: parts.holdInput ?? (() => ({ release: () => undefined })), events, abortSignal },
    { flushMaxAlerts: 100, flushIntervalMs: 1, maxBackoffMs: 20 },
  );
  const budget = new DeliveryBudget(parts.limits ?? { maxRecords: 10_000, maxItems: 1_000 }, (held) => events.deliveryHeld(held.records));
  return createBatchHandler({
    runtimesByTopic: new Map([[runtime.topic, runtime]]),
    alerts,
    deadLetters,
    budget,
    events,
    abortSignal,
    retryMaxBackoffMs: 20,
    keepAliveMs: 5,
  });
}
