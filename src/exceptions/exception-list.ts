// Kibana's exception-list model as its export carries it, reduced to what decides whether an event is excepted.

export const OPERATORS = ['included', 'excluded'] as const;
export type Operator = (typeof OPERATORS)[number];

export const NAMESPACE_TYPES = ['single', 'agnostic'] as const;
export type NamespaceType = (typeof NAMESPACE_TYPES)[number];

export const OS_TYPES = ['linux', 'macos', 'windows'] as const;
export type OsType = (typeof OS_TYPES)[number];

export type ExceptionEntry =
  | { readonly type: 'match'; readonly field: string; readonly operator: Operator; readonly value: string }
  | { readonly type: 'match_any'; readonly field: string; readonly operator: Operator; readonly value: readonly string[] }
  | { readonly type: 'wildcard'; readonly field: string; readonly operator: Operator; readonly value: string }
  | { readonly type: 'exists'; readonly field: string; readonly operator: Operator }
  | { readonly type: 'nested'; readonly field: string; readonly entries: readonly NestedEntry[] };

/** Inside `nested` Kibana allows only these three, with fields relative to the nested path. */
export type NestedEntry = Extract<ExceptionEntry, { type: 'match' | 'match_any' | 'exists' }>;

export interface ExceptionItem {
  readonly itemId: string;
  readonly listId: string;
  readonly name: string;
  readonly namespaceType: NamespaceType;
  readonly osTypes: readonly OsType[];
  /** Epoch ms after which the item no longer excepts; undefined: never expires. */
  readonly expiresAtMs: number | undefined;
  readonly entries: readonly ExceptionEntry[];
  /** Where the item was read, for messages: `file:line`. */
  readonly source: string;
}

export interface ExceptionList {
  readonly listId: string;
  readonly name: string;
  readonly namespaceType: NamespaceType;
  /** `detection`, `rule_default`, `endpoint`, ... (kept for messages; every type is evaluated alike). */
  readonly type: string;
  readonly items: readonly ExceptionItem[];
  readonly source: string;
}

/** A problem found in an exception file, with the line it is on (0 when it concerns the whole file). */
export interface ExceptionProblem {
  readonly code: 'EXCEPTION_INVALID' | 'EXCEPTION_UNSUPPORTED';
  readonly file: string;
  readonly line: number;
  readonly message: string;
}
