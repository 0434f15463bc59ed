// The logger writes an error's cause chain, so a classified DetectorError still shows what the client reported.
import { describe, expect, it } from 'vitest';
import { DetectorError } from '../../../src/errors.js';
import { createLogger } from '../../../src/telemetry/logger.js';

function logged(write: (logger: ReturnType<typeof createLogger>) => void): Record<string, unknown> {
  const lines: string[] = [];
  write(createLogger('info', { write: (line: string) => lines.push(line) }));
  return JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
}

describe('createLogger', () => {
  it('keeps the cause chain of a DetectorError, kafkajs originalError included', () => {
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const kafkajs = Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError', originalError: socket });
    const line = logged((logger) =>
      logger.error({ error: new DetectorError('KAFKA_UNAVAILABLE', 'cannot connect to Kafka', { cause: kafkajs }) }, 'start-up failed'),
    );
    expect(line['error']).toMatchObject({
      type: 'DetectorError',
      code: 'KAFKA_UNAVAILABLE',
      stage: 'kafka',
      cause: {
        type: 'KafkaJSConnectionError',
        message: 'Connection error',
        cause: { message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED' },
      },
    });
  });

  it('bounds a cause chain that loops', () => {
    const looping = new Error('a');
    (looping as { cause?: unknown }).cause = looping;
    let depth = 0;
    for (
      let error = logged((logger) => logger.error({ error: looping }, 'x'))['error'] as { cause?: unknown } | undefined;
      error;
      error = error.cause as typeof error
    )
      depth++;
    expect(depth).toBe(6);
  });
});
