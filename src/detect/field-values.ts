// Reads a field from a nested ECS object the way Elasticsearch sees it: arrays at any level flatten.
import { KEYWORD_IGNORE_ABOVE } from './ecs-field-types.js';

export type Leaf = string | number | boolean;
export type LeafTest = (value: Leaf) => boolean;
export type ValueWalker = (node: unknown, path: readonly string[], depth: number, test: LeafTest) => boolean;

/**
 * True when some value at `path` satisfies `test`. Arrays (of values or of objects) are walked, so
 * each comparison holds when ANY value does; null, objects at the end of the path and missing keys
 * are "no value". Plain objects are followed in a loop and only arrays recurse, with no allocation.
 */
function someValue(node: unknown, path: readonly string[], depth: number, test: LeafTest): boolean {
  let current = node;
  for (let d = depth; d < path.length; d++) {
    if (typeof current !== 'object' || current === null) return false;
    if (Array.isArray(current)) return someInArray(current, path, d, test, someValue);
    current = (current as Record<string, unknown>)[path[d]!];
  }
  return leafMatches(current, path, test, someValue);
}

/**
 * The same walk reading own keys only, for paths with a segment Object.prototype also has
 * (`constructor`, `toString`, `__proto__`, ...): those must never resolve to inherited members.
 */
function someOwnValue(node: unknown, path: readonly string[], depth: number, test: LeafTest): boolean {
  let current = node;
  for (let d = depth; d < path.length; d++) {
    if (typeof current !== 'object' || current === null) return false;
    if (Array.isArray(current)) return someInArray(current, path, d, test, someOwnValue);
    const key = path[d]!;
    if (!Object.hasOwn(current, key)) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return leafMatches(current, path, test, someOwnValue);
}

/** The walker a path needs, chosen once at compile time. */
export function walkerFor(path: readonly string[]): ValueWalker {
  return path.some((segment) => segment in Object.prototype || segment === '__proto__') ? someOwnValue : someValue;
}

const ANY_VALUE: LeafTest = () => true;

/** True when the field holds at least one value (that `indexed` accepts): what `field == null` negates. */
export function hasValue(walk: ValueWalker, event: object, path: readonly string[], indexed: LeafTest = ANY_VALUE): boolean {
  return walk(event, path, 0, indexed);
}

function someInArray(items: unknown[], path: readonly string[], depth: number, test: LeafTest, walk: ValueWalker): boolean {
  for (let i = 0; i < items.length; i++) {
    if (walk(items[i], path, depth, test)) return true;
  }
  return false;
}

function leafMatches(value: unknown, path: readonly string[], test: LeafTest, walk: ValueWalker): boolean {
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return test(value as Leaf);
  // An array of values (or of arrays, which Elasticsearch flattens): any element may satisfy.
  return Array.isArray(value) && someInArray(value, path, path.length, test, walk);
}

/** A keyword field's values as Elasticsearch indexes them: strings (numbers as text), none past ignore_above. */
export function indexedKeywords(event: object, path: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of collectValues(event, path, false)) {
    const text = typeof value === 'string' ? value : String(value);
    if (text.length <= KEYWORD_IGNORE_ABOVE) out.push(text);
  }
  return out;
}

/**
 * What sits at `path` when the path runs through plain objects' own keys only, as it does in most
 * events; undefined when it crosses an array or misses. A shortcut to the common shapes of
 * collectValues' answer, read without allocating.
 */
export function plainLeaf(event: object, path: readonly string[]): unknown {
  let node: unknown = event;
  for (let d = 0; d < path.length; d++) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, path[d]!)) return undefined;
    node = (node as Record<string, unknown>)[path[d]!];
  }
  return node;
}

/** Every value at `path`, flattened; for the general evaluator (the matcher's fast paths use the walkers above). */
export function collectValues(node: unknown, path: readonly string[], dotted: boolean): Leaf[] {
  const out: Leaf[] = [];
  collect(node, path, 0, dotted, out);
  return out;
}

function collect(node: unknown, path: readonly string[], depth: number, dotted: boolean, out: Leaf[]): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const item of node) collect(item, path, depth, dotted, out);
    return;
  }
  if (depth === path.length) {
    const type = typeof node;
    if (type === 'string' || type === 'number' || type === 'boolean') out.push(node as Leaf);
    return;
  }
  if (typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const key = path[depth]!;
  if (Object.hasOwn(record, key)) collect(record[key], path, depth + 1, dotted, out);
  // Elasticsearch flattens objects, so `a.b` may also be one key holding dots; only for names written so.
  if (dotted) {
    for (let end = depth + 2; end <= path.length; end++) {
      const joined = path.slice(depth, end).join('.');
      if (Object.hasOwn(record, joined)) collect(record[joined], path, end, dotted, out);
    }
  }
}
