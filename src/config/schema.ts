// Every setting the service reads from its environment: names, defaults, units and constraints.
import { z } from 'zod';

const positiveMs = z.coerce.number().int().positive();
/** true/1/yes/on/y/enabled or false/0/no/off/n/disabled, any case (zod's stringbool). */
const boolean = z.stringbool();
const optionalText = z.string().min(1).optional();

const hostPort = z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'expected host:port');
const brokers = z
  .string()
  .min(1)
  .transform((value) =>
    value
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
  )
  .pipe(z.array(hostPort).min(1));

/** An empty topic disables that feed; otherwise a legal Kafka topic name. */
export const topicSchema = z.string().regex(/^[a-zA-Z0-9._-]{0,249}$/, 'a Kafka topic name uses only letters, digits, ".", "_" and "-"');

/**
 * The service's own variables. Each vendor adds its topic variable (see topicSchema); the vendor
 * list, not this file, decides which feeds exist.
 * The raw environment, variable by variable. Defaults mirror the local stack (scripts/stack) so a
 * developer needs no configuration; production overrides through a ConfigMap and Secrets.
 */
export const environmentSchema = z.object({
  KAFKA_BROKERS: brokers.default(['127.0.0.1:9092']),
  KAFKA_GROUP_ID: z.string().min(1).default('edr-dbdump-detector'),
  KAFKA_CLIENT_ID: z.string().min(1).default('edr-dbdump-detector'),
  VALUE_FORMAT: z.enum(['confluent', 'raw']).default('confluent'),
  SCHEMA_REGISTRY_URL: z.url().optional(),
  SCHEMA_REGISTRY_USERNAME: optionalText,
  SCHEMA_REGISTRY_PASSWORD: optionalText,
  KAFKA_SSL: boolean.default(false),
  KAFKA_SSL_CA_FILE: optionalText,
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: optionalText,
  KAFKA_SASL_PASSWORD: optionalText,
  KAFKA_SESSION_TIMEOUT_MS: positiveMs.default(30_000),
  KAFKA_MAX_BYTES_PER_PARTITION: z.coerce.number().int().min(1024).default(1_048_576),
  KAFKA_MAX_BYTES: z.coerce.number().int().min(1024).default(4_194_304),
  ELASTICSEARCH_URL: z.url().default('http://127.0.0.1:9200'),
  ELASTICSEARCH_API_KEY: optionalText,
  ELASTICSEARCH_USERNAME: optionalText,
  ELASTICSEARCH_PASSWORD: optionalText,
  ELASTICSEARCH_CA_FILE: optionalText,
  ELASTICSEARCH_REQUEST_TIMEOUT_MS: positiveMs.default(10_000),
  ELASTICSEARCH_RETRY_MAX_BACKOFF_MS: positiveMs.default(30_000),
  ELASTICSEARCH_STARTUP_TIMEOUT_MS: positiveMs.default(60_000),
  // One writer for all partitions: a bulk request goes out at this many alerts, or when the oldest has waited this long.
  ALERT_FLUSH_MAX_ALERTS: z.coerce.number().int().positive().default(1_000),
  ALERT_FLUSH_INTERVAL_MS: positiveMs.default(10),
  // How far consumption runs ahead of delivery: alerts and dead letters held, and records not yet committable.
  DELIVERY_MAX_PENDING_ALERTS: z.coerce.number().int().positive().default(5_000),
  DELIVERY_MAX_UNACKNOWLEDGED_RECORDS: z.coerce.number().int().positive().default(20_000),
  // Under `logs-` so that Elastic's External Alerts rule (index `logs-*`) reads it; `<type>-<dataset>-<namespace>`.
  ALERTS_DATA_STREAM: z
    .string()
    .max(200)
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'a data stream name is lowercase letters, digits, ".", "_" and "-"')
    .default('logs-edr_dbdump_detector.alert-default'),
  // Data stream lifecycle retention in Elasticsearch's units; unset keeps alerts until deleted by hand.
  ALERTS_RETENTION: z
    .string()
    .regex(/^[1-9]\d*(d|h|m|s)$/, 'a duration such as 365d, 72h, 90m or 30s')
    .optional(),
  DLQ_TOPIC: topicSchema.min(1).default('edr.dead-letter'),
  RULES_DIR: z.string().min(1).optional(),
  // false: refused rules (unsupported or invalid) are reported once and the rest run; true: any refusal stops start-up.
  RULES_STRICT: boolean.default(false),
  EXCEPTIONS_DIR: z.string().min(1).optional(),
  // Deployment-wide alert suppression for rules without [rule.alert_suppression]; empty group-by: off.
  SUPPRESSION_GROUP_BY: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((field) => field.trim())
        .filter(Boolean),
    ),
  SUPPRESSION_DURATION_MS: positiveMs.default(300_000),
  SUPPRESSION_MISSING_FIELDS_STRATEGY: z.enum(['suppress', 'doNotSuppress']).default('suppress'),
  // Rules, exceptions and suppression reload when their directories change (after this quiet time) or on SIGHUP.
  RELOAD_DEBOUNCE_MS: positiveMs.default(2_000),
  // 0 lets the system pick a free port (tests run several instances side by side).
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  METRICS_HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: positiveMs.default(20_000),
  HEALTH_STALL_TIMEOUT_MS: positiveMs.default(300_000),
  BATCH_RETRY_MAX_BACKOFF_MS: positiveMs.default(30_000),
});

export type Environment = z.infer<typeof environmentSchema>;

/** Variables whose value may instead come from a file named by `<NAME>_FILE` (mounted secrets). */
export const SECRET_VARIABLES = [
  'KAFKA_SASL_PASSWORD',
  'ELASTICSEARCH_API_KEY',
  'ELASTICSEARCH_PASSWORD',
  'SCHEMA_REGISTRY_PASSWORD',
] as const;
