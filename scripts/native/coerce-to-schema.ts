// Converts reshaped vendor JSON values to the primitive types a record schema declares, so they encode.
import type { AvroRecord } from '../../src/vendors/types.js';

/*
 * Vendors are loose about JSON types: SentinelOne sends a pid as 3596 in one record and "3596" in
 * another, and a producer may hand CrowdStrike's all-string map a number. fromNative runs the
 * reshaped record through this so every value fits its field: numbers become strings for string
 * fields, integral text becomes numbers for long/int fields, and what cannot convert without loss
 * becomes null (every field of our schemas is nullable) instead of failing the encode.
 */

type Primitive = 'string' | 'long' | 'int' | 'boolean' | 'double' | 'float';

interface FieldNode {
  name: string;
  type: unknown;
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
// The largest doubles that still fit a signed 64-bit long (2^63 itself does not).
const LONG_MIN = -(2 ** 63);
const LONG_MAX = 2 ** 63 - 1024;

function branches(type: unknown): unknown[] {
  return Array.isArray(type) ? type : [type];
}

function recordFieldsOf(type: unknown): FieldNode[] | undefined {
  for (const branch of branches(type)) {
    if (branch !== null && typeof branch === 'object' && (branch as { type?: unknown }).type === 'record') {
      return (branch as { fields: FieldNode[] }).fields;
    }
  }
  return undefined;
}

function primitiveOf(type: unknown): Primitive | undefined {
  for (const branch of branches(type)) {
    const name = typeof branch === 'string' ? branch : (branch as { type?: unknown } | null)?.type;
    if (name === 'string' || name === 'long' || name === 'int' || name === 'boolean' || name === 'double' || name === 'float') {
      return name;
    }
  }
  return undefined;
}

function toInteger(value: unknown, min: number, max: number): number | null {
  const number = typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= min && number <= max ? number : null;
}

function coerceValue(value: unknown, primitive: Primitive): unknown {
  if (value === null || value === undefined) return null;
  switch (primitive) {
    case 'string':
      if (typeof value === 'string') return value;
      return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : null;
    case 'long':
      return toInteger(value, LONG_MIN, LONG_MAX);
    case 'int':
      return toInteger(value, INT_MIN, INT_MAX);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return value === 'true' ? true : value === 'false' ? false : null;
    case 'double':
    case 'float': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof number === 'number' && !Number.isNaN(number) ? number : null;
    }
  }
}

/** `record` (shaped like `schema` by nativeToAvro) with each leaf converted to its field's type. */
export function coerceToSchema(schema: unknown, record: AvroRecord): AvroRecord {
  const out: AvroRecord = {};
  for (const field of recordFieldsOf(schema) ?? []) {
    const value = record[field.name];
    const children = recordFieldsOf(field.type);
    if (children) {
      out[field.name] =
        value !== null && typeof value === 'object' && !Array.isArray(value) ? coerceToSchema(field.type, value as AvroRecord) : null;
      continue;
    }
    const primitive = primitiveOf(field.type);
    out[field.name] = primitive ? coerceValue(value, primitive) : (value ?? null);
  }
  return out;
}
