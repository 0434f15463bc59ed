// A group rebalance while Elasticsearch is down: nobody stays paused, and once it is back every alert lands once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertCensus, censusLine, groupLag, readBack } from '../integration/harness/alert-census.js';
import { eventually, metricValue, startDetector, type RunningDetector } from '../integration/harness/detector.js';
import { createTestFeeds, type TestFeeds } from '../integration/harness/feeds.js';
import { sideElasticsearch } from '../integration/harness/side-stack.js';
import { portBesideStack } from '../integration/harness/stack.js';
import { TelemetryStream } from '../integration/harness/telemetry-stream.js';
import { expectEveryAlertOnce } from './expect-census.js';

// Its own node: the default stack's Elasticsearch serves the other suites and must stay up.
const elasticsearch = sideElasticsearch({ name: 'faults-es-rebalance', port: portBesideStack(98, 'EDR_TEST_FAULT_REBALANCE_ES_PORT') });

const DETECTOR_ENV = {
  ELASTICSEARCH_RETRY_MAX_BACKOFF_MS: '2000',
  ELASTICSEARCH_REQUEST_TIMEOUT_MS: '5000',
  // A replica started during the outage waits for Elasticsearch (the template) before it joins.
  ELASTICSEARCH_STARTUP_TIMEOUT_MS: '300000',
  KAFKA_SESSION_TIMEOUT_MS: '10000',
  BATCH_RETRY_MAX_BACKOFF_MS: '2000',
  SHUTDOWN_TIMEOUT_MS: '10000',
  HEALTH_STALL_TIMEOUT_MS: '120000',
};
/** The bound: the group drains within a minute of Elasticsearch answering again. */
const DRAIN_BOUND_MS = 60_000;

const joins = (detector: RunningDetector): number => detector.logs.filter((line) => line.message === 'joined consumer group').length;
const gauge = (detector: RunningDetector, name: string): Promise<number> => metricValue(detector.metricsUrl, `edr_detector_${name}`);

describe('rebalance while Elasticsearch is down', () => {
  const opened: Array<{ feeds: TestFeeds; stream?: TelemetryStream; producing: AbortController; produced?: Promise<number> }> = [];
  const detectors: RunningDetector[] = [];

  beforeAll(async () => {
    await elasticsearch.start();
  }, 180_000);

  afterAll(async () => {
    for (const { stream, producing, produced } of opened) {
      producing.abort();
      await produced?.catch(() => undefined);
      await stream?.disconnect().catch(() => undefined);
    }
    for (const detector of detectors) await detector.stop('SIGKILL');
    for (const { feeds } of opened) await feeds.cleanup();
    await elasticsearch.clean();
  }, 120_000);

  // SIGTERM: the instance leaves the group at once (a rolling restart); SIGKILL: the group notices after
  // the session timeout (a crashed pod or lost node).
  it.each([
    ['SIGTERM', 'stopped'],
    ['SIGKILL', 'killed'],
  ] as const)(
    'an instance %s during the outage: the survivor rejoins, no partition stays paused, every alert once, drained within a minute',
    async (signal, how) => {
      await elasticsearch.start();
      const feeds = await createTestFeeds(`rebalance-outage-${how}`, 3, undefined, { elasticsearch: { node: elasticsearch.url } });
      const run: (typeof opened)[number] = { feeds, producing: new AbortController() };
      opened.push(run);
      const { producing } = run;
      const topics = [...feeds.topicOf.values()];
      const partitions = topics.length * 3;
      const env = { ...feeds.env, ...DETECTOR_ENV };
      const [survivor, leaving] = await Promise.all([startDetector(env), startDetector(env)]);
      detectors.push(survivor!, leaving!);
      if (!survivor || !leaving) throw new Error('two detectors expected');
      const assigned = (d: RunningDetector) => gauge(d, 'partitions_assigned');
      await eventually(
        'partitions shared by both',
        async () => (await assigned(survivor)) > 0 && (await assigned(survivor)) + (await assigned(leaving)) === partitions,
        60_000,
      );

      const stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed: signal === 'SIGTERM' ? 41 : 42 });
      run.stream = stream;
      await stream.connect();
      const produced = stream.run({ ratePerSecond: 200, signal: producing.signal, maxMs: 240_000 });
      run.produced = produced;
      const created = async () =>
        (await metricValue(survivor.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'created' })) +
        (await metricValue(leaving.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'created' }));
      await eventually('alerts flowing', async () => (await created()) >= 20, 30_000);

      await elasticsearch.stop();
      await eventually(
        'both paused for Elasticsearch',
        async () => (await gauge(survivor, 'partitions_paused')) > 0 && (await gauge(leaving, 'partitions_paused')) > 0,
        30_000,
      );
      expect((await fetch(`${survivor.metricsUrl}/readyz`)).status, 'not ready while paused for Elasticsearch').toBe(503);

      // A pod restart during the outage: the old instance leaves the group, the new one waits for Elasticsearch.
      const joinsBefore = joins(survivor);
      await leaving.stop(signal);
      const replacement = await startDetector(env, { waitReady: false });
      detectors.push(replacement);
      await eventually(
        'the survivor rejoined and owns every partition',
        async () => joins(survivor) > joinsBefore && (await assigned(survivor)) === partitions,
        60_000,
      );
      // Its waiting batches gave up instead of retrying into the new generation: it fetches again and pauses again.
      await eventually(
        'the survivor fetching (and pausing) again after the rebalance',
        async () => (await gauge(survivor, 'partitions_paused')) === partitions,
        45_000,
      );
      expect(survivor.logs.some((line) => String(line.message).startsWith('batch abandoned'))).toBe(true);

      await elasticsearch.start();
      const backAt = Date.now();
      producing.abort();
      await produced;
      await eventually('the replacement joined', async () => (await assigned(replacement)) > 0, 60_000);
      await eventually('the group drained', async () => (await groupLag(feeds.admin, feeds.groupId, topics)) === 0, DRAIN_BOUND_MS);
      const drainMs = Date.now() - backAt;
      for (const detector of [survivor, replacement]) {
        await eventually('no partition paused', async () => (await gauge(detector, 'partitions_paused')) === 0, 15_000);
        expect(await gauge(detector, 'stalled_partitions')).toBe(0);
        expect((await fetch(`${detector.metricsUrl}/healthz`)).status).toBe(200);
        await eventually('ready again', async () => (await fetch(`${detector.metricsUrl}/readyz`)).status === 200, 15_000);
        expect(detector.process.exitCode).toBeNull();
      }

      const records = await readBack(feeds.kafka, topics);
      const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, records);
      const redelivered =
        (await metricValue(survivor.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'duplicate' })) +
        (await metricValue(replacement.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'duplicate' }));
      console.info(
        censusLine(`rebalance during an Elasticsearch outage, an instance ${how}`, census, {
          records: records.length,
          redelivered409: redelivered,
          drainSeconds: (drainMs / 1000).toFixed(1),
        }),
      );
      expectEveryAlertOnce(census);
      expect(drainMs).toBeLessThan(DRAIN_BOUND_MS);
    },
    300_000,
  );
});
