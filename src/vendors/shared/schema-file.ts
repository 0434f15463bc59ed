// Reads a vendor's bundled Avro schema (schemas/<file>) as JSON: the vendor owns its schema file; decode parses it.
import { readFileSync } from 'node:fs';
import { packagePath } from '../../package-root.js';

export type AvroSchemaJson = Record<string, unknown>;

export function readSchemaJson(schemaFile: string): AvroSchemaJson {
  return JSON.parse(readFileSync(packagePath('schemas', schemaFile), 'utf8')) as AvroSchemaJson;
}
