// The Kafka broker restarted under a live stream: the detector reconnects and loses or doubles nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertCensus, censusLine, groupLag, readBack } from '../integration/harness/alert-census.js';
import { expectEveryAlertOnce } from './expect-census.js';
import { eventually, metricValue, sleep, startDetector, type RunningDetector } from '../integration/harness/detector.js';
import { createTestFeeds, type TestFeeds } from '../integration/harness/feeds.js';
import { sideKafka } from '../integration/harness/side-stack.js';
import { TelemetryStream } from '../integration/harness/telemetry-stream.js';

// A separate broker: the default stack's Kafka serves the other suites and must stay up.
const kafka = sideKafka({ name: 'faults-kafka', port: 9192 });

describe('the Kafka broker restarted mid-stream', () => {
  let feeds: TestFeeds | undefined;
  let detector: RunningDetector | undefined;

  beforeAll(async () => {
    await kafka.start();
  }, 180_000);

  afterAll(async () => {
    await detector?.stop('SIGKILL');
    await feeds?.cleanup();
    await kafka.clean();
  }, 120_000);

  it('is ridden out by the same process: it resumes, catches up, every alert exactly once', async () => {
    feeds = await createTestFeeds('broker-restart', 3, undefined, { kafka: { brokers: [kafka.broker] } });
    const topics = [...feeds.topicOf.values()];
    detector = await startDetector({ ...feeds.env, KAFKA_SESSION_TIMEOUT_MS: '10000' });
    const running = detector;
    const pid = running.process.pid;
    const stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed: 41 });
    await stream.connect();
    const producing = new AbortController();
    const produced = stream.run({ ratePerSecond: 200, signal: producing.signal, maxMs: 120_000 });
    try {
      await eventually(
        'alerts flowing',
        async () => (await metricValue(running.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'created' })) >= 20,
        30_000,
      );
      const consumedBefore = await metricValue(running.metricsUrl, 'edr_detector_records_consumed_total');
      const stoppedAt = Date.now();
      await kafka.stop();
      // Down long enough for every client to notice: fetches, commits and produce requests all fail.
      await sleep(10_000);
      await kafka.start();
      const downSeconds = (Date.now() - stoppedAt) / 1000;
      expect(running.process.exitCode).toBeNull();
      await eventually(
        'consuming again after the restart',
        async () => (await metricValue(running.metricsUrl, 'edr_detector_records_consumed_total')) > consumedBefore + 400,
        60_000,
      );
      await sleep(2_000);
      producing.abort();
      await produced;
      await eventually('the group caught up', async () => (await groupLag(feeds!.admin, feeds!.groupId, topics)) === 0, 90_000);
      expect(running.process.pid).toBe(pid);
      expect(running.process.exitCode).toBeNull();
      expect((await fetch(`${running.metricsUrl}/healthz`)).status).toBe(200);
      await eventually('ready again', async () => (await metricValue(running.metricsUrl, 'edr_detector_ready')) === 1, 30_000);

      const records = await readBack(feeds.kafka, topics);
      const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, records);
      const redelivered = await metricValue(running.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'duplicate' });
      const crashes = running.logs.filter((line) => line.message === 'consumer crashed').length;
      console.info(
        censusLine('Kafka broker restarted', census, {
          records: records.length,
          brokerDownSeconds: downSeconds.toFixed(1),
          producerRetries: stream.sendFailures,
          consumerRestarts: crashes,
          redelivered409: redelivered,
        }),
      );
      expectEveryAlertOnce(census);
    } finally {
      producing.abort();
      await produced.catch(() => undefined);
      await stream.disconnect();
    }
  }, 240_000);
});
