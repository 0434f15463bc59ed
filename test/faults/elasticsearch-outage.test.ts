// Elasticsearch stopped under a live stream: the consumer pauses, memory stays bounded, nothing is lost or doubled.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertCensus, censusLine, groupLag, readBack } from '../integration/harness/alert-census.js';
import { expectEveryAlertOnce } from './expect-census.js';
import { eventually, metricValue, sleep, startDetector, type RunningDetector } from '../integration/harness/detector.js';
import { createTestFeeds, type TestFeeds } from '../integration/harness/feeds.js';
import { sideElasticsearch } from '../integration/harness/side-stack.js';
import { TelemetryStream } from '../integration/harness/telemetry-stream.js';

// A separate node: the default stack's Elasticsearch serves the other suites and must stay up.
const elasticsearch = sideElasticsearch({ name: 'faults-es', port: 9250 });
/** The detector's resident memory must stay below this while Elasticsearch is down and input continues. */
const RSS_BOUND_BYTES = 256 * 1024 * 1024;

const DETECTOR_ENV = {
  ELASTICSEARCH_RETRY_MAX_BACKOFF_MS: '2000',
  ELASTICSEARCH_REQUEST_TIMEOUT_MS: '5000',
  KAFKA_SESSION_TIMEOUT_MS: '10000',
};

function residentBytes(pid: number): number {
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

interface Outage {
  feeds: TestFeeds;
  detector: RunningDetector;
  stream: TelemetryStream;
  producing: AbortController;
  produced: Promise<number>;
}

describe('Elasticsearch down mid-stream', () => {
  const opened: Outage[] = [];

  beforeAll(async () => {
    await elasticsearch.start();
  }, 180_000);

  afterAll(async () => {
    for (const { detector, feeds, stream, producing, produced } of opened) {
      producing.abort();
      await produced.catch(() => undefined);
      await stream.disconnect().catch(() => undefined);
      await detector.stop('SIGKILL');
      await feeds.cleanup();
    }
    await elasticsearch.clean();
  }, 120_000);

  /** Fresh feeds on the side node, a detector on them, and a producer at `rate` records per second. */
  async function begin(label: string, seed: number, rate: number): Promise<Outage> {
    const feeds = await createTestFeeds(label, 3, undefined, { elasticsearch: { node: elasticsearch.url } });
    const detector = await startDetector({ ...feeds.env, ...DETECTOR_ENV });
    const stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed });
    await stream.connect();
    const producing = new AbortController();
    const produced = stream.run({ ratePerSecond: rate, signal: producing.signal, maxMs: 180_000 });
    const outage = { feeds, detector, stream, producing, produced };
    opened.push(outage);
    await eventually(
      'alerts flowing',
      async () => (await metricValue(detector.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'created' })) >= 20,
      30_000,
    );
    return outage;
  }

  /** After Elasticsearch is back: the consumer resumes, drains, and every alert is there exactly once. */
  async function expectDrained(fault: string, { feeds, detector, producing, produced }: Outage, pid: number | undefined): Promise<void> {
    producing.abort();
    await produced;
    const topics = [...feeds.topicOf.values()];
    await eventually(
      'consumption resumed',
      async () => (await metricValue(detector.metricsUrl, 'edr_detector_partitions_paused')) === 0,
      60_000,
    );
    await eventually('the group caught up', async () => (await groupLag(feeds.admin, feeds.groupId, topics)) === 0, 90_000);
    // Same process throughout: it rode the outage out instead of crashing and being restarted.
    expect(detector.process.pid).toBe(pid);
    expect(detector.process.exitCode).toBeNull();
    expect((await fetch(`${detector.metricsUrl}/healthz`)).status).toBe(200);
    expect(
      await metricValue(detector.metricsUrl, 'edr_detector_elasticsearch_bulk_requests_total', { outcome: 'retried' }),
    ).toBeGreaterThan(0);
    expect(await metricValue(detector.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'failed' })).toBe(0);

    const records = await readBack(feeds.kafka, topics);
    const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, records);
    const redelivered = await metricValue(detector.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'duplicate' });
    console.info(censusLine(fault, census, { records: records.length, redelivered409: redelivered }));
    expectEveryAlertOnce(census);
  }

  it('for 30 s: pauses (partitions paused, lag growing), then drains in the same process with every alert exactly once', async () => {
    const outage = await begin('es-30s', 31, 200);
    const { detector, feeds } = outage;
    const pid = detector.process.pid;
    const lag = () => metricValue(detector.metricsUrl, 'edr_detector_consumer_lag_records');

    await elasticsearch.stop();
    const stoppedAt = Date.now();
    await eventually(
      'partitions paused',
      async () => (await metricValue(detector.metricsUrl, 'edr_detector_partitions_paused')) > 0,
      20_000,
    );
    const lagAtPause = await lag();
    // Records keep arriving and nothing is committed, so the reported lag climbs during the outage.
    await eventually('lag growing', async () => (await lag()) >= lagAtPause + 1_000, 25_000, 1_000);
    await sleep(Math.max(0, 30_000 - (Date.now() - stoppedAt)));
    expect(await metricValue(detector.metricsUrl, 'edr_detector_partitions_paused')).toBeGreaterThan(0);
    expect(await groupLag(feeds.admin, feeds.groupId, [...feeds.topicOf.values()])).toBeGreaterThan(1_000);
    expect(detector.process.exitCode).toBeNull();

    await elasticsearch.start();
    await expectDrained('Elasticsearch stopped 30 s', outage, pid);
  }, 240_000);

  it(`for 60 s with input continuing: stops consuming and keeps RSS under ${RSS_BOUND_BYTES / 1024 / 1024} MiB`, async () => {
    const outage = await begin('es-60s', 32, 500);
    const { detector, stream } = outage;
    const pid = detector.process.pid as number;
    const consumed = () => metricValue(detector.metricsUrl, 'edr_detector_records_consumed_total');
    const rssBefore = residentBytes(pid);

    await elasticsearch.stop();
    const stoppedAt = Date.now();
    await eventually(
      'partitions paused',
      async () => (await metricValue(detector.metricsUrl, 'edr_detector_partitions_paused')) > 0,
      20_000,
    );
    // Batches fetched before the pause may still finish (those without alerts need no Elasticsearch);
    // after that nothing more is read: wait until the count holds still.
    let lastCount = -1;
    await eventually(
      'consumption stopped',
      async () => {
        const count = await consumed();
        const still = count === lastCount;
        lastCount = count;
        return still;
      },
      20_000,
      1_000,
    );
    const consumedWhilePaused = await consumed();
    const sentWhilePaused = stream.sent;
    let peakRss = 0;
    const rssSamples: number[] = [];
    while (Date.now() - stoppedAt < 60_000) {
      const rss = residentBytes(pid);
      rssSamples.push(rss);
      peakRss = Math.max(peakRss, rss);
      expect(await consumed(), 'records consumed while paused').toBe(consumedWhilePaused);
      await sleep(1_000);
    }
    const sentDuringOutage = stream.sent - sentWhilePaused;
    console.info(
      `[memory] Elasticsearch down 60 s: RSS before ${(rssBefore / 1024 / 1024).toFixed(1)} MiB, peak ${(peakRss / 1024 / 1024).toFixed(1)} MiB over ${rssSamples.length} samples; ` +
        `records sent while paused ${sentDuringOutage}; consumed while paused 0 (stayed at ${consumedWhilePaused})`,
    );
    expect(sentDuringOutage).toBeGreaterThan(10_000);
    expect(peakRss).toBeLessThan(RSS_BOUND_BYTES);
    expect(await metricValue(detector.metricsUrl, 'process_resident_memory_bytes')).toBeLessThan(RSS_BOUND_BYTES);

    await elasticsearch.start();
    await expectDrained('Elasticsearch stopped 60 s, input continuing', outage, pid);
  }, 300_000);
});
