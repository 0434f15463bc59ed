// The alerts data stream rolled over while a killed detector was down: the re-read tail must not be alerted twice.
import { afterAll, describe, expect, it } from 'vitest';
import { alertCensus, censusLine, groupLag, readBack } from '../integration/harness/alert-census.js';
import { expectEveryAlertOnce } from './expect-census.js';
import { eventually, metricValue, startDetector, type RunningDetector } from '../integration/harness/detector.js';
import { createTestFeeds, type TestFeeds } from '../integration/harness/feeds.js';
import { TelemetryStream } from '../integration/harness/telemetry-stream.js';

const BACKLOG = 6_000;

describe('a rollover of the alerts data stream between a SIGKILL and the restart', () => {
  let created: TestFeeds | undefined;
  const running: RunningDetector[] = [];

  afterAll(async () => {
    await Promise.all(running.map((d) => d.stop('SIGKILL')));
    await created?.cleanup();
  });

  it('finds the re-read alerts in the earlier backing index: every alert exactly once', async () => {
    const feeds = await createTestFeeds('kill-rollover');
    created = feeds;
    const topics = [...feeds.topicOf.values()];
    const stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed: 23 });
    await stream.connect();
    for (let i = 0; i < BACKLOG / 1_000; i++) await stream.send(1_000);
    await stream.disconnect();
    const first = await startDetector(feeds.env);
    running.push(first);
    await eventually(
      'part of the backlog done',
      async () => (await metricValue(first.metricsUrl, 'edr_detector_records_consumed_total')) >= BACKLOG / 3,
      30_000,
      50,
    );
    await eventually(
      'alerts written',
      async () => (await metricValue(first.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'created' })) > 0,
      30_000,
      50,
    );
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');

    // What the lifecycle (or ILM) does on a full distribution, by hand: a new, empty write index.
    const { old_index: earlier, new_index: writeIndex } = await feeds.elasticsearch.indices.rollover({ alias: feeds.alertsIndex });
    expect(writeIndex).not.toBe(earlier);

    const second = await startDetector(feeds.env);
    running.push(second);
    await eventually('the group caught up', async () => (await groupLag(feeds.admin, feeds.groupId, topics)) === 0, 60_000);
    const records = await readBack(feeds.kafka, topics);
    const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, records);
    const alreadyWritten = await metricValue(second.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'duplicate' });
    console.info(censusLine('SIGKILL, rollover, restart', census, { records: records.length, foundInEarlierIndex: alreadyWritten }));
    expectEveryAlertOnce(census);
    // The kill left written but uncommitted alerts behind; the restart met them in the earlier index.
    expect(alreadyWritten).toBeGreaterThan(0);
    const inWriteIndex = await feeds.elasticsearch.count({ index: writeIndex });
    expect(inWriteIndex.count).toBe(census.found - (await feeds.elasticsearch.count({ index: earlier })).count);
  }, 180_000);
});
