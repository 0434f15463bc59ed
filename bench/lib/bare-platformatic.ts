// A @platformatic/kafka consumer with the service's settings that does no work: another client's ceiling on the same topics.
//
// Run as a child process by bench/e2e.ts, exactly like bare-consumer.ts (same environment, same
// JSON lines on stdout), so the two rows differ only in the client library.
import { Consumer } from '@platformatic/kafka';
import { loadConfig } from '../../src/config/load.js';
import { VENDORS } from '../../src/vendors/index.js';

async function main(): Promise<void> {
  const groupId = process.env.BENCH_GROUP_ID ?? 'bench-bare-platformatic';
  const topics = (process.env.BENCH_TOPICS ?? '').split(',').filter(Boolean);
  const config = loadConfig({ ...process.env, KAFKA_GROUP_ID: groupId }, VENDORS);
  // Values stay Buffers (the default deserialisers), as kafkajs hands them over.
  const consumer = new Consumer({ groupId, clientId: config.KAFKA_CLIENT_ID, bootstrapBrokers: config.KAFKA_BROKERS });
  // The settings of src/kafka/feed-consumer.ts where the client has them: fetch sizes, 100 ms
  // fetch wait, session timeout and heartbeat, offsets committed every second.
  const stream = await consumer.consume({
    topics,
    mode: 'committed',
    fallbackMode: 'earliest',
    autocommit: 1_000,
    maxBytes: config.KAFKA_MAX_BYTES,
    maxBytesPerPartition: config.KAFKA_MAX_BYTES_PER_PARTITION,
    maxWaitTime: 100,
    sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatInterval: Math.max(1_000, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 10)),
  });
  let consumed = 0;
  stream.on('data', () => {
    if (consumed++ === 0) process.stdout.write(`${JSON.stringify({ type: 'first', at: Date.now() })}\n`);
  });
  stream.on('error', (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
  const progress = setInterval(() => process.stdout.write(`${JSON.stringify({ type: 'progress', consumed, at: Date.now() })}\n`), 100);
  process.once('SIGTERM', () => {
    clearInterval(progress);
    void consumer.close(true).finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
