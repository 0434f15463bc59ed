// Runs the rules over a past window of the feed topics with a consumer group of its own, writing the alerts.
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { evaluateBatch } from '../pipeline/evaluate-batch.js';
import type { FeedRuntime } from '../pipeline/feed-runtime.js';
import type { AlertWriter } from '../sinks/elasticsearch/alert-sink.js';
import type { BackfillProgress } from './progress.js';

/** Where alerts go: the live service's AlertSink (plain and suppressed alerts), or an in-memory fake in tests. */
export type AlertSink = AlertWriter;

export interface RefusedAlert {
  id: string;
  status: number;
  reason: string;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * One batch of records inside the window, through the live service's pure pipeline (evaluateBatch)
 * and the same writer: the same deterministic ids, so an alert the live service wrote meets a 409
 * (or is found in an earlier backing index) and is counted as already written; a suppressed match is
 * counted into its group's alert once, as live. Undecodable records are only counted: the live
 * service dead-letters them, and a second letter would be noise.
 */
export async function backfillBatch(
  runtime: FeedRuntime,
  partition: number,
  messages: readonly KafkaMessage[],
  sink: AlertSink,
  progress: BackfillProgress,
  detectedAt: Date,
  signal?: AbortSignal,
): Promise<RefusedAlert[]> {
  const refused: RefusedAlert[] = [];
  if (messages.length === 0) return refused;
  await runtime.decoder.prepare(messages.map((message) => message.value));
  const evaluation = evaluateBatch(runtime, partition, messages, detectedAt);
  progress.undecodable += evaluation.deadLetters.length;
  for (const count of evaluation.exceptedByRule.values()) progress.excepted += count;
  if (evaluation.alerts.length > 0) {
    const offsets = new Map(evaluation.alerts.map((alert) => [alert.id, String((alert.document.edr as { source: { offset: string } }).source.offset)]));
    for (const outcome of await sink.write(evaluation.alerts, signal === undefined ? {} : { signal })) {
      progress.alerts[outcome.outcome] += 1;
      if (outcome.outcome === 'failed') {
        const { id } = outcome.alert;
        refused.push({ id, status: outcome.status, reason: outcome.reason, topic: runtime.topic, partition, offset: offsets.get(id) ?? '' });
      }
    }
  }
  const last = messages.at(-1) as KafkaMessage;
  progress.advance(runtime.topic, partition, Number(last.offset), messages.length, messages.map((message) => Number(message.timestamp)));
  return refused;
}

export interface BackfillRun {
  kafka: Kafka;
  groupId: string;
  runtimesByTopic: ReadonlyMap<string, FeedRuntime>;
  sink: AlertSink;
  progress: BackfillProgress;
  maxBytesPerPartition: number;
  signal: AbortSignal;
  now?: () => Date;
}

export interface BackfillResult {
  interrupted: boolean;
  refused: RefusedAlert[];
}

/**
 * Reads each partition from its window's start (a seek, never a committed offset: the group commits
 * nothing, so it vanishes when the backfill ends) and pauses it at the window's end. Ends when every
 * partition is done, on `signal`, or with the first error.
 */
export async function runBackfill(run: BackfillRun): Promise<BackfillResult> {
  const { progress, signal } = run;
  const now = run.now ?? (() => new Date());
  const refused: RefusedAlert[] = [];
  const work = progress.windows.filter((window) => window.end > window.start);
  if (work.length === 0 || signal.aborted) return { interrupted: signal.aborted, refused };

  const consumer: Consumer = run.kafka.consumer({ groupId: run.groupId, allowAutoTopicCreation: false, maxBytesPerPartition: run.maxBytesPerPartition });
  let finish: (error?: unknown) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    finish = (error?: unknown) => (error === undefined ? resolve() : reject(error));
  });
  const pauseIfDone = (topic: string, partition: number): void => {
    if (progress.isPartitionDone(topic, partition)) consumer.pause([{ topic, partitions: [partition] }]);
    if (progress.isDone) finish();
  };
  // Batches of control records only (transactions) never reach eachBatch; their end still counts.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    progress.advance(payload.topic, payload.partition, Number(payload.lastOffset), 0, []);
    pauseIfDone(payload.topic, payload.partition);
  });
  const onAbort = () => finish();
  signal.addEventListener('abort', onAbort, { once: true });

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(work.map((window) => window.topic))], fromBeginning: true });
    await consumer.run({
      // Offsets are resolved (the fetch position moves on) but never committed: the group keeps nothing.
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, heartbeat }) => {
        const { topic, partition } = batch;
        const window = progress.windowOf(topic, partition);
        const runtime = run.runtimesByTopic.get(topic);
        if (!window || !runtime || signal.aborted) return;
        // From the next offset not yet done: a batch fetched before the seek took effect is skipped.
        const next = progress.nextOffset(topic, partition);
        const inWindow = batch.messages.filter((message) => Number(message.offset) >= next && Number(message.offset) < window.end);
        try {
          refused.push(...(await backfillBatch(runtime, partition, inWindow, run.sink, progress, now(), signal)));
        } catch (error) {
          finish(error);
          return;
        }
        progress.advance(topic, partition, Number(batch.lastOffset()), 0, []);
        pauseIfDone(topic, partition);
        await heartbeat();
      },
    });
    for (const window of progress.windows) {
      if (window.end > window.start) consumer.seek({ topic: window.topic, partition: window.partition, offset: String(window.start) });
      else consumer.pause([{ topic: window.topic, partitions: [window.partition] }]);
    }
    await finished;
  } finally {
    signal.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch(() => undefined);
  }
  return { interrupted: signal.aborted && !progress.isDone, refused };
}
