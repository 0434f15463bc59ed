// Pre-encoded sample telemetry for the benchmarks: Confluent-framed values from the realistic sample stream.
import { encodeRecord } from '../../scripts/native/encoder.js';
import type { VendorFeed } from '../../src/vendors/types.js';
import { mulberry32, SampleStream, type SampleMix } from '../../scripts/samples/sample-stream.js';
import { fromNative } from '../../scripts/native/from-native.js';

/** The stream: ordinary processes with ~0.5% dump-tool runs and ~2% near misses. */
export const BENCH_MIX: SampleMix = { dumpShare: 0.005, nearMissShare: 0.02 };

export interface EncodedSamples {
  vendor: VendorFeed;
  values: Buffer[];
  /** How many of `values` the rule must alert on. */
  expectedAlerts: number;
  /** Per value: true when the rule must alert on it. */
  alerting: boolean[];
  averageBytes: number;
}

/**
 * `count` distinct records of one vendor (fresh identities, current times), encoded once so the
 * measured loops do no encoding. Deterministic for a given seed except for the embedded times.
 */
export function encodedSamples(
  vendor: VendorFeed,
  count: number,
  seed: number,
  nowMs = Date.now(),
  mix: SampleMix = BENCH_MIX,
): EncodedSamples {
  const stream = new SampleStream(vendor, mix, mulberry32(seed), seed % 1_000_000);
  const values: Buffer[] = [];
  const alerting: boolean[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const sample = stream.next(nowMs);
    const value = encodeRecord(vendor, fromNative(vendor, sample.native), { format: 'confluent' });
    values.push(value);
    alerting.push(sample.expectAlert);
    bytes += value.length;
  }
  return { vendor, values, expectedAlerts: alerting.filter(Boolean).length, alerting, averageBytes: bytes / Math.max(1, count) };
}
