// The single-event EQL this detector evaluates, as a tree the compiler and the reference interpreter share.
import type { EqlPosition } from './eql-error.js';

export type Literal = string | number | boolean | null;

export interface FieldRef {
  /** The path split into object keys, once, here: `event.action` -> ['event', 'action']. */
  readonly path: readonly string[];
  /** Dotted form, as reported in `fieldsRead`. */
  readonly name: string;
  readonly at: EqlPosition;
  /** Written `?field`: a field that may be absent from the mapping (it reads as null, as any absent field does here). */
  readonly optional?: boolean;
  /** Written with a backticked segment holding dots: the value may sit under a dotted key instead of nested objects. */
  readonly dotted?: boolean;
}

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';
type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';
/** `:` is `seq`: case-insensitive equality with wildcards, like `like~`. */
type PatternOperator = 'like' | 'regex' | 'seq';

/**
 * Every node is an expression; conditions are expressions whose value is a boolean. A field holds
 * a list of values (ECS arrays; none when absent), and a test on it holds when any value passes.
 */
export type Expr =
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'not'; readonly operand: Expr }
  /** `float`: a number written with a fraction or exponent (`4.0`), which keeps division fractional. */
  | { readonly kind: 'literal'; readonly value: Literal; readonly float?: boolean }
  | { readonly kind: 'field'; readonly field: FieldRef }
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly caseInsensitive: boolean;
      readonly args: readonly Expr[];
      readonly at: EqlPosition;
    }
  | { readonly kind: 'arith'; readonly op: ArithmeticOperator; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'negate'; readonly operand: Expr }
  | { readonly kind: 'compare'; readonly op: ComparisonOperator; readonly left: Expr; readonly right: Expr }
  /** `in` / `in~`; `not in` is `not` around it. */
  | { readonly kind: 'in'; readonly operand: Expr; readonly list: readonly Expr[]; readonly caseInsensitive: boolean }
  | {
      readonly kind: 'pattern';
      readonly op: PatternOperator;
      readonly operand: Expr;
      readonly patterns: readonly string[];
      readonly caseInsensitive: boolean;
    };

export interface EqlQuery {
  /** Event category the query is limited to; undefined for `any where`. */
  readonly category: string | undefined;
  readonly condition: Expr;
}

/** The fields an expression reads, in first-seen order. */
export function fieldsOf(expr: Expr, into: Map<string, FieldRef> = new Map()): Map<string, FieldRef> {
  switch (expr.kind) {
    case 'and':
    case 'or':
    case 'arith':
    case 'compare':
      fieldsOf(expr.left, into);
      fieldsOf(expr.right, into);
      break;
    case 'not':
    case 'negate':
      fieldsOf(expr.operand, into);
      break;
    case 'field':
      if (!into.has(expr.field.name)) into.set(expr.field.name, expr.field);
      break;
    case 'call':
      for (const arg of expr.args) fieldsOf(arg, into);
      break;
    case 'in':
      fieldsOf(expr.operand, into);
      for (const item of expr.list) fieldsOf(item, into);
      break;
    case 'pattern':
      fieldsOf(expr.operand, into);
      break;
    case 'literal':
      break;
  }
  return into;
}
