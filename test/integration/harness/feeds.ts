// Test-scoped feeds: fresh topics, group, dead-letter topic and an emptied alerts data stream per suite, and clean-up.
import { randomUUID } from 'node:crypto';
import { Client, type ClientOptions } from '@elastic/elasticsearch';
import { Kafka, logLevel, type Admin, type IHeaders, type KafkaConfig } from 'kafkajs';
import { VENDORS } from '../../../src/vendors/index.js';
import type { VendorFeed } from '../../../src/vendors/types.js';
import { TEST_STACK } from './stack.js';

export interface TestFeeds {
  kafka: Kafka;
  admin: Admin;
  elasticsearch: Client;
  topicOf: Map<string, string>;
  dlqTopic: string;
  /** The alerts data stream (ALERTS_DATA_STREAM), one per label, emptied when the feeds are created. */
  alertsIndex: string;
  groupId: string;
  /** Environment for startDetector that points the service at these topics and index. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** Where the feeds live when not on the default stack, and how their topics are configured. */
export interface TestFeedOptions {
  /** Another broker than the default stack's, with its client settings (TLS, SASL); env gets KAFKA_BROKERS. */
  kafka?: Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'>;
  /** Another Elasticsearch than the default stack's; env gets ELASTICSEARCH_URL when `node` is a string. */
  elasticsearch?: ClientOptions;
  /** Topic-level settings for every topic created, e.g. { 'max.message.bytes': '4194304' }. */
  topicConfig?: Record<string, string>;
}

export async function createTestFeeds(
  label: string,
  partitions = 3,
  vendors: readonly VendorFeed[] = VENDORS,
  options: TestFeedOptions = {},
): Promise<TestFeeds> {
  const suffix = `${label}-${randomUUID().slice(0, 8)}`;
  const kafka = new Kafka({ clientId: `test-${suffix}`, brokers: [TEST_STACK.kafkaBroker], logLevel: logLevel.NOTHING, ...options.kafka });
  const admin = kafka.admin();
  await admin.connect();
  const topicOf = new Map(vendors.map((vendor) => [vendor.id, `t-${suffix}-${vendor.id}`]));
  const dlqTopic = `t-${suffix}-dead-letter`;
  const configEntries = Object.entries(options.topicConfig ?? {}).map(([name, value]) => ({ name, value }));
  await admin.createTopics({
    topics: [...topicOf.values(), dlqTopic].map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1, configEntries })),
    waitForLeaders: true,
  });
  const elasticsearch = new Client({ node: TEST_STACK.elasticsearchUrl, ...options.elasticsearch });
  const alertsIndex = `logs-edr_test.alert-${label.replaceAll('-', '_')}`;
  await resetAlertStream(elasticsearch, alertsIndex);
  const groupId = `detector-${suffix}`;
  const env: Record<string, string> = {
    KAFKA_BROKERS: Array.isArray(options.kafka?.brokers) ? options.kafka.brokers.join(',') : TEST_STACK.kafkaBroker,
    ELASTICSEARCH_URL: typeof options.elasticsearch?.node === 'string' ? options.elasticsearch.node : TEST_STACK.elasticsearchUrl,
    KAFKA_GROUP_ID: groupId,
    DLQ_TOPIC: dlqTopic,
    ALERTS_DATA_STREAM: alertsIndex,
  };
  for (const vendor of VENDORS) env[vendor.topicVariable] = topicOf.get(vendor.id) ?? '';
  return {
    kafka,
    admin,
    elasticsearch,
    topicOf,
    dlqTopic,
    alertsIndex,
    groupId,
    env,
    async cleanup() {
      await admin.deleteTopics({ topics: [...topicOf.values(), dlqTopic] }).catch(() => undefined);
      await admin.disconnect();
      await resetAlertStream(elasticsearch, alertsIndex).catch(() => undefined);
      await elasticsearch.close();
    },
  };
}

/**
 * Empties a data stream. A full distribution deletes it; the integ-test one has no data stream API and
 * refuses to delete a write index, so the stream is rolled over and every older backing index deleted.
 * That is why data stream names are per label, not per run: each leaves at most one empty index behind.
 */
export async function resetAlertStream(elasticsearch: Client, name: string): Promise<void> {
  const resolved = await elasticsearch.indices.resolveIndex({ name, expand_wildcards: 'all' }, { ignore: [404] });
  if (!resolved.data_streams?.some((stream) => stream.name === name)) return;
  try {
    await elasticsearch.indices.deleteDataStream({ name });
    return;
  } catch {
    // no data stream API here: fall through
  }
  const { new_index: writeIndex } = await elasticsearch.indices.rollover({ alias: name });
  const stream = (await elasticsearch.indices.resolveIndex({ name, expand_wildcards: 'all' })).data_streams.find(
    (candidate) => candidate.name === name,
  );
  const older = [stream?.backing_indices ?? []].flat().filter((index) => index !== writeIndex);
  if (older.length > 0) await elasticsearch.indices.delete({ index: older.join(',') });
}

export async function alertDocuments(feeds: TestFeeds): Promise<Array<{ id: string; source: Record<string, unknown> }>> {
  await feeds.elasticsearch.indices.refresh({ index: feeds.alertsIndex }, { ignore: [404] });
  const result = await feeds.elasticsearch.search<Record<string, unknown>>(
    { index: feeds.alertsIndex, size: 10_000, query: { match_all: {} } },
    { ignore: [404] },
  );
  return (result.hits?.hits ?? []).map((hit) => ({ id: hit._id as string, source: hit._source as Record<string, unknown> }));
}

export interface ReadMessage {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Reads every record of a topic from the beginning (a throwaway group), waiting for at least `atLeast`. */
export async function readTopic(kafka: Kafka, topic: string, atLeast: number, timeoutMs = 30_000): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const messages: ReadMessage[] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    void consumer.run({
      eachMessage: async ({ message }) => {
        messages.push({ key: message.key?.toString() ?? null, value: message.value ?? null, headers: headerStrings(message.headers) });
        if (messages.length >= atLeast) {
          clearTimeout(timer);
          setTimeout(resolve, 500); // a moment more, so an unexpected extra record is seen too
        }
      },
    });
  });
  await consumer.disconnect();
  return messages;
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    out[name] = Array.isArray(value) ? value.map(String).join(',') : String(value ?? '');
  return out;
}
