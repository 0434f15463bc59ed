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
  // start-up
  CONFIG_INVALID: { stage: 'config', retriable: false },
  RULE_INVALID: { stage: 'rules', retriable: false },
  RULE_UNSUPPORTED: { stage: 'rules', retriable: false },
  EXCEPTION_INVALID: { stage: 'exceptions', retriable: false },
  EXCEPTION_UNSUPPORTED: { stage: 'exceptions', retriable: false },
  // suppression state in Elasticsearch: a concurrent writer changed the alert first; read and retry
  SUPPRESSION_CONFLICT: { stage: 'sink', retriable: true },
  // Kafka connection at start-up (an unreachable broker heals; refused credentials are CONFIG_INVALID)
  KAFKA_UNAVAILABLE: { stage: 'kafka', retriable: true },
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
