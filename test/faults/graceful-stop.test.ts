// SIGTERM under load: a clean exit within the bound, with exactly what was acknowledged committed.
import { afterAll, describe, expect, it } from 'vitest';
import {
  alertCensus,
  alertPositions,
  censusLine,
  committedOffsets,
  groupLag,
  partitionEnds,
  readBack,
} from '../integration/harness/alert-census.js';
import { expectEveryAlertOnce } from './expect-census.js';
import { eventually, metricValue, sleep, startDetector, type RunningDetector } from '../integration/harness/detector.js';
import { createTestFeeds, type TestFeeds } from '../integration/harness/feeds.js';
import { TelemetryStream } from '../integration/harness/telemetry-stream.js';

const SHUTDOWN_TIMEOUT_MS = 10_000;
/** Large enough that the stop lands while it is worked through: consumption no longer waits for each bulk request. */
const BACKLOG = 80_000;

describe('a detector stopped with SIGTERM under load', () => {
  let feeds: TestFeeds;
  const detectors: RunningDetector[] = [];

  afterAll(async () => {
    await Promise.all(detectors.map((d) => d.stop('SIGKILL')));
    await feeds?.cleanup();
  });

  it('exits 0 within SHUTDOWN_TIMEOUT_MS, commits exactly what it processed, and the restart re-reads nothing', async () => {
    feeds = await createTestFeeds('graceful');
    const topics = [...feeds.topicOf.values()];
    const env = { ...feeds.env, SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), KAFKA_SESSION_TIMEOUT_MS: '6000' };
    const stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed: 21 });
    await stream.connect();
    // A backlog keeps the detector busy, so the stop lands on batches in flight, not on an idle consumer.
    for (let i = 0; i < BACKLOG / 1_000; i++) await stream.send(1_000);
    const first = await startDetector(env);
    detectors.push(first);
    const producing = new AbortController();
    const produced = stream.run({ ratePerSecond: 400, signal: producing.signal, maxMs: 40_000 });
    try {
      // Records count as consumed only once their batch is safe, a moment after processing: an early
      // mark leaves the stop landing on batches in flight rather than after the whole backlog.
      await eventually(
        'the first batches consumed',
        async () => (await metricValue(first.metricsUrl, 'edr_detector_records_consumed_total')) >= 1_000,
        30_000,
        20,
      );

      const signalledAt = Date.now();
      const code = await first.stop('SIGTERM', SHUTDOWN_TIMEOUT_MS + 5_000);
      const stopMs = Date.now() - signalledAt;
      expect(code).toBe(0);
      expect(stopMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      // Batches in flight at the signal finish and count during the stop; its last line has the totals.
      const stopped = first.logs.find((line) => line.message === 'stopped') as { recordsConsumed?: Record<string, number> } | undefined;
      expect(stopped?.recordsConsumed).toBeDefined();

      // Committed offsets equal the records processed, partition by partition summed per topic.
      const committed = await committedOffsets(feeds.admin, feeds.groupId, topics);
      let committedTotal = 0;
      for (const topic of topics) {
        const perTopic = [...committed]
          .filter(([key]) => key.startsWith(`${topic}/`))
          .reduce((n, [, offset]) => n + Math.max(0, offset), 0);
        expect(perTopic, topic).toBe(stopped?.recordsConsumed?.[topic] ?? 0);
        committedTotal += perTopic;
      }
      expect(committedTotal).toBeGreaterThan(0);
      // The stop came while the backlog was being worked through.
      expect(committedTotal).toBeLessThan(BACKLOG);
      // Nothing acknowledged lies beyond the commit: every alert so far comes from a committed record.
      const alertsBefore = await alertPositions(feeds.elasticsearch, feeds.alertsIndex);
      for (const alert of alertsBefore)
        expect(Number(alert.offset), `${alert.topic}/${alert.partition}`).toBeLessThan(
          committed.get(`${alert.topic}/${alert.partition}`) ?? 0,
        );

      // Restart while records keep coming: it starts exactly at the commit.
      const second = await startDetector(env);
      detectors.push(second);
      await sleep(2_000);
      producing.abort();
      await produced;
      await eventually('the group caught up', async () => (await groupLag(feeds.admin, feeds.groupId, topics)) === 0, 60_000);
      const ends = await partitionEnds(feeds.admin, topics);
      const totalRecords = [...ends.values()].reduce((n, end) => n + end.high, 0);
      expect(await metricValue(second.metricsUrl, 'edr_detector_records_consumed_total')).toBe(totalRecords - committedTotal);
      const duplicates = await metricValue(second.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'duplicate' });
      expect(duplicates).toBe(0);

      const records = await readBack(feeds.kafka, topics);
      const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, records);
      console.info(
        censusLine('SIGTERM under load + restart', census, {
          records: records.length,
          stopMs,
          committedAtStop: committedTotal,
          redelivered409: duplicates,
        }),
      );
      expectEveryAlertOnce(census);
    } finally {
      producing.abort();
      await produced.catch(() => undefined);
      await stream.disconnect();
    }
  }, 180_000);
});
