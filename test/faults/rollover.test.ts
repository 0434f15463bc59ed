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
    // A short session, so the killed member leaves the group soon and its offsets can be reset.
    const env = { ...feeds.env, KAFKA_SESSION_TIMEOUT_MS: '6000' };
    const first = await startDetector(env);
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
    // Whether the kill left written-but-uncommitted alerts behind depends on timing (a batch commits right
    // after its alerts are acknowledged), so the tail is made certain: every record is read again from the
    // start, as after a lost commit or a group reset. Every alert written before the kill must then be met
    // in the earlier backing index. The reset waits for the killed member's session to expire.
    await eventually(
      'the group reset to the earliest offsets',
      async () => {
        try {
          for (const topic of topics) await feeds.admin.resetOffsets({ groupId: feeds.groupId, topic, earliest: true });
          return true;
        } catch {
          return false;
        }
      },
      30_000,
      500,
    );
    const writtenBeforeKill = (await feeds.elasticsearch.count({ index: earlier })).count;
    expect(writtenBeforeKill).toBeGreaterThan(0);

    const second = await startDetector(env);
    running.push(second);
    await eventually('the group caught up', async () => (await groupLag(feeds.admin, feeds.groupId, topics)) === 0, 60_000);
    const records = await readBack(feeds.kafka, topics);
    const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, records);
    const alreadyWritten = await metricValue(second.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'duplicate' });
    console.info(censusLine('SIGKILL, rollover, restart', census, { records: records.length, foundInEarlierIndex: alreadyWritten }));
    expectEveryAlertOnce(census);
    // The restart re-derived every alert written before the kill and met each in the earlier index.
    expect(alreadyWritten).toBeGreaterThanOrEqual(writtenBeforeKill);
    const inWriteIndex = await feeds.elasticsearch.count({ index: writeIndex });
    expect(inWriteIndex.count).toBe(census.found - (await feeds.elasticsearch.count({ index: earlier })).count);
  }, 180_000);
});
