// Compiles an EQL AST into a pure matcher over nested ECS objects: Set lookups and precompiled patterns.
import type { EqlQuery, Expr, FieldRef, Literal } from './eql-ast.js';
import { parseEql } from './eql-parser.js';
import { hasValue, walkerFor, type Leaf, type LeafTest } from './field-values.js';
import { hasWildcard, wildcardsToRegExp } from './wildcard.js';

export type EventMatcher = (event: object) => boolean;

export interface CompiledQuery {
  readonly matches: EventMatcher;
  /** Dotted ECS paths the query reads, sorted; the pipeline decodes and maps only what it needs. */
  readonly fieldsRead: readonly string[];
}

export interface CompileOptions {
  /**
   * The field `<category> where` tests: `event.category` (an array in ECS) unless the rule sets
   * `event_category_override`.
   */
  readonly categoryField?: string;
}

export function compileEql(text: string, options: CompileOptions = {}): CompiledQuery {
  return compileQuery(parseEql(text), options);
}

export function compileQuery(query: EqlQuery, options: CompileOptions = {}): CompiledQuery {
  const fields = new Set<string>();
  let condition = compileExpr(query.condition, fields);
  if (query.category !== undefined) {
    const name = options.categoryField ?? 'event.category';
    const categoryField: FieldRef = { path: name.split('.'), name, at: { offset: 0, line: 1, column: 1 } };
    fields.add(categoryField.name);
    const inCategory = compileEquals(categoryField, [query.category], false);
    const where = condition;
    condition = (event) => inCategory(event) && where(event);
  }
  return { matches: condition, fieldsRead: [...fields].sort() };
}

function compileExpr(expr: Expr, fields: Set<string>): EventMatcher {
  switch (expr.kind) {
    case 'and': {
      const left = compileExpr(expr.left, fields);
      const right = compileExpr(expr.right, fields);
      return (event) => left(event) && right(event);
    }
    case 'or': {
      const left = compileExpr(expr.left, fields);
      const right = compileExpr(expr.right, fields);
      return (event) => left(event) || right(event);
    }
    case 'not': {
      const operand = compileExpr(expr.operand, fields);
      return (event) => !operand(event);
    }
    case 'constant': {
      const value = expr.value;
      return () => value;
    }
    case 'equals':
      fields.add(expr.field.name);
      return compileEquals(expr.field, expr.values, expr.caseInsensitive);
    case 'like':
      fields.add(expr.field.name);
      return compileLike(expr.field, expr.patterns, expr.caseInsensitive);
  }
}

/**
 * `==` / `in` (exact, typed: "1" is not 1) and `in~` (strings compared lowercased). The literal list
 * becomes a Set once; each event value costs one hash lookup. `null` in the list means "no value".
 */
function compileEquals(field: FieldRef, values: readonly Literal[], caseInsensitive: boolean): EventMatcher {
  const path = field.path;
  const walk = walkerFor(path);
  const matchesMissing = values.includes(null);
  const present = values.filter((value): value is Leaf => value !== null);
  const set = new Set<Leaf>(caseInsensitive ? present.map(lowerIfString) : present);
  const test: LeafTest = caseInsensitive
    ? (value) => set.has(typeof value === 'string' ? value.toLowerCase() : value)
    : (value) => set.has(value);

  if (present.length === 0) return (event) => !hasValue(walk, event, path);
  if (!matchesMissing) return (event) => walk(event, path, 0, test);
  return (event) => walk(event, path, 0, test) || !hasValue(walk, event, path);
}

/**
 * `like` / `like~` / `:`. Patterns without wildcards go into a Set like `in`; the rest share one
 * anchored RegExp. Only string values can match a pattern.
 */
function compileLike(field: FieldRef, patterns: readonly string[], caseInsensitive: boolean): EventMatcher {
  const path = field.path;
  const walk = walkerFor(path);
  const exactPatterns = patterns.filter((pattern) => !hasWildcard(pattern));
  const wildcardPatterns = patterns.filter(hasWildcard);
  const exact = new Set<string>(caseInsensitive ? exactPatterns.map((p) => p.toLowerCase()) : exactPatterns);
  const regExp = wildcardPatterns.length > 0 ? wildcardsToRegExp(wildcardPatterns, caseInsensitive) : undefined;

  const exactTest = caseInsensitive
    ? (value: string) => exact.has(value.toLowerCase())
    : (value: string) => exact.has(value);
  let test: LeafTest;
  if (regExp === undefined) test = (value) => typeof value === 'string' && exactTest(value);
  else if (exact.size === 0) test = (value) => typeof value === 'string' && regExp.test(value);
  else test = (value) => typeof value === 'string' && (exactTest(value) || regExp.test(value));
  return (event) => walk(event, path, 0, test);
}

function lowerIfString(value: Leaf): Leaf {
  return typeof value === 'string' ? value.toLowerCase() : value;
}
