// The reference semantics of single-event EQL: a plain, unoptimised walk of the AST over one event.
import { fieldType } from './ecs-field-types.js';
import type { ComparisonOperator, EqlQuery, Expr, FieldRef } from './eql-ast.js';
import { EQL_FUNCTIONS, divide, modulo } from './eql-functions.js';
import { argumentValue, compareScalars, indexedValue, lower, queryValue, type Scalar } from './eql-values.js';
import { collectValues } from './field-values.js';
import { luceneRegExp } from './lucene-regex.js';
import { wildcardsToRegExp } from './wildcard.js';

/**
 * The rules every path of the compiled matcher must agree with (the property tests hold it to them):
 * - a field is the list of its values as its type indexes them (arrays flattened; none when absent,
 *   null, unparsable or a keyword past ignore_above); a test on a field holds when ANY value passes;
 * - a test against an absent value is false, and `not` makes it true (so `!=` is `not ==`);
 * - `== null` holds when there is no value; `in (..., null)` too;
 * - comparisons with a field convert the other side to the field's type; others compare like types only.
 */
export function evaluateQuery(query: EqlQuery, event: object, categoryField = 'event.category'): boolean {
  if (query.category !== undefined) {
    const categories = collectValues(event, categoryField.split('.'), false);
    if (!categories.some((value) => indexedValue(value, 'keyword') === query.category)) return false;
  }
  return truth(query.condition, event);
}

export function truth(expr: Expr, event: object): boolean {
  switch (expr.kind) {
    case 'and':
      return truth(expr.left, event) && truth(expr.right, event);
    case 'or':
      return truth(expr.left, event) || truth(expr.right, event);
    case 'not':
      return !truth(expr.operand, event);
    case 'compare':
      return compare(expr.op, expr.left, expr.right, event);
    case 'in':
      return inList(expr, event);
    case 'pattern':
      return patternMatches(expr, event);
    default:
      return values(expr, event).some((value) => value === true);
  }
}

function fieldValues(field: FieldRef, event: object, forArgument: boolean): Scalar[] {
  const type = fieldType(field.name);
  const out: Scalar[] = [];
  for (const value of collectValues(event, field.path, field.dotted === true)) {
    const converted = forArgument ? argumentValue(value, type) : indexedValue(value, type);
    if (converted !== undefined) out.push(converted);
  }
  return out;
}

/** The values an expression takes on this event; none is null. */
export function values(expr: Expr, event: object): Scalar[] {
  switch (expr.kind) {
    case 'literal':
      return expr.value === null ? [] : [expr.value];
    case 'field':
      return fieldValues(expr.field, event, true);
    case 'call': {
      const spec = EQL_FUNCTIONS[expr.name]!;
      const results: Scalar[] = [];
      const integer = expr.name !== 'divide' || !expr.args.some(isFloat);
      for (const args of combinations(expr.args.map((arg) => values(arg, event)))) {
        const result = integer ? spec.run(args, expr.caseInsensitive) : divideFloats(args);
        if (result !== null) results.push(result);
      }
      return results;
    }
    case 'arith': {
      const results: Scalar[] = [];
      for (const [a, b] of combinations([values(expr.left, event), values(expr.right, event)])) {
        if (typeof a !== 'number' || typeof b !== 'number') continue;
        const integer = !isFloat(expr.left) && !isFloat(expr.right);
        const result =
          expr.op === '+'
            ? a + b
            : expr.op === '-'
              ? a - b
              : expr.op === '*'
                ? a * b
                : expr.op === '/'
                  ? divide(a, b, integer)
                  : modulo(a, b);
        if (result !== null) results.push(result);
      }
      return results;
    }
    case 'negate':
      return values(expr.operand, event).flatMap((value) => (typeof value === 'number' ? [-value] : []));
    default:
      return [truth(expr, event)];
  }
}

/** Whether an expression is a floating-point number by its form: a literal like 4.0, a double field, or arithmetic on one. */
function isFloat(expr: Expr): boolean {
  switch (expr.kind) {
    case 'literal':
      return expr.float === true;
    case 'field':
      return fieldType(expr.field.name) === 'double';
    case 'arith':
      return isFloat(expr.left) || isFloat(expr.right);
    case 'negate':
      return isFloat(expr.operand);
    case 'call':
      return ['add', 'subtract', 'multiply', 'divide', 'modulo'].includes(expr.name) && expr.args.some(isFloat);
    default:
      return false;
  }
}

function divideFloats([a, b]: readonly (Scalar | null)[]): Scalar | null {
  return typeof a === 'number' && typeof b === 'number' ? divide(a, b, false) : null;
}

/** Every combination of one value per argument; an argument without values takes null. */
function combinations(lists: readonly Scalar[][]): (Scalar | null)[][] {
  let rows: (Scalar | null)[][] = [[]];
  for (const list of lists) {
    const choices: (Scalar | null)[] = list.length === 0 ? [null] : list;
    rows = rows.flatMap((row) => choices.map((choice) => [...row, choice]));
  }
  return rows;
}

/** Both sides' values, the non-field side converted to the field side's type. */
function typedSides(left: Expr, right: Expr, event: object): [Scalar[], Scalar[]] {
  if (left.kind === 'field') return [fieldValues(left.field, event, false), converted(values(right, event), left.field)];
  if (right.kind === 'field') return [converted(values(left, event), right.field), fieldValues(right.field, event, false)];
  return [values(left, event), values(right, event)];
}

function converted(list: readonly Scalar[], field: FieldRef): Scalar[] {
  const type = fieldType(field.name);
  return list.flatMap((value) => {
    const result = queryValue(value, type);
    return result === undefined ? [] : [result];
  });
}

function compare(op: ComparisonOperator, left: Expr, right: Expr, event: object): boolean {
  if (op === '!=') return !compare('==', left, right, event);
  if (op === '==' && right.kind === 'literal' && right.value === null) return absent(left, event);
  if (op === '==' && left.kind === 'literal' && left.value === null) return absent(right, event);
  const [l, r] = typedSides(left, right, event);
  return l.some((a) => r.some((b) => holds(op, compareScalars(a, b))));
}

/** `x == null`: for a field, its indexed values decide (a keyword past ignore_above, a malformed ip are absent). */
function absent(expr: Expr, event: object): boolean {
  return expr.kind === 'field' ? fieldValues(expr.field, event, false).length === 0 : values(expr, event).length === 0;
}

export function holds(op: ComparisonOperator, order: number | undefined): boolean {
  if (order === undefined || Number.isNaN(order)) return false;
  switch (op) {
    case '==':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

function inList(expr: Extract<Expr, { kind: 'in' }>, event: object): boolean {
  const operand = expr.operand;
  const own = operand.kind === 'field' ? fieldValues(operand.field, event, false) : values(operand, event);
  const fold = (value: Scalar): Scalar => (expr.caseInsensitive ? lower(value) : value);
  for (const item of expr.list) {
    if (item.kind === 'literal' && item.value === null) {
      if (own.length === 0) return true;
      continue;
    }
    const candidates = operand.kind === 'field' ? converted(values(item, event), operand.field) : values(item, event);
    if (own.some((a) => candidates.some((b) => compareScalars(fold(a), fold(b)) === 0))) return true;
  }
  return false;
}

const patternCache = new WeakMap<object, RegExp>();

/** Wildcards as one anchored RegExp over lowercased text for the `~` forms; regex as Lucene's, translated. */
function patternMatches(expr: Extract<Expr, { kind: 'pattern' }>, event: object): boolean {
  const folded = expr.op !== 'regex' && expr.caseInsensitive;
  let regExp = patternCache.get(expr);
  if (regExp === undefined) {
    regExp =
      expr.op === 'regex'
        ? luceneRegExp(expr.patterns, expr.caseInsensitive)
        : wildcardsToRegExp(folded ? expr.patterns.map((p) => p.toLowerCase()) : expr.patterns, false);
    patternCache.set(expr, regExp);
  }
  const operand = expr.operand;
  const own = operand.kind === 'field' ? fieldValues(operand.field, event, false) : values(operand, event);
  return own.some((value) => typeof value === 'string' && regExp.test(folded ? value.toLowerCase() : value));
}
