// Loads the bundled per-vendor Avro schemas from schemas/ into avsc types.
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { packagePath } from '../package-root.js';
import type { VendorFeed } from '../vendors/types.js';
import { TolerantLongType } from './long-type.js';

export type AvroSchemaJson = Record<string, unknown>;

const typeCache = new Map<string, avro.Type>();

export function readSchemaJson(schemaFile: string): AvroSchemaJson {
  return JSON.parse(readFileSync(packagePath('schemas', schemaFile), 'utf8')) as AvroSchemaJson;
}

/** Parses a schema with the project's type options (tolerant longs); the same options everywhere. */
export function parseSchema(schema: AvroSchemaJson | string): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { registry: { long: TolerantLongType } });
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
