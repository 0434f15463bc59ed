// End to end through the real Kafka and Elasticsearch: every vendor's fixtures, both value formats.
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecord } from '../../scripts/native/encoder.js';
import { frameConfluent } from '../../src/decode/framing.js';
import { DEAD_LETTER_HEADERS } from '../../src/kafka/dead-letter.js';
import { VENDORS } from '../../src/vendors/index.js';
import { loadFixtures, type Fixture } from '../../scripts/samples/fixtures.js';
import { eventually, metricValue, startDetector, type RunningDetector } from './harness/detector.js';
import { alertDocuments, createTestFeeds, readTopic, type TestFeeds } from './harness/feeds.js';
import { groupLag } from './harness/alert-census.js';
import { fromNative } from '../../scripts/native/from-native.js';

type Format = 'confluent' | 'raw';

interface Poison {
  name: string;
  value: Buffer | null;
  code: string;
}

function poisonRecords(format: Format, validBody: Buffer): Poison[] {
  const common: Poison[] = [
    { name: 'empty value', value: Buffer.alloc(0), code: 'DECODE_EMPTY_VALUE' },
    { name: 'null value', value: null, code: 'DECODE_EMPTY_VALUE' },
  ];
  if (format === 'confluent') {
    return [
      ...common,
      { name: 'wrong magic byte', value: Buffer.concat([Buffer.from([7, 0, 0, 3, 233]), validBody]), code: 'DECODE_BAD_MAGIC' },
      { name: 'unknown schema id', value: frameConfluent(987_654, validBody), code: 'DECODE_UNKNOWN_SCHEMA' },
    ];
  }
  return [
    ...common,
    { name: 'trailing garbage', value: Buffer.concat([validBody, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])]), code: 'DECODE_TRAILING_BYTES' },
  ];
}

/** The alert must carry the mapped event unchanged, apart from the fields the alert itself owns. */
function expectCarriesEvent(alert: Record<string, unknown>, fixture: Fixture): void {
  // `message` and `tags` belong to the alert (its rule's name and tags), `data_stream` to the alerts
  // stream it was written to; `@timestamp` is checked by the caller.
  const {
    event: expectedEvent,
    tags: _tags,
    message: _message,
    data_stream: _stream,
    '@timestamp': _time,
    ...rest
  } = fixture.expected as Record<string, unknown> & {
    event?: Record<string, unknown>;
  };
  for (const [key, value] of Object.entries(rest)) expect(alert[key], `${fixture.file}: ${key}`).toEqual(value);
  const { kind: _kind, created: _created, ingested: _ingested, module, dataset, ...eventFields } = expectedEvent ?? {};
  const alertEvent = alert.event as Record<string, unknown>;
  for (const [key, value] of Object.entries(eventFields)) expect(alertEvent[key], `${fixture.file}: event.${key}`).toEqual(value);
  expect(alertEvent.kind).toBe('alert');
  // The alert's own module and dataset; the source event's stay recognisable beside its vendor.
  expect(alertEvent).toMatchObject({ module: 'edr_dbdump_detector', dataset: 'edr_dbdump_detector.alert' });
  expect(alert.edr).toMatchObject({ source: { module, dataset } });
}

function fixtureKey(vendor: string, fixture: { expected: unknown }): string {
  return `${vendor}:${JSON.stringify(fixture.expected)}`;
}

describe.each<Format>(['confluent', 'raw'])('the detector end to end, %s values', (format) => {
  let feeds: TestFeeds;
  let detector: RunningDetector;
  const fixtures = new Map(VENDORS.map((vendor) => [vendor.id, loadFixtures(vendor.id)]));
  const expectedAlerts = [...fixtures].flatMap(([vendor, list]) => list.filter((f) => f.alert).map((f) => ({ vendor, fixture: f })));
  const poisonByVendor = new Map<string, Poison[]>();

  beforeAll(async () => {
    feeds = await createTestFeeds(`e2e-${format}`);
    detector = await startDetector({ ...feeds.env, VALUE_FORMAT: format });
    const producer = feeds.kafka.producer();
    await producer.connect();
    for (const vendor of VENDORS) {
      const list = fixtures.get(vendor.id) ?? [];
      const encoded = list.map((fixture) => ({
        key: fixture.file,
        value: encodeRecord(vendor, fromNative(vendor, fixture.native), { format }),
        headers: { 'x-fixture': fixture.file },
      }));
      const body = encodeRecord(vendor, fromNative(vendor, list[0]?.native ?? {}), { format: 'raw' });
      const poison = poisonRecords(format, body);
      poisonByVendor.set(vendor.id, poison);
      await producer.send({
        topic: feeds.topicOf.get(vendor.id) as string,
        messages: [...encoded, ...poison.map((p) => ({ key: `poison:${p.name}`, value: p.value, headers: { 'x-poison': p.name } }))],
      });
    }
    await producer.disconnect();
  });

  afterAll(async () => {
    await detector?.stop();
    await feeds?.cleanup();
  });

  it('writes exactly one alert per alerting fixture, carrying the mapped event, and none for the rest', async () => {
    await eventually(`${expectedAlerts.length} alerts`, async () => (await alertDocuments(feeds)).length >= expectedAlerts.length, 60_000);
    // Every record is processed and safe once the group's committed offsets reach the end of every
    // partition; only then is "no extra alert" meaningful.
    await eventually('group lag 0', async () => (await groupLag(feeds.admin, feeds.groupId, [...feeds.topicOf.values()])) === 0);
    const alerts = await alertDocuments(feeds);
    expect(alerts).toHaveLength(expectedAlerts.length);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(alerts.length);

    const byKey = new Map(expectedAlerts.map(({ vendor, fixture }) => [fixtureKey(vendor, fixture), fixture]));
    const matched = new Set<string>();
    for (const { source } of alerts) {
      const edr = source.edr as { source: { vendor: string; topic: string; partition: number; offset: string } };
      const vendor = edr.source.vendor;
      expect(edr.source.topic).toBe(feeds.topicOf.get(vendor));
      // The event's own time, unless it had none and the alert fell back to the detection time.
      const eventTime =
        (source.edr as { alert?: { timestamp_source?: string } }).alert?.timestamp_source === 'detection'
          ? undefined
          : source['@timestamp'];
      const candidates = (fixtures.get(vendor) ?? []).filter(
        (f) => f.alert && isDeepStrictEqual(f.expected.process, source.process) && f.expected['@timestamp'] === eventTime,
      );
      expect(candidates.length, `alert ${JSON.stringify(source.process)} matches a fixture`).toBeGreaterThanOrEqual(1);
      const fixture = candidates[0] as Fixture;
      expectCarriesEvent(source, fixture);
      expect(source.message).toBe('Potential Database Dumping Activity');
      expect((source.event as { reason: string }).reason).toMatch(/created low alert Potential Database Dumping Activity\.$/);
      expect((source.rule as { id: string }).id).toBe('47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5');
      expect((source.event as { risk_score: number }).risk_score).toBe(21);
      expect(source.threat).toEqual([
        expect.objectContaining({ framework: 'MITRE ATT&CK', tactic: expect.objectContaining({ id: 'TA0010' }) }),
      ]);
      expect(Date.parse((source.event as { created: string }).created)).toBeGreaterThan(Date.now() - 600_000);
      matched.add(fixtureKey(vendor, fixture));
    }
    expect([...matched].sort()).toEqual([...byKey.keys()].sort());
  });

  it('sends every poison record to the dead-letter topic with its reason and origin', async () => {
    const expected = [...poisonByVendor].flatMap(([vendor, list]) => list.map((p) => ({ vendor, ...p })));
    const letters = await readTopic(feeds.kafka, feeds.dlqTopic, expected.length);
    expect(letters).toHaveLength(expected.length);
    for (const poison of expected) {
      const letter = letters.find((l) => l.headers[DEAD_LETTER_HEADERS.vendor] === poison.vendor && l.headers['x-poison'] === poison.name);
      expect(letter, `${poison.vendor} ${poison.name}`).toBeDefined();
      expect(letter?.headers[DEAD_LETTER_HEADERS.code]).toBe(poison.code);
      expect(letter?.headers[DEAD_LETTER_HEADERS.topic]).toBe(feeds.topicOf.get(poison.vendor));
      expect(letter?.headers[DEAD_LETTER_HEADERS.reason]).toContain(poison.vendor);
      expect(Number(letter?.headers[DEAD_LETTER_HEADERS.offset])).toBeGreaterThanOrEqual(0);
      expect(letter?.key).toBe(`poison:${poison.name}`);
      expect(letter?.value?.length ?? 0).toBe(poison.value?.length ?? 0);
    }
  });

  it('reports in /metrics exactly what was sent', async () => {
    const m = (name: string, labels: Record<string, string> = {}) => metricValue(detector.metricsUrl, name, labels);
    for (const vendor of VENDORS) {
      const list = fixtures.get(vendor.id) ?? [];
      const poison = poisonByVendor.get(vendor.id) ?? [];
      const alerting = list.filter((f) => f.alert).length;
      expect(await m('edr_detector_records_consumed_total', { vendor: vendor.id }), vendor.id).toBe(list.length + poison.length);
      expect(await m('edr_detector_rule_matches_total', { vendor: vendor.id }), vendor.id).toBe(alerting);
      expect(await m('edr_detector_alerts_written_total', { vendor: vendor.id, outcome: 'created' }), vendor.id).toBe(alerting);
      expect(await m('edr_detector_dead_letters_total', { vendor: vendor.id }), vendor.id).toBe(poison.length);
      expect(await m('edr_detector_decode_failures_total', { vendor: vendor.id }), vendor.id).toBe(poison.length);
    }
    expect(await m('edr_detector_alerts_written_total', { outcome: 'failed' })).toBe(0);
    expect(await m('edr_detector_ready')).toBe(1);
    expect(await m('edr_detector_alert_latency_from_kafka_seconds_count')).toBe(expectedAlerts.length);
  });

  it('turns a full redelivery into 409s, never a second alert', async () => {
    expect(await detector.stop()).toBe(0);
    // A new consumer group starts from the beginning: every record is delivered a second time.
    detector = await startDetector({ ...feeds.env, VALUE_FORMAT: format, KAFKA_GROUP_ID: `${feeds.groupId}-again` });
    await eventually(
      'redelivered alerts acknowledged as duplicates',
      async () =>
        (await metricValue(detector.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'duplicate' })) >= expectedAlerts.length,
    );
    expect(await metricValue(detector.metricsUrl, 'edr_detector_alerts_written_total', { outcome: 'created' })).toBe(0);
    expect(await alertDocuments(feeds)).toHaveLength(expectedAlerts.length);
  });
});
