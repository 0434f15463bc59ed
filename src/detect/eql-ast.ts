// The subset of EQL this detector evaluates, as a tree the compiler turns into a matcher.
import type { EqlPosition } from './eql-error.js';

export type Literal = string | number | boolean | null;

export interface FieldRef {
  /** The path split into object keys, once, here: `event.action` -> ['event', 'action']. */
  readonly path: readonly string[];
  /** Dotted form, as reported in `fieldsRead`. */
  readonly name: string;
  readonly at: EqlPosition;
}

export type Expr =
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'not'; readonly operand: Expr }
  | { readonly kind: 'constant'; readonly value: boolean }
  /** `==` / `in` (caseInsensitive false) and `in~` (true); `!=` and `not in` are `not` around these. */
  | { readonly kind: 'equals'; readonly field: FieldRef; readonly values: readonly Literal[]; readonly caseInsensitive: boolean }
  /** `like` (case-sensitive), `like~` and `:` (case-insensitive), with `*` and `?` wildcards. */
  | { readonly kind: 'like'; readonly field: FieldRef; readonly patterns: readonly string[]; readonly caseInsensitive: boolean };

export interface EqlQuery {
  /** Event category the query is limited to; undefined for `any where`. */
  readonly category: string | undefined;
  readonly condition: Expr;
}
