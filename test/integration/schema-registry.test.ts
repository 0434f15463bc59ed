// The detector against the real schema registry the stack starts: registry ids, evolution, refusals, unknown ids, auth.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeedDecoders } from '../../src/decode/feed-decoder.js';
import { encodeRecord } from '../../scripts/native/encoder.js';
import { frameConfluent } from '../../src/decode/framing.js';
import { loadRules, type LoadedRules } from '../../src/detect/load-rules.js';
import { DEAD_LETTER_HEADERS } from '../../src/kafka/dead-letter.js';
import { packagePath } from '../../src/package-root.js';
import { evaluateBatch } from '../../src/pipeline/evaluate-batch.js';
import { VENDORS } from '../../src/vendors/index.js';
import type { VendorFeed } from '../../src/vendors/types.js';
import { loadFixtures } from '../../scripts/samples/fixtures.js';
import { RegistryAdmin, RegistryRefusal, valueSubject } from '../../scripts/samples/schema-registry-admin.js';
import { alertCensus, censusLine, groupLag, readBack } from './harness/alert-census.js';
import { eventually, metricValue, startDetector, type RunningDetector } from './harness/detector.js';
import { breakingSchema, evolvedSchema, type Evolution } from './harness/evolved-schemas.js';
import { createTestFeeds, readTopic, type TestFeeds } from './harness/feeds.js';
import { sideRegistry } from './harness/side-stack.js';
import { portBesideStack, TEST_STACK } from './harness/stack.js';
import { TelemetryStream, type StreamWriter } from './harness/telemetry-stream.js';
import { expectEveryAlertOnce } from '../faults/expect-census.js';
import { fromNative } from '../../scripts/native/from-native.js';

const REGISTRY_URL = TEST_STACK.schemaRegistryUrl;
/** A registry with basic auth, beside the stack's (which runs without). */
const AUTH_REGISTRY_PORT = portBesideStack(89, 'EDR_TEST_AUTH_REGISTRY_PORT');

let rules: LoadedRules;
beforeAll(async () => {
  rules = await loadRules(packagePath('rules'));
});

function kafkaMessages(values: Buffer[]): KafkaMessage[] {
  return values.map(
    (value, i) => ({ key: null, value, offset: String(i), timestamp: '1700000000000', headers: {}, attributes: 0 }) as KafkaMessage,
  );
}

describe.skipIf(!TEST_STACK.schemaRegistryEnabled)(
  `the detector with the stack's schema registry (Apicurio ${TEST_STACK.registryVersion})`,
  () => {
    const admin = new RegistryAdmin({ baseUrl: REGISTRY_URL });
    let feeds: TestFeeds;
    let detector: RunningDetector;
    const v1 = new Map<string, number>();
    const v2 = new Map<string, number>();
    const evolutions = new Map<string, Evolution>();
    const topicOf = (vendor: VendorFeed): string => feeds.topicOf.get(vendor.id) as string;

    beforeAll(async () => {
      feeds = await createTestFeeds('registry');
      for (const [vendor, id] of await admin.registerFeeds(VENDORS, topicOf)) v1.set(vendor, id);
      for (const vendor of VENDORS) {
        const evolution = evolvedSchema(vendor, rules.fieldsRead);
        evolutions.set(vendor.id, evolution);
        v2.set(vendor.id, await admin.register(valueSubject(topicOf(vendor)), evolution.schema));
      }
      detector = await startDetector({ ...feeds.env, SCHEMA_REGISTRY_URL: REGISTRY_URL, VALUE_FORMAT: 'confluent' });
    });

    afterAll(async () => {
      await detector?.stop();
      await feeds?.cleanup();
    });

    it('runs BACKWARD by default and gives every registered writer schema its own id', async () => {
      expect(await admin.globalCompatibility()).toBe('BACKWARD');
      const ids = [...v1.values(), ...v2.values()];
      expect(new Set(ids).size).toBe(VENDORS.length * 2);
      // Registering the same schema again is idempotent: the producer's restart keeps its id.
      const vendor = VENDORS[0] as VendorFeed;
      expect(await admin.register(valueSubject(topicOf(vendor)), evolutions.get(vendor.id)?.schema ?? {})).toBe(v2.get(vendor.id));
    });

    it('refuses a breaking writer schema under a subject (a new field without a default)', async () => {
      for (const vendor of VENDORS) {
        const refusal = await admin.register(valueSubject(topicOf(vendor)), breakingSchema(vendor)).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(refusal, vendor.id).toBeInstanceOf(RegistryRefusal);
        expect((refusal as RegistryRefusal).status, vendor.id).toBe(409);
      }
    });

    it('maps and alerts an evolved record exactly as the detector reads the original (decoded in process through the registry)', async () => {
      const decoders = createFeedDecoders(VENDORS, { format: 'confluent', registryUrl: REGISTRY_URL, fieldsRead: rules.fieldsRead });
      for (const vendor of VENDORS) {
        const evolution = evolutions.get(vendor.id) as Evolution;
        const records = loadFixtures(vendor.id).map((fixture) => fromNative(vendor, fixture.native));
        const original = records.map((record) =>
          encodeRecord(vendor, record, { format: 'confluent', schemaId: v1.get(vendor.id) as number }),
        );
        const readBack = records.map((r) =>
          encodeRecord(vendor, evolution.asReadBack(r), { format: 'confluent', schemaId: v1.get(vendor.id) as number }),
        );
        const evolved = records.map((r) =>
          encodeRecord(vendor, evolution.adapt(r), { format: 'confluent', schemaId: v2.get(vendor.id) as number, type: evolution.type }),
        );
        const decoder = decoders.get(vendor.id);
        if (!decoder) throw new Error(`no decoder for ${vendor.id}`);
        await decoder.prepare([...original, ...evolved]);
        const runtime = { vendor, topic: topicOf(vendor), decoder, rules: rules.rules };
        const at = new Date('2026-01-01T00:00:00Z');
        const fromOriginal = evaluateBatch(runtime, 0, kafkaMessages(original), at);
        const fromReadBack = evaluateBatch(runtime, 0, kafkaMessages(readBack), at);
        const fromEvolved = evaluateBatch(runtime, 0, kafkaMessages(evolved), at);
        expect(fromEvolved.deadLetters, vendor.id).toEqual([]);
        expect(fromEvolved.alerts.length, vendor.id).toBeGreaterThan(0);
        // Same alerts, field for field, as the original with the dropped field at its default...
        expect(fromEvolved.alerts, `${vendor.id} without ${evolution.removed}`).toEqual(fromReadBack.alerts);
        // ...and the same alert ids as the original itself: the same events, never a second alert.
        expect(fromEvolved.alerts.map((a) => a.id)).toEqual(fromOriginal.alerts.map((a) => a.id));
        for (const [i, value] of evolved.entries()) {
          expect(vendor.toEcs(decoder.decodeFull(value)), `${vendor.id} record ${i}`).toEqual(
            vendor.toEcs(evolution.asReadBack(records[i] ?? {})),
          );
        }
      }
    });

    it('decodes records framed with registry ids, and a producer moving to the evolved schema mid-stream loses and doubles nothing', async () => {
      const writers = new Map<string, StreamWriter>(VENDORS.map((vendor) => [vendor.id, { schemaId: v1.get(vendor.id) as number }]));
      const stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed: 15, writers });
      await stream.connect();
      await stream.send(400);
      await eventually(
        'the first half consumed',
        async () => (await metricValue(detector.metricsUrl, 'edr_detector_records_consumed_total')) >= 400,
      );
      for (const vendor of VENDORS) {
        const evolution = evolutions.get(vendor.id) as Evolution;
        writers.set(vendor.id, { schemaId: v2.get(vendor.id) as number, type: evolution.type, adapt: evolution.adapt });
      }
      await stream.send(400);
      await stream.disconnect();

      const topics = [...feeds.topicOf.values()];
      await eventually('the group caught up', async () => (await groupLag(feeds.admin, feeds.groupId, topics)) === 0, 60_000);
      const m = (name: string, labels: Record<string, string> = {}) => metricValue(detector.metricsUrl, name, labels);
      expect(await m('edr_detector_records_consumed_total')).toBe(800);
      expect(await m('edr_detector_decode_failures_total')).toBe(0);
      expect(await m('edr_detector_dead_letters_total')).toBe(0);
      const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, await readBack(feeds.kafka, topics));
      console.info(censusLine('registry ids, writer schema evolved mid-stream', census, { records: 800 }));
      expect(census.expected).toBeGreaterThan(20);
      expectEveryAlertOnce(census);
    });

    it('dead-letters a record whose schema id the registry does not know, with DECODE_UNKNOWN_SCHEMA', async () => {
      const vendor = VENDORS[1] as VendorFeed;
      const body = encodeRecord(vendor, fromNative(vendor, loadFixtures(vendor.id)[0]?.native ?? {}), { format: 'raw' });
      const producer = feeds.kafka.producer();
      await producer.connect();
      await producer.send({ topic: topicOf(vendor), messages: [{ key: 'unknown-id', value: frameConfluent(2_000_000_000, body) }] });
      await producer.disconnect();
      const [letter] = await readTopic(feeds.kafka, feeds.dlqTopic, 1);
      expect(letter?.key).toBe('unknown-id');
      expect(letter?.headers[DEAD_LETTER_HEADERS.code]).toBe('DECODE_UNKNOWN_SCHEMA');
      expect(letter?.headers[DEAD_LETTER_HEADERS.reason]).toContain('schema id 2000000000 is not in the registry');
      expect(
        await metricValue(detector.metricsUrl, 'edr_detector_dead_letters_total', {
          vendor: vendor.id,
          error_code: 'DECODE_UNKNOWN_SCHEMA',
        }),
      ).toBe(1);
    });
  },
);

describe.skipIf(!TEST_STACK.schemaRegistryEnabled)('a schema registry with basic auth, the password read from a file', () => {
  const registry = sideRegistry({
    name: 'registry-auth',
    port: AUTH_REGISTRY_PORT,
    properties: [
      'quarkus.http.auth.basic=true',
      'quarkus.security.users.embedded.plain-text=true',
      'quarkus.security.users.embedded.users.producer=producer-secret',
      'quarkus.security.users.embedded.roles.producer=sr-admin',
      'quarkus.security.users.embedded.users.detector=detector-secret-8d1f',
      'quarkus.security.users.embedded.roles.detector=sr-readonly',
    ],
  });
  const secrets = mkdtempSync(join(tmpdir(), 'edr-registry-auth-'));
  const running: RunningDetector[] = [];
  let feeds: TestFeeds;
  let ids: Map<string, number>;

  beforeAll(async () => {
    await registry.start();
    feeds = await createTestFeeds('registry-auth');
    ids = await new RegistryAdmin({ baseUrl: registry.url, username: 'producer', password: 'producer-secret' }).registerFeeds(
      VENDORS,
      (v) => feeds.topicOf.get(v.id),
    );
  }, 180_000);

  afterAll(async () => {
    for (const detector of running) await detector.stop('SIGKILL');
    await feeds?.cleanup();
    await registry.clean();
    rmSync(secrets, { recursive: true, force: true });
  }, 60_000);

  it('refuses anonymous look-ups (the registry really enforces auth)', async () => {
    expect((await fetch(`${registry.url}/schemas/ids/${ids.get(VENDORS[0]?.id ?? '')}`)).status).toBe(401);
  });

  it('decodes and alerts with SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD_FILE; the secret appears nowhere', async () => {
    const passwordFile = join(secrets, 'registry-password');
    writeFileSync(passwordFile, 'detector-secret-8d1f\n', { mode: 0o600 });
    const detector = await startDetector({
      ...feeds.env,
      SCHEMA_REGISTRY_URL: registry.url,
      SCHEMA_REGISTRY_USERNAME: 'detector',
      SCHEMA_REGISTRY_PASSWORD_FILE: passwordFile,
    });
    running.push(detector);
    const writers = new Map<string, StreamWriter>([...ids].map(([vendor, schemaId]) => [vendor, { schemaId }]));
    const stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed: 16, writers });
    await stream.connect();
    await stream.send(200);
    await stream.disconnect();
    const topics = [...feeds.topicOf.values()];
    await eventually('the group caught up', async () => (await groupLag(feeds.admin, feeds.groupId, topics)) === 0, 60_000);
    expect(await metricValue(detector.metricsUrl, 'edr_detector_dead_letters_total')).toBe(0);
    expectEveryAlertOnce(await alertCensus(feeds.elasticsearch, feeds.alertsIndex, await readBack(feeds.kafka, topics)));
    const metrics = await (await fetch(`${detector.metricsUrl}/metrics`)).text();
    expect(detector.output() + metrics).not.toContain('detector-secret-8d1f');
  });

  it('with a wrong password: nothing is dead-lettered, and readiness names the registry refusal', async () => {
    const feedsWrong = await createTestFeeds('registry-auth-wrong');
    try {
      const detector = await startDetector({
        ...feedsWrong.env,
        SCHEMA_REGISTRY_URL: registry.url,
        SCHEMA_REGISTRY_USERNAME: 'detector',
        SCHEMA_REGISTRY_PASSWORD: 'not-the-secret',
      });
      running.push(detector);
      const writers = new Map<string, StreamWriter>([...ids].map(([vendor, schemaId]) => [vendor, { schemaId }]));
      const stream = new TelemetryStream(feedsWrong.kafka, feedsWrong.topicOf, { seed: 17, writers });
      await stream.connect();
      await stream.send(40);
      await stream.disconnect();
      let checks: Record<string, unknown> = {};
      await eventually(
        'readiness reports the registry',
        async () => {
          const response = await fetch(`${detector.metricsUrl}/readyz`);
          checks = ((await response.json()) as { checks: Record<string, unknown> }).checks;
          return response.status === 503 && checks.schemaRegistryReachable === false;
        },
        30_000,
      );
      expect(String(checks.schemaRegistryProblem)).toContain('HTTP 401');
      expect(await metricValue(detector.metricsUrl, 'edr_detector_dead_letters_total')).toBe(0);
      expect((await fetch(`${detector.metricsUrl}/healthz`)).status).toBe(200);
      await detector.stop();
    } finally {
      await feedsWrong.cleanup();
    }
  });
});
