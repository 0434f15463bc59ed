// The encoder producers and tests use: framing choices and a clear error for a record that does not fit.
import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { frameConfluent, peekConfluentSchemaId } from '../../../src/decode/framing.js';
import { sampleRecord, TEST_FEED, testType } from './test-feed.js';

describe('encodeRecord', () => {
  it('writes bare Avro for raw and a 5-byte header plus the same body for Confluent', () => {
    const record = sampleRecord();
    const body = encodeRecord(TEST_FEED, record, { format: 'raw', type: testType });
    const framed = encodeRecord(TEST_FEED, record, { format: 'confluent', type: testType });
    expect(body.equals(testType.toBuffer(record))).toBe(true);
    expect(framed.subarray(5).equals(body)).toBe(true);
    expect(peekConfluentSchemaId(framed)).toBe(TEST_FEED.bundledSchemaId);
  });

  it('frames with an explicit schema id when given one', () => {
    const framed = encodeRecord(TEST_FEED, sampleRecord(), { format: 'confluent', schemaId: 0x01020304, type: testType });
    expect([...framed.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4]);
  });

  it('names the offending field of a record that does not match the schema', () => {
    const record = sampleRecord({ process: { name: 7, pid: 1, args: [], start: null } });
    expect(() => encodeRecord(TEST_FEED, record, { format: 'raw', type: testType })).toThrow(/test-edr: .*process\.name = 7/);
  });
});

describe('Confluent framing', () => {
  it('rejects ids that do not fit the 4-byte signed header', () => {
    expect(() => frameConfluent(-1, Buffer.alloc(0))).toThrow(RangeError);
    expect(() => frameConfluent(2 ** 31, Buffer.alloc(0))).toThrow(RangeError);
    expect(() => frameConfluent(1.5, Buffer.alloc(0))).toThrow(RangeError);
  });

  it('peeks an id only from a well-formed header', () => {
    expect(peekConfluentSchemaId(frameConfluent(77, Buffer.from([1])))).toBe(77);
    expect(peekConfluentSchemaId(Buffer.from([1, 0, 0, 0, 77]))).toBeUndefined();
    expect(peekConfluentSchemaId(Buffer.from([0, 0, 0]))).toBeUndefined();
    expect(peekConfluentSchemaId(null)).toBeUndefined();
  });
});
