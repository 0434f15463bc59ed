// Builds the kafkajs client from configuration (brokers, TLS, SASL) and routes its logs into ours.
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from '../telemetry/logger.js';
import { installKafkajsTimerFix } from './kafkajs-timer-fix.js';

export interface KafkaSettings {
  clientId: string;
  brokers: string[];
  ssl: boolean;
  ca?: string | undefined;
  saslMechanism?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined;
  saslUsername?: string | undefined;
  saslPassword?: string | undefined;
}

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Where kafkajs' errors go: the service's kafkaClientError event (logged, rate-limited and counted). */
export type KafkaClientErrors = (namespace: string, message: string, details: Record<string, unknown>) => void;

/** kafkajs logs through this bridge: one structured line per entry, secrets never included; errors go to `onError` when given. */
function logCreatorFor(logger: Logger, onError: KafkaClientErrors | undefined) {
  return () =>
    ({ level, log, namespace }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _name, sasl: _sasl, ...rest } = log as Record<string, unknown>;
      if (level === logLevel.ERROR && onError) {
        onError(namespace, String(message), rest);
        return;
      }
      const method = LEVEL_NAMES[level] ?? 'info';
      logger[method]({ 'log.logger': `kafkajs.${namespace}`, kafkajs: rest }, String(message));
    };
}

export function createKafka(settings: KafkaSettings, logger: Logger, onError?: KafkaClientErrors): Kafka {
  if (!installKafkajsTimerFix())
    logger.debug('kafkajs is not the version the timer fix was written for; Node may print TimeoutNegativeWarning');
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.WARN,
    logCreator: logCreatorFor(logger, onError),
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 10_000 },
  };
  if (settings.ssl) config.ssl = settings.ca ? { ca: [settings.ca], rejectUnauthorized: true } : true;
  if (settings.saslMechanism && settings.saslUsername && settings.saslPassword) {
    config.sasl = {
      mechanism: settings.saslMechanism,
      username: settings.saslUsername,
      password: settings.saslPassword,
    } as SASLOptions;
  }
  return new Kafka(config);
}
