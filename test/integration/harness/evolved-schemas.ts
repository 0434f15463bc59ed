// Writer schemas a producer might move to, derived from the bundled ones: evolved (BACKWARD) and breaking.
import type avro from 'avsc';
import { lineagePaths } from '../../../src/decode/projection.js';
import { parseSchema } from '../../../src/decode/schemas.js';
import { readSchemaJson, type AvroSchemaJson } from '../../../src/vendors/shared/schema-file.js';
import type { AvroRecord, VendorFeed } from '../../../src/vendors/types.js';
import { loadFixtures } from '../../../scripts/samples/fixtures.js';
import { fromNative } from '../../../scripts/native/from-native.js';

/** The added field: a producer-side note the detector's reader schema does not know. */
const ADDED_FIELD = { name: 'edr_test_producer_note', type: 'string', default: 'evolved' } as const;

export interface Evolution {
  schema: AvroSchemaJson;
  type: avro.Type;
  /** Dotted Avro path of the field the evolved writer no longer has (its default is null). */
  removed: string;
  /** A bundled-shape record in the evolved writer's shape: the note added, the removed field gone. */
  adapt(record: AvroRecord): AvroRecord;
  /** What the detector's reader sees of an evolved record: the original with the removed field at its default. */
  asReadBack(record: AvroRecord): AvroRecord;
}

interface FieldJson {
  name: string;
  type: unknown;
  default?: unknown;
}

function nestedRecord(type: unknown): { fields: FieldJson[] } | undefined {
  const candidates = Array.isArray(type) ? type : [type];
  return candidates.find(
    (t): t is { fields: FieldJson[] } => typeof t === 'object' && t !== null && (t as { type?: unknown }).type === 'record',
  );
}

function leafPaths(record: { fields: FieldJson[] }, prefix = ''): Array<{ path: string; field: FieldJson }> {
  return record.fields.flatMap((field) => {
    const inner = nestedRecord(field.type);
    return inner ? leafPaths(inner, `${prefix}${field.name}.`) : [{ path: `${prefix}${field.name}`, field }];
  });
}

function at(record: AvroRecord, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((value, key) => (value === null || value === undefined ? value : (value as AvroRecord)[key]), record);
}

/** A deep copy of `record` with the value at `path` removed (`replacement` undefined) or replaced. */
function withPath(record: AvroRecord, path: string, replacement: unknown): AvroRecord {
  const copy = structuredClone(record);
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce<unknown>(
    (value, key) => (value === null || value === undefined ? value : (value as AvroRecord)[key]),
    copy,
  ) as AvroRecord | null | undefined;
  if (parent) {
    if (replacement === undefined) delete parent[last];
    else parent[last] = replacement;
  }
  return copy;
}

/**
 * The field to drop: a leaf with a null default, outside what the rules read and outside the
 * vendor's event identity; preferably one the ECS mapping never reads, else one the samples never set.
 */
function removableField(vendor: VendorFeed, schema: AvroSchemaJson, ruleFields: readonly string[]): string {
  const ruleReads = lineagePaths(vendor, ruleFields);
  const mappingReads = Object.values(vendor.lineage).flat();
  const touches = (reads: readonly string[], path: string) =>
    reads.some((read) => read === path || read.startsWith(`${path}.`) || path.startsWith(`${read}.`));
  const records = loadFixtures(vendor.id).map((fixture) => fromNative(vendor, fixture.native));
  const candidates = leafPaths(schema as unknown as { fields: FieldJson[] })
    .filter(({ path, field }) => field.default === null && !touches(ruleReads, path))
    .filter(({ path }) => records.every((record) => vendor.eventIdentity(record) === vendor.eventIdentity(withPath(record, path, null))))
    .map(({ path }) => path);
  const unread = candidates.find((path) => !touches(mappingReads, path));
  const neverSet = candidates.find((path) => records.every((record) => at(record, path) === null || at(record, path) === undefined));
  const chosen = unread ?? neverSet ?? candidates[0];
  if (!chosen) throw new Error(`${vendor.id}: no field with a default that the rules and the event identity do not read`);
  return chosen;
}

function withoutField(record: { fields: FieldJson[] }, path: string): void {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) {
    record.fields = record.fields.filter((field) => field.name !== head);
    return;
  }
  const inner = nestedRecord(record.fields.find((field) => field.name === head)?.type);
  if (inner) withoutField(inner, rest.join('.'));
}

/** The bundled schema, one top-level field added (with a default), one field removed (that had a default). */
export function evolvedSchema(vendor: VendorFeed, ruleFields: readonly string[]): Evolution {
  const schema = structuredClone(readSchemaJson(vendor.schemaFile));
  const removed = removableField(vendor, schema, ruleFields);
  withoutField(schema as unknown as { fields: FieldJson[] }, removed);
  (schema as unknown as { fields: FieldJson[] }).fields.push({ ...ADDED_FIELD });
  return {
    schema,
    type: parseSchema(schema),
    removed,
    adapt: (record) => ({ ...withPath(record, removed, undefined), [ADDED_FIELD.name]: `${ADDED_FIELD.default}-by-producer` }),
    asReadBack: (record) => withPath(record, removed, null),
  };
}

/** Not BACKWARD compatible with the bundled schema: a new field without a default. */
export function breakingSchema(vendor: VendorFeed): AvroSchemaJson {
  const schema = structuredClone(readSchemaJson(vendor.schemaFile));
  (schema as unknown as { fields: FieldJson[] }).fields.push({ name: 'edr_test_required', type: 'string' });
  return schema;
}
