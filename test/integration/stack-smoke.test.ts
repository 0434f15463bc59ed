// Smoke tests of the local stack: a real Kafka round trip and a real Elasticsearch index + search.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_STACK } from './harness/stack.js';

describe('local Kafka', () => {
  const kafka = new Kafka({ clientId: 'stack-smoke', brokers: [TEST_STACK.kafkaBroker], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  afterAll(async () => admin.disconnect());

  it('round-trips records through a fresh 3-partition topic with a consumer group', async () => {
    await admin.connect();
    const topic = `smoke-${randomUUID()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toHaveLength(1);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);

    const producer = kafka.producer();
    await producer.connect();
    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 3 }));
    await producer.send({ topic, messages: sent });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `smoke-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received: string[] = [];
    const partitions = new Set<number>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`received only ${received.length} of 30`)), 30_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          received.push(message.value?.toString() ?? '');
          partitions.add(partition);
          if (received.length === sent.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    expect(received.sort()).toEqual(sent.map((m) => m.value).sort());
    expect([...partitions].sort()).toEqual([0, 1, 2]);

    expect(await readBrokerVersion()).toBe(TEST_STACK.kafkaVersion);
    expect(TEST_STACK.kafkaVersion).toMatch(/^4\./);
    await admin.deleteTopics({ topics: [topic] });
  });
});

describe('local Elasticsearch', () => {
  const client = new Client({ node: TEST_STACK.elasticsearchUrl });
  afterAll(async () => client.close());

  it('indexes and searches a document, and reports its version', async () => {
    const nodes = await client.nodes.info({ node_id: '_local', metric: '_none' });
    const versions = Object.values(nodes.nodes).map((node) => node.version);
    expect(versions[0]).toBe(TEST_STACK.elasticsearchVersion);

    const index = `smoke-${randomUUID()}`;
    await client.index({ index, id: 'one', document: { message: 'pg_dump seen', n: 1 }, refresh: 'wait_for' });
    const result = await client.search<{ message: string }>({ index, query: { match: { message: 'pg_dump' } } });
    expect(result.hits.hits.map((hit) => hit._id)).toEqual(['one']);
    await client.indices.delete({ index });
  });
});

/** Kafka's protocol carries no release version; the broker states it in its log at start-up. */
async function readBrokerVersion(): Promise<string | undefined> {
  const log = await readFile(TEST_STACK.kafkaServerLog, 'utf8');
  return /Kafka version: (\S+)/.exec(log)?.[1];
}
