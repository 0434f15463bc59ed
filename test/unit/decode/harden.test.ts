// Hostile bytes cost microseconds: forged counts, negative sizes and oversized ints are rejected.
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../src/decode/decoder.js';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { parseSchema } from '../../../src/decode/schemas.js';
import { DetectorError } from '../../../src/errors.js';
import { sampleRecord, TEST_FEED, testSchemaOf, testType } from './test-feed.js';
import { avroVarint } from './avro-varint.js';

function varint(value: bigint): number[] {
  return [...avroVarint(value)];
}

const raw = createDecoder({ format: 'raw', schemaOf: testSchemaOf });
// Reads only `timestamp`, so `event.type` (an array) is skipped rather than read.
const projected = raw.project(() => ['timestamp']);

function failure(run: () => unknown): DetectorError {
  try {
    run();
  } catch (error) {
    if (error instanceof DetectorError) return error;
    throw error;
  }
  throw new Error('expected a DetectorError');
}

describe('hardened readers', () => {
  // timestamp 0, event.action "", then the event.type array's block count.
  const forgedArray = (count: bigint, ...rest: number[]) => Buffer.from([0, 0, ...varint(count), ...rest]);

  it.each([
    ['read', raw],
    ['skipped', projected],
  ])('rejects an array claiming more items than bytes left (%s) without looping', (_how, decoder) => {
    for (const count of [2n ** 40n, 2n ** 31n, 10_000_000n]) {
      const started = performance.now();
      const error = failure(() => decoder.decodeSync(TEST_FEED, forgedArray(count, 2, 0x61)));
      expect(error.code).toBe('DECODE_INVALID_AVRO');
      expect(performance.now() - started).toBeLessThan(50);
    }
  });

  it('rejects a negative block byte size in a skipped array', () => {
    // count -1 (sized block) with size -4: avsc would move the read position backwards.
    const value = forgedArray(-1n, ...varint(-4n), 2, 0x61);
    expect(failure(() => projected.decodeSync(TEST_FEED, value)).code).toBe('DECODE_INVALID_AVRO');
  });

  it('still reads sized (negative-count) array blocks as Avro allows', () => {
    const record = sampleRecord();
    const normal = encodeRecord(TEST_FEED, record, { format: 'raw', type: testType });
    // Re-encode event.type ["start"] as one sized block: count -1 and byte size 6 replace count 1.
    const start = normal.indexOf(Buffer.from([2, 10, ...Buffer.from('start')]));
    expect(start).toBeGreaterThan(0);
    const sized = Buffer.concat([normal.subarray(0, start), Buffer.from([1, 12]), normal.subarray(start + 1)]);
    expect(raw.decodeSync(TEST_FEED, sized)).toEqual(record);
    expect(projected.decodeSync(TEST_FEED, sized)).toEqual({ timestamp: record.timestamp });
  });

  it('rejects an int outside 32 bits instead of returning an invalid record', () => {
    const type = parseSchema({ type: 'record', name: 'I', fields: [{ name: 'pid', type: 'int' }] });
    const decoder = createDecoder({ format: 'raw', schemaOf: () => type });
    expect(decoder.decodeSync(TEST_FEED, Buffer.from(varint(2n ** 31n - 1n)))).toEqual({ pid: 2 ** 31 - 1 });
    expect(failure(() => decoder.decodeSync(TEST_FEED, Buffer.from(varint(2n ** 31n)))).code).toBe('DECODE_INVALID_AVRO');
  });

  it('keeps a map entry named __proto__', () => {
    const labels = JSON.parse('{"__proto__": "x", "team": "dba"}') as Record<string, string>;
    const value = encodeRecord(TEST_FEED, sampleRecord({ labels }), { format: 'raw', type: testType });
    const decoded = raw.decodeSync(TEST_FEED, value) as { labels: Record<string, string> };
    expect(Object.keys(decoded.labels).sort()).toEqual(['__proto__', 'team']);
    expect(Object.getPrototypeOf(decoded.labels)).toBe(Object.prototype);
  });

  it('applies the tolerant long to the object spelling {"type": "long"} too', () => {
    const type = parseSchema({ type: 'record', name: 'L', fields: [{ name: 'ticks', type: { type: 'long' } }] });
    const ticks = 133_000_000_000_000_000;
    expect(type.fromBuffer(type.toBuffer({ ticks }))).toEqual({ ticks });
  });
});
