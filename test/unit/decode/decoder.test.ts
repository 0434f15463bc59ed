// Full decoding: raw and Confluent framing, writer->reader resolution, and every typed failure.
import { describe, expect, it } from 'vitest';
import { createDecoder, type RecordDecoder } from '../../../src/decode/decoder.js';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { frameConfluent } from '../../../src/decode/framing.js';
import { parseSchema } from '../../../src/decode/schemas.js';
import { SCHEMA_PENDING } from '../../../src/decode/writer-schemas.js';
import { DetectorError, type ErrorCode } from '../../../src/errors.js';
import { OTHER_FEED, otherType, sampleRecord, TEST_FEED, TEST_SCHEMA, testSchemaOf, testType, withFields } from './test-feed.js';

const raw = createDecoder({ format: 'raw', schemaOf: testSchemaOf });
const confluent = createDecoder({ format: 'confluent', schemaOf: testSchemaOf, vendors: [TEST_FEED, OTHER_FEED] });

function decodeError(decoder: RecordDecoder, value: Buffer | null): DetectorError {
  try {
    decoder.decodeSync(TEST_FEED, value);
  } catch (error) {
    expect(error).toBeInstanceOf(DetectorError);
    return error as DetectorError;
  }
  throw new Error('expected decoding to fail');
}

function expectFailure(decoder: RecordDecoder, value: Buffer | null, code: ErrorCode, reason?: RegExp): void {
  const error = decodeError(decoder, value);
  expect(error.code).toBe(code);
  expect(error.stage).toBe('decode');
  expect(error.message).toContain(TEST_FEED.id);
  if (reason) expect(error.message).toMatch(reason);
}

describe('round trips', () => {
  it('decodes raw Avro to the record that was encoded', () => {
    const record = sampleRecord();
    const value = encodeRecord(TEST_FEED, record, { format: 'raw', type: testType });
    expect(raw.decodeSync(TEST_FEED, value)).toEqual(record);
  });

  it('decodes the Confluent wire format with the bundled schema id', () => {
    const record = sampleRecord({ host: null, parent: null, labels: {} });
    const value = encodeRecord(TEST_FEED, record, { format: 'confluent', type: testType });
    expect([...value.subarray(0, 5)]).toEqual([0, 0, 0, 0x23, 0x29]); // magic 0, id 9001 big-endian
    expect(confluent.decodeSync(TEST_FEED, value)).toEqual(record);
  });

  it('keeps a long past 2^53 as the nearest double instead of failing', () => {
    const record = sampleRecord({ timestamp: 2 ** 60 + 2 ** 9 });
    const decoded = raw.decodeSync(TEST_FEED, encodeRecord(TEST_FEED, record, { format: 'raw', type: testType }));
    expect(decoded).toMatchObject({ timestamp: 2 ** 60 + 2 ** 9 });
  });

  it('decode() answers synchronously when no registry look-up is needed', () => {
    const value = encodeRecord(TEST_FEED, sampleRecord(), { format: 'confluent', type: testType });
    const result = confluent.decode(TEST_FEED, value);
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toEqual(sampleRecord());
  });

  it('never reports a pending schema without a registry', () => {
    const value = encodeRecord(TEST_FEED, sampleRecord(), { format: 'confluent', type: testType });
    expect(confluent.prepare([value])).toBeUndefined();
    expect(confluent.decodeSync(TEST_FEED, value)).not.toBe(SCHEMA_PENDING);
  });
});

describe('writer -> reader resolution', () => {
  // An older producer: no `elevated`, no `labels`, and Process without `start`.
  const olderSchema = withFields(TEST_SCHEMA, (fields) => {
    const kept = fields.filter((field) => field.name !== 'elevated' && field.name !== 'labels');
    const process = kept.find((field) => field.name === 'process') as { type: { fields: { name: string }[] } };
    process.type.fields = process.type.fields.filter((field) => field.name !== 'start');
    return kept;
  });
  // A newer producer: an extra top-level field and an extra Process field, both unknown to the reader.
  const newerSchema = withFields(TEST_SCHEMA, (fields) => {
    const process = fields.find((field) => field.name === 'process') as { type: { fields: unknown[] } };
    process.type.fields.push({ name: 'cwd', type: ['null', 'string'], default: null });
    return [...fields, { name: 'container_id', type: ['null', 'string'], default: null }];
  });

  function decoderWithWriter(id: number, writer: ReturnType<typeof parseSchema>): RecordDecoder {
    const writerFeed = { id: 'writer', schemaFile: 'writer.avsc', bundledSchemaId: id };
    return createDecoder({
      format: 'confluent',
      vendors: [TEST_FEED, writerFeed],
      schemaOf: (vendor) => (vendor.id === 'writer' ? writer : testSchemaOf(vendor)),
    });
  }

  it('fills fields an older writer lacks with the reader defaults', () => {
    const older = parseSchema(olderSchema);
    const { elevated: _elevated, labels: _labels, ...olderRecord } = sampleRecord();
    const value = encodeRecord(TEST_FEED, olderRecord, { format: 'confluent', schemaId: 7, type: older });
    const decoded = decoderWithWriter(7, older).decodeSync(TEST_FEED, value);
    expect(decoded).toEqual({
      ...sampleRecord(),
      elevated: false,
      labels: {},
      process: { ...(sampleRecord().process as object), start: null },
      parent: { ...(sampleRecord().parent as object), start: null },
    });
  });

  it('skips fields only a newer writer has', () => {
    const newer = parseSchema(newerSchema);
    const record = sampleRecord();
    const newerRecord = {
      ...record,
      container_id: 'c0ffee',
      process: { ...(record.process as object), cwd: '/var/lib/postgresql' },
      parent: { ...(record.parent as object), cwd: null },
    };
    const value = encodeRecord(TEST_FEED, newerRecord, { format: 'confluent', schemaId: 8, type: newer });
    const decoded = decoderWithWriter(8, newer).decodeSync(TEST_FEED, value);
    expect(decoded).toEqual(record);
    expect(decoded).not.toHaveProperty('container_id');
  });

  it('rejects an incompatible writer schema with a typed error, never a record', () => {
    const incompatible = parseSchema(
      withFields(TEST_SCHEMA, (fields) =>
        fields.map((field) => (field.name === 'timestamp' ? { name: 'timestamp', type: 'string' } : field)),
      ),
    );
    const value = encodeRecord(TEST_FEED, sampleRecord({ timestamp: '2024-01-01' }), {
      format: 'confluent',
      schemaId: 9,
      type: incompatible,
    });
    const decoder = decoderWithWriter(9, incompatible);
    expectFailure(decoder, value, 'DECODE_INCOMPATIBLE_SCHEMA', /writer schema id 9/);
    // The verdict is cached per (id, vendor) and stays the same.
    expectFailure(decoder, value, 'DECODE_INCOMPATIBLE_SCHEMA');
  });

  it('resolves another vendor`s bundled id like any writer schema (incompatible here)', () => {
    const value = encodeRecord(OTHER_FEED, { id: 'x', count: 1 }, { format: 'confluent', type: otherType });
    expectFailure(confluent, value, 'DECODE_INCOMPATIBLE_SCHEMA', /9002/);
    expect(confluent.decodeSync(OTHER_FEED, value)).toEqual({ id: 'x', count: 1 });
  });
});

describe('framing and body failures', () => {
  const valid = encodeRecord(TEST_FEED, sampleRecord(), { format: 'confluent', type: testType });

  it('reports an unknown schema id', () => {
    expectFailure(confluent, frameConfluent(4711, valid.subarray(5)), 'DECODE_UNKNOWN_SCHEMA', /4711/);
  });

  it('reports a value that is not Confluent-framed', () => {
    expectFailure(confluent, Buffer.from('{"event":"json"}'), 'DECODE_BAD_MAGIC', /0x7b/);
    expectFailure(confluent, Buffer.from([0, 0, 0x23]), 'DECODE_BAD_MAGIC', /shorter/);
  });

  it('reports null and empty values', () => {
    for (const decoder of [raw, confluent]) {
      expectFailure(decoder, null, 'DECODE_EMPTY_VALUE', /null/);
      expectFailure(decoder, Buffer.alloc(0), 'DECODE_EMPTY_VALUE', /empty/);
    }
  });

  it('reports a truncated body at every cut', () => {
    const body = valid.subarray(5);
    for (let length = 1; length < body.length; length++) {
      expect(decodeError(raw, body.subarray(0, length)).code).toBe('DECODE_INVALID_AVRO');
    }
    expectFailure(confluent, valid.subarray(0, 5), 'DECODE_INVALID_AVRO', /truncated/);
  });

  it('reports bytes left after the record', () => {
    expectFailure(confluent, Buffer.concat([valid, Buffer.from([1, 2, 3])]), 'DECODE_TRAILING_BYTES', /3 bytes left/);
    expectFailure(raw, Buffer.concat([valid.subarray(5), Buffer.from([0])]), 'DECODE_TRAILING_BYTES');
  });

  it('reports an out-of-range union index as invalid Avro', () => {
    // timestamp 0, event{action "", type [], severity 0}, then host union index 9 (zig-zag 18).
    expectFailure(raw, Buffer.from([0, 0, 0, 0, 18]), 'DECODE_INVALID_AVRO', /union/);
  });
});
