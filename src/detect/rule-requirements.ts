// What a rule's query requires of an event, as keyword values or prefixes: the rule index's input.
import { fieldType } from './ecs-field-types.js';
import type { EqlQuery, Expr } from './eql-ast.js';
import { hasWildcard } from './wildcard.js';

/**
 * A necessary condition of a query: some value of `field` is in `values` or, with `prefixes`, starts
 * with one of them (lowercased when caseInsensitive, as the whole value is lowercased).
 */
export interface Requirement {
  readonly field: string;
  readonly values: ReadonlySet<string>;
  readonly caseInsensitive: boolean;
  readonly prefixes: boolean;
}

/**
 * Necessary conditions on keyword fields that a query states: `<category> where`, `field == "v"`,
 * `field in (...)` / `in~`, `field : "v"` / `like "v"` without wildcards (with wildcards: the literal
 * text before the first one, a prefix), through `and` (each side's) and `or` (a field both sides
 * require, with the union of their values). Every event the query
 * matches meets them all, so an event that misses one can skip the rule without evaluating it.
 */
export function requirementsOf(query: EqlQuery, categoryField: string): Requirement[] {
  const found = requirementsIn(query.condition);
  if (query.category !== undefined)
    found.set(keyOf(categoryField, false, false), {
      field: categoryField,
      values: new Set([query.category]),
      caseInsensitive: false,
      prefixes: false,
    });
  return [...found.values()];
}

function keyOf(field: string, caseInsensitive: boolean, prefixes: boolean): string {
  return `${field}\u0000${caseInsensitive}\u0000${prefixes}`;
}

/** Requirements keyed by field, case-sensitivity and kind; at most one per key (the narrower one). */
function requirementsIn(expr: Expr): Map<string, Requirement> {
  if (expr.kind === 'and') {
    const left = requirementsIn(expr.left);
    for (const [key, requirement] of requirementsIn(expr.right)) {
      const other = left.get(key);
      if (other === undefined || requirement.values.size < other.values.size) left.set(key, requirement);
    }
    return left;
  }
  if (expr.kind === 'or') {
    const left = requirementsIn(expr.left);
    const right = requirementsIn(expr.right);
    const both = new Map<string, Requirement>();
    for (const [key, requirement] of left) {
      const other = right.get(key);
      if (other !== undefined) both.set(key, { ...requirement, values: new Set([...requirement.values, ...other.values]) });
    }
    return both;
  }
  const single = requirementOf(expr);
  return single === undefined ? new Map() : new Map([[keyOf(single.field, single.caseInsensitive, single.prefixes), single]]);
}

function requirementOf(expr: Expr): Requirement | undefined {
  let field: Expr | undefined;
  let literals: readonly Expr[] = [];
  let caseInsensitive = false;
  let prefixes = false;
  if (expr.kind === 'compare' && expr.op === '==')
    [field, literals] = expr.left.kind === 'field' ? [expr.left, [expr.right]] : [expr.right, [expr.left]];
  else if (expr.kind === 'in') [field, literals, caseInsensitive] = [expr.operand, expr.list, expr.caseInsensitive];
  else if (expr.kind === 'pattern' && expr.op !== 'regex') {
    [field, caseInsensitive] = [expr.operand, expr.caseInsensitive];
    // The matcher (wildcard.ts) lowercases each whole pattern, so the prefix is taken after that.
    const patterns = caseInsensitive ? expr.patterns.map((pattern) => pattern.toLowerCase()) : expr.patterns;
    prefixes = patterns.some(hasWildcard);
    const texts = prefixes ? patterns.map(literalPrefix) : patterns;
    if (texts.includes('')) return undefined;
    // Already folded: the loop below must not fold again.
    literals = texts.map((value) => ({ kind: 'literal', value }));
  }
  if (field?.kind !== 'field' || field.field.dotted === true || fieldType(field.field.name) !== 'keyword') return undefined;
  const values = new Set<string>();
  for (const literal of literals) {
    if (literal.kind !== 'literal' || literal.value === null) return undefined;
    values.add(caseInsensitive && expr.kind !== 'pattern' ? String(literal.value).toLowerCase() : String(literal.value));
  }
  return { field: field.field.name, values, caseInsensitive, prefixes };
}

/** The text before a pattern's first wildcard. */
function literalPrefix(pattern: string): string {
  const star = pattern.indexOf('*');
  const question = pattern.indexOf('?');
  const end = star < 0 ? question : question < 0 ? star : Math.min(star, question);
  return end < 0 ? pattern : pattern.slice(0, end);
}

/**
 * Alternatives a query requires, one of which every match meets: from the first `or` in the
 * top-level `and` chain whose every side requires something (`process.name : "x*" or process.args
 * == "x"`), one requirement per side. Empty when there is none. Lets the index file a rule under
 * each alternative when no single field is required.
 */
export function alternativesOf(query: EqlQuery): Requirement[] {
  const conjuncts: Expr[] = [];
  const walk = (expr: Expr): void => {
    if (expr.kind === 'and') {
      walk(expr.left);
      walk(expr.right);
    } else conjuncts.push(expr);
  };
  walk(query.condition);
  for (const conjunct of conjuncts) {
    if (conjunct.kind !== 'or') continue;
    const sides: Expr[] = [];
    const split = (expr: Expr): void => {
      if (expr.kind === 'or') {
        split(expr.left);
        split(expr.right);
      } else sides.push(expr);
    };
    split(conjunct);
    const picked = sides.map((side) => narrowest([...requirementsIn(side).values()]));
    if (picked.every((requirement) => requirement !== undefined)) return picked as Requirement[];
  }
  return [];
}

/** Values over prefixes, then the fewest values. */
function narrowest(requirements: readonly Requirement[]): Requirement | undefined {
  return [...requirements].sort((a, b) => Number(a.prefixes) - Number(b.prefixes) || a.values.size - b.values.size)[0];
}
