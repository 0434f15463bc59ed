// Narrows many rules to the few an event could match, by the field values their queries require.
import type { EventMatcher } from './compile.js';
import type { CompiledRule } from './compile-rule.js';
import { KEYWORD_IGNORE_ABOVE } from './ecs-field-types.js';
import { collectValues } from './field-values.js';
import { decidedByContext, establishedByValue, eventOf, Residuals } from './residual.js';
import type { Requirement } from './rule-requirements.js';

export { alternativesOf, requirementsOf } from './rule-requirements.js';

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

/** A rule as a stage evaluates it: only the terms of its query the stage has not established. */
interface Candidate {
  readonly rule: CompiledRule;
  readonly matches: EventMatcher;
}

/** Rules that require one more field, under each value they accept (case-folded ones under the lowercased value). */
interface Split {
  readonly field: Field;
  readonly exact: ReadonlyMap<string, readonly Candidate[]>;
  readonly folded: ReadonlyMap<string, readonly Candidate[]>;
  /** Rules that require a value starting with some text, under that text; `prefixLengths` lists its lengths. */
  readonly exactPrefix: ReadonlyMap<string, readonly Candidate[]>;
  readonly foldedPrefix: ReadonlyMap<string, readonly Candidate[]>;
  readonly prefixLengths: readonly number[];
}

/** The rules left for one combination of context values: split on further required fields, the rest always run. */
interface Stage {
  readonly rest: readonly Candidate[];
  readonly splits: readonly Split[];
}

/** Fields a stage splits on at most, each the most required among the rules not yet split. */
const MAX_SPLITS = 6;

/**
 * An index over one feed's rules, in two steps. Context fields (required by many rules, from few
 * values: category, OS, event type and action) form a key; the rules whose requirements the key
 * meets are computed once per key. Those are then split on the fields they require from long lists
 * (process.name, then e.g. process.parent.name): a rule under a split is evaluated only when the
 * event holds one of the values it accepts there. The result equals a linear scan in load order:
 * the index only skips rules that cannot match (property-tested).
 */
export class RuleIndex {
  private readonly contextFields: readonly Field[];
  private readonly stages = new Map<string, Stage>();
  private readonly ordinal: ReadonlyMap<CompiledRule, number>;
  private readonly seen = new Set<CompiledRule>();
  private readonly residuals = new Residuals();

  constructor(private readonly rules: readonly CompiledRule[]) {
    this.ordinal = new Map(rules.map((rule, i) => [rule, i]));
    const stats = new Map<string, { rules: number; values: Set<string> }>();
    for (const rule of rules) {
      for (const requirement of rule.requirements) {
        if (requirement.prefixes) continue;
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
  matching(event: object): CompiledRule[] | undefined {
    const context = this.contextFields.map((field) => indexedKeywords(event, field.path));
    const key = contextKey(context);
    let stage = this.stages.get(key);
    if (stage === undefined) {
      stage = this.stage(context);
      if (this.stages.size >= MAX_KEYS) this.stages.clear();
      this.stages.set(key, stage);
    }
    let matched: CompiledRule[] | undefined;
    for (const candidate of stage.rest) if (candidate.matches(event)) (matched ??= []).push(candidate.rule);
    // A rule can sit under several values, prefixes or fields: it is evaluated once per event.
    const seen = this.seen;
    seen.clear();
    for (const split of stage.splits) {
      for (const value of indexedKeywords(event, split.field.path)) {
        const lower = value.toLowerCase();
        matched = evaluate(split.exact.get(value), event, seen, matched);
        matched = evaluate(split.folded.get(lower), event, seen, matched);
        for (const length of split.prefixLengths) {
          if (length > lower.length && length > value.length) break;
          if (split.exactPrefix.size > 0) matched = evaluate(split.exactPrefix.get(value.slice(0, length)), event, seen, matched);
          if (split.foldedPrefix.size > 0) matched = evaluate(split.foldedPrefix.get(lower.slice(0, length)), event, seen, matched);
        }
      }
    }
    if (matched !== undefined && matched.length > 1 && stage.splits.length > 0) {
      matched.sort((a, b) => this.ordinal.get(a)! - this.ordinal.get(b)!);
    }
    return matched;
  }

  private stage(context: readonly (readonly string[])[]): Stage {
    const contextEvent = eventOf(
      this.contextFields.map((field) => field.path),
      context,
    );
    const contextNames = new Set(this.contextFields.map((field) => field.name));
    // Per rule, the conjuncts these context values settle: a rule with one refuted cannot match, the settled ones need no evaluation.
    const established = new Map<CompiledRule, boolean[]>();
    let rest = this.rules.filter((rule) => {
      const meetsContext = this.contextFields.every((field, i) =>
        rule.requirements.every(
          (requirement) => requirement.prefixes || requirement.field !== field.name || meets(requirement, context[i]!),
        ),
      );
      if (!meetsContext) return false;
      const decided = decidedByContext(rule.conjuncts, contextNames, contextEvent);
      if (decided.includes(false)) return false;
      established.set(rule, decided.map((verdict) => verdict === true));
      return true;
    });
    const candidate = (rule: CompiledRule): Candidate => ({ rule, matches: this.residuals.of(rule, established.get(rule)!) });
    const used = new Set(this.contextFields.map((field) => field.name));
    const builders: SplitBuilder[] = [];
    while (builders.length < MAX_SPLITS) {
      const counts = new Map<string, number>();
      for (const rule of rest) {
        for (const field of new Set(rule.requirements.map((requirement) => requirement.field))) {
          if (!used.has(field)) counts.set(field, (counts.get(field) ?? 0) + 1);
        }
      }
      const best = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
      if (best === undefined || best[1] < 2) break;
      used.add(best[0]);
      const builder: SplitBuilder = {
        field: { name: best[0], path: best[0].split('.') },
        exact: new Map(),
        folded: new Map(),
        exactPrefix: new Map(),
        foldedPrefix: new Map(),
        lengths: new Set(),
      };
      const remaining: CompiledRule[] = [];
      for (const rule of rest) {
        // Several requirements on the field: one is enough to narrow (values rather than prefixes), the rule checks the rest.
        const requirement =
          rule.requirements.find((r) => r.field === builder.field.name && !r.prefixes) ??
          rule.requirements.find((r) => r.field === builder.field.name);
        if (requirement === undefined) {
          remaining.push(rule);
          continue;
        }
        // Reached only through a value of the event in `requirement.values`: the conjuncts that value settles are settled.
        if (!requirement.prefixes && !requirement.caseInsensitive) {
          const settled = established.get(rule)!;
          rule.conjuncts.forEach((conjunct, i) => {
            if (!settled[i] && establishedByValue(conjunct, requirement.field, requirement.values)) settled[i] = true;
          });
        }
        fileUnder(builder, requirement, candidate(rule));
      }
      builders.push(builder);
      rest = remaining;
    }
    // A rule requiring one of several fields goes under each, when all of them are split on.
    const byField = new Map(builders.map((builder) => [builder.field.name, builder]));
    rest = rest.filter((rule) => {
      const alternatives = rule.alternatives ?? [];
      if (alternatives.length === 0 || !alternatives.every((alternative) => byField.has(alternative.field))) return true;
      const filed = candidate(rule);
      for (const alternative of alternatives) fileUnder(byField.get(alternative.field)!, alternative, filed);
      return false;
    });
    const splits = builders.map(({ lengths, ...split }) => ({ ...split, prefixLengths: [...lengths].sort((a, b) => a - b) }));
    return { rest: rest.map(candidate), splits };
  }
}

interface SplitBuilder {
  readonly field: Field;
  readonly exact: Map<string, Candidate[]>;
  readonly folded: Map<string, Candidate[]>;
  readonly exactPrefix: Map<string, Candidate[]>;
  readonly foldedPrefix: Map<string, Candidate[]>;
  readonly lengths: Set<number>;
}

function fileUnder(builder: SplitBuilder, requirement: Requirement, candidate: Candidate): void {
  if (requirement.prefixes) for (const value of requirement.values) builder.lengths.add(value.length);
  const target = requirement.prefixes
    ? requirement.caseInsensitive
      ? builder.foldedPrefix
      : builder.exactPrefix
    : requirement.caseInsensitive
      ? builder.folded
      : builder.exact;
  for (const value of requirement.values) {
    const list = target.get(value);
    if (list === undefined) target.set(value, [candidate]);
    else list.push(candidate);
  }
}

/** Adds the rules of `candidates` the event matches to `matched`, skipping (and then noting) those in `seen`. */
function evaluate(
  candidates: readonly Candidate[] | undefined,
  event: object,
  seen: Set<CompiledRule>,
  matched: CompiledRule[] | undefined,
): CompiledRule[] | undefined {
  if (candidates === undefined) return matched;
  for (const candidate of candidates) {
    if (seen.has(candidate.rule)) continue;
    seen.add(candidate.rule);
    if (candidate.matches(event)) (matched ??= []).push(candidate.rule);
  }
  return matched;
}

/** A key that tells apart any two lists of value lists (each value prefixed by its length). */
function contextKey(context: readonly (readonly string[])[]): string {
  let key = '';
  for (const values of context) {
    key += `${values.length};`;
    for (const value of values) key += `${value.length}:${value}`;
  }
  return key;
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
