// Runs the rules over a past window of the feed topics with a consumer group of its own, writing the alerts.
import { readWindows, type WindowRead } from '../kafka/window-reader.js';
import { evaluateBatch } from '../pipeline/evaluate-batch.js';
import type { FeedRuntime } from '../pipeline/feed-runtime.js';
import type { AlertWriter, FeedRecord } from '../pipeline/ports.js';
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
  messages: readonly FeedRecord[],
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
    const offsets = new Map(
      evaluation.alerts.map((alert) => [alert.id, String((alert.document.edr as { source: { offset: string } }).source.offset)]),
    );
    for (const outcome of await sink.write(evaluation.alerts, signal === undefined ? {} : { signal })) {
      progress.alerts[outcome.outcome] += 1;
      if (outcome.outcome === 'failed') {
        const { id } = outcome.alert;
        refused.push({
          id,
          status: outcome.status,
          reason: outcome.reason,
          topic: runtime.topic,
          partition,
          offset: offsets.get(id) ?? '',
        });
      }
    }
  }
  const last = messages.at(-1) as FeedRecord;
  progress.advance(
    runtime.topic,
    partition,
    Number(last.offset),
    messages.length,
    messages.map((message) => Number(message.timestamp)),
  );
  return refused;
}

export interface BackfillRun extends Omit<WindowRead, 'progress' | 'onRecords'> {
  runtimesByTopic: ReadonlyMap<string, FeedRuntime>;
  sink: AlertSink;
  progress: BackfillProgress;
  now?: () => Date;
}

export interface BackfillResult {
  interrupted: boolean;
  refused: RefusedAlert[];
}

/** Every window through backfillBatch, read by the Kafka adapter (kafka/window-reader.ts). */
export async function runBackfill(run: BackfillRun): Promise<BackfillResult> {
  const now = run.now ?? (() => new Date());
  const refused: RefusedAlert[] = [];
  const interrupted = await readWindows({
    ...run,
    onRecords: async (topic, partition, records) => {
      const runtime = run.runtimesByTopic.get(topic);
      if (runtime) refused.push(...(await backfillBatch(runtime, partition, records, run.sink, run.progress, now(), run.signal)));
    },
  });
  return { interrupted, refused };
}
