// The local stack for the end-to-end parts: brought up if needed, fresh topics and names per run, clean-up.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { packagePath } from '../../src/package-root.js';
import { VENDORS } from '../../src/vendors/index.js';

export const BROKER = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const ELASTICSEARCH_URL = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';

/** Runs scripts/stack/up.sh unless both servers already answer (it is idempotent, but slower). */
export function ensureStack(): void {
  try {
    execFileSync('bash', [packagePath('scripts', 'stack', 'status.sh')], { stdio: 'ignore' });
  } catch {
    console.log('starting the local stack (scripts/stack/up.sh) ...');
    execFileSync('bash', [packagePath('scripts', 'stack', 'up.sh')], { stdio: 'inherit' });
  }
}

export interface BenchFeeds {
  kafka: Kafka;
  admin: Admin;
  elasticsearch: Client;
  /** Feed topic per vendor id. */
  topicOf: Map<string, string>;
  dlqTopic: string;
  alertsIndex: string;
  /** Environment pointing the service at these topics, index and a fresh group. */
  serviceEnv(groupId: string): Record<string, string>;
  cleanup(): Promise<void>;
}

/** Fresh topics (3 partitions each) for every vendor plus a dead-letter topic, and a fresh alerts index name. */
export async function createBenchFeeds(label: string, partitions = 3): Promise<BenchFeeds> {
  const suffix = `${label}-${randomUUID().slice(0, 8)}`;
  const kafka = new Kafka({ clientId: `bench-${suffix}`, brokers: [BROKER], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topicOf = new Map(VENDORS.map((vendor) => [vendor.id, `bench-${suffix}-${vendor.id}`]));
  const dlqTopic = `bench-${suffix}-dead-letter`;
  await admin.createTopics({
    topics: [...topicOf.values(), dlqTopic].map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    waitForLeaders: true,
  });
  const elasticsearch = new Client({ node: ELASTICSEARCH_URL });
  const alertsIndex = `bench-alerts-${suffix}`;
  return {
    kafka,
    admin,
    elasticsearch,
    topicOf,
    dlqTopic,
    alertsIndex,
    serviceEnv(groupId) {
      const env: Record<string, string> = { KAFKA_GROUP_ID: groupId, DLQ_TOPIC: dlqTopic, ALERTS_INDEX: alertsIndex, KAFKA_BROKERS: BROKER, ELASTICSEARCH_URL };
      for (const vendor of VENDORS) env[vendor.topicVariable] = topicOf.get(vendor.id) ?? '';
      return env;
    },
    async cleanup() {
      await admin.deleteTopics({ topics: [...topicOf.values(), dlqTopic] }).catch(() => undefined);
      await admin.disconnect();
      await elasticsearch.indices.delete({ index: alertsIndex }, { ignore: [404] }).catch(() => undefined);
      await elasticsearch.indices.deleteIndexTemplate({ name: alertsIndex }, { ignore: [404] }).catch(() => undefined);
      await elasticsearch.close();
    },
  };
}

/** Sum of the high watermarks of `topics`, per topic-partition too. */
export async function highWatermarks(admin: Admin, topics: readonly string[]): Promise<Map<string, number>> {
  const marks = new Map<string, number>();
  for (const topic of topics) {
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) marks.set(`${topic}/${partition}`, Number(high));
  }
  return marks;
}

/** Records the group has committed on `topics` (a partition without a commit counts 0). */
export async function committedRecords(admin: Admin, groupId: string, topics: readonly string[]): Promise<Map<string, number>> {
  const committed = new Map<string, number>();
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
    for (const { partition, offset } of partitions) committed.set(`${topic}/${partition}`, Math.max(0, Number(offset)));
  }
  return committed;
}

export function total(counts: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const value of counts.values()) sum += value;
  return sum;
}
