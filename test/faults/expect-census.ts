// The guarantee every fault suite checks, in one place.
import { expect } from 'vitest';
import type { AlertCensus } from '../integration/harness/alert-census.js';

/** Each expected alert exactly once, nothing unexpected, no identity stored twice. */
export function expectEveryAlertOnce(census: AlertCensus): void {
  expect(census.missing).toEqual([]);
  expect(census.unexpected).toEqual([]);
  expect(census.duplicatedIdentities).toEqual([]);
  expect(census.found).toBe(census.expected);
}
