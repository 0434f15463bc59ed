// `npm run demo`: local stack up, topics created, the detector running, a mixed stream from all four
// vendors produced, each alert printed as it lands in Elasticsearch, then a summary from the metrics.
import { execFileSync } from 'node:child_process';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { encodeRecord } from '../src/decode/encoder.js';
import { installKafkajsTimerFix } from '../src/kafka/kafkajs-timer-fix.js';
import { VENDORS } from '../src/vendors/index.js';
import { metricValue, sleep, startDetector } from '../test/integration/harness/detector.js';
import { mulberry32, SampleStream } from './samples/sample-stream.js';
import { ensureTopics } from './topics.js';

const SECONDS = Number(process.env.DEMO_SECONDS ?? 20);
const RECORDS_PER_SECOND_PER_VENDOR = Number(process.env.DEMO_RATE ?? 250);
const DLQ_TOPIC = 'edr.dead-letter';
const ALERTS_INDEX = 'edr-alerts';

async function main(): Promise<void> {
  execFileSync('bash', ['scripts/stack/up.sh'], { stdio: 'inherit' });
  installKafkajsTimerFix();
  const kafka = new Kafka({ clientId: 'edr-demo', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [...VENDORS.map((vendor) => vendor.defaultTopic), DLQ_TOPIC]);
  await admin.disconnect();

  console.log('\n== starting the detector (npm start) ==');
  const detector = await startDetector({ LOG_LEVEL: 'warn', METRICS_PORT: process.env.METRICS_PORT ?? '9464' });
  console.log(`detector ready; metrics at ${detector.metricsUrl}/metrics\n`);

  const es = new Client({ node: 'http://127.0.0.1:9200' });
  const startedAt = new Date();
  const producer = kafka.producer();
  await producer.connect();
  const random = mulberry32(7);
  const streams = VENDORS.map((vendor) => new SampleStream(vendor, { dumpShare: 0.004, nearMissShare: 0.02 }, random));
  let expected = 0;
  let produced = 0;
  const seen = new Set<string>();

  console.log(`== producing ${RECORDS_PER_SECOND_PER_VENDOR} records/s per vendor for ${SECONDS}s (Confluent-framed Avro) ==`);
  for (let second = 0; second < SECONDS; second++) {
    const tick = Date.now();
    for (const stream of streams) {
      const messages: Message[] = [];
      for (let i = 0; i < RECORDS_PER_SECOND_PER_VENDOR; i++) {
        const sample = stream.next();
        if (sample.expectAlert) expected++;
        messages.push({ value: encodeRecord(stream.vendor, stream.vendor.fromNative(sample.native), { format: 'confluent' }) });
      }
      // A little poison in every feed: the detector must dead-letter it and carry on.
      if (second % 10 === 5) messages.push({ value: Buffer.from('definitely not avro') });
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

  console.log('\n== summary (from the detector\'s /metrics) ==');
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
  if (latencyCount > 0) console.log(`mean latency Kafka timestamp -> alert acknowledged: ${((latencySum / latencyCount) * 1000).toFixed(0)} ms`);
  await detector.stop();
  await es.close();
  console.log('\ndetector stopped; the stack keeps running (npm run stack:down stops it).');
  if (seen.size < expected) process.exitCode = 1;
}

async function printNewAlerts(es: Client, since: Date, seen: Set<string>): Promise<void> {
  const result = await es
    .search<{ message?: string; edr?: { source?: { vendor?: string } } }>({
      index: ALERTS_INDEX,
      size: 500,
      query: { range: { 'event.created': { gte: since.toISOString() } } },
      sort: [{ 'event.created': 'asc' }],
    })
    .catch(() => undefined);
  for (const hit of result?.hits.hits ?? []) {
    if (!hit._id || seen.has(hit._id)) continue;
    seen.add(hit._id);
    console.log(`ALERT [${hit._source?.edr?.source?.vendor}] ${hit._source?.message}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
