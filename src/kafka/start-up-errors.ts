// The one classifier for Kafka start-up failures: what an operator must fix (exit 2) versus what may heal (exit 1).
import kafkajs from 'kafkajs';
import { DetectorError } from '../errors.js';

// kafkajs' error classes are on its CommonJS export, not named ESM exports.
const { KafkaJSSASLAuthenticationError } = kafkajs;

/** Certificate failures Node reports when the configured CA does not vouch for the broker. */
const TLS_TRUST_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** kafkajs wraps socket errors in `originalError` (older errors) or `cause`; neither chain is deep. */
function* causeChain(error: unknown): Generator<Error> {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    yield current;
    current = (current as Error & { originalError?: unknown }).originalError ?? current.cause;
  }
}

function isTlsTrustFailure(error: unknown): boolean {
  for (const link of causeChain(error)) {
    const code = (link as Error & { code?: unknown }).code;
    if (typeof code === 'string' && TLS_TRUST_CODES.has(code)) return true;
  }
  return false;
}

function isSaslRefusal(error: unknown): boolean {
  for (const link of causeChain(error)) if (link instanceof KafkaJSSASLAuthenticationError) return true;
  return false;
}

export interface KafkaStartupContext {
  brokers: readonly string[];
  saslMechanism?: string | undefined;
}

/**
 * Refused credentials or an untrusted certificate will not heal by restarting (CONFIG_INVALID, exit 2);
 * an unreachable broker may (KAFKA_UNAVAILABLE, exit 1, and the orchestrator restarts us with backoff).
 */
export function classifyKafkaStartupError(error: unknown, context: KafkaStartupContext): DetectorError {
  if (error instanceof DetectorError) return error;
  const brokers = context.brokers.join(',');
  const message = error instanceof Error ? error.message : String(error);
  if (isSaslRefusal(error)) {
    return new DetectorError(
      'CONFIG_INVALID',
      `Kafka refused the SASL credentials at ${brokers} (${context.saslMechanism ?? 'sasl'}): check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: ${message}`,
      { cause: error },
    );
  }
  if (isTlsTrustFailure(error)) {
    return new DetectorError(
      'CONFIG_INVALID',
      `cannot verify the TLS certificate of Kafka at ${brokers}: check KAFKA_SSL_CA_FILE: ${message}`,
      { cause: error },
    );
  }
  return new DetectorError('KAFKA_UNAVAILABLE', `cannot connect to Kafka at ${brokers}: ${message}`, { cause: error });
}
