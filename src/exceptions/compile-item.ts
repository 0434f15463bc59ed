// Turns an exception item into a predicate over an ECS event, mirroring the query Kibana builds from it.
import { walkerFor, type Leaf, type LeafTest } from '../detect/field-values.js';
import type { ExceptionEntry, ExceptionItem, OsType } from './exception-list.js';

export type EventPredicate = (event: object) => boolean;

/**
 * Kibana ANDs an item's entries (`bool.filter`); with `os_types` it also requires `host.os.type`
 * (or Endpoint's lowercase `host.os.name.caseless`) to be one of them.
 */
export function compileItem(item: ExceptionItem): EventPredicate {
  const tests = item.entries.map((entry) => compileEntry(entry, []));
  if (item.osTypes.length > 0) tests.unshift(osTypeTest(item.osTypes));
  return (event) => tests.every((test) => test(event));
}

function compileEntry(entry: ExceptionEntry, parent: readonly string[]): EventPredicate {
  const path = [...parent, ...entry.field.split('.')];
  if (entry.type === 'nested')
    return nestedTest(
      path,
      entry.entries.map((inner) => compileEntry(inner, [])),
    );
  const included = includedTest(entry, path);
  // `excluded` is Kibana's `bool.must_not` around the included clause: it holds when the field is missing.
  return entry.operator === 'excluded' ? (event) => !included(event) : included;
}

function includedTest(entry: Exclude<ExceptionEntry, { type: 'nested' }>, path: readonly string[]): EventPredicate {
  const walk = walkerFor(path);
  let test: LeafTest;
  switch (entry.type) {
    case 'match':
      test = equalsTest(entry.value);
      break;
    case 'match_any': {
      const tests = entry.value.map(equalsTest);
      test = (leaf) => tests.some((equals) => equals(leaf));
      break;
    }
    case 'wildcard': {
      const pattern = wildcardQueryToRegExp(entry.value);
      test = (leaf) => typeof leaf === 'string' && pattern.test(leaf);
      break;
    }
    case 'exists':
      test = () => true;
      break;
  }
  return (event) => walk(event, path, 0, test);
}

/**
 * `match_phrase` against a keyword field: the whole value, case-sensitive. Numbers and booleans
 * compare by value, as Elasticsearch parses the query text for numeric and boolean fields.
 */
function equalsTest(value: string): LeafTest {
  const asNumber = value.trim() === '' ? Number.NaN : Number(value);
  return (leaf: Leaf) => {
    if (typeof leaf === 'string') return leaf === value;
    if (typeof leaf === 'number') return leaf === asNumber;
    return String(leaf) === value;
  };
}

/**
 * Elasticsearch's `wildcard` query syntax: `*` any run, `?` one character, `\` escapes the next
 * character; anchored to the whole value; case-sensitive (Kibana sets no `case_insensitive`).
 */
export function wildcardQueryToRegExp(pattern: string): RegExp {
  let source = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '\\' && i + 1 < chars.length) source += escapeRegExp(chars[++i]!);
    else if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, 'u');
}

function escapeRegExp(ch: string): string {
  return ch.replace(/[\\^$.|+*?()[\]{}/]/g, '\\$&');
}

/** Elasticsearch's `nested` query: ONE object under the path must satisfy every inner entry. */
function nestedTest(path: readonly string[], inner: readonly EventPredicate[]): EventPredicate {
  return (event) => objectsAt(event, path).some((object) => inner.every((test) => test(object)));
}

function objectsAt(node: unknown, path: readonly string[]): object[] {
  let current: unknown[] = [node];
  for (const key of path) {
    const next: unknown[] = [];
    for (const value of current.flat(Infinity)) {
      if (typeof value === 'object' && value !== null && Object.hasOwn(value, key)) next.push((value as Record<string, unknown>)[key]);
    }
    current = next;
  }
  return current.flat(Infinity).filter((value): value is object => typeof value === 'object' && value !== null);
}

const HOST_OS_TYPE = ['host', 'os', 'type'];
const HOST_OS_NAME = ['host', 'os', 'name'];

function osTypeTest(osTypes: readonly OsType[]): EventPredicate {
  const wanted = new Set<string>(osTypes);
  const typeWalk = walkerFor(HOST_OS_TYPE);
  const nameWalk = walkerFor(HOST_OS_NAME);
  const typeTest: LeafTest = (leaf) => typeof leaf === 'string' && wanted.has(leaf);
  // `host.os.name.caseless` is Endpoint's lowercase-normalised copy of host.os.name.
  const nameTest: LeafTest = (leaf) => typeof leaf === 'string' && wanted.has(leaf.toLowerCase());
  return (event) => typeWalk(event, HOST_OS_TYPE, 0, typeTest) || nameWalk(event, HOST_OS_NAME, 0, nameTest);
}
