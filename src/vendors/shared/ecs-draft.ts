// A mutable nested document addressed by dotted paths, read from decoded Avro records and pruned like Elastic's cleanup scripts.
import type { AvroRecord } from '../types.js';

export type Draft = Record<string, unknown>;

const segmentCache = new Map<string, readonly string[]>();
function segments(path: string): readonly string[] {
  let parts = segmentCache.get(path);
  if (!parts) {
    parts = path.split('.');
    segmentCache.set(path, parts);
  }
  return parts;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value at a dotted path of a nested record (Avro record or draft), undefined when absent. */
export function valueAt(record: AvroRecord | Draft, path: string): unknown {
  let node: unknown = record;
  for (const key of segments(path)) {
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node ?? undefined;
}

export function stringAt(record: AvroRecord, path: string): string | undefined {
  const value = valueAt(record, path);
  return typeof value === 'string' ? value : undefined;
}

/** An integral number at `path` (Avro long or int); NaN, infinities and fractions count as absent. */
export function integerAt(record: AvroRecord, path: string): number | undefined {
  const value = valueAt(record, path);
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** Sets `value` at `path`, creating objects on the way; undefined values are not set. */
export function put(draft: Draft, path: string, value: unknown): void {
  if (value === undefined) return;
  const keys = segments(path);
  let node = draft;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i] as string;
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (isObject(next)) {
      node = next;
    } else {
      const created: Draft = {};
      node[key] = created;
      node = created;
    }
  }
  node[keys[keys.length - 1] as string] = value;
}

/** Removes and returns the value at `path`. */
export function take(draft: Draft, path: string): unknown {
  const keys = segments(path);
  const parent = keys.length === 1 ? draft : valueAt(draft, keys.slice(0, -1).join('.'));
  const last = keys[keys.length - 1] as string;
  if (!isObject(parent) || !Object.hasOwn(parent, last)) return undefined;
  const value = parent[last];
  delete parent[last];
  return value;
}

/**
 * A copy of `value` without the leaves `isDropped` rejects and without the objects and arrays that
 * end up empty, children first, as Elastic's "remove nulls" scripts do; undefined if nothing is left.
 */
export function pruned(value: unknown, isDropped: (leaf: unknown) => boolean): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => pruned(item, isDropped)).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (isObject(value)) {
    const out: Draft = {};
    for (const [key, child] of Object.entries(value)) {
      const kept = pruned(child, isDropped);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value === undefined || isDropped(value) ? undefined : value;
}

/** Elastic's SentinelOne cleanup drops nulls and empty strings. */
export function isNullOrEmpty(leaf: unknown): boolean {
  return leaf === null || leaf === '';
}
