// The per-feed matcher: fast path, its fallback to the whole lineage, remembered outcomes, mapping failures.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { createFeedDecoders } from '../../../src/decode/feed-decoder.js';
import { loadRules, type LoadedRules } from '../../../src/detect/load-rules.js';
import { isDetectorError } from '../../../src/errors.js';
import { packagePath } from '../../../src/package-root.js';
import type { FeedRuntime } from '../../../src/pipeline/feed-runtime.js';
import { valueMatcher } from '../../../src/pipeline/value-match.js';
import { VENDORS } from '../../../src/vendors/index.js';
import type { VendorFeed } from '../../../src/vendors/types.js';
import { loadFixtures } from '../../../scripts/samples/fixtures.js';
import { fromNative } from '../../../scripts/native/from-native.js';

let rules: LoadedRules;
beforeAll(async () => {
  rules = await loadRules(packagePath('rules'));
});

function runtimeOf(vendor: VendorFeed): FeedRuntime {
  const decoder = createFeedDecoders([vendor], { format: 'confluent', fieldsRead: rules.fieldsRead }).get(vendor.id)!;
  return { vendor, topic: `topic-${vendor.id}`, decoder, rules: rules.rules };
}

function valuesOf(vendor: VendorFeed): { file: string; value: Buffer; alert: boolean }[] {
  return loadFixtures(vendor.id).map((fixture) => ({
    file: fixture.file,
    value: encodeRecord(vendor, fromNative(vendor, fixture.native), { format: 'confluent' }),
    alert: fixture.alert,
  }));
}

describe.each(VENDORS.map((vendor) => [vendor.id, vendor] as const))('%s', (_id, vendor) => {
  it('matches exactly the alerting fixtures, the second time from remembered outcomes too', () => {
    const match = valueMatcher(runtimeOf(vendor));
    for (let pass = 0; pass < 2; pass++) {
      for (const { file, value, alert } of valuesOf(vendor)) expect(match(value) !== undefined, `${file} (pass ${pass + 1})`).toBe(alert);
    }
  });

  it('matches the same without the vendor fast path (lineage projection and toEcs)', () => {
    const plain: VendorFeed = { ...vendor, toEcsFields: undefined };
    const runtime = runtimeOf(plain);
    expect(runtime.decoder.fastMap).toBeUndefined();
    const match = valueMatcher(runtime);
    for (const { file, value, alert } of valuesOf(vendor)) expect(match(value) !== undefined, file).toBe(alert);
  });
});

describe('records the fast path cannot map alone', () => {
  it('are mapped from the whole lineage every time, and still match exactly the alerting fixtures', () => {
    const vendor = VENDORS[0]!;
    const fast = vendor.toEcsFields!(rules.fieldsRead)!;
    let declined = 0;
    // A fast path that declines every record: each value must go the long way and still match right.
    const declining: VendorFeed = {
      ...vendor,
      toEcsFields: () => ({
        reads: fast.reads,
        map: () => {
          declined++;
          return undefined;
        },
      }),
    };
    const match = valueMatcher(runtimeOf(declining));
    const values = valuesOf(vendor);
    for (let pass = 0; pass < 2; pass++) {
      for (const { file, value, alert } of values) expect(match(value) !== undefined, file).toBe(alert);
    }
    expect(declined).toBeGreaterThanOrEqual(values.length * 2);
  });
});

describe('mapping failures', () => {
  const vendor = VENDORS[0]!;
  const value = valuesOf(vendor)[0]!.value;

  it('reports a throwing toEcs as MAP_FAILED', () => {
    const broken: VendorFeed = {
      ...vendor,
      toEcsFields: undefined,
      toEcs: () => {
        throw new Error('boom');
      },
    };
    expect(() => valueMatcher(runtimeOf(broken))(value)).toThrow(expect.objectContaining({ code: 'MAP_FAILED' }));
  });

  it('reports a throwing fast path as MAP_FAILED', () => {
    const broken: VendorFeed = {
      ...vendor,
      toEcsFields: () => ({
        reads: [],
        map: () => {
          throw new Error('boom');
        },
      }),
    };
    let caught: unknown;
    try {
      valueMatcher(runtimeOf(broken))(value);
    } catch (error) {
      caught = error;
    }
    expect(isDetectorError(caught) && caught.code === 'MAP_FAILED' && caught.message.includes(vendor.id)).toBe(true);
  });
});
