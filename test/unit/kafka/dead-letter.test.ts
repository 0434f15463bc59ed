import { describe, expect, it } from 'vitest';
import { DetectorError } from '../../../src/errors.js';
import { DEAD_LETTER_HEADERS, toDeadLetterMessage } from '../../../src/kafka/dead-letter.js';

describe('toDeadLetterMessage', () => {
  const error = new DetectorError('DECODE_INVALID_AVRO', 'crowdstrike-fdr: truncated record');
  const letter = {
    vendor: 'crowdstrike-fdr',
    source: { topic: 'edr.crowdstrike-fdr', partition: 2, offset: '41' },
    key: Buffer.from('k'),
    value: Buffer.from([1, 2, 3]),
    headers: { trace: 'abc' },
    error,
  };

  it('keeps the original key, value and headers and adds the origin and reason', () => {
    const message = toDeadLetterMessage(letter, new Date('2026-01-01T00:00:00Z'));
    expect(message.key).toEqual(Buffer.from('k'));
    expect(message.value).toEqual(Buffer.from([1, 2, 3]));
    expect(message.headers).toMatchObject({
      trace: 'abc',
      [DEAD_LETTER_HEADERS.vendor]: 'crowdstrike-fdr',
      [DEAD_LETTER_HEADERS.topic]: 'edr.crowdstrike-fdr',
      [DEAD_LETTER_HEADERS.partition]: '2',
      [DEAD_LETTER_HEADERS.offset]: '41',
      [DEAD_LETTER_HEADERS.code]: 'DECODE_INVALID_AVRO',
      [DEAD_LETTER_HEADERS.stage]: 'decode',
      [DEAD_LETTER_HEADERS.reason]: 'crowdstrike-fdr: truncated record',
      [DEAD_LETTER_HEADERS.time]: '2026-01-01T00:00:00.000Z',
    });
  });

  it('caps a huge reason so one bad record cannot produce a huge header', () => {
    const huge = { ...letter, error: new DetectorError('MAP_FAILED', 'x'.repeat(100_000)) };
    const reason = toDeadLetterMessage(huge, new Date()).headers?.[DEAD_LETTER_HEADERS.reason] as string;
    expect(reason.length).toBe(2_000);
  });
});
