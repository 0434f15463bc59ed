// The Kafka start-up classifier: credentials and certificates are configuration problems, the rest may heal.
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { classifyKafkaStartupError } from '../../../src/kafka/start-up-errors.js';

const context = { brokers: ['b1:9093', 'b2:9093'], saslMechanism: 'scram-sha-512' };

describe('classifyKafkaStartupError', () => {
  it('names the SASL variables when the broker refuses the login', () => {
    // kafkajs' typings declare no constructor argument; the class takes the message as its first.
    const SaslError = kafkajs.KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
    const refusal = new SaslError('SASL SCRAM SHA512 authentication failed');
    const classified = classifyKafkaStartupError(refusal, context);
    expect(classified.code).toBe('CONFIG_INVALID');
    expect(classified.message).toMatch(/b1:9093,b2:9093 \(scram-sha-512\).*KAFKA_SASL_USERNAME/);
    expect(classified.cause).toBe(refusal);
  });

  it('finds an untrusted certificate down the originalError chain', () => {
    const socket = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    const wrapped = Object.assign(new Error('Connection error'), { originalError: socket });
    const classified = classifyKafkaStartupError(new Error('retries exhausted', { cause: wrapped }), context);
    expect(classified.code).toBe('CONFIG_INVALID');
    expect(classified.message).toContain('KAFKA_SSL_CA_FILE');
  });

  it('treats anything else as an unreachable broker, which a restart may heal', () => {
    const classified = classifyKafkaStartupError(new Error('ECONNREFUSED'), context);
    expect(classified.code).toBe('KAFKA_UNAVAILABLE');
    expect(classified.retriable).toBe(true);
  });
});
