import { describe, expect, it } from 'vitest';
import { RetryBackoff } from '../../../src/kafka/retry-backoff.js';

describe('RetryBackoff', () => {
  it('doubles per consecutive failure of one key, capped, and starts over after a success', () => {
    const backoff = new RetryBackoff({ initialMs: 1_000, maxMs: 8_000, random: () => 1 });
    expect([1, 2, 3, 4, 5].map(() => backoff.failed('t/0'))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(backoff.failuresOf('t/0')).toBe(5);
    expect(backoff.failed('t/1')).toBe(1_000);
    backoff.succeeded('t/0');
    expect(backoff.failed('t/0')).toBe(1_000);
  });

  it('jitters within the upper half of the step', () => {
    const backoff = new RetryBackoff({ initialMs: 1_000, maxMs: 30_000, random: () => 0 });
    expect(backoff.failed('k')).toBe(500);
    expect(backoff.failed('k')).toBe(1_000);
  });
});
