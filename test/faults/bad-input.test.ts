// Bad and absurd records mixed into a healthy stream: each counted exactly once, good records still alert.
import { ConfigResourceTypes, type Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertId } from '../../src/alerts/alert-id.js';
import { DEAD_LETTER_HEADERS } from '../../src/kafka/dead-letter.js';
import { VENDORS } from '../../src/vendors/index.js';
import { mulberry32 } from '../../scripts/samples/sample-stream.js';
import { alertCensus, bundledRuleIds, censusLine, groupLag, readBack } from '../integration/harness/alert-census.js';
import { expectEveryAlertOnce } from './expect-census.js';
import { absurdRecords, MiB, poisonRecords, vendor, type Absurd } from '../integration/harness/bad-records.js';
import { eventually, metricValue, startDetector, type RunningDetector } from '../integration/harness/detector.js';
import { createTestFeeds, readTopic, type ReadMessage, type TestFeeds } from '../integration/harness/feeds.js';
import { STREAM_HEADERS, TelemetryStream } from '../integration/harness/telemetry-stream.js';

/** Kafka refuses records over ~1 MB by default; the suite's topics take 4 MiB so the 1 MiB command line fits. */
const TOPIC_MAX_MESSAGE_BYTES = 4 * MiB;
const GOOD_PER_SIDE = 200;

describe('bad input mixed into a healthy stream', () => {
  let feeds: TestFeeds;
  let detector: RunningDetector;
  let stream: TelemetryStream;
  let deadLetters: Promise<ReadMessage[]> | undefined;
  const letters = () => (deadLetters ??= readTopic(feeds.kafka, feeds.dlqTopic, poison.length + rejected.length));
  const poison = poisonRecords(mulberry32(51));
  const absurd = absurdRecords();
  const rejected = absurd.filter((a) => a.outcome === 'sink rejected');

  /** Every absurd record is built from a fixture with a vendor identity, so its alert id is known up front. */
  async function expectedAlertId(a: Absurd): Promise<string> {
    if (a.identity === undefined) throw new Error(`${a.name}: no vendor identity`);
    const [ruleId] = await bundledRuleIds();
    return alertId({ ruleId: ruleId as string, vendorId: a.vendor, eventIdentity: a.identity, topic: '', partition: 0, offset: '0' });
  }

  beforeAll(async () => {
    feeds = await createTestFeeds('bad-input', 3, VENDORS, { topicConfig: { 'max.message.bytes': String(TOPIC_MAX_MESSAGE_BYTES) } });
    // The consumer keeps its default fetch sizes (1 MiB per partition): the broker still hands over a
    // single larger record, so only the topic's own limit has to allow it.
    detector = await startDetector({ ...feeds.env });
    stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed: 52 });
    await stream.connect();
    // Good records before and after, so the bad ones sit inside batches that also hold alerts.
    await stream.send(GOOD_PER_SIDE);
    const producer = feeds.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const byTopic = new Map<string, Message[]>();
    const add = (vendorId: string, message: Message) => {
      const topic = feeds.topicOf.get(vendorId) as string;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
    };
    for (const p of poison)
      add(p.vendor, {
        key: `poison:${p.name}`,
        value: p.value,
        headers: { 'x-case': p.name, [STREAM_HEADERS.vendor]: p.vendor, [STREAM_HEADERS.expectAlert]: '0' },
      });
    for (const a of absurd) {
      const headers: Record<string, string> = {
        'x-case': a.name,
        [STREAM_HEADERS.vendor]: a.vendor,
        [STREAM_HEADERS.expectAlert]: a.outcome === 'alert' ? '1' : '0',
      };
      if (a.identity !== undefined) headers[STREAM_HEADERS.identity] = a.identity;
      add(a.vendor, { key: `absurd:${a.name}`, value: a.value, headers });
    }
    for (const [topic, messages] of byTopic) await producer.send({ topic, messages, acks: -1 });
    await producer.disconnect();
    await stream.send(GOOD_PER_SIDE);
  }, 120_000);

  afterAll(async () => {
    await stream?.disconnect();
    await detector?.stop();
    await feeds?.cleanup();
  });

  it('consumes everything and stays up', async () => {
    const total = stream.sent + poison.length + absurd.length;
    await eventually(
      'every record consumed',
      async () => (await metricValue(detector.metricsUrl, 'edr_detector_records_consumed_total')) >= total,
      60_000,
    );
    await eventually(
      'the group caught up',
      async () => (await groupLag(feeds.admin, feeds.groupId, [...feeds.topicOf.values()])) === 0,
      30_000,
    );
    expect(await metricValue(detector.metricsUrl, 'edr_detector_records_consumed_total')).toBe(total);
    expect(detector.process.exitCode).toBeNull();
    expect((await fetch(`${detector.metricsUrl}/healthz`)).status).toBe(200);
  });

  it('dead-letters each bad record exactly once, with its code and origin', async () => {
    const all = await letters();
    expect(all).toHaveLength(poison.length + rejected.length);
    for (const p of poison) {
      const matching = all.filter((l) => l.headers[DEAD_LETTER_HEADERS.vendor] === p.vendor && l.headers['x-case'] === p.name);
      expect(matching, `${p.vendor} ${p.name}`).toHaveLength(1);
      const letter = matching[0];
      expect(p.codes, `${p.vendor} ${p.name}`).toContain(letter?.headers[DEAD_LETTER_HEADERS.code]);
      expect(letter?.headers[DEAD_LETTER_HEADERS.topic]).toBe(feeds.topicOf.get(p.vendor));
      expect(letter?.value?.length ?? 0).toBe(p.value?.length ?? 0);
    }
    // An alert Elasticsearch refused: the letter carries the alert document and its id.
    for (const a of rejected) {
      const id = await expectedAlertId(a);
      const matching = all.filter((l) => l.headers['edr.alert.id'] === id);
      expect(matching, a.name).toHaveLength(1);
      expect(matching[0]?.headers[DEAD_LETTER_HEADERS.code]).toBe('SINK_REJECTED');
      expect(matching[0]?.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/HTTP 400/);
      const document = JSON.parse(matching[0]?.value?.toString('utf8') ?? '{}') as { process?: { pid?: unknown }; rule?: { id?: string } };
      expect(document.rule?.id).toBe((await bundledRuleIds())[0]);
      expect(document.process?.pid).toBeGreaterThanOrEqual(2 ** 63 - 1);
    }
  });

  it('counts each bad record exactly once in dead_letters_total and decode_failures_total, per vendor and code', async () => {
    const perKey = new Map<string, number>();
    for (const l of await letters()) {
      const key = `${l.headers[DEAD_LETTER_HEADERS.vendor]}|${l.headers[DEAD_LETTER_HEADERS.code]}`;
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
    }
    console.info(`[dead letters] ${[...perKey].map(([key, n]) => `${key}=${n}`).join(' ')}`);
    for (const [key, count] of perKey) {
      const [vendorId, code] = key.split('|') as [string, string];
      expect(await metricValue(detector.metricsUrl, 'edr_detector_dead_letters_total', { vendor: vendorId, error_code: code }), key).toBe(
        count,
      );
      // A refused alert decoded fine: it is a dead letter, not a decode failure.
      const decodeFailures = code === 'SINK_REJECTED' ? 0 : count;
      expect(
        await metricValue(detector.metricsUrl, 'edr_detector_decode_failures_total', { vendor: vendorId, error_code: code }),
        key,
      ).toBe(decodeFailures);
    }
    expect(await metricValue(detector.metricsUrl, 'edr_detector_dead_letters_total')).toBe(poison.length + rejected.length);
    expect(await metricValue(detector.metricsUrl, 'edr_detector_decode_failures_total')).toBe(poison.length);
    expect(await metricValue(detector.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'failed' })).toBe(rejected.length);
  });

  it('alerts on every good and absurd-but-matching record exactly once, and on nothing else', async () => {
    const records = await readBack(feeds.kafka, [...feeds.topicOf.values()]);
    const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, records);
    console.info(censusLine('bad input mixed in', census, { records: records.length, poison: poison.length, absurd: absurd.length }));
    expectEveryAlertOnce(census);
  });

  it('stores the absurd values as they came', async () => {
    for (const a of absurd.filter((x) => x.outcome === 'alert')) {
      const id = await expectedAlertId(a);
      // A data stream has no get-by-id (its documents live in backing indices): an ids query finds it.
      const found = await feeds.elasticsearch.search<Record<string, unknown>>({
        index: feeds.alertsIndex,
        query: { ids: { values: [id] } },
      });
      expect(found.hits.hits.length, a.name).toBe(1);
      a.stored?.(found.hits.hits[0]?._source as Record<string, unknown>);
    }
  });
});

describe('a bad record larger than the dead-letter topic accepts', () => {
  let feeds: TestFeeds;
  let detector: RunningDetector;
  let stream: TelemetryStream;
  const defend = [vendor('elastic-defend')];
  const oversized = Buffer.concat([Buffer.from([0x7b]), Buffer.alloc(2 * MiB, 0x41)]);

  beforeAll(async () => {
    // One partition everywhere, so each dead-letter send is one record batch the broker takes or refuses whole.
    feeds = await createTestFeeds('oversized-letter', 1, defend, { topicConfig: { 'max.message.bytes': String(TOPIC_MAX_MESSAGE_BYTES) } });
    // The feed takes 4 MiB records; the dead-letter topic keeps Kafka's default limit (~1 MB).
    await feeds.admin.alterConfigs({
      validateOnly: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: feeds.dlqTopic, configEntries: [{ name: 'max.message.bytes', value: '1048588' }] },
      ],
    });
    detector = await startDetector(feeds.env);
    stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed: 53, vendors: defend, dumpShare: 0.3 });
    await stream.connect();
    await stream.send(50);
    const producer = feeds.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({
      topic: feeds.topicOf.get('elastic-defend') as string,
      acks: -1,
      messages: [
        { key: 'oversized', value: oversized, headers: { 'x-case': 'oversized', [STREAM_HEADERS.expectAlert]: '0' } },
        { key: 'empty', value: Buffer.alloc(0), headers: { 'x-case': 'empty', [STREAM_HEADERS.expectAlert]: '0' } },
      ],
    });
    await producer.disconnect();
    await stream.send(50);
  }, 120_000);

  afterAll(async () => {
    await stream?.disconnect();
    await detector?.stop();
    await feeds?.cleanup();
  });

  it('dead-letters it without its value instead of blocking the partition', async () => {
    await eventually(
      'the group caught up',
      async () => (await groupLag(feeds.admin, feeds.groupId, [...feeds.topicOf.values()])) === 0,
      60_000,
    );
    const letters = await readTopic(feeds.kafka, feeds.dlqTopic, 2);
    expect(letters.map((l) => l.headers['x-case']).sort()).toEqual(['empty', 'oversized']);
    const big = letters.find((l) => l.headers['x-case'] === 'oversized');
    expect(big?.value).toBeNull();
    expect(big?.headers[DEAD_LETTER_HEADERS.valueOmitted]).toBe(String(oversized.length));
    expect(big?.headers[DEAD_LETTER_HEADERS.code]).toBe('DECODE_BAD_MAGIC');
    expect(Number(big?.headers[DEAD_LETTER_HEADERS.offset])).toBeGreaterThanOrEqual(50);
    expect(letters.find((l) => l.headers['x-case'] === 'empty')?.value).toEqual(Buffer.alloc(0));
    expect(await metricValue(detector.metricsUrl, 'edr_detector_dead_letters_total', { error_code: 'DECODE_BAD_MAGIC' })).toBe(1);

    const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, await readBack(feeds.kafka, [...feeds.topicOf.values()]));
    console.info(censusLine('2 MiB bad record, 1 MB dead-letter limit', census));
    expect(census.missing).toEqual([]);
    expect(census.unexpected).toEqual([]);
    expect(census.found).toBe(census.expected);
  });
});
