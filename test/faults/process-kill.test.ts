// The service killed outright (SIGKILL) mid-stream: restarted alone, or survived by a second instance.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { alertCensus, censusLine, groupLag, readBack } from '../integration/harness/alert-census.js';
import { expectEveryAlertOnce } from './expect-census.js';
import { eventually, metricValue, startDetector, type RunningDetector } from '../integration/harness/detector.js';
import { createTestFeeds, type TestFeeds } from '../integration/harness/feeds.js';
import { TelemetryStream } from '../integration/harness/telemetry-stream.js';

// A short session lets the group notice a dead member in seconds instead of the default 30.
const SESSION_TIMEOUT_MS = '6000';
const RATE = 200;
/** Records waiting before the detector starts: the kill then lands on batches in flight, not on an idle consumer. */
const BACKLOG = 6_000;

describe('a detector killed with SIGKILL mid-stream', () => {
  const feedsToClean: TestFeeds[] = [];
  const running: RunningDetector[] = [];

  afterEach(async () => {
    await Promise.all(running.splice(0).map((d) => d.stop('SIGKILL')));
  });
  afterAll(async () => {
    for (const feeds of feedsToClean) await feeds.cleanup();
  });

  async function start(feeds: TestFeeds): Promise<RunningDetector> {
    const detector = await startDetector({ ...feeds.env, KAFKA_SESSION_TIMEOUT_MS: SESSION_TIMEOUT_MS });
    running.push(detector);
    return detector;
  }

  it('restarted, writes every alert exactly once and catches up', async () => {
    const feeds = await createTestFeeds('kill-restart');
    feedsToClean.push(feeds);
    const topics = [...feeds.topicOf.values()];
    const stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed: 11 });
    await stream.connect();
    for (let i = 0; i < BACKLOG / 1_000; i++) await stream.send(1_000);
    const first = await start(feeds);
    const producing = new AbortController();
    const produced = stream.run({ ratePerSecond: RATE, signal: producing.signal, maxMs: 40_000 });
    try {
      await eventually(
        'part of the backlog done',
        async () => (await metricValue(first.metricsUrl, 'edr_detector_records_consumed_total')) >= BACKLOG / 3,
        30_000,
        50,
      );
      expect(await first.stop('SIGKILL')).toBe('SIGKILL');
      // Records keep arriving while no detector runs.
      const sentAtKill = stream.sent;
      await eventually('records produced while down', async () => stream.sent >= sentAtKill + RATE * 2, 10_000);
      const second = await start(feeds);
      await eventually(
        'the restarted detector consuming',
        async () => (await metricValue(second.metricsUrl, 'edr_detector_records_consumed_total')) > 0,
        30_000,
      );
      producing.abort();
      await produced;
      await eventually('the group caught up', async () => (await groupLag(feeds.admin, feeds.groupId, topics)) === 0, 60_000);

      const records = await readBack(feeds.kafka, topics);
      const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, records);
      const redelivered = await metricValue(second.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'duplicate' });
      console.info(censusLine('SIGKILL + restart', census, { records: records.length, redelivered409: redelivered }));
      expectEveryAlertOnce(census);
      expect(census.expected).toBeGreaterThan(50);
    } finally {
      producing.abort();
      await produced.catch(() => undefined);
      await stream.disconnect();
    }
  }, 180_000);

  it("in a group of two, hands the dead instance's partitions to the survivor, every alert exactly once", async () => {
    const feeds = await createTestFeeds('kill-failover');
    feedsToClean.push(feeds);
    const topics = [...feeds.topicOf.values()];
    const partitions = topics.length * 3;
    const stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed: 12 });
    await stream.connect();
    for (let i = 0; i < BACKLOG / 1_000; i++) await stream.send(1_000);
    const [victim, survivor] = await Promise.all([start(feeds), start(feeds)]);
    if (!victim || !survivor) throw new Error('two detectors expected');
    const assigned = (d: RunningDetector) => metricValue(d.metricsUrl, 'edr_detector_partitions_assigned');
    await eventually(
      'partitions shared by both',
      async () => {
        const [a, b] = [await assigned(victim), await assigned(survivor)];
        return a > 0 && b > 0 && a + b === partitions;
      },
      60_000,
    );

    const producing = new AbortController();
    const produced = stream.run({ ratePerSecond: RATE, signal: producing.signal, maxMs: 40_000 });
    try {
      await eventually(
        'both instances working through the backlog',
        async () => {
          const consumed = (d: RunningDetector) => metricValue(d.metricsUrl, 'edr_detector_records_consumed_total');
          return (await consumed(victim)) >= BACKLOG / 6 && (await consumed(survivor)) >= BACKLOG / 6;
        },
        30_000,
        50,
      );
      expect(await victim.stop('SIGKILL')).toBe('SIGKILL');
      const killedAt = Date.now();
      await eventually('the survivor owns every partition', async () => (await assigned(survivor)) === partitions, 45_000);
      const failoverSeconds = (Date.now() - killedAt) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      producing.abort();
      await produced;
      await eventually('the group caught up', async () => (await groupLag(feeds.admin, feeds.groupId, topics)) === 0, 60_000);
      expect(survivor.process.exitCode).toBeNull();

      const records = await readBack(feeds.kafka, topics);
      const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, records);
      const redelivered = await metricValue(survivor.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'duplicate' });
      console.info(
        censusLine('group of two, one SIGKILLed', census, {
          records: records.length,
          redelivered409: redelivered,
          failoverSeconds: failoverSeconds.toFixed(1),
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
