import { describe, expect, it } from 'vitest';
import { LogLimiter } from '../../../src/telemetry/log-limiter.js';

describe('LogLimiter', () => {
  it('lets one line per key per interval through and reports how many it held back', () => {
    let now = 0;
    const limiter = new LogLimiter(10_000, () => now);
    expect(limiter.permit('a')).toEqual({ suppressed: 0 });
    expect(limiter.permit('a')).toBeUndefined();
    expect(limiter.permit('a')).toBeUndefined();
    expect(limiter.permit('b')).toEqual({ suppressed: 0 });
    now = 10_000;
    expect(limiter.permit('a')).toEqual({ suppressed: 2 });
    expect(limiter.permit('a')).toBeUndefined();
  });
});
