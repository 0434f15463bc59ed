// The dead-letter topic deleted mid-stream: health turns red in time, nothing is committed past an unwritten letter, recovery.
import type { Message } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS } from '../../src/kafka/dead-letter.js';
import { alertCensus, censusLine, committedOffsets, groupLag, readBack } from '../integration/harness/alert-census.js';
import { eventually, metricValue, startDetector, type RunningDetector } from '../integration/harness/detector.js';
import { createTestFeeds, readTopic, type TestFeeds } from '../integration/harness/feeds.js';
import { TelemetryStream } from '../integration/harness/telemetry-stream.js';
import { expectEveryAlertOnce } from './expect-census.js';

const STALL_TIMEOUT_MS = 10_000;
/** Red within the stall timeout, plus the lag monitor's poll (5 s) and the probe loop. */
const RED_BOUND_MS = STALL_TIMEOUT_MS + 10_000;
const PARTITIONS = 3;

const healthz = async (detector: RunningDetector): Promise<number> => (await fetch(`${detector.metricsUrl}/healthz`)).status;

describe('dead-letter topic deleted mid-stream', () => {
  let feeds: TestFeeds | undefined;
  let detector: RunningDetector | undefined;
  let stream: TelemetryStream | undefined;
  const producing = new AbortController();
  let produced: Promise<number> | undefined;

  afterAll(async () => {
    producing.abort();
    await produced?.catch(() => undefined);
    await stream?.disconnect().catch(() => undefined);
    await detector?.stop('SIGKILL');
    await feeds?.cleanup();
  }, 60_000);

  it('turns /healthz red within the stall timeout, holds every offset before an unwritten letter, and recovers when the topic is back', async () => {
    feeds = await createTestFeeds('dlq-loss', PARTITIONS);
    const topics = [...feeds.topicOf.values()];
    detector = await startDetector({
      ...feeds.env,
      HEALTH_STALL_TIMEOUT_MS: String(STALL_TIMEOUT_MS),
      BATCH_RETRY_MAX_BACKOFF_MS: '2000',
      KAFKA_SESSION_TIMEOUT_MS: '10000',
    });
    const running = detector;
    stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed: 51 });
    await stream.connect();
    produced = stream.run({ ratePerSecond: 200, signal: producing.signal, maxMs: 180_000 });
    await eventually(
      'alerts flowing',
      async () => (await metricValue(running.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'created' })) >= 10,
      30_000,
    );

    await feeds.admin.deleteTopics({ topics: [feeds.dlqTopic] });
    await eventually('dead-letter topic gone', async () => !(await feeds!.admin.listTopics()).includes(feeds!.dlqTopic), 30_000);

    // One undecodable record in every partition of every feed, each of which needs a letter.
    const producer = feeds.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const bad: Array<{ topic: string; partition: number; offset: number }> = [];
    for (const topic of topics) {
      const messages: Message[] = Array.from({ length: PARTITIONS }, (_, partition) => ({
        partition,
        key: 'bad',
        value: Buffer.from('not avro at all'),
      }));
      for (const meta of await producer.send({ topic, messages, acks: -1 }))
        bad.push({ topic, partition: meta.partition, offset: Number(meta.baseOffset) });
    }
    await producer.disconnect();
    const badSentAt = Date.now();

    await eventually('/healthz red', async () => (await healthz(running)) === 503, RED_BOUND_MS + 5_000, 200);
    const redAfterMs = Date.now() - badSentAt;
    expect(await metricValue(running.metricsUrl, 'edr_detector_stalled_partitions')).toBeGreaterThan(0);
    // kafkajs retries the metadata of a missing topic for a while before the send fails.
    await eventually(
      'batches failing for the dead-letter topic',
      async () => (await metricValue(running.metricsUrl, 'edr_detector_batch_failures_total', { error_code: 'DLQ_UNAVAILABLE' })) > 0,
      120_000,
      1_000,
    );

    const heldPast = async (): Promise<string[]> => {
      const committed = await committedOffsets(feeds!.admin, feeds!.groupId, topics);
      return bad
        .filter(({ topic, partition, offset }) => (committed.get(`${topic}/${partition}`) ?? -1) > offset)
        .map(({ topic, partition }) => `${topic}/${partition}`);
    };
    expect(await heldPast(), 'committed past an unwritten letter').toEqual([]);
    // Still held a few retries later.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(await heldPast(), 'committed past an unwritten letter').toEqual([]);
    expect(running.process.exitCode).toBeNull();

    await feeds.admin.createTopics({
      topics: [{ topic: feeds.dlqTopic, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const backAt = Date.now();
    producing.abort();
    await produced;
    await eventually('the group drained', async () => (await groupLag(feeds!.admin, feeds!.groupId, topics)) === 0, 90_000);
    const drainMs = Date.now() - backAt;
    await eventually('/healthz green', async () => (await healthz(running)) === 200, 15_000);
    await eventually(
      'nothing paused or stalled',
      async () =>
        (await metricValue(running.metricsUrl, 'edr_detector_partitions_paused')) === 0 &&
        (await metricValue(running.metricsUrl, 'edr_detector_stalled_partitions')) === 0,
      15_000,
    );

    const letters = await readTopic(feeds.kafka, feeds.dlqTopic, bad.length);
    const lettered = new Set(
      letters.map(
        (letter) =>
          `${letter.headers[DEAD_LETTER_HEADERS.topic]}/${letter.headers[DEAD_LETTER_HEADERS.partition]}/${letter.headers[DEAD_LETTER_HEADERS.offset]}`,
      ),
    );
    expect(bad.filter(({ topic, partition, offset }) => !lettered.has(`${topic}/${partition}/${offset}`))).toEqual([]);

    const records = await readBack(feeds.kafka, topics);
    const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, records);
    console.info(
      censusLine('dead-letter topic deleted mid-stream', census, {
        records: records.length,
        lettersAfterDeletion: bad.length,
        redAfterSeconds: (redAfterMs / 1000).toFixed(1),
        drainSeconds: (drainMs / 1000).toFixed(1),
      }),
    );
    expectEveryAlertOnce(census);
    expect(redAfterMs).toBeLessThan(RED_BOUND_MS);
  }, 300_000);
});
