// Start-up check that every topic the service reads or writes exists, naming the variable that sets each one.
import type { Admin } from 'kafkajs';
import { DetectorError } from '../errors.js';

export interface RequiredTopic {
  topic: string;
  /** The setting that names it, e.g. TOPIC_ENDGAME or DLQ_TOPIC. */
  variable: string;
  role: 'feed' | 'dead-letter';
}

/**
 * Without this, a missing feed topic surfaces as kafkajs' "This server does not host this
 * topic-partition" from deep inside subscribe, and a missing dead-letter topic only when the first
 * bad record arrives, with the batch retried forever.
 */
export async function checkTopicsExist(
  admin: Pick<Admin, 'listTopics'>,
  required: readonly RequiredTopic[],
  brokers: string,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = required.filter(({ topic }) => !existing.has(topic));
  if (missing.length === 0) return;
  const named = missing.map(({ topic, variable, role }) => `${role} topic "${topic}" (${variable})`).join(', ');
  const disable = missing.some(({ role }) => role === 'feed') ? "; or set a feed's variable empty to disable that feed" : '';
  throw new DetectorError(
    'KAFKA_TOPIC_MISSING',
    `missing Kafka topic(s) on ${brokers}: ${named}: create them (the service never creates topics), or grant this client Describe on them${disable}`,
  );
}
