// `npm run demo`: local stack up, topics created, schemas registered, the detector running, a mixed stream
// from all four vendors produced, each alert printed as it lands in Elasticsearch, then a metrics summary.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { encodeRecord } from './native/encoder.js';
import { loadExceptionDirectory } from '../src/exceptions/exception-set.js';
import { installKafkajsTimerFix } from '../src/kafka/kafkajs-timer-fix.js';
import { packagePath } from '../src/package-root.js';
import { VENDORS } from '../src/vendors/index.js';
import { metricValue, sleep, startDetector, type RunningDetector } from '../test/integration/harness/detector.js';
import { TEST_STACK } from '../test/integration/harness/stack.js';
import { mulberry32, SampleStream } from './samples/sample-stream.js';
import { RegistryAdmin } from './samples/schema-registry-admin.js';
import { editableRulesDir, socScenario } from './demo-soc.js';
import { ensureTopics } from './topics.js';
import { fromNative } from './native/from-native.js';

const SECONDS = Number(process.env.DEMO_SECONDS ?? 20);
const RECORDS_PER_SECOND_PER_VENDOR = Number(process.env.DEMO_RATE ?? 250);
const DLQ_TOPIC = 'edr.dead-letter';
const ALERTS_DATA_STREAM = 'logs-edr_dbdump_detector.alert-default';

/** Stopped when the demo fails, so no detector is left holding METRICS_PORT. */
let running: RunningDetector | undefined;

async function main(): Promise<void> {
  execFileSync('bash', ['scripts/stack/up.sh'], { stdio: 'inherit' });
  installKafkajsTimerFix();
  const kafka = new Kafka({ clientId: 'edr-demo', brokers: TEST_STACK.kafkaBroker.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [...VENDORS.map((vendor) => vendor.defaultTopic), DLQ_TOPIC]);
  await admin.disconnect();

  // As a real deployment runs: producers register their writer schemas under `<topic>-value` and
  // frame records with the registry's ids; the detector resolves those ids through the registry.
  const registryEnv: Record<string, string> = {};
  let schemaIdOf = new Map<string, number>();
  if (TEST_STACK.schemaRegistryEnabled) {
    const registry = new RegistryAdmin({ baseUrl: TEST_STACK.schemaRegistryUrl });
    schemaIdOf = await registry.registerFeeds(VENDORS, (vendor) => vendor.defaultTopic);
    registryEnv.SCHEMA_REGISTRY_URL = TEST_STACK.schemaRegistryUrl;
    console.log(`\n== schemas registered at ${TEST_STACK.schemaRegistryUrl} ==`);
    for (const vendor of VENDORS) console.log(`${`${vendor.defaultTopic}-value`.padEnd(36)} id ${schemaIdOf.get(vendor.id)}`);
  } else {
    console.log('\n== no schema registry in the stack (EDR_STACK_REGISTRY=false): records carry the bundled schema ids ==');
  }

  console.log('\n== starting the detector (npm start) ==');
  const rulesDir = editableRulesDir();
  const metricsPort = process.env.METRICS_PORT ?? '9464';
  // With port 0 the harness learns the chosen port from the info-level start-up line.
  const detector = await startDetector({
    LOG_LEVEL: metricsPort === '0' ? 'info' : 'warn',
    METRICS_PORT: metricsPort,
    RULES_DIR: rulesDir,
    RELOAD_DEBOUNCE_MS: '500',
    ...registryEnv,
  });
  running = detector;
  console.log(`detector ready; metrics at ${detector.metricsUrl}/metrics\n`);

  const es = new Client({ node: TEST_STACK.elasticsearchUrl });
  const startedAt = new Date();
  const producer = kafka.producer();
  await producer.connect();
  const backupJob = (await loadExceptionDirectory(packagePath('exceptions'))).matcherFor([
    { listId: 'database-backup-jobs', namespaceType: 'single' },
  ])!;
  const random = mulberry32(7);
  const streams = VENDORS.map((vendor) => new SampleStream(vendor, { dumpShare: 0.004, nearMissShare: 0.02 }, random));
  let expected = 0;
  let produced = 0;
  let poisonPerVendor = 0;
  const seen = new Set<string>();

  console.log(
    `== producing ${RECORDS_PER_SECOND_PER_VENDOR} records/s per vendor for ${SECONDS}s (Confluent-framed Avro${schemaIdOf.size > 0 ? ', registry schema ids' : ''}) ==`,
  );
  for (let second = 0; second < SECONDS; second++) {
    const tick = Date.now();
    for (const stream of streams) {
      const messages: Message[] = [];
      for (let i = 0; i < RECORDS_PER_SECOND_PER_VENDOR; i++) {
        const sample = stream.next();
        // The demo's rule references the backup-jobs list: a sample that is that job must not alert.
        if (sample.expectAlert && backupJob(stream.vendor.toEcs(fromNative(stream.vendor, sample.native)), Date.now()) === undefined)
          expected++;
        const schemaId = schemaIdOf.get(stream.vendor.id);
        messages.push({
          value: encodeRecord(stream.vendor, fromNative(stream.vendor, sample.native), {
            format: 'confluent',
            ...(schemaId !== undefined ? { schemaId } : {}),
          }),
        });
      }
      // A little poison in every feed: the detector must dead-letter it and carry on.
      if (second % 10 === 5) messages.push({ value: Buffer.from('definitely not avro') });
      if (second % 10 === 5 && stream === streams[0]) poisonPerVendor++;
      produced += messages.length;
      await producer.send({ topic: stream.vendor.defaultTopic, messages });
    }
    await printNewAlerts(es, startedAt, seen);
    await sleep(Math.max(0, 1000 - (Date.now() - tick)));
  }
  await producer.disconnect();

  const deadline = Date.now() + 30_000;
  while (seen.size < expected && Date.now() < deadline) {
    await printNewAlerts(es, startedAt, seen);
    await sleep(500);
  }

  const defend = VENDORS.find((vendor) => vendor.id === 'elastic-defend')!;
  const soc = await socScenario(kafka, es, detector, rulesDir, ALERTS_DATA_STREAM, defend.defaultTopic, schemaIdOf.get(defend.id));

  console.log("\n== summary (from the detector's /metrics) ==");
  const m = (name: string, labels: Record<string, string> = {}) => metricValue(detector.metricsUrl, name, labels);
  for (const vendor of VENDORS) {
    console.log(
      `${vendor.title.padEnd(36)} consumed ${String(await m('edr_detector_records_consumed_total', { vendor: vendor.id })).padStart(7)}` +
        `  matches ${String(await m('edr_detector_rule_matches_total', { vendor: vendor.id })).padStart(4)}` +
        `  dead letters ${await m('edr_detector_dead_letters_total', { vendor: vendor.id })}`,
    );
  }
  const created = await m('edr_detector_alerts_written_total', { outcome: 'created' });
  const duplicate = await m('edr_detector_alerts_written_total', { outcome: 'duplicate' });
  const latencyCount = await m('edr_detector_alert_latency_from_kafka_seconds_count');
  const latencySum = await m('edr_detector_alert_latency_from_kafka_seconds_sum');
  console.log(`produced ${produced} records; ${expected} dump-tool runs among them`);
  console.log(`alerts: ${seen.size} seen in Elasticsearch this run, ${created} created, ${duplicate} already present`);
  const ids = VENDORS.map((vendor) => `${vendor.defaultTopic}-value=${schemaIdOf.get(vendor.id) ?? 'bundled'}`).join(', ');
  console.log(
    schemaIdOf.size > 0
      ? `schema registry: records framed with the registry's ids (${ids}), resolved by the detector; dead letters are the ${poisonPerVendor} poison records per vendor`
      : `schema registry: none; records framed with the bundled schema ids; dead letters are the ${poisonPerVendor} poison records per vendor`,
  );
  for (const line of soc) console.log(line);
  if (latencyCount > 0)
    console.log(`mean latency Kafka timestamp -> alert acknowledged: ${((latencySum / latencyCount) * 1000).toFixed(0)} ms`);
  await detector.stop();
  running = undefined;
  rmSync(rulesDir, { recursive: true, force: true });
  await es.close();
  console.log('\ndetector stopped; the stack keeps running (npm run stack:down stops it).');
  if (seen.size < expected) process.exitCode = 1;
}

async function printNewAlerts(es: Client, since: Date, seen: Set<string>): Promise<void> {
  const result = await es
    .search<{ event?: { reason?: string }; edr?: { source?: { vendor?: string } } }>({
      index: ALERTS_DATA_STREAM,
      size: 500,
      query: { range: { 'event.created': { gte: since.toISOString() } } },
      sort: [{ 'event.created': 'asc' }],
    })
    .catch(() => undefined);
  for (const hit of result?.hits.hits ?? []) {
    if (!hit._id || seen.has(hit._id)) continue;
    seen.add(hit._id);
    console.log(`ALERT [${hit._source?.edr?.source?.vendor}] ${hit._source?.event?.reason}`);
  }
}

main().catch(async (error: unknown) => {
  console.error(error);
  await running?.stop().catch(() => undefined);
  process.exit(1);
});
