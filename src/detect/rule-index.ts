// Narrows many rules to the few an event could match, by the field values their queries require.
import type { CompiledRule } from './compile-rule.js';
import { KEYWORD_IGNORE_ABOVE } from './ecs-field-types.js';
import { indexedKeywords, plainLeaf } from './field-values.js';
import { decidedByContext, establishedByValue, eventOf, Residuals } from './residual.js';
import type { Requirement } from './rule-requirements.js';
import {
  fileUnder,
  finishSplit,
  matchField,
  splitBuilder,
  type Candidate,
  type Field,
  type Split,
  type SplitBuilder,
  Visits,
} from './rule-split.js';

export { alternativesOf, requirementsOf } from './rule-requirements.js';

/** Context fields keyed on at most: each costs a read per event. */
const MAX_KEY_FIELDS = 4;
/** A context field takes few values across all rules (event.category, host.os.type, event.action...), unlike process.name. */
const MAX_CONTEXT_VALUES = 64;
/** Candidate lists remembered per distinct combination of context values; cleared when full. */
const MAX_KEYS = 4_096;

/** The rules left for one combination of context values: split on further required fields, the rest always run. */
interface Stage {
  readonly rest: readonly Candidate[];
  readonly splits: readonly Split[];
}

/** Stages by context values, one level per context field (see keyPart). */
type StageLevel = Map<string, StageLevel | Stage>;

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
  private readonly stages: StageLevel = new Map();
  private stageCount = 0;
  /** The one stage of an index without context fields. */
  private fieldless: Stage | undefined;
  private readonly ordinal: ReadonlyMap<CompiledRule, number>;
  private readonly visits: Visits;
  private readonly residuals: Residuals;

  constructor(private readonly rules: readonly CompiledRule[]) {
    this.ordinal = new Map(rules.map((rule, i) => [rule, i]));
    this.visits = new Visits(rules.length);
    this.residuals = new Residuals(this.ordinal);
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
    const stage = this.stageOf(event);
    let matched: CompiledRule[] | undefined;
    for (const candidate of stage.rest) if (candidate.matches(event)) (matched ??= []).push(candidate.rule);
    // A rule can sit under several values, prefixes or fields: it is evaluated once per event.
    const visits = this.visits;
    visits.nextEvent();
    for (const split of stage.splits) matched = matchField(split, event, visits, matched);
    if (matched !== undefined && matched.length > 1 && stage.splits.length > 0) {
      matched.sort((a, b) => this.ordinal.get(a)! - this.ordinal.get(b)!);
    }
    return matched;
  }

  /** The stage of the event's context values: one look-up per context field, without building a key. */
  private stageOf(event: object): Stage {
    const fields = this.contextFields;
    let level = this.stages;
    for (let i = 0; i < fields.length; i++) {
      const next = level.get(keyPart(event, fields[i]!.path));
      if (next === undefined) break;
      if (i === fields.length - 1) return next as Stage;
      level = next as StageLevel;
    }
    if (fields.length === 0) return (this.fieldless ??= this.stage([]));
    const stage = this.stage(fields.map((field) => indexedKeywords(event, field.path)));
    if (this.stageCount >= MAX_KEYS) {
      this.stages.clear();
      this.stageCount = 0;
    }
    level = this.stages;
    for (let i = 0; i < fields.length - 1; i++) {
      const part = keyPart(event, fields[i]!.path);
      let next = level.get(part) as StageLevel | undefined;
      if (next === undefined) level.set(part, (next = new Map()));
      level = next;
    }
    level.set(keyPart(event, fields.at(-1)!.path), stage);
    this.stageCount++;
    return stage;
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
      established.set(
        rule,
        decided.map((verdict) => verdict === true),
      );
      return true;
    });
    const candidate = (rule: CompiledRule): Candidate => this.residuals.of(rule, established.get(rule)!);
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
      const builder = splitBuilder(best[0]);
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
    return { rest: rest.map(candidate), splits: builders.map(finishSplit) };
  }
}

/**
 * One context field's part of a stage's key, a function of the field's indexed values: its one value
 * itself when it holds one plain string, alone or in a one-element array (the common cases, read
 * without allocating); otherwise an encoding of its values (each prefixed by its length) that starts
 * with a character no value keyed as itself starts with.
 */
function keyPart(event: object, path: readonly string[]): string {
  let leaf = plainLeaf(event, path);
  if (Array.isArray(leaf) && leaf.length === 1) leaf = leaf[0];
  if (typeof leaf === 'string' && leaf.length <= KEYWORD_IGNORE_ABOVE && leaf.charCodeAt(0) !== 0) return leaf;
  const values = indexedKeywords(event, path);
  let key = `\u0000${values.length};`;
  for (const value of values) key += `${value.length}:${value}`;
  return key;
}

function meets(requirement: Requirement, values: readonly string[]): boolean {
  return values.some((value) => requirement.values.has(requirement.caseInsensitive ? value.toLowerCase() : value));
}
