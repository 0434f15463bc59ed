// Which offsets a backfill reads: per partition, from the first record at --from to --to or the end as of now.
import type { Admin } from 'kafkajs';

export interface PartitionWindow {
  topic: string;
  partition: number;
  /** First offset to read. */
  start: number;
  /** First offset not to read: the window is [start, end). */
  end: number;
}

/**
 * Kafka answers "the first offset whose timestamp is at or after T" (the partition's end when there
 * is none), so a window of times becomes a window of offsets without reading anything. Without `toMs`
 * the window ends at each partition's end offset as it is now: records produced while the backfill
 * runs belong to the live service, and the backfill terminates even on a busy topic.
 */
export async function planWindows(
  admin: Admin,
  topics: readonly string[],
  fromMs: number,
  toMs: number | undefined,
): Promise<PartitionWindow[]> {
  const windows: PartitionWindow[] = [];
  for (const topic of topics) {
    const [starts, ends] = await Promise.all([
      admin.fetchTopicOffsetsByTimestamp(topic, fromMs),
      toMs === undefined ? admin.fetchTopicOffsets(topic) : admin.fetchTopicOffsetsByTimestamp(topic, toMs),
    ]);
    const endOf = new Map(ends.map((entry) => [entry.partition, Number(entry.offset)]));
    for (const { partition, offset } of starts) {
      const start = Number(offset);
      windows.push({ topic, partition, start, end: Math.max(start, endOf.get(partition) ?? start) });
    }
  }
  return windows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
