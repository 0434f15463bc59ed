// Start-up step for Kafka: the client, the dead-letter producer and the admin, connected or classified.
import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from '../telemetry/logger.js';
import { createKafka, type KafkaClientErrors, type KafkaSettings } from './client.js';
import { classifyKafkaStartupError } from './start-up-errors.js';
import { checkTopicsExist, type RequiredTopic } from './topic-check.js';

export interface KafkaClients extends AsyncDisposable {
  kafka: Kafka;
  producer: Producer;
  admin: Admin;
}

/**
 * Connects the producer and admin and checks that every topic the service reads or writes exists; on
 * failure closes whichever did connect and throws a classified DetectorError.
 */
export async function connectKafka(
  settings: KafkaSettings,
  requiredTopics: readonly RequiredTopic[],
  logger: Logger,
  onClientError: KafkaClientErrors,
): Promise<KafkaClients> {
  const kafka = createKafka(settings, logger, onClientError);
  // Dead letters are at-least-once like everything else: a retried send may write a letter twice,
  // which is harmless, while an idempotent producer would need unbounded retries to keep its promise.
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const admin = kafka.admin();
  const close = async (): Promise<void> => {
    const results = await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    for (const result of results) if (result.status === 'rejected') logger.warn({ error: result.reason }, 'Kafka client disconnect failed');
  };
  try {
    await producer.connect();
    await admin.connect();
    await checkTopicsExist(admin, requiredTopics, settings.brokers.join(','));
  } catch (error) {
    await close();
    throw classifyKafkaStartupError(error, { brokers: settings.brokers, saslMechanism: settings.saslMechanism });
  }
  return { kafka, producer, admin, [Symbol.asyncDispose]: close };
}
