// Alert suppression end to end: one alert with the exact count across two replicas, a restart, and a
// full replay of the topic (offsets reset), against the real Kafka and Elasticsearch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupLag } from './harness/alert-census.js';
import { defendRecord, DEFEND_VENDOR_ID } from './harness/defend-records.js';
import { eventually, metricValue, startDetector, type RunningDetector } from './harness/detector.js';
import { alertDocuments, createTestFeeds, type TestFeeds } from './harness/feeds.js';

const HOUR = Date.parse('2026-11-28T10:00:00Z');
const SUPPRESSION = { SUPPRESSION_GROUP_BY: 'host.name,process.name', SUPPRESSION_DURATION_MS: '3600000' };

describe('alert suppression across replicas, restarts and replays', () => {
  let feeds: TestFeeds;
  const running: RunningDetector[] = [];
  let sent = 0;

  async function burst(count: number, host = 'db-burst'): Promise<void> {
    const producer = feeds.kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: count }, (_, i) =>
      defendRecord({ id: `burst-${sent + i}`, host, time: new Date(HOUR + (sent + i) * 1000).toISOString() }),
    );
    // Distinct keys spread the burst over all three partitions, so both replicas count into the same alert.
    await producer.send({ topic: feeds.topicOf.get(DEFEND_VENDOR_ID)!, messages });
    await producer.disconnect();
    sent += count;
  }

  async function drained(): Promise<void> {
    await eventually('group lag 0', async () => (await groupLag(feeds.admin, feeds.groupId, [...feeds.topicOf.values()])) === 0, 60_000);
  }

  async function suppressedAlerts(host: string) {
    return (await alertDocuments(feeds)).filter(({ source }) => (source.host as { name?: string }).name === host);
  }

  const start = async () => {
    const detector = await startDetector({ ...feeds.env, ...SUPPRESSION, KAFKA_SESSION_TIMEOUT_MS: '6000' });
    running.push(detector);
    return detector;
  };

  beforeAll(async () => {
    feeds = await createTestFeeds('soc-suppression');
  });

  afterAll(async () => {
    await Promise.all(running.map((detector) => detector.stop()));
    await feeds?.cleanup();
  });

  it('two replicas count one burst into one alert', async () => {
    const [a, b] = [await start(), await start()];
    await eventually(
      'both replicas own partitions',
      async () =>
        (await metricValue(a.metricsUrl, 'edr_detector_partitions_assigned')) > 0 &&
        (await metricValue(b.metricsUrl, 'edr_detector_partitions_assigned')) > 0,
      60_000,
    );
    await burst(40);
    await drained();
    const alerts = await suppressedAlerts('db-burst');
    expect(alerts).toHaveLength(1);
    const suppression = (alerts[0]!.source.kibana as any).alert.suppression;
    expect(suppression.docs_count).toBe(39);
    expect(suppression.terms).toEqual([
      { field: 'host.name', value: 'db-burst' },
      { field: 'process.name', value: 'mysqldump' },
    ]);
    expect(suppression.start).toBe(new Date(HOUR).toISOString());
    expect(suppression.end).toBe(new Date(HOUR + 39_000).toISOString());
    const counted =
      (await metricValue(a.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'suppressed' })) +
      (await metricValue(b.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'suppressed' }));
    expect(counted).toBe(39);
    expect(
      (await metricValue(a.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'suppressed' })) *
        (await metricValue(b.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'suppressed' })),
    ).toBeGreaterThan(0);
    await Promise.all(running.splice(0).map((detector) => detector.stop()));
  });

  it('a restarted replica keeps counting into the same alert; a full replay recounts nothing', async () => {
    const detector = await start();
    await burst(10);
    await drained();
    let alerts = await suppressedAlerts('db-burst');
    expect(alerts).toHaveLength(1);
    expect((alerts[0]!.source.kibana as any).alert.suppression.docs_count).toBe(49);
    await detector.stop();
    running.splice(0);

    // Every record read again from the start, as after a lost commit or a group reset.
    const topic = feeds.topicOf.get(DEFEND_VENDOR_ID)!;
    await feeds.admin.resetOffsets({ groupId: feeds.groupId, topic, earliest: true });
    const replay = await start();
    await eventually(
      'the replay consumed',
      async () => (await metricValue(replay.metricsUrl, 'edr_detector_records_consumed_total')) >= sent,
      60_000,
    );
    await drained();
    alerts = await suppressedAlerts('db-burst');
    expect(alerts).toHaveLength(1);
    expect((alerts[0]!.source.kibana as any).alert.suppression.docs_count).toBe(49);
    expect(await metricValue(replay.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'duplicate' })).toBe(sent);
  });
});
