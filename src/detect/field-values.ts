// Reads a field from a nested ECS object the way Elasticsearch sees it: arrays at any level flatten.

export type Leaf = string | number | boolean;
export type LeafTest = (value: Leaf) => boolean;
export type ValueWalker = (node: unknown, path: readonly string[], depth: number, test: LeafTest) => boolean;

/**
 * True when some value at `path` satisfies `test`. Arrays (of values or of objects) are walked, so
 * each comparison holds when ANY value does; null, objects at the end of the path and missing keys
 * are "no value". Plain objects are followed in a loop and only arrays recurse, with no allocation.
 */
export function someValue(node: unknown, path: readonly string[], depth: number, test: LeafTest): boolean {
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
export function someOwnValue(node: unknown, path: readonly string[], depth: number, test: LeafTest): boolean {
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

/** True when the field holds at least one value (what `field == null` negates). */
export function hasValue(walk: ValueWalker, event: object, path: readonly string[]): boolean {
  return walk(event, path, 0, ANY_VALUE);
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
