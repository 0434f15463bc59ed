// Reshapes vendor-native JSON (nested objects or flat dotted keys) into a record schema's shape.
import type { AvroRecord } from '../types.js';

/** The subset of an Avro schema (as JSON) this converter walks. */
type SchemaNode = string | SchemaNode[] | { type: SchemaNode; name?: string; fields?: FieldNode[]; items?: SchemaNode };
interface FieldNode {
  name: string;
  type: SchemaNode;
  /** Native key when it differs from the Avro name (Avro names cannot hold `.` or `@`). */
  aliases?: string[];
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

function lookup(native: Record<string, unknown>, dottedPrefix: string, key: string): unknown {
  const flat = native[dottedPrefix + key];
  if (flat !== undefined) return flat;
  return undefined;
}

/**
 * Builds the Avro-shaped record for `schema` from `native`. A field is looked up as a nested key
 * (`{"tgt": {"process": ...}}`) or as a flat dotted key (`"tgt.process.name"`), under its name or
 * any alias (`@timestamp` for `timestamp`). Absent values become null.
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
    const names = [field.name, ...(field.aliases ?? [])];
    const childFields = recordFields(field.type);
    if (childFields) {
      let child: Record<string, unknown> | undefined;
      let childName = field.name;
      for (const name of names) {
        const candidate = nested?.[name];
        if (candidate !== null && typeof candidate === 'object' && !Array.isArray(candidate)) {
          child = candidate as Record<string, unknown>;
          childName = name;
          break;
        }
      }
      const prefix = dottedPrefix + childName + '.';
      const hasFlat = Object.keys(root).some((k) => names.some((n) => k.startsWith(dottedPrefix + n + '.')));
      out[field.name] = child || hasFlat ? buildRecord(field.type, child, root, prefix) : null;
      continue;
    }
    let value: unknown = undefined;
    for (const name of names) {
      value = nested?.[name] ?? lookup(root, dottedPrefix, name);
      if (value !== undefined) break;
    }
    out[field.name] = value ?? null;
  }
  return out;
}
