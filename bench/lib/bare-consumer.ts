// A kafkajs consumer with the service's settings that does no work: the ceiling the service is measured against.
//
// Run as a child process by bench/e2e.ts: `node dist/bench/lib/bare-consumer.js` with BENCH_GROUP_ID,
// BENCH_TOPICS (comma-separated) and KAFKA_BROKERS. Prints JSON lines: when the first batch arrived
// and, every 100 ms, how many records it has consumed.
import { loadConfig } from '../../src/config/load.js';
import { createKafka } from '../../src/kafka/client.js';
import { kafkaConsumerSettings } from '../../src/kafka/feed-consumer.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { VENDORS } from '../../src/vendors/index.js';

async function main(): Promise<void> {
  const groupId = process.env.BENCH_GROUP_ID ?? 'bench-bare';
  const topics = (process.env.BENCH_TOPICS ?? '').split(',').filter(Boolean);
  // The service's own defaults and overrides (KAFKA_MAX_BYTES, ...), read the way it reads them.
  const config = loadConfig({ ...process.env, KAFKA_GROUP_ID: groupId }, VENDORS);
  const kafka = createKafka(
    { clientId: config.KAFKA_CLIENT_ID, brokers: config.KAFKA_BROKERS, ssl: config.KAFKA_SSL },
    createLogger('warn'),
  );
  // The service's own consumer and run settings (src/kafka/feed-consumer.ts).
  const settings = kafkaConsumerSettings({
    groupId,
    topics,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    maxBytesPerPartition: config.KAFKA_MAX_BYTES_PER_PARTITION,
    maxBytes: config.KAFKA_MAX_BYTES,
  });
  const consumer = kafka.consumer(settings.consumer);
  let consumed = 0;
  let first = true;
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    ...settings.run,
    // Nothing to deliver: each batch is done once resolved, so kafkajs commits at the service's interval.
    autoCommit: true,
    autoCommitInterval: settings.commitIntervalMs,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      if (batch.messages.length === 0 || !isRunning() || isStale()) return;
      if (first) {
        first = false;
        process.stdout.write(`${JSON.stringify({ type: 'first', at: Date.now() })}\n`);
      }
      consumed += batch.messages.length;
      resolveOffset(batch.lastOffset());
      await heartbeat();
    },
  });
  const progress = setInterval(() => process.stdout.write(`${JSON.stringify({ type: 'progress', consumed, at: Date.now() })}\n`), 100);
  process.once('SIGTERM', () => {
    clearInterval(progress);
    void consumer.disconnect().finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
