// Reads past windows of offsets from feed topics with a throwaway consumer group: seek to each window's start, pause at its end.
import type { Consumer, Kafka } from 'kafkajs';
import type { FeedRecord } from '../pipeline/ports.js';
import type { PartitionWindow } from './offset-window.js';

/** Where the reader stands in each window (the backfill's progress). */
interface WindowProgress {
  readonly windows: readonly PartitionWindow[];
  windowOf(topic: string, partition: number): PartitionWindow | undefined;
  nextOffset(topic: string, partition: number): number;
  advance(topic: string, partition: number, lastOffset: number, count: number, timesMs: readonly number[]): void;
  isPartitionDone(topic: string, partition: number): boolean;
  readonly isDone: boolean;
}

export interface WindowRead {
  kafka: Kafka;
  groupId: string;
  progress: WindowProgress;
  maxBytesPerPartition: number;
  signal: AbortSignal;
  /** The records of one fetched batch inside its window; a rejection ends the read with that error. */
  onRecords(topic: string, partition: number, records: FeedRecord[]): Promise<void>;
}

/**
 * Reads each partition from its window's start (a seek, never a committed offset: the group commits
 * nothing, so it vanishes when the read ends) and pauses it at the window's end. Ends when every
 * partition is done, on `signal`, or with the first error. Resolves whether it was interrupted.
 */
export async function readWindows(read: WindowRead): Promise<boolean> {
  const { progress, signal } = read;
  const work = progress.windows.filter((window) => window.end > window.start);
  if (work.length === 0 || signal.aborted) return signal.aborted;

  const consumer: Consumer = read.kafka.consumer({
    groupId: read.groupId,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: read.maxBytesPerPartition,
  });
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
        if (!window || signal.aborted) return;
        // From the next offset not yet done: a batch fetched before the seek took effect is skipped.
        const next = progress.nextOffset(topic, partition);
        const inWindow = batch.messages.filter((message) => Number(message.offset) >= next && Number(message.offset) < window.end);
        try {
          await read.onRecords(topic, partition, inWindow);
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
  return signal.aborted && !progress.isDone;
}
