// What is left of a rule's query once the rule index has established some of its terms for an event.
import { allOf, type Conjunct, type EventMatcher } from './compile.js';
import type { CompiledRule } from './compile-rule.js';
import { fieldType } from './ecs-field-types.js';
import type { Expr } from './eql-ast.js';
import type { Candidate } from './rule-split.js';

/**
 * An event holding only these keyword values at these paths (none: the key is left out), the way
 * the index read them from the real event; undefined when the paths cannot share one object
 * (one a prefix of another) or name a prototype member.
 */
export function eventOf(paths: readonly (readonly string[])[], values: readonly (readonly string[])[]): object | undefined {
  const root: Record<string, unknown> = {};
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i]!;
    if (path.some((segment) => segment in Object.prototype || segment === '__proto__')) return undefined;
    if (values[i]!.length === 0) continue;
    let node = root;
    for (const segment of path.slice(0, -1)) {
      const next = (node[segment] ??= {}) as Record<string, unknown>;
      if (typeof next !== 'object' || Array.isArray(next)) return undefined;
      node = next;
    }
    const last = path.at(-1)!;
    if (Object.hasOwn(node, last)) return undefined;
    node[last] = [...values[i]!];
  }
  return root;
}

/**
 * Per conjunct, its truth on every event holding these context values: decided (true or false)
 * when it tests only context fields against literals, whose truth depends on nothing but the
 * values the index keyed on; undefined otherwise.
 */
export function decidedByContext(
  conjuncts: readonly Conjunct[],
  contextFields: ReadonlySet<string>,
  context: object | undefined,
): (boolean | undefined)[] {
  return conjuncts.map((conjunct) =>
    context !== undefined && readsOnly(conjunct.expr, contextFields) ? conjunct.matches(context) : undefined,
  );
}

/**
 * Whether the conjunct holds on every event the index reaches the rule with through `values` of
 * `field` (an event holding one of them): true when it only asks that some value of that field
 * pass a test, and each of these values passes it.
 */
export function establishedByValue(conjunct: Conjunct, field: string, values: Iterable<string>): boolean {
  if (!testsSomeValueOf(conjunct.expr, field)) return false;
  const path = field.split('.');
  for (const value of values) {
    const event = eventOf([path], [[value]]);
    if (event === undefined || !conjunct.matches(event)) return false;
  }
  return true;
}

const ALWAYS: EventMatcher = () => true;

/**
 * Each rule as the index's stages evaluate it, one per set of established conjuncts: a rule meets
 * few such sets, so stages share them instead of holding a copy each.
 */
export class Residuals {
  private readonly byRule = new Map<CompiledRule, Map<string, Candidate>>();

  constructor(private readonly positions: ReadonlyMap<CompiledRule, number>) {}

  /** `rule` evaluating the conjuncts not marked established, all required (its own matcher when none is). */
  of(rule: CompiledRule, established: readonly boolean[]): Candidate {
    const key = established.map(Number).join('');
    let cached = this.byRule.get(rule);
    if (cached === undefined) this.byRule.set(rule, (cached = new Map()));
    let candidate = cached.get(key);
    if (candidate === undefined) {
      const matches = !established.includes(true)
        ? rule.matches
        : !established.includes(false)
          ? ALWAYS
          : allOf(rule.conjuncts.filter((_, i) => !established[i]).map((conjunct) => conjunct.matches));
      candidate = { rule, position: this.positions.get(rule)!, matches };
      cached.set(key, candidate);
    }
    return candidate;
  }
}

/** A keyword field by its plain (undotted) name, one of `fields`. */
function isKeywordField(expr: Expr, fields: ReadonlySet<string>): boolean {
  return expr.kind === 'field' && expr.field.dotted !== true && fields.has(expr.field.name) && fieldType(expr.field.name) === 'keyword';
}

/** Only context fields against literals, through and / or / not: the forms whose truth depends only on the fields' indexed values. */
function readsOnly(expr: Expr, fields: ReadonlySet<string>): boolean {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return readsOnly(expr.left, fields) && readsOnly(expr.right, fields);
    case 'not':
      return readsOnly(expr.operand, fields);
    case 'literal':
      return true;
    case 'compare':
      return (
        (isKeywordField(expr.left, fields) && expr.right.kind === 'literal') ||
        (isKeywordField(expr.right, fields) && expr.left.kind === 'literal')
      );
    case 'in':
      return isKeywordField(expr.operand, fields) && expr.list.every((item) => item.kind === 'literal');
    case 'pattern':
      return isKeywordField(expr.operand, fields);
    default:
      return false;
  }
}

/** `field == v`, `field in (...)` without null, or a pattern on the field: holds when some value of the field passes a test. */
function testsSomeValueOf(expr: Expr, field: string): boolean {
  const only = new Set([field]);
  const nonNull = (item: Expr) => item.kind === 'literal' && item.value !== null;
  switch (expr.kind) {
    case 'compare':
      return (
        expr.op === '==' &&
        ((isKeywordField(expr.left, only) && nonNull(expr.right)) || (isKeywordField(expr.right, only) && nonNull(expr.left)))
      );
    case 'in':
      return isKeywordField(expr.operand, only) && expr.list.every(nonNull);
    case 'pattern':
      return isKeywordField(expr.operand, only);
    default:
      return false;
  }
}
