// The backfill command line: times, the window, and every problem listed at once.
import { describe, expect, it } from 'vitest';
import { BackfillArgsError, parseBackfillArgs, parseTime } from '../../../src/backfill/args.js';

const NOW = Date.parse('2026-11-28T21:00:00.000Z');

function problemsOf(argv: string[]): string[] {
  try {
    parseBackfillArgs(argv, NOW);
  } catch (error) {
    if (error instanceof BackfillArgsError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseTime', () => {
  it('reads ISO 8601 with a zone, a bare date, now and now-<n><unit>', () => {
    expect(parseTime('2026-11-28T20:00:00Z', NOW)).toBe(Date.parse('2026-11-28T20:00:00Z'));
    expect(parseTime('2026-11-28T20:00:00.250+01:00', NOW)).toBe(Date.parse('2026-11-28T19:00:00.250Z'));
    expect(parseTime('2026-11-28', NOW)).toBe(Date.parse('2026-11-28T00:00:00Z'));
    expect(parseTime('now', NOW)).toBe(NOW);
    expect(parseTime('now-90s', NOW)).toBe(NOW - 90_000);
    expect(parseTime('now-2h', NOW)).toBe(NOW - 7_200_000);
    expect(parseTime('now-7d', NOW)).toBe(NOW - 7 * 86_400_000);
  });

  it('refuses times that would depend on the machine or mean nothing', () => {
    for (const text of ['2026-11-28T20:00:00', 'yesterday', 'now-2w', 'now+1h', '1764360000000', '2026-13-40']) {
      expect(parseTime(text, NOW), text).toBeUndefined();
    }
  });
});

describe('parseBackfillArgs', () => {
  it('takes --from, --to, --rules and --progress-every, with or without "="', () => {
    expect(parseBackfillArgs(['--from', 'now-1h', '--to=now-30m', '--rules', 'my-rules', '--progress-every=2'], NOW)).toEqual({
      fromMs: NOW - 3_600_000,
      toMs: NOW - 1_800_000,
      rulesDir: 'my-rules',
      progressEverySeconds: 2,
    });
    expect(parseBackfillArgs(['--from', 'now-1h'], NOW)).toEqual({
      fromMs: NOW - 3_600_000,
      toMs: undefined,
      rulesDir: undefined,
      progressEverySeconds: 5,
    });
  });

  it('lists every problem at once', () => {
    expect(problemsOf(['--to', 'soon', '--verbose', '--progress-every', '0'])).toEqual([
      'unknown argument --verbose',
      '--to soon: not a time (ISO 8601 with a zone, or now-<n><s|m|h|d>)',
      '--from is required',
      '--progress-every must be a positive number of seconds',
    ]);
    expect(problemsOf(['--from', 'now-1h', '--to', 'now-2h'])).toEqual(['--to must be later than --from']);
    expect(problemsOf(['--from', '2030-01-01'])).toEqual(['--from is in the future']);
    expect(problemsOf(['--from'])).toEqual(['--from needs a value', '--from is required']);
  });

  it('prints the usage with the problems', () => {
    expect(() => parseBackfillArgs([], NOW)).toThrow(/usage: npm run backfill -- --from <time>/);
  });
});
