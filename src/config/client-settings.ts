// The Kafka and Elasticsearch client settings a composition root (service, backfill) takes from the validated config.
import type { KafkaSettings } from '../kafka/client.js';
import type { ElasticsearchSettings } from '../sinks/elasticsearch/client.js';
import type { Config } from './load.js';

export function elasticsearchSettings(config: Config): ElasticsearchSettings {
  return {
    url: config.ELASTICSEARCH_URL,
    apiKey: config.ELASTICSEARCH_API_KEY,
    username: config.ELASTICSEARCH_USERNAME,
    password: config.ELASTICSEARCH_PASSWORD,
    ca: config.elasticsearchCa,
    requestTimeoutMs: config.ELASTICSEARCH_REQUEST_TIMEOUT_MS,
  };
}

export function kafkaSettings(config: Config): KafkaSettings {
  return {
    clientId: config.KAFKA_CLIENT_ID,
    brokers: config.KAFKA_BROKERS,
    ssl: config.KAFKA_SSL,
    ca: config.kafkaCa,
    saslMechanism: config.KAFKA_SASL_MECHANISM,
    saslUsername: config.KAFKA_SASL_USERNAME,
    saslPassword: config.KAFKA_SASL_PASSWORD,
  };
}
