// The one place Avro bytes become a record: every way a body can be wrong ends here as a typed error.
import type avro from 'avsc';
import type { AvroRecord } from '../vendors/types.js';
import { decodeError } from './decode-error.js';

/** avsc does not export its resolver class; this is what `createResolver` returns. */
export type Resolver = ReturnType<avro.Type['createResolver']>;

/**
 * Decodes the Avro body of `value` starting at `offset` with `type` (through `resolver` when the
 * writer schema differs). The body must be exactly one record: fewer bytes is DECODE_INVALID_AVRO,
 * more is DECODE_TRAILING_BYTES (a wrong schema often "decodes" a prefix, so leftovers mean doubt).
 */
export function readBody(vendorId: string, type: avro.Type, resolver: Resolver | undefined, value: Buffer, offset: number): AvroRecord {
  let decoded: { value: unknown; offset: number };
  try {
    decoded = type.decode(value, offset, resolver);
  } catch (error) {
    // avsc throws on an out-of-range union or enum index; RangeError on absurd sizes.
    throw decodeError('DECODE_INVALID_AVRO', vendorId, `invalid Avro body: ${reasonOf(error)}`, error);
  }
  const end = decoded.offset;
  if (end < 0) {
    throw decodeError('DECODE_INVALID_AVRO', vendorId, `truncated Avro body (${value.length - offset} bytes do not hold a whole record)`);
  }
  if (end !== value.length) {
    throw decodeError(
      'DECODE_TRAILING_BYTES',
      vendorId,
      `${value.length - end} bytes left after the record (of ${value.length - offset}); wrong schema?`,
    );
  }
  return decoded.value as AvroRecord;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
