// Suppressed alerts when the data stream rolls over while a killed detector is down: every match counted once, into one alert per group.
import { afterAll, describe, expect, it } from 'vitest';
import { groupLag } from '../integration/harness/alert-census.js';
import { defendRecord, DEFEND_VENDOR_ID } from '../integration/harness/defend-records.js';
import { eventually, metricValue, startDetector, type RunningDetector } from '../integration/harness/detector.js';
import { alertDocuments, createTestFeeds, type TestFeeds } from '../integration/harness/feeds.js';

const HOSTS = ['db-roll-1', 'db-roll-2', 'db-roll-3'];
const PER_HOST = 200;
const HOUR = Date.parse('2026-11-28T10:00:00Z');
const SUPPRESSION = { SUPPRESSION_GROUP_BY: 'host.name', SUPPRESSION_DURATION_MS: '3600000' };

describe('a rollover of the alerts data stream between a SIGKILL and the restart, with suppression', () => {
  let created: TestFeeds | undefined;
  const running: RunningDetector[] = [];

  afterAll(async () => {
    await Promise.all(running.map((d) => d.stop('SIGKILL')));
    await created?.cleanup();
  });

  it('keeps counting into each group alert in the earlier backing index: one alert per host, every match once', async () => {
    const feeds = await createTestFeeds('kill-rollover-suppressed', 3, undefined);
    created = feeds;
    const topics = [...feeds.topicOf.values()];
    const producer = feeds.kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: HOSTS.length * PER_HOST }, (_, i) =>
      defendRecord({ id: `roll-${i}`, host: HOSTS[i % HOSTS.length]!, time: new Date(HOUR + i * 1_000).toISOString() }),
    );
    await producer.send({ topic: feeds.topicOf.get(DEFEND_VENDOR_ID)!, messages });
    await producer.disconnect();
    // Small fetches: many batches, so the kill may land mid-stream; the reset below replays every counted match either way.
    const env = { ...feeds.env, ...SUPPRESSION, KAFKA_MAX_BYTES_PER_PARTITION: '4096', KAFKA_SESSION_TIMEOUT_MS: '6000' };
    const first = await startDetector(env);
    running.push(first);
    await eventually(
      'every group created and counted into',
      async () => {
        const alerts = await alertDocuments(feeds);
        return (
          alerts.length === HOSTS.length &&
          (await metricValue(first.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'suppressed' })) >= 30
        );
      },
      30_000,
      50,
    );
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');

    const { old_index: earlier, new_index: writeIndex } = await feeds.elasticsearch.indices.rollover({ alias: feeds.alertsIndex });
    expect(writeIndex).not.toBe(earlier);
    // And every record read again from the start (as after a lost commit or a group reset): the matches counted
    // before the kill now meet their group alert in the earlier backing index. The reset waits for
    // the killed member's session to expire.
    const topic = feeds.topicOf.get(DEFEND_VENDOR_ID)!;
    await eventually(
      'the group reset to the earliest offsets',
      async () => {
        try {
          await feeds.admin.resetOffsets({ groupId: feeds.groupId, topic, earliest: true });
          return true;
        } catch {
          return false;
        }
      },
      30_000,
      500,
    );

    const second = await startDetector(env);
    running.push(second);
    await eventually(
      'the whole topic re-read',
      async () => (await metricValue(second.metricsUrl, 'edr_detector_records_consumed_total')) >= messages.length,
      60_000,
    );
    await eventually('the group caught up', async () => (await groupLag(feeds.admin, feeds.groupId, topics)) === 0, 60_000);
    await feeds.elasticsearch.indices.refresh({ index: feeds.alertsIndex });
    const hits = (await feeds.elasticsearch.search<Record<string, any>>({ index: feeds.alertsIndex, size: 100, seq_no_primary_term: true }))
      .hits.hits;
    const replayed = await metricValue(second.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'duplicate' });
    console.info(
      `suppressed, SIGKILL, rollover, restart: ${hits.length} alerts for ${messages.length} matches on ${HOSTS.length} hosts; ${replayed} re-read matches recognised as counted`,
    );
    expect(hits.map((hit) => hit._source?.['host']['name']).sort()).toEqual(HOSTS);
    for (const hit of hits) {
      expect(hit._index, 'the alert stays in the backing index it was created in').toBe(earlier);
      expect(hit._source?.['kibana']['alert']['suppression']['docs_count']).toBe(PER_HOST - 1);
    }
    expect((await feeds.elasticsearch.count({ index: writeIndex })).count).toBe(0);
    expect((await alertDocuments(feeds)).length).toBe(HOSTS.length);
    expect(replayed).toBeGreaterThanOrEqual(30 + HOSTS.length);
  }, 180_000);
});
