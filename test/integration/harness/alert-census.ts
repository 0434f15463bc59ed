// Counts what a fault left behind: alerts expected from the records in Kafka versus alerts in Elasticsearch.
import { randomUUID } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import type { Admin, Kafka } from 'kafkajs';
import { alertId } from '../../../src/alerts/alert-id.js';
import { loadRules } from '../../../src/detect/load-rules.js';
import { packagePath } from '../../../src/package-root.js';
import { STREAM_HEADERS } from './telemetry-stream.js';

export interface StoredRecord {
  topic: string;
  partition: number;
  offset: string;
  vendor: string;
  expectAlert: boolean;
  identity: string | undefined;
}

export interface AlertCensus {
  /** Alert ids the records in Kafka call for. */
  expected: number;
  /** Alert documents in the index. */
  found: number;
  missing: string[];
  /** Documents whose id no record calls for. */
  unexpected: string[];
  /** Event identities (or, without one, Kafka positions) with more than one alert document. */
  duplicatedIdentities: string[];
}

/** Offsets each partition holds right now: low (first) and high (next to be written). */
export async function partitionEnds(admin: Admin, topics: readonly string[]): Promise<Map<string, { low: number; high: number }>> {
  const ends = new Map<string, { low: number; high: number }>();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${p.partition}`, { low: Number(p.low), high: Number(p.high) });
  }
  return ends;
}

/** Records the group has not committed yet, over every partition of `topics` (a never-committed partition counts from its start). */
export async function groupLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<number> {
  const ends = await partitionEnds(admin, topics);
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  let lag = 0;
  for (const { topic, partitions } of committed) {
    for (const { partition, offset } of partitions) {
      const end = ends.get(`${topic}/${partition}`);
      if (!end) continue;
      const at = Number(offset) < 0 ? end.low : Number(offset);
      lag += Math.max(0, end.high - at);
    }
  }
  return lag;
}

/** Committed offset per "topic/partition" (-1 when never committed). */
export async function committedOffsets(admin: Admin, groupId: string, topics: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
    for (const { partition, offset } of partitions) out.set(`${topic}/${partition}`, Number(offset));
  }
  return out;
}

/** Reads every record of `topics` up to their current ends, headers only, through a throwaway group. */
export async function readBack(kafka: Kafka, topics: readonly string[], timeoutMs = 60_000): Promise<StoredRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Awaited<ReturnType<typeof partitionEnds>>;
  try {
    ends = await partitionEnds(admin, topics);
  } finally {
    await admin.disconnect();
  }
  const remaining = new Set([...ends].filter(([, end]) => end.high > end.low).map(([key]) => key));
  const records: StoredRecord[] = [];
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `census-${randomUUID()}`, maxBytesPerPartition: 8 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read-back incomplete after ${timeoutMs} ms: ${[...remaining].join(', ')}`)),
        timeoutMs,
      );
      void consumer.run({
        eachBatch: async ({ batch }) => {
          const key = `${batch.topic}/${batch.partition}`;
          const high = ends.get(key)?.high ?? 0;
          for (const message of batch.messages) {
            if (Number(message.offset) >= high) break;
            const header = (name: string): string | undefined => message.headers?.[name]?.toString();
            records.push({
              topic: batch.topic,
              partition: batch.partition,
              offset: message.offset,
              vendor: header(STREAM_HEADERS.vendor) ?? '',
              expectAlert: header(STREAM_HEADERS.expectAlert) === '1',
              identity: header(STREAM_HEADERS.identity),
            });
            if (Number(message.offset) + 1 >= high) remaining.delete(key);
          }
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

let ruleIds: Promise<string[]> | undefined;

/** The ids of the bundled rules, as the service loads them. */
export function bundledRuleIds(): Promise<string[]> {
  return (ruleIds ??= loadRules(packagePath('rules')).then((loaded) => loaded.rules.map((r) => r.rule.id)));
}

/** "identity:<vendor>:<id>" for a record with a vendor identity, else its Kafka position. */
function identityKey(record: Pick<StoredRecord, 'vendor' | 'identity' | 'topic' | 'partition' | 'offset'>): string {
  return record.identity !== undefined
    ? `identity:${record.vendor}:${record.identity}`
    : `position:${record.topic}/${record.partition}/${record.offset}`;
}

interface AlertSource {
  edr?: { source?: { vendor?: string; topic?: string; partition?: number; offset?: string } };
}

/** Every alert document of an index: its id and Kafka position. */
export async function alertPositions(
  elasticsearch: Client,
  index: string,
): Promise<Array<{ id: string; topic: string; partition: number; offset: string }>> {
  await elasticsearch.indices.refresh({ index }, { ignore: [404] });
  const result = await elasticsearch.search<AlertSource>(
    {
      index,
      size: 10_000,
      track_total_hits: true,
      _source: ['edr.source.topic', 'edr.source.partition', 'edr.source.offset'],
      query: { match_all: {} },
    },
    { ignore: [404] },
  );
  const total = typeof result.hits?.total === 'number' ? result.hits.total : (result.hits?.total?.value ?? 0);
  if (total > 10_000) throw new Error(`${index} holds ${total} alerts; the census reads at most 10000`);
  return (result.hits?.hits ?? []).map((hit) => {
    const source = hit._source?.edr?.source ?? {};
    return { id: hit._id as string, topic: source.topic ?? '', partition: Number(source.partition), offset: String(source.offset) };
  });
}

/**
 * Compares the alerts in `index` with the records in Kafka: each alerting record's alert id must be
 * there exactly once, no other id may be, and no event (by vendor identity, or by Kafka position when
 * it has none) may have two alert documents.
 */
export async function alertCensus(elasticsearch: Client, index: string, records: readonly StoredRecord[]): Promise<AlertCensus> {
  const rules = await bundledRuleIds();
  const expected = new Set<string>();
  for (const record of records) {
    if (!record.expectAlert) continue;
    for (const ruleId of rules) {
      expected.add(
        alertId({
          ruleId,
          vendorId: record.vendor,
          eventIdentity: record.identity,
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
        }),
      );
    }
  }
  const byPosition = new Map(records.map((record) => [`${record.topic}/${record.partition}/${record.offset}`, record]));
  const alerts = await alertPositions(elasticsearch, index);
  const ids = new Set(alerts.map((a) => a.id));
  const perIdentity = new Map<string, number>();
  for (const alert of alerts) {
    const record = byPosition.get(`${alert.topic}/${alert.partition}/${alert.offset}`);
    const key = record ? identityKey(record) : `unknown:${alert.topic}/${alert.partition}/${alert.offset}`;
    perIdentity.set(key, (perIdentity.get(key) ?? 0) + 1);
  }
  return {
    expected: expected.size,
    found: alerts.length,
    missing: [...expected].filter((id) => !ids.has(id)),
    unexpected: [...ids].filter((id) => !expected.has(id)),
    duplicatedIdentities: [...perIdentity].filter(([, n]) => n > 1).map(([key]) => key),
  };
}

/** One line for the suite's output, so a run's numbers can be quoted. */
export function censusLine(fault: string, census: AlertCensus, extra: Record<string, number | string> = {}): string {
  const parts = {
    expected: census.expected,
    found: census.found,
    missing: census.missing.length,
    unexpected: census.unexpected.length,
    duplicated: census.duplicatedIdentities.length,
    ...extra,
  };
  return `[census] ${fault}: ${Object.entries(parts)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}`;
}
