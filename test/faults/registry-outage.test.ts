// The schema registry stopped while a producer moves to new schema ids: batches wait, nothing is dead-lettered, lost or doubled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VENDORS } from '../../src/vendors/index.js';
import { RegistryAdmin, valueSubject } from '../../scripts/samples/schema-registry-admin.js';
import { loadRules } from '../../src/detect/load-rules.js';
import { packagePath } from '../../src/package-root.js';
import { alertCensus, censusLine, groupLag, readBack } from '../integration/harness/alert-census.js';
import { eventually, metricValue, sleep, startDetector, type RunningDetector } from '../integration/harness/detector.js';
import { evolvedSchema } from '../integration/harness/evolved-schemas.js';
import { createTestFeeds, type TestFeeds } from '../integration/harness/feeds.js';
import { sideRegistry } from '../integration/harness/side-stack.js';
import { portBesideStack, TEST_STACK } from '../integration/harness/stack.js';
import { TelemetryStream, type StreamWriter } from '../integration/harness/telemetry-stream.js';
import { expectEveryAlertOnce } from './expect-census.js';

// Its own registry: the stack's serves the other suites and must stay up. Storage is on disk, so
// the restarted registry knows the same ids, as a production registry would.
const registry = sideRegistry({ name: 'faults-registry', port: portBesideStack(93, 'EDR_TEST_FAULT_REGISTRY_PORT') });
const OUTAGE_MS = 30_000;

interface ReadyBody {
  checks: Record<string, unknown>;
}

describe.skipIf(!TEST_STACK.schemaRegistryEnabled)('schema registry down mid-stream', () => {
  let feeds: TestFeeds;
  let detector: RunningDetector;
  let stream: TelemetryStream | undefined;
  const producing = new AbortController();

  beforeAll(async () => {
    await registry.start();
    feeds = await createTestFeeds('registry-outage');
  }, 180_000);

  afterAll(async () => {
    producing.abort();
    await stream?.disconnect().catch(() => undefined);
    await detector?.stop('SIGKILL');
    await feeds?.cleanup();
    await registry.clean();
  }, 120_000);

  it(`for ${OUTAGE_MS / 1000} s while new schema ids arrive: batches wait and retry, readiness says why, then everything drains exactly once`, async () => {
    const admin = new RegistryAdmin({ baseUrl: registry.url });
    const topicOf = (vendorId: string) => feeds.topicOf.get(vendorId) as string;
    const v1 = await admin.registerFeeds(VENDORS, (vendor) => topicOf(vendor.id));
    const writers = new Map<string, StreamWriter>([...v1].map(([vendor, schemaId]) => [vendor, { schemaId }]));
    // The evolved schemas are registered before the outage, but the detector has never seen their ids.
    const { fieldsRead } = await loadRules(packagePath('rules'));
    const evolved = new Map<string, StreamWriter>();
    for (const vendor of VENDORS) {
      const evolution = evolvedSchema(vendor, fieldsRead);
      const schemaId = await admin.register(valueSubject(topicOf(vendor.id)), evolution.schema);
      evolved.set(vendor.id, { schemaId, type: evolution.type, adapt: evolution.adapt });
    }

    detector = await startDetector({ ...feeds.env, SCHEMA_REGISTRY_URL: registry.url, KAFKA_SESSION_TIMEOUT_MS: '10000' });
    const pid = detector.process.pid;
    const m = (name: string, labels: Record<string, string> = {}) => metricValue(detector.metricsUrl, name, labels);
    stream = new TelemetryStream(feeds.kafka, feeds.topicOf, { seed: 41, writers });
    await stream.connect();
    const produced = stream.run({ ratePerSecond: 200, signal: producing.signal, maxMs: 180_000 });
    await eventually('alerts flowing', async () => (await m('edr_detector_alerts_written_total', { outcome: 'created' })) >= 20, 30_000);

    await registry.stop();
    const stoppedAt = Date.now();
    for (const [vendor, writer] of evolved) writers.set(vendor, writer);

    let checks: Record<string, unknown> = {};
    await eventually(
      'readiness reports the registry',
      async () => {
        const response = await fetch(`${detector.metricsUrl}/readyz`);
        checks = ((await response.json()) as ReadyBody).checks;
        return response.status === 503 && checks.schemaRegistryReachable === false;
      },
      20_000,
    );
    expect(String(checks.schemaRegistryProblem)).toContain(registry.url);
    const topics = [...feeds.topicOf.values()];
    const lagAtFailure = await groupLag(feeds.admin, feeds.groupId, topics);
    await eventually(
      'lag growing',
      async () => (await groupLag(feeds.admin, feeds.groupId, topics)) >= lagAtFailure + 1_000,
      25_000,
      1_000,
    );
    // The fault lasts a fixed time; what is checked meanwhile is that nothing gives up on the records.
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    expect(await m('edr_detector_dead_letters_total')).toBe(0);
    expect((await fetch(`${detector.metricsUrl}/healthz`)).status).toBe(200);
    const retries = detector.logs.filter(
      (line) =>
        line.message === 'batch not completed; it will be read again' && JSON.stringify(line).includes('DECODE_REGISTRY_UNAVAILABLE'),
    );
    expect(retries.length).toBeGreaterThan(5);
    const lagDuringOutage = await groupLag(feeds.admin, feeds.groupId, topics);

    await registry.start();
    producing.abort();
    const sent = await produced;
    await eventually('the group caught up', async () => (await groupLag(feeds.admin, feeds.groupId, topics)) === 0, 90_000);
    await eventually('ready again', async () => (await fetch(`${detector.metricsUrl}/readyz`)).status === 200, 30_000);
    expect(detector.process.pid).toBe(pid);
    expect(detector.process.exitCode).toBeNull();
    expect(await m('edr_detector_dead_letters_total')).toBe(0);
    expect(await m('edr_detector_decode_failures_total')).toBe(0);

    const records = await readBack(feeds.kafka, topics);
    // Batches retried while the registry was away are counted once: consumed equals the topics' content.
    expect(await m('edr_detector_records_consumed_total')).toBe(records.length);
    const census = await alertCensus(feeds.elasticsearch, feeds.alertsIndex, records);
    const redelivered = await m('edr_detector_alerts_written_total', { outcome: 'duplicate' });
    console.info(
      censusLine(`schema registry stopped ${OUTAGE_MS / 1000} s`, census, {
        records: records.length,
        sent,
        lagDuringOutage,
        batchRetries: retries.length,
        redelivered409: redelivered,
      }),
    );
    expectEveryAlertOnce(census);
  }, 300_000);
});
