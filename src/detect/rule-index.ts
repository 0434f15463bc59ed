// Narrows many rules to the few an event could match, by the field values their queries require.
import type { EventMatcher } from './compile.js';
import { fieldType, KEYWORD_IGNORE_ABOVE } from './ecs-field-types.js';
import type { EqlQuery, Expr } from './eql-ast.js';
import { collectValues } from './field-values.js';
import { hasWildcard } from './wildcard.js';

/** What the index reads of a compiled rule (compile-rule.ts builds these; it also imports requirementsOf from here). */
interface IndexedRule {
  readonly requirements: readonly Requirement[];
  readonly matches: EventMatcher;
}

/** A necessary condition of a query: some value of `field` is in `values` (lowercased when caseInsensitive). */
export interface Requirement {
  readonly field: string;
  readonly values: ReadonlySet<string>;
  readonly caseInsensitive: boolean;
}

/**
 * Necessary conditions on keyword fields that a query states: `<category> where`, `field == "v"`,
 * `field in (...)` / `in~`, `field : "v"` / `like "v"` without wildcards, through `and` (each side's)
 * and `or` (a field both sides require, with the union of their values). Every event the query
 * matches meets them all, so an event that misses one can skip the rule without evaluating it.
 */
export function requirementsOf(query: EqlQuery, categoryField: string): Requirement[] {
  const found = requirementsIn(query.condition);
  if (query.category !== undefined) found.set(`${categoryField}\u0000false`, { field: categoryField, values: new Set([query.category]), caseInsensitive: false });
  return [...found.values()];
}

/** Requirements keyed by field and case-sensitivity; at most one per key (the narrower one). */
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
  return single === undefined ? new Map() : new Map([[`${single.field}\u0000${single.caseInsensitive}`, single]]);
}

function requirementOf(expr: Expr): Requirement | undefined {
  let field: Expr | undefined;
  let literals: readonly Expr[] = [];
  let caseInsensitive = false;
  if (expr.kind === 'compare' && expr.op === '==') [field, literals] = expr.left.kind === 'field' ? [expr.left, [expr.right]] : [expr.right, [expr.left]];
  else if (expr.kind === 'in') [field, literals, caseInsensitive] = [expr.operand, expr.list, expr.caseInsensitive];
  else if (expr.kind === 'pattern' && expr.op !== 'regex' && !expr.patterns.some(hasWildcard)) {
    [field, caseInsensitive] = [expr.operand, expr.caseInsensitive];
    literals = expr.patterns.map((value) => ({ kind: 'literal', value }));
  }
  if (field?.kind !== 'field' || field.field.dotted === true || fieldType(field.field.name) !== 'keyword') return undefined;
  const values = new Set<string>();
  for (const literal of literals) {
    if (literal.kind !== 'literal' || literal.value === null) return undefined;
    values.add(caseInsensitive ? String(literal.value).toLowerCase() : String(literal.value));
  }
  return { field: field.field.name, values, caseInsensitive };
}

/** Context fields keyed on at most: each costs a read per event. */
const MAX_KEY_FIELDS = 4;
/** A context field takes few values across all rules (event.category, host.os.type, event.action...), unlike process.name. */
const MAX_CONTEXT_VALUES = 64;
/** Candidate lists remembered per distinct combination of context values; cleared when full. */
const MAX_KEYS = 4_096;

interface Field {
  readonly name: string;
  readonly path: readonly string[];
}

/** Rules that require one more field, under each value they accept (case-folded ones under the lowercased value). */
interface Split<Rule> {
  readonly field: Field;
  readonly exact: ReadonlyMap<string, readonly Rule[]>;
  readonly folded: ReadonlyMap<string, readonly Rule[]>;
}

/** The rules left for one combination of context values: split on further required fields, the rest always run. */
interface Stage<Rule> {
  readonly rest: readonly Rule[];
  readonly splits: readonly Split<Rule>[];
}

/** Fields a stage splits on at most, each the most required among the rules not yet split. */
const MAX_SPLITS = 3;

/**
 * An index over one feed's rules, in two steps. Context fields (required by many rules, from few
 * values: category, OS, event type and action) form a key; the rules whose requirements the key
 * meets are computed once per key. Those are then split on the fields they require from long lists
 * (process.name, then e.g. process.parent.name): a rule under a split is evaluated only when the
 * event holds one of the values it accepts there. The result equals a linear scan in load order:
 * the index only skips rules that cannot match (property-tested).
 */
export class RuleIndex<Rule extends IndexedRule> {
  private readonly contextFields: readonly Field[];
  private readonly stages = new Map<string, Stage<Rule>>();
  private readonly ordinal: ReadonlyMap<Rule, number>;

  constructor(private readonly rules: readonly Rule[]) {
    this.ordinal = new Map(rules.map((rule, i) => [rule, i]));
    const stats = new Map<string, { rules: number; values: Set<string> }>();
    for (const rule of rules) {
      for (const requirement of rule.requirements) {
        const stat = stats.get(requirement.field) ?? { rules: 0, values: new Set<string>() };
        stat.rules++;
        for (const value of requirement.values) stat.values.add(value);
        stats.set(requirement.field, stat);
      }
    }
    this.contextFields = [...stats]
      .filter(([, stat]) => stat.values.size <= MAX_CONTEXT_VALUES && stat.rules * 10 >= rules.length)
      .sort((a, b) => b[1].rules - a[1].rules || a[0].localeCompare(b[0]))
      .slice(0, MAX_KEY_FIELDS)
      .map(([name]) => ({ name, path: name.split('.') }));
  }

  /** The rules that match the event, in load order. */
  matching(event: object): Rule[] | undefined {
    const context = this.contextFields.map((field) => indexedKeywords(event, field.path));
    const key = JSON.stringify(context);
    let stage = this.stages.get(key);
    if (stage === undefined) {
      stage = this.stage(context);
      if (this.stages.size >= MAX_KEYS) this.stages.clear();
      this.stages.set(key, stage);
    }
    let matched: Rule[] | undefined;
    for (const rule of stage.rest) if (rule.matches(event)) (matched ??= []).push(rule);
    for (const split of stage.splits) {
      const values = indexedKeywords(event, split.field.path);
      if (values.length === 0) continue;
      const seen = values.length > 1 ? new Set<Rule>() : undefined;
      for (const value of values) {
        for (const rules of [split.exact.get(value), split.folded.get(value.toLowerCase())]) {
          if (rules === undefined) continue;
          for (const rule of rules) {
            if (seen !== undefined) {
              if (seen.has(rule)) continue;
              seen.add(rule);
            }
            if (rule.matches(event)) (matched ??= []).push(rule);
          }
        }
      }
    }
    if (matched !== undefined && matched.length > 1 && stage.splits.length > 0) {
      matched = [...new Set(matched)].sort((a, b) => this.ordinal.get(a)! - this.ordinal.get(b)!);
    }
    return matched;
  }

  private stage(context: readonly (readonly string[])[]): Stage<Rule> {
    let rest = this.rules.filter((rule) =>
      this.contextFields.every((field, i) =>
        rule.requirements.every((requirement) => requirement.field !== field.name || meets(requirement, context[i]!)),
      ),
    );
    const used = new Set(this.contextFields.map((field) => field.name));
    const splits: Split<Rule>[] = [];
    while (splits.length < MAX_SPLITS) {
      const counts = new Map<string, number>();
      for (const rule of rest) {
        for (const field of new Set(rule.requirements.map((requirement) => requirement.field))) {
          if (!used.has(field)) counts.set(field, (counts.get(field) ?? 0) + 1);
        }
      }
      const best = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
      if (best === undefined || best[1] < 2) break;
      used.add(best[0]);
      const field = { name: best[0], path: best[0].split('.') };
      const remaining: Rule[] = [];
      const exact = new Map<string, Rule[]>();
      const folded = new Map<string, Rule[]>();
      for (const rule of rest) {
        // Several requirements on the field: the first is enough to narrow, the rule checks the rest.
        const requirement = rule.requirements.find((r) => r.field === field.name);
        if (requirement === undefined) {
          remaining.push(rule);
          continue;
        }
        const target = requirement.caseInsensitive ? folded : exact;
        for (const value of requirement.values) {
          const list = target.get(value);
          if (list === undefined) target.set(value, [rule]);
          else list.push(rule);
        }
      }
      splits.push({ field, exact, folded });
      rest = remaining;
    }
    return { rest, splits };
  }
}

function meets(requirement: Requirement, values: readonly string[]): boolean {
  return values.some((value) => requirement.values.has(requirement.caseInsensitive ? value.toLowerCase() : value));
}

/** A keyword field's values as Elasticsearch indexes them: strings (numbers as text), none past ignore_above. */
function indexedKeywords(event: object, path: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of collectValues(event, path, false)) {
    const text = typeof value === 'string' ? value : String(value);
    if (text.length <= KEYWORD_IGNORE_ABOVE) out.push(text);
  }
  return out;
}
