// Reshapes vendor-native JSON (nested objects or flat dotted keys) into a record schema's shape.
import type { AvroRecord } from '../../src/vendors/types.js';

/** The subset of an Avro schema (as JSON) this converter walks. */
type SchemaNode = string | SchemaNode[] | { type: SchemaNode; name?: string; fields?: FieldNode[]; items?: SchemaNode };
interface FieldNode {
  name: string;
  type: SchemaNode;
}

function recordFields(node: SchemaNode): FieldNode[] | undefined {
  if (Array.isArray(node)) {
    for (const branch of node) {
      const fields = recordFields(branch);
      if (fields) return fields;
    }
    return undefined;
  }
  if (typeof node === 'object' && node.type === 'record') return node.fields;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Builds the Avro-shaped record for `schema` from `native`. A field is looked up as a nested key
 * (`{"tgt": {"process": ...}}`) or as a flat dotted key (`"tgt.process.name"`); keys Avro names
 * cannot spell (`@timestamp`) are the vendor module's to rename first. Absent values become null.
 */
export function nativeToAvro(schema: SchemaNode, native: Record<string, unknown>): AvroRecord {
  return buildRecord(schema, native, native, '');
}

function buildRecord(
  schema: SchemaNode,
  nested: Record<string, unknown> | undefined,
  root: Record<string, unknown>,
  dottedPrefix: string,
): AvroRecord {
  const out: AvroRecord = {};
  for (const field of recordFields(schema) ?? []) {
    if (recordFields(field.type)) {
      const child = nested?.[field.name];
      const prefix = `${dottedPrefix}${field.name}.`;
      const hasFlat = Object.keys(root).some((key) => key.startsWith(prefix));
      out[field.name] = isObject(child) || hasFlat ? buildRecord(field.type, isObject(child) ? child : undefined, root, prefix) : null;
      continue;
    }
    out[field.name] = nested?.[field.name] ?? root[dottedPrefix + field.name] ?? null;
  }
  return out;
}
