// Creates the feed topics and the dead-letter topic when missing (local stack, demo, benchmarks).
import type { Admin } from 'kafkajs';

export async function ensureTopics(admin: Admin, topics: readonly string[], numPartitions = 3): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length === 0) return;
  await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: 1 })), waitForLeaders: true });
}
