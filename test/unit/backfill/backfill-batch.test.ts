// The backfill's batch step and bookkeeping over real fixtures, with an in-memory alert sink.
import type { KafkaMessage } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backfillBatch, type AlertSink } from '../../../src/backfill/backfill.js';
import { BackfillProgress } from '../../../src/backfill/progress.js';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { createFeedDecoders } from '../../../src/decode/feed-decoder.js';
import { loadRules } from '../../../src/detect/load-rules.js';
import { packagePath } from '../../../src/package-root.js';
import type { FeedRuntime } from '../../../src/pipeline/feed-runtime.js';
import type { AlertToWrite, ItemOutcome } from '../../../src/sinks/elasticsearch/bulk-writer.js';
import { VENDORS } from '../../../src/vendors/index.js';
import { loadFixtures } from '../../../scripts/samples/fixtures.js';
import { fromNative } from '../../../scripts/native/from-native.js';

/** Stores by id like the data stream: a second write of an id is a duplicate; ids in `refuse` are refused. */
class MemorySink implements AlertSink {
  readonly stored = new Map<string, Record<string, unknown>>();
  constructor(private readonly refuse = new Set<string>()) {}
  async write(alerts: readonly AlertToWrite[]): Promise<ItemOutcome[]> {
    return alerts.map((alert): ItemOutcome => {
      if (this.refuse.has(alert.id)) return { alert, outcome: 'failed', status: 400, reason: 'mapper_parsing_exception: test' };
      if (this.stored.has(alert.id)) return { alert, outcome: 'duplicate' };
      this.stored.set(alert.id, alert.document);
      return { alert, outcome: 'created' };
    });
  }
}

const vendor = VENDORS.find((candidate) => candidate.id === 'elastic-defend')!;
const fixtures = loadFixtures(vendor.id);
const alerting = fixtures.filter((fixture) => fixture.alert).length;
const topic = 'edr.elastic-defend';

function messages(firstOffset: number, timeMs: number): KafkaMessage[] {
  return fixtures.map((fixture, i) => ({
    key: null,
    value: encodeRecord(vendor, fromNative(vendor, fixture.native), { format: 'confluent' }),
    timestamp: String(timeMs + i),
    attributes: 0,
    offset: String(firstOffset + i),
    headers: {},
  }));
}

describe('backfillBatch', () => {
  let runtime: FeedRuntime;

  beforeAll(async () => {
    const rules = await loadRules(packagePath('rules'));
    const decoder = createFeedDecoders([vendor], { format: 'confluent', fieldsRead: rules.fieldsRead }).get(vendor.id)!;
    runtime = { vendor, topic, decoder, rules: rules.rules };
  });

  it('writes the alerts a live run would, and counts a second pass as already written', async () => {
    const window = { topic, partition: 0, start: 10, end: 10 + fixtures.length };
    const sink = new MemorySink();
    const first = new BackfillProgress([window], 0);
    expect(await backfillBatch(runtime, 0, messages(10, 1_000), sink, first, new Date())).toEqual([]);
    expect(first.alerts).toEqual({ created: alerting, duplicate: 0, suppressed: 0, failed: 0 });
    expect(first.records).toBe(fixtures.length);
    expect(first.isDone).toBe(true);
    expect([first.firstTimeMs, first.lastTimeMs]).toEqual([1_000, 1_000 + fixtures.length - 1]);

    const again = new BackfillProgress([window], 0);
    await backfillBatch(runtime, 0, messages(10, 1_000), sink, again, new Date());
    expect(again.alerts).toEqual({ created: 0, duplicate: alerting, suppressed: 0, failed: 0 });
    expect(sink.stored.size).toBe(alerting);
  });

  it('reports refused alerts with their position, and counts undecodable records without failing', async () => {
    const probe = new MemorySink();
    await backfillBatch(runtime, 3, messages(0, 0), probe, new BackfillProgress([], 0), new Date());
    const refusedId = [...probe.stored.keys()][0]!;
    const sink = new MemorySink(new Set([refusedId]));
    const batch = [
      ...messages(0, 0),
      { key: null, value: Buffer.from('not avro'), timestamp: '0', attributes: 0, offset: String(fixtures.length), headers: {} },
    ];
    const progress = new BackfillProgress([{ topic, partition: 3, start: 0, end: batch.length }], 0);
    const refused = await backfillBatch(runtime, 3, batch, sink, progress, new Date());
    expect(refused).toEqual([
      { id: refusedId, status: 400, reason: 'mapper_parsing_exception: test', topic, partition: 3, offset: expect.stringMatching(/^\d+$/) },
    ]);
    expect(progress.alerts).toEqual({ created: alerting - 1, duplicate: 0, suppressed: 0, failed: 1 });
    expect(progress.undecodable).toBe(1);
    expect(progress.isDone).toBe(true);
  });
});

describe('BackfillProgress', () => {
  const windows = [
    { topic: 'a', partition: 0, start: 100, end: 200 },
    { topic: 'a', partition: 1, start: 5, end: 5 },
    { topic: 'b', partition: 0, start: 0, end: 50 },
  ];

  it('is done when every partition reached its end, empty windows being done from the start', () => {
    const progress = new BackfillProgress(windows, 0);
    expect(progress.total).toBe(150);
    expect(progress.isPartitionDone('a', 1)).toBe(true);
    expect(progress.nextOffset('a', 0)).toBe(100);
    progress.advance('a', 0, 199, 100, []);
    expect(progress.isPartitionDone('a', 0)).toBe(true);
    expect(progress.isDone).toBe(false);
    // A batch of control records (no data) still moves the position.
    progress.advance('b', 0, 60, 0, []);
    expect(progress.isDone).toBe(true);
    expect(progress.records).toBe(100);
  });

  it('prints progress and summary lines with records, time covered, rate and alerts', () => {
    const progress = new BackfillProgress(windows, 0);
    progress.advance('a', 0, 149, 50, [Date.parse('2026-11-28T20:00:00Z'), Date.parse('2026-11-28T20:10:00Z')]);
    progress.alerts.created = 3;
    progress.alerts.duplicate = 1;
    expect(progress.progressLine(10_000)).toBe(
      '[  10s] 50/150 records (33%)  up to 2026-11-28T20:10:00.000Z  5 records/s  alerts: 3 new, 1 already written, 0 refused by Elasticsearch, 0 counted into a suppressed alert, 0 excepted',
    );
    expect(progress.summaryLines(20_000, false)).toEqual([
      'backfill done in 20.0 s: 50 records (window: 150 offsets), records from 2026-11-28T20:00:00.000Z to 2026-11-28T20:10:00.000Z, 3 records/s',
      '  alerts: 3 new, 1 already written, 0 refused by Elasticsearch, 0 counted into a suppressed alert, 0 excepted',
      "  undecodable records: 0 (their dead letters are the live service's; the records stay in Kafka)",
    ]);
    expect(progress.summaryLines(20_000, true)[0]).toMatch(/^backfill interrupted in/);
  });
});
