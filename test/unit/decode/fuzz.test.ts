// Property tests: garbage never escapes as anything but a decode DetectorError; valid records round-trip exactly.
import type avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecoder, type RecordDecoder } from '../../../src/decode/decoder.js';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { CONFLUENT_HEADER_BYTES } from '../../../src/decode/framing.js';
import { DetectorError } from '../../../src/errors.js';
import type { AvroRecord } from '../../../src/vendors/types.js';
import { arbitraryFor } from './avro-arbitrary.js';
import { TEST_FEED, testSchemaOf, testType } from './test-feed.js';

const RUNS = 400;
const raw = createDecoder({ format: 'raw', schemaOf: testSchemaOf });
const confluent = createDecoder({ format: 'confluent', schemaOf: testSchemaOf, vendors: [TEST_FEED] });
const PATHS = [
  'timestamp',
  'event.action',
  'event.type',
  'host.os',
  'host.ip',
  'process.name',
  'process.pid',
  'parent.name',
  'labels',
  'hash',
];
const records = arbitraryFor(testType) as fc.Arbitrary<AvroRecord>;

type Outcome = { record: AvroRecord } | { error: DetectorError };

/** Decodes and checks the only two acceptable outcomes. */
function outcome(decoder: RecordDecoder, value: Buffer, readerType: avro.Type): Outcome {
  try {
    const record = decoder.decodeSync(TEST_FEED, value) as AvroRecord;
    expect(readerType.isValid(record), 'a decoded record must be valid for its reader schema').toBe(true);
    return { record };
  } catch (error) {
    if (!(error instanceof DetectorError)) throw new Error(`non-DetectorError escaped: ${String(error)}`, { cause: error });
    expect(error.code.startsWith('DECODE_')).toBe(true);
    expect(error.stage).toBe('decode');
    expect(error.message).toContain(TEST_FEED.id);
    return { error };
  }
}

const confluentHeader = Buffer.from([0, 0, 0, 0x23, 0x29]); // bundled id 9001

describe('decoding garbage', () => {
  it('random bytes: a valid record or a decode error', () => {
    const projected = raw.project(() => PATHS);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, framed) => {
        const body = Buffer.from(bytes);
        outcome(raw, body, testType);
        outcome(projected, body, projected.readerType(TEST_FEED));
        outcome(confluent, framed ? Buffer.concat([confluentHeader, body]) : body, testType);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('truncated valid encodings always fail as invalid Avro', () => {
    fc.assert(
      fc.property(records, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (record, cut) => {
        const value = encodeRecord(TEST_FEED, record, { format: 'raw', type: testType });
        const truncated = value.subarray(0, Math.floor(cut * value.length));
        const result = outcome(raw, truncated, testType);
        expect('error' in result && result.error.code).toBe(truncated.length === 0 ? 'DECODE_EMPTY_VALUE' : 'DECODE_INVALID_AVRO');
      }),
      { numRuns: RUNS },
    );
  });

  it('bit-flipped valid encodings: a valid record or a decode error', () => {
    fc.assert(
      fc.property(records, fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), (record, flips) => {
        const value = encodeRecord(TEST_FEED, record, { format: 'confluent', type: testType });
        const corrupt = Buffer.from(value);
        for (const flip of flips) {
          const bit = flip % (corrupt.length * 8);
          corrupt[bit >> 3]! ^= 1 << (bit & 7);
        }
        outcome(confluent, corrupt, testType);
        outcome(raw, corrupt.subarray(CONFLUENT_HEADER_BYTES), testType);
      }),
      { numRuns: RUNS },
    );
  });
});

/** The record reduced to `paths`, as a projection should return it. */
function pick(record: AvroRecord, paths: readonly string[]): AvroRecord {
  const out: AvroRecord = {};
  for (const path of paths) {
    const [head, ...rest] = path.split('.') as [string, ...string[]];
    const value = record[head];
    if (rest.length === 0 || value === null) out[head] = value;
    else out[head] = { ...(out[head] as AvroRecord | undefined), ...pick(value as AvroRecord, [rest.join('.')]) };
  }
  return out;
}

describe('valid records', () => {
  it('round-trip exactly through raw and Confluent framing', () => {
    fc.assert(
      fc.property(records, (record) => {
        for (const [format, decoder] of [
          ['raw', raw],
          ['confluent', confluent],
        ] as const) {
          const decoded = decoder.decodeSync(TEST_FEED, encodeRecord(TEST_FEED, record, { format, type: testType }));
          expect(decoded).toEqual(record);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('projected decoding returns exactly the chosen fields of the full record', () => {
    fc.assert(
      fc.property(records, fc.subarray(PATHS, { minLength: 1 }), (record, paths) => {
        const value = encodeRecord(TEST_FEED, record, { format: 'confluent', type: testType });
        const projected = confluent.project(() => paths).decodeSync(TEST_FEED, value) as AvroRecord;
        expect({ ...projected }).toEqual(pick(record, paths));
        expect(Object.keys(projected).sort()).toEqual([...new Set(paths.map((path) => path.split('.')[0]))].sort());
      }),
      { numRuns: RUNS / 2 },
    );
  });
});
