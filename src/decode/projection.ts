// Builds reader schemas that keep only the Avro fields a rule reads, so most records are never fully decoded.
import type avro from 'avsc';
import { DetectorError } from '../errors.js';
import type { AvroSchemaJson } from '../vendors/shared/schema-file.js';
import type { VendorFeed } from '../vendors/types.js';
import { parseSchema } from './schemas.js';

/*
 * Why projection exists: the detector evaluates every record, but a rule reads four or five fields
 * and all but ~1% of records fail it. Decoding through a resolver from the writer schema to a
 * reader schema holding only those fields lets avsc skip everything else (no strings allocated, no
 * objects built), so the matcher runs on a small record; only a match pays for the full decode
 * that builds the alert. The projection is an ordinary Avro reader schema: the same writer->reader
 * resolution rules (defaults for fields the writer lacks, skipping fields the reader lacks) apply.
 */

type SchemaNode = string | SchemaNode[] | { readonly [key: string]: unknown };
type JsonObject = Record<string, unknown>;

/** A node of the requested path tree; `whole` keeps the field's entire subtree. */
interface PathNode {
  whole: boolean;
  matched: boolean;
  readonly children: Map<string, PathNode>;
}

function pathTree(paths: Iterable<string>): PathNode {
  const root: PathNode = { whole: false, matched: true, children: new Map() };
  for (const path of paths) {
    let node = root;
    for (const segment of path.split('.')) {
      let child = node.children.get(segment);
      if (!child) {
        child = { whole: false, matched: false, children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    }
    node.whole = true;
  }
  return root;
}

function unmatchedPaths(node: PathNode, prefix: string, out: string[]): string[] {
  for (const [segment, child] of node.children) {
    const path = prefix ? `${prefix}.${segment}` : segment;
    if (!child.matched) out.push(path);
    else if (!child.whole) unmatchedPaths(child, path, out);
  }
  return out;
}

/** `name` is a full name; a dotless one needs an explicit empty namespace or it inherits its parent's. */
function namedAttributes(type: avro.Type, extra: JsonObject): JsonObject {
  const name = type.name ?? '';
  const aliases = (type as unknown as { aliases?: string[] }).aliases ?? [];
  return { name, ...(name.includes('.') ? {} : { namespace: '' }), ...extra, ...(aliases.length ? { aliases } : {}) };
}

const jsonDefaultsCache = new WeakMap<avro.Type, Map<string, unknown>>();

/** Field defaults in their JSON form, as avsc exports them. */
function jsonDefaults(record: avro.types.RecordType): Map<string, unknown> {
  let defaults = jsonDefaultsCache.get(record);
  if (!defaults) {
    defaults = new Map();
    const exported = record.schema({ exportAttrs: true }) as { fields: { name: string; default?: unknown }[] };
    for (const field of exported.fields) if ('default' in field) defaults.set(field.name, field.default);
    jsonDefaultsCache.set(record, defaults);
  }
  return defaults;
}

/** The pruned schema of `type`, fully inlined (a named type is spelled out at every use). */
function prune(type: avro.Type, node: PathNode | undefined, stack: Set<avro.Type>): SchemaNode {
  const typeName = type.typeName;
  if (typeName === 'record' || typeName === 'error') {
    if (stack.has(type)) throw new Error(`recursive type ${type.name ?? ''} cannot be projected`);
    stack.add(type);
    const record = type as avro.types.RecordType;
    const defaults = jsonDefaults(record);
    const fields: JsonObject[] = [];
    for (const field of record.fields) {
      const child = node === undefined || node.whole ? undefined : node.children.get(field.name);
      if (node && !node.whole && !child) continue;
      if (child) child.matched = true;
      const kept = child?.whole ? undefined : child;
      const out: JsonObject = { name: field.name, type: prune(field.type, kept, stack) };
      if (defaults.has(field.name)) out.default = pruneValue(field.type, kept, defaults.get(field.name));
      if (field.aliases.length) out.aliases = field.aliases;
      fields.push(out);
    }
    stack.delete(type);
    return namedAttributes(type, { type: 'record', fields });
  }
  if (typeName === 'array') return { type: 'array', items: prune((type as avro.types.ArrayType).itemsType, node, stack) };
  if (typeName === 'map') return { type: 'map', values: prune((type as avro.types.MapType).valuesType, node, stack) };
  if (typeName.startsWith('union')) return (type as avro.types.UnwrappedUnionType).types.map((branch) => prune(branch, node, stack));
  if (typeName.startsWith('logical')) return prune((type as avro.types.LogicalType).underlyingType, node, stack);
  if (typeName === 'enum') {
    const enumType = type as avro.types.EnumType & { default?: string };
    return namedAttributes(type, {
      type: 'enum',
      symbols: [...enumType.symbols],
      ...(enumType.default === undefined ? {} : { default: enumType.default }),
    });
  }
  if (typeName === 'fixed') return namedAttributes(type, { type: 'fixed', size: (type as avro.types.FixedType).size });
  // Paths cannot continue below a primitive; they stay unmatched and are reported.
  return typeName === 'abstract:long' ? 'long' : typeName;
}

/** A default value cut down to the fields its pruned type still has. */
function pruneValue(type: avro.Type, node: PathNode | undefined, value: unknown): unknown {
  if (node === undefined || value === null || typeof value !== 'object') return value;
  const typeName = type.typeName;
  if (typeName === 'record' || typeName === 'error') {
    const out: JsonObject = {};
    for (const field of (type as avro.types.RecordType).fields) {
      const child = node.children.get(field.name);
      if (child && field.name in (value as JsonObject)) {
        out[field.name] = pruneValue(field.type, child.whole ? undefined : child, (value as JsonObject)[field.name]);
      }
    }
    return out;
  }
  if (typeName === 'array' && Array.isArray(value))
    return value.map((item) => pruneValue((type as avro.types.ArrayType).itemsType, node, item));
  if (typeName === 'map') {
    const values = (type as avro.types.MapType).valuesType as avro.Type;
    return Object.fromEntries(Object.entries(value as JsonObject).map(([key, item]) => [key, pruneValue(values, node, item)]));
  }
  if (typeName.startsWith('union')) {
    // A union default belongs to its first branch.
    const first = (type as avro.types.UnwrappedUnionType).types[0];
    return first ? pruneValue(first, node, value) : value;
  }
  return value;
}

/**
 * Re-emits an inlined schema as valid Avro: the first definition of a named type keeps its name
 * and later identical ones become references. A name pruned two different ways (the same `Process`
 * record under `process` and `parent`) gets a fresh name whose alias is the original, which is
 * what lets the writer's type still resolve to it.
 */
function emitNamed(node: SchemaNode, shapes: Map<string, Map<string, string>>, used: Set<string>): SchemaNode {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return node.map((branch) => emitNamed(branch, shapes, used));
  const object = node;
  if (object.type === 'array') return { ...object, items: emitNamed(object.items as SchemaNode, shapes, used) };
  if (object.type === 'map') return { ...object, values: emitNamed(object.values as SchemaNode, shapes, used) };
  const name = object.name as string;
  const shape = JSON.stringify(object);
  let byShape = shapes.get(name);
  if (!byShape) shapes.set(name, (byShape = new Map()));
  const existing = byShape.get(shape);
  if (existing) return existing;
  let assigned = name;
  for (let n = 2; used.has(assigned); n++) assigned = `${name}_projection${n}`;
  used.add(assigned);
  byShape.set(shape, assigned);
  const out: JsonObject = { ...object, name: assigned };
  if (assigned !== name) out.aliases = [...((object.aliases as string[] | undefined) ?? []), name];
  if (object.type === 'record') {
    out.fields = (object.fields as JsonObject[]).map((field) => ({ ...field, type: emitNamed(field.type as SchemaNode, shapes, used) }));
  }
  return out;
}

/**
 * The reader schema of `type` that keeps only `paths` (dotted Avro field names, `tgt.process.name`):
 * records on the way are pruned to the fields leading to a path, a path's last field is kept whole,
 * unions/arrays/maps are walked through. Throws CONFIG_INVALID for a path the schema does not have.
 */
export function projectSchema(type: avro.Type, paths: Iterable<string>): AvroSchemaJson {
  // No paths is a valid projection too: a record of no fields, every byte skipped.
  const tree = pathTree(paths);
  const inlined = prune(type, tree, new Set());
  const missing = unmatchedPaths(tree, '', []);
  if (missing.length) {
    throw new DetectorError(
      'CONFIG_INVALID',
      `projection of ${type.name ?? 'schema'}: no such field ${missing.map((p) => `"${p}"`).join(', ')}`,
    );
  }
  return emitNamed(inlined, new Map(), new Set()) as AvroSchemaJson;
}

const projectionCache = new WeakMap<avro.Type, Map<string, avro.Type>>();

/** `projectSchema` parsed into a type; cached per (type, field set). */
export function projectedType(type: avro.Type, paths: Iterable<string>): avro.Type {
  const sorted = [...new Set(paths)].sort();
  const key = sorted.join('\n');
  let byKey = projectionCache.get(type);
  if (!byKey) projectionCache.set(type, (byKey = new Map()));
  let projected = byKey.get(key);
  if (!projected) {
    projected = parseSchema(projectSchema(type, sorted));
    byKey.set(key, projected);
  }
  return projected;
}

/** The Avro paths a vendor's `toEcs` reads to set the given ECS fields (its lineage), deduplicated. */
export function lineagePaths(vendor: Pick<VendorFeed, 'lineage'>, ecsFields: Iterable<string>): string[] {
  const paths = new Set<string>();
  for (const field of ecsFields) for (const path of vendor.lineage[field] ?? []) paths.add(path);
  return [...paths];
}
