// Test support: random records shaped like a vendor schema, and the helpers the lineage property tests need.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EcsEvent } from '../../../../src/ecs/event.js';
import type { AvroRecord, VendorFeed } from '../../../../src/vendors/types.js';

interface FieldNode {
  name: string;
  type: unknown;
}

function recordFields(type: unknown): FieldNode[] | undefined {
  for (const branch of Array.isArray(type) ? type : [type]) {
    if (branch !== null && typeof branch === 'object' && (branch as { type?: unknown }).type === 'record') {
      return (branch as { fields: FieldNode[] }).fields;
    }
  }
  return undefined;
}

function isLong(type: unknown): boolean {
  return (Array.isArray(type) ? type : [type]).includes('long');
}

/** Values worth hitting: pools of the vendor's meaningful values, odd text and extreme numbers. */
export interface ValuePools {
  readonly strings: readonly string[];
  readonly longs: readonly number[];
}

const ODD_TEXT = fc.string({ unit: fc.constantFrom(' ', '\t', '"', '\\', '/', '-', 'a', 'Z', '.', '0', '1', 'é', '\u0000') });
const ODD_LONGS = [0, -1, 1, 999, 1000, 2023, 9999, 10_000, 2 ** 31, -(2 ** 31), 2 ** 53, -(2 ** 53), 2 ** 62, -(2 ** 62)];

function leafArbitrary(type: unknown, pools: ValuePools): fc.Arbitrary<unknown> {
  const value: fc.Arbitrary<unknown> = isLong(type)
    ? fc.oneof(fc.constantFrom(...pools.longs, ...ODD_LONGS), fc.integer(), fc.maxSafeInteger())
    : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pools.strings) }, ODD_TEXT, fc.string());
  return fc.option(value, { nil: null, freq: 3 });
}

/** Random records of `schema` (as decoded: nested objects, nullable everything). */
export function recordArbitrary(schema: unknown, pools: ValuePools): fc.Arbitrary<AvroRecord> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of recordFields(schema) ?? []) {
    shape[field.name] = recordFields(field.type)
      ? fc.option(recordArbitrary(field.type, pools), { nil: null, freq: 5 })
      : leafArbitrary(field.type, pools);
  }
  return fc.record(shape) as fc.Arbitrary<AvroRecord>;
}

/** Every leaf path of a schema, dotted. */
function schemaLeafPaths(schema: unknown, prefix = ''): string[] {
  const paths: string[] = [];
  for (const field of recordFields(schema) ?? []) {
    const path = prefix + field.name;
    if (recordFields(field.type)) paths.push(...schemaLeafPaths(field.type, `${path}.`));
    else paths.push(path);
  }
  return paths;
}

export function valueAtPath(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | null | undefined)?.[key], doc);
}

function setAtPath(record: AvroRecord, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = record;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || next === undefined || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value ?? null;
}

/** `other` with the values at `paths` taken from `source`. */
function withFieldsFrom(source: AvroRecord, other: AvroRecord, paths: readonly string[]): AvroRecord {
  const mixed = structuredClone(other);
  for (const path of paths) setAtPath(mixed, path, valueAtPath(source, path));
  return mixed;
}

/** The dotted paths of an ECS document's leaves (arrays count as leaves). */
export function ecsLeafPaths(doc: EcsEvent, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const path = prefix + key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) paths.push(...ecsLeafPaths(value as EcsEvent, `${path}.`));
    else paths.push(path);
  }
  return paths;
}

/*
 * The rule's query read literally (RULE.md): case-sensitive equality, any array element may
 * satisfy a comparison, a missing field satisfies nothing. Keeps each fixture's `alert` honest.
 */
const ACTIONS = new Set(['exec', 'exec_event', 'start', 'ProcessRollup2']);
export const DUMP_TOOLS: ReadonlySet<string> = new Set(['pg_dump', 'pg_dumpall', 'mysqldump', 'mariadb-dump', 'mongodump']);
function anyIn(value: unknown, wanted: ReadonlySet<string>): boolean {
  return (Array.isArray(value) ? value : [value]).some((item) => typeof item === 'string' && wanted.has(item));
}
export function ruleFires(ecs: EcsEvent): boolean {
  return (
    anyIn(ecs.event?.category, new Set(['process'])) &&
    anyIn(ecs.host?.os?.type, new Set(['linux'])) &&
    anyIn(ecs.event?.type, new Set(['start'])) &&
    anyIn(ecs.event?.action, ACTIONS) &&
    anyIn(ecs.process?.name, DUMP_TOOLS)
  );
}

/** The fields the compiled rule reads; their lineage must be complete for projection to be safe. */
export const RULE_FIELDS = ['host.os.type', 'event.type', 'event.action', 'event.category', 'process.name'] as const;

/**
 * The lineage contract as properties: lineage names only schema fields, covers every field toEcs
 * sets, and is complete (an ECS field never changes when only fields outside its lineage change),
 * which is what lets the pipeline decode just the lineage of the rule's fields.
 */
export function describeLineage(vendor: VendorFeed, schema: unknown, records: fc.Arbitrary<AvroRecord>): void {
  describe(`${vendor.id} lineage contract`, () => {
    it('names only fields of the schema', () => {
      const leaves = new Set(schemaLeafPaths(schema));
      for (const [field, paths] of Object.entries(vendor.lineage)) {
        for (const path of paths) expect(leaves.has(path), `${field} <- ${path}`).toBe(true);
      }
    });

    it('has an entry for every field toEcs sets', () => {
      fc.assert(
        fc.property(records, (record) => {
          for (const path of ecsLeafPaths(vendor.toEcs(record))) expect(vendor.lineage, path).toHaveProperty([path]);
        }),
        { numRuns: 300 },
      );
    });

    it('is complete: an ECS field keeps its value whatever the fields outside its lineage hold', () => {
      for (const [field, paths] of Object.entries(vendor.lineage)) {
        fc.assert(
          fc.property(records, records, (source, other) => {
            const expected = valueAtPath(vendor.toEcs(source), field);
            expect(valueAtPath(vendor.toEcs(withFieldsFrom(source, other, paths)), field), field).toEqual(expected);
          }),
          { numRuns: 150 },
        );
      }
    });

    it('covers the fields the rule reads', () => {
      for (const field of RULE_FIELDS) expect(vendor.lineage[field], field).toBeDefined();
    });
  });
}
