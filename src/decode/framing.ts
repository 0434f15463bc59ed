// Kafka value framing: bare Avro (`raw`) or the Confluent wire format (magic 0, 4-byte schema id, Avro).
import { decodeError } from './decode-error.js';

export type ValueFormat = 'raw' | 'confluent';

const CONFLUENT_MAGIC = 0;
export const CONFLUENT_HEADER_BYTES = 5;

/** Rejects a tombstone or zero-length value: neither can hold a record. */
export function requireValue(vendorId: string, value: Buffer | null | undefined): Buffer {
  if (value === null || value === undefined) throw decodeError('DECODE_EMPTY_VALUE', vendorId, 'record value is null (tombstone)');
  if (value.length === 0) throw decodeError('DECODE_EMPTY_VALUE', vendorId, 'record value is empty');
  return value;
}

/** The writer schema id of a Confluent-framed value; throws DECODE_BAD_MAGIC when it is not one. */
export function confluentSchemaId(vendorId: string, value: Buffer): number {
  if (value[0] !== CONFLUENT_MAGIC) {
    const first = (value[0] ?? 0).toString(16).padStart(2, '0');
    // `{` or a printable byte usually means JSON or raw Avro was produced to a Confluent topic.
    throw decodeError('DECODE_BAD_MAGIC', vendorId, `Confluent magic byte is 0x${first}, expected 0x00 (value is not Confluent-framed)`);
  }
  if (value.length < CONFLUENT_HEADER_BYTES) {
    throw decodeError(
      'DECODE_BAD_MAGIC',
      vendorId,
      `value of ${value.length} bytes is shorter than the ${CONFLUENT_HEADER_BYTES}-byte Confluent header`,
    );
  }
  return value.readInt32BE(1);
}

/** The schema id without validation, for batch look-ahead; undefined when the frame is malformed. */
export function peekConfluentSchemaId(value: Buffer | null | undefined): number | undefined {
  if (!value || value.length < CONFLUENT_HEADER_BYTES || value[0] !== CONFLUENT_MAGIC) return undefined;
  return value.readInt32BE(1);
}

/** Prepends the Confluent header to an Avro body. */
export function frameConfluent(schemaId: number, body: Buffer): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0x7fffffff) {
    throw new RangeError(`Confluent schema id must be an integer in [0, 2^31): ${schemaId}`);
  }
  const framed = Buffer.allocUnsafe(CONFLUENT_HEADER_BYTES + body.length);
  framed[0] = CONFLUENT_MAGIC;
  framed.writeInt32BE(schemaId, 1);
  body.copy(framed, CONFLUENT_HEADER_BYTES);
  return framed;
}
