// Compiles an EQL AST into a pure matcher over nested ECS objects: Set lookups and precompiled patterns.
import { fieldType, KEYWORD_IGNORE_ABOVE } from './ecs-field-types.js';
import { fieldsOf, type ComparisonOperator, type EqlQuery, type Expr, type FieldRef, type Literal } from './eql-ast.js';
import { unsupported } from './eql-error.js';
import { holds, truth } from './eql-interpreter.js';
import { parseEql } from './eql-parser.js';
import { compareScalars, indexedValue, lower, queryValue, type Scalar } from './eql-values.js';
import { hasValue, walkerFor, type Leaf, type LeafTest } from './field-values.js';
import { luceneRegExp, RegexTranslationError } from './lucene-regex.js';
import { wildcardMatcher } from './wildcard.js';

export type EventMatcher = (event: object) => boolean;

/** One term of the query's top-level `and` chain (the category test first), with its own matcher. */
export interface Conjunct {
  readonly expr: Expr;
  readonly matches: EventMatcher;
}

export interface CompiledQuery {
  /** All conjuncts, in order. */
  readonly matches: EventMatcher;
  /** The terms `matches` requires, so the rule index can evaluate only those it has not already established. */
  readonly conjuncts: readonly Conjunct[];
  /** Dotted ECS paths the query reads, sorted; the pipeline decodes and maps only what it needs. */
  readonly fieldsRead: readonly string[];
}

export interface CompileOptions {
  /** The field `<category> where` tests: `event.category` (an array in ECS) unless the rule sets `event_category_override`. */
  readonly categoryField?: string;
}

export function compileEql(text: string, options: CompileOptions = {}): CompiledQuery {
  return compileQuery(parseEql(text), options);
}

/**
 * The common shapes (a field against literals: `==`, `!=`, `in`, `:`, `like`, `regex`, ranges) become
 * Set look-ups and one precompiled RegExp over a walk that allocates nothing; anything else
 * (functions, arithmetic) runs the reference interpreter, which defines the semantics of both.
 */
export function compileQuery(query: EqlQuery, options: CompileOptions = {}): CompiledQuery {
  const fields = new Set(fieldsOf(query.condition).keys());
  const exprs = conjunctsOf(query.condition);
  if (query.category !== undefined) {
    const name = options.categoryField ?? 'event.category';
    fields.add(name);
    const field: Expr = { kind: 'field', field: { path: name.split('.'), name, at: { offset: 0, line: 1, column: 1 } } };
    exprs.unshift({ kind: 'compare', op: '==', left: field, right: { kind: 'literal', value: query.category } });
  }
  const conjuncts = exprs.map((expr) => ({ expr, matches: compileExpr(expr) }));
  return { matches: allOf(conjuncts.map((conjunct) => conjunct.matches)), conjuncts, fieldsRead: [...fields].sort() };
}

/** The terms of an expression's top-level `and` chain, left to right. */
function conjunctsOf(expr: Expr, into: Expr[] = []): Expr[] {
  if (expr.kind === 'and') {
    conjunctsOf(expr.left, into);
    conjunctsOf(expr.right, into);
  } else into.push(expr);
  return into;
}

const ALWAYS: EventMatcher = () => true;

/** A matcher requiring every one of `matchers`, evaluated in order, stopping at the first false. */
export function allOf(matchers: readonly EventMatcher[]): EventMatcher {
  if (matchers.length === 0) return ALWAYS;
  const [first, ...others] = matchers;
  if (others.length === 0) return first!;
  const rest = allOf(others);
  return (event) => first!(event) && rest(event);
}

function compileExpr(expr: Expr): EventMatcher {
  switch (expr.kind) {
    case 'and': {
      const left = compileExpr(expr.left);
      const right = compileExpr(expr.right);
      return (event) => left(event) && right(event);
    }
    case 'or': {
      const left = compileExpr(expr.left);
      const right = compileExpr(expr.right);
      return (event) => left(event) || right(event);
    }
    case 'not': {
      const operand = compileExpr(expr.operand);
      return (event) => !operand(event);
    }
    case 'literal': {
      const value = expr.value === true;
      return () => value;
    }
    case 'compare': {
      const fast = compileComparison(expr.op, expr.left, expr.right);
      if (fast) return fast;
      break;
    }
    case 'in':
      if (isPlainField(expr.operand) && expr.list.every((item) => item.kind === 'literal')) {
        return compileEquals(
          expr.operand.field,
          expr.list.map((item) => (item as { value: Literal }).value),
          expr.caseInsensitive,
        );
      }
      break;
    case 'pattern':
      if (expr.op === 'regex') checkRegex(expr.patterns, expr.caseInsensitive, expr.operand);
      if (isPlainField(expr.operand)) return compilePattern(expr.operand.field, expr.op, expr.patterns, expr.caseInsensitive);
      break;
    default:
      break;
  }
  return (event) => truth(expr, event);
}

function isPlainField(expr: Expr): expr is Extract<Expr, { kind: 'field' }> {
  return expr.kind === 'field' && expr.field.dotted !== true;
}

function checkRegex(patterns: readonly string[], caseInsensitive: boolean, operand: Expr): void {
  try {
    luceneRegExp(patterns, caseInsensitive);
  } catch (error) {
    const at = operand.kind === 'field' ? operand.field.at : { offset: 0, line: 1, column: 1 };
    if (error instanceof RegexTranslationError || error instanceof SyntaxError) throw unsupported('regular expression', at, error.message);
    throw error;
  }
}

const FLIPPED: Readonly<Record<ComparisonOperator, ComparisonOperator>> = {
  '==': '==',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

/** A field compared with a literal, on either side. */
function compileComparison(op: ComparisonOperator, left: Expr, right: Expr): EventMatcher | undefined {
  if (isPlainField(left) && right.kind === 'literal') return fieldVersusLiteral(op, left.field, right.value);
  if (isPlainField(right) && left.kind === 'literal') return fieldVersusLiteral(FLIPPED[op], right.field, left.value);
  return undefined;
}

function fieldVersusLiteral(op: ComparisonOperator, field: FieldRef, literal: Literal): EventMatcher {
  if (op === '==') return compileEquals(field, [literal], false);
  if (op === '!=') {
    const equals = compileEquals(field, [literal], false);
    return (event) => !equals(event);
  }
  if (literal === null) return () => false;
  const type = fieldType(field.name);
  const bound = queryValue(literal, type);
  if (bound === undefined) return () => false;
  const path = field.path;
  const walk = walkerFor(path);
  const test: LeafTest = (value) => {
    const indexed = indexedValue(value, type);
    return indexed !== undefined && holds(op, compareScalars(indexed, bound));
  };
  return (event) => walk(event, path, 0, test);
}

/**
 * `==` / `in` / `in~` against literals: the literals, converted to the field's type once, go into a
 * Set; each event value costs a conversion and a look-up. `null` in the list means "no value".
 */
function compileEquals(field: FieldRef, literals: readonly Literal[], caseInsensitive: boolean): EventMatcher {
  const path = field.path;
  const walk = walkerFor(path);
  const type = fieldType(field.name);
  const matchesMissing = literals.includes(null);
  const set = new Set<Scalar>();
  for (const literal of literals) {
    if (literal === null) continue;
    const converted = queryValue(literal, type);
    if (converted !== undefined) set.add(caseInsensitive ? lower(converted) : converted);
  }
  let test: LeafTest;
  if (type === 'keyword' && !caseInsensitive) {
    // The hot path of nearly every rule: strings are looked up as they are.
    test = (value) => (typeof value === 'string' ? value.length <= KEYWORD_IGNORE_ABOVE && set.has(value) : set.has(String(value)));
  } else {
    test = (value) => {
      const indexed = indexedValue(value, type);
      return indexed !== undefined && set.has(caseInsensitive ? lower(indexed) : indexed);
    };
  }
  const indexedOnly: LeafTest = (value) => indexedValue(value, type) !== undefined;
  if (!matchesMissing) return set.size === 0 ? () => false : (event) => walk(event, path, 0, test);
  if (set.size === 0) return (event) => !hasValue(walk, event, path, indexedOnly);
  return (event) => walk(event, path, 0, test) || !hasValue(walk, event, path, indexedOnly);
}

/** `:` / `like` / `like~` / `regex` / `regex~` against a field (wildcardMatcher, one RegExp). Only strings match a pattern. */
function compilePattern(
  field: FieldRef,
  op: 'like' | 'regex' | 'seq',
  patterns: readonly string[],
  caseInsensitive: boolean,
): EventMatcher {
  const path = field.path;
  const walk = walkerFor(path);
  const type = fieldType(field.name);
  const stringTest = op === 'regex' ? regExpTest(luceneRegExp(patterns, caseInsensitive)) : wildcardMatcher(patterns, caseInsensitive);
  const test: LeafTest = (value: Leaf) => {
    const indexed =
      typeof value === 'string' && type === 'keyword'
        ? value.length <= KEYWORD_IGNORE_ABOVE
          ? value
          : undefined
        : indexedValue(value, type);
    return typeof indexed === 'string' && stringTest(indexed);
  };
  return (event) => walk(event, path, 0, test);
}

function regExpTest(regExp: RegExp): (text: string) => boolean {
  return (text) => regExp.test(text);
}
