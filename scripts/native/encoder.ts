// Encodes a vendor record for producers, fixtures and benchmarks: raw Avro or Confluent-framed.
import type avro from 'avsc';
import type { AvroRecord } from '../../src/vendors/types.js';
import { frameConfluent, type ValueFormat } from '../../src/decode/framing.js';
import { bundledType } from '../../src/decode/schemas.js';
import type { DecodableFeed } from '../../src/decode/writer-schemas.js';

export interface EncodeOptions {
  readonly format: ValueFormat;
  /** Confluent id to frame with; defaults to the feed's bundled schema id. */
  readonly schemaId?: number;
  /** Writer schema; defaults to the feed's bundled schema (tests write with older/newer ones). */
  readonly type?: avro.Type;
}

/** Throws a TypeError naming the first invalid field when `record` does not match the schema. */
export function encodeRecord(vendor: DecodableFeed, record: AvroRecord, options: EncodeOptions): Buffer {
  const type = options.type ?? bundledType(vendor);
  const problems: string[] = [];
  const valid = type.isValid(record, {
    errorHook: (path, value) => problems.push(`${path.join('.') || '(record)'} = ${describe(value)}`),
  });
  if (!valid) throw new TypeError(`${vendor.id}: record does not match schema ${type.name ?? ''}: ${problems.slice(0, 5).join('; ')}`);
  const body = type.toBuffer(record);
  return options.format === 'confluent' ? frameConfluent(options.schemaId ?? vendor.bundledSchemaId, body) : body;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  // oxlint-disable-next-line typescript/no-base-to-string -- only what JSON cannot show (functions, symbols) reaches String.
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
