// Tooling, never the hot path: a record as a vendor ships it (JSON) in the shape of the feed's Avro schema, for fixtures, samples and the demo.
import type { AvroRecord, VendorFeed } from '../../src/vendors/types.js';
import { readSchemaJson } from '../../src/vendors/shared/schema-file.js';
import { coerceToSchema } from './coerce-to-schema.js';
import { nativeToAvro } from './native-to-avro.js';

type SchemaJson = Parameters<typeof nativeToAvro>[0];
type Reshape = (schema: SchemaJson, native: Record<string, unknown>) => AvroRecord;

/** Feeds whose JSON mixes text and numbers loosely (the default): reshape, then coerce each value to its declared type. */
const coercing: Reshape = (schema, native) => coerceToSchema(schema, nativeToAvro(schema, native));

/** Per vendor id, where the default does not fit. */
const RESHAPES: Record<string, Reshape> = {
  // Avro names cannot hold `@`: the Defend schema spells ECS `@timestamp` as a top-level `timestamp`.
  'elastic-defend': (schema, native) => {
    const { '@timestamp': timestamp, ...rest } = native;
    return nativeToAvro(schema, timestamp === undefined ? rest : { ...rest, timestamp });
  },
  // Endgame's JSON is typed as its schema is: reshaping is enough.
  endgame: (schema, native) => nativeToAvro(schema, native),
};

const schemas = new Map<string, SchemaJson>();

/** Flat dotted keys (as shipped) or nested objects, as the feed's bundled Avro schema has them. */
export function fromNative(vendor: Pick<VendorFeed, 'id' | 'schemaFile'>, native: Record<string, unknown>): AvroRecord {
  let schema = schemas.get(vendor.schemaFile);
  if (schema === undefined) schemas.set(vendor.schemaFile, (schema = readSchemaJson(vendor.schemaFile) as SchemaJson));
  return (RESHAPES[vendor.id] ?? coercing)(schema, native);
}
