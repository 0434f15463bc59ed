// The closed list of error codes; every decision about an error branches on these, never on text.

export const ERROR_CODES = {
  // decode stage: the record's bytes could not become a vendor record
  DECODE_EMPTY_VALUE: { stage: 'decode', retriable: false },
  DECODE_BAD_MAGIC: { stage: 'decode', retriable: false },
  DECODE_UNKNOWN_SCHEMA: { stage: 'decode', retriable: false },
  DECODE_INCOMPATIBLE_SCHEMA: { stage: 'decode', retriable: false },
  DECODE_INVALID_AVRO: { stage: 'decode', retriable: false },
  DECODE_TRAILING_BYTES: { stage: 'decode', retriable: false },
  DECODE_REGISTRY_UNAVAILABLE: { stage: 'decode', retriable: true },
  // map stage: a decoded record could not become ECS
  MAP_FAILED: { stage: 'map', retriable: false },
  // alert stage: a matched event could not become an alert document (a bug, never bad input)
  ALERT_BUILD_FAILED: { stage: 'alert', retriable: false },
  // start-up
  CONFIG_INVALID: { stage: 'config', retriable: false },
  RULE_INVALID: { stage: 'rules', retriable: false },
  RULE_UNSUPPORTED: { stage: 'rules', retriable: false },
  EXCEPTION_INVALID: { stage: 'exceptions', retriable: false },
  EXCEPTION_UNSUPPORTED: { stage: 'exceptions', retriable: false },
  // Kafka connection at start-up (an unreachable broker heals; refused credentials are CONFIG_INVALID)
  KAFKA_UNAVAILABLE: { stage: 'kafka', retriable: true },
  // a feed or dead-letter topic does not exist (yet): created by whoever owns the topics
  KAFKA_TOPIC_MISSING: { stage: 'kafka', retriable: true },
  // kafkajs reported an error while running (a lost broker connection, a failed request); it retries on its own
  KAFKA_CLIENT_ERROR: { stage: 'kafka', retriable: true },
  // the consumer stopped on an error; kafkajs restarts it unless the error is not retriable (then /healthz fails)
  KAFKA_CONSUMER_CRASHED: { stage: 'kafka', retriable: true },
  // the final offset commit at stop failed: the group resumes from the last commit, records are read again
  KAFKA_COMMIT_FAILED: { stage: 'kafka', retriable: true },
  // the dead-letter topic did not acknowledge a batch's letters: the batch is read again
  DLQ_UNAVAILABLE: { stage: 'dead-letter', retriable: true },
  // a batch failed for a reason no code above names (a bug); it is read again after a backoff
  BATCH_FAILED: { stage: 'pipeline', retriable: true },
  // sink
  SINK_REJECTED: { stage: 'sink', retriable: false },
  SINK_UNAVAILABLE: { stage: 'sink', retriable: true },
  SINK_TEMPLATE_FAILED: { stage: 'sink', retriable: true },
} as const satisfies Record<string, { stage: string; retriable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorStage = (typeof ERROR_CODES)[ErrorCode]['stage'];

export class DetectorError extends Error {
  readonly code: ErrorCode;
  readonly stage: ErrorStage;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DetectorError';
    this.code = code;
    this.stage = ERROR_CODES[code].stage;
    this.retriable = ERROR_CODES[code].retriable;
  }
}

export function isDetectorError(error: unknown): error is DetectorError {
  return error instanceof DetectorError;
}
