// Structured JSON logs in ECS field names (pino), so the service's own logs index like its alerts.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const REDACTED_PATHS = [
  'password',
  'apiKey',
  'api_key',
  '*.password',
  '*.apiKey',
  '*.api_key',
  'auth.password',
  'auth.apiKey',
  'sasl.password',
  '*.sasl.password',
  'headers.authorization',
  '*.headers.authorization',
];

/** Causes kept at most this deep: kafkajs and the Elasticsearch client wrap errors two or three times. */
const MAX_CAUSE_DEPTH = 5;

/** An error as ECS `error.*` fields, with its `cause` chain (every DetectorError wraps the error it classifies). */
function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const coded = error as Error & { code?: unknown; stage?: unknown; originalError?: unknown };
  // kafkajs predates `cause` and wraps the socket error in `originalError`.
  const cause = error.cause ?? coded.originalError;
  return {
    type: error.name,
    message: error.message,
    ...(coded.code !== undefined ? { code: coded.code } : {}),
    ...(coded.stage !== undefined ? { stage: coded.stage } : {}),
    stack_trace: error.stack,
    ...(cause !== undefined && depth < MAX_CAUSE_DEPTH ? { cause: serializeError(cause, depth + 1) } : {}),
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      messageKey: 'message',
      base: { 'service.name': 'edr-dbdump-detector', 'ecs.version': '8.11.0' },
      timestamp: () => `,"@timestamp":"${new Date().toISOString()}"`,
      formatters: {
        level: (label) => ({ 'log.level': label }),
      },
      errorKey: 'error',
      serializers: { error: serializeError },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
