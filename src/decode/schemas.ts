// Loads the bundled per-vendor Avro schemas from schemas/ into avsc types.
import avro from 'avsc';
import { readSchemaJson, type AvroSchemaJson } from '../vendors/shared/schema-file.js';
import type { VendorFeed } from '../vendors/types.js';
import { hardenedTypeHook } from './harden.js';
import { TolerantLongType } from './long-type.js';

const typeCache = new Map<string, avro.Type>();
const longAwareHook = hardenedTypeHook(TolerantLongType);

/**
 * Parses a schema with the project's type options (tolerant longs) and readers hardened against
 * forged counts (see harden.ts); the same options everywhere. A string is parsed as schema JSON
 * (or a primitive type name), as a schema registry returns it.
 */
export function parseSchema(schema: AvroSchemaJson | string): avro.Type {
  const json = typeof schema === 'string' ? parseSchemaText(schema) : schema;
  return avro.Type.forSchema(json as avro.Schema, { registry: { long: TolerantLongType }, typeHook: longAwareHook });
}

function parseSchemaText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // a bare primitive name such as `string` is a valid schema too
  }
}

/** The bundled schema of a vendor as an avsc type (cached: types are immutable). */
export function bundledType(vendor: Pick<VendorFeed, 'schemaFile'>): avro.Type {
  let type = typeCache.get(vendor.schemaFile);
  if (!type) {
    type = parseSchema(readSchemaJson(vendor.schemaFile));
    typeCache.set(vendor.schemaFile, type);
  }
  return type;
}
