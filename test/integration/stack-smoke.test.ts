// Smoke tests of the local stack: a real Kafka round trip, a real Elasticsearch index + search, a real registry round trip.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { RegistryAdmin } from '../../scripts/samples/schema-registry-admin.js';
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
    expect([...partitions].sort((a, b) => a - b)).toEqual([0, 1, 2]);

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

describe.skipIf(!TEST_STACK.schemaRegistryEnabled)('local schema registry', () => {
  const admin = new RegistryAdmin({ baseUrl: TEST_STACK.schemaRegistryUrl });

  it('registers and serves a schema through the Confluent API, with the error codes the detector relies on', async () => {
    const root = new URL(TEST_STACK.schemaRegistryUrl);
    const info = (await (await fetch(new URL('/apis/registry/v3/system/info', root))).json()) as { version?: string };
    expect(info.version).toBe(TEST_STACK.registryVersion);
    expect(await admin.globalCompatibility()).toBe('BACKWARD');

    const schema = {
      type: 'record',
      name: 'Smoke',
      namespace: 'edr.smoke',
      fields: [{ name: 'token', type: 'string', default: randomUUID() }],
    };
    const id = await admin.register(`smoke-${randomUUID()}-value`, schema);
    const found = await fetch(`${TEST_STACK.schemaRegistryUrl}/schemas/ids/${id}`);
    expect(found.status).toBe(200);
    expect(JSON.parse(((await found.json()) as { schema: string }).schema)).toEqual(schema);
    const missing = await fetch(`${TEST_STACK.schemaRegistryUrl}/schemas/ids/2000000001`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error_code?: number }).error_code).toBe(40403);
  });

  it('listens on loopback only', async () => {
    const port = Number(new URL(TEST_STACK.schemaRegistryUrl).port);
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
    if (!outside) return; // no other interface to try from
    const connected = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: outside, port, timeout: 2_000 });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => (socket.destroy(), resolve(false)));
    });
    expect(connected).toBe(false);
  });
});

/** Kafka's protocol carries no release version; the broker states it in its log at start-up. */
async function readBrokerVersion(): Promise<string | undefined> {
  const log = await readFile(TEST_STACK.kafkaServerLog, 'utf8');
  return /Kafka version: (\S+)/.exec(log)?.[1];
}
