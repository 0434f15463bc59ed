// Turns a parsed rule into a ready matcher, refusing EQL constructs we cannot honour.
import { compileQuery, type Conjunct, type EventMatcher } from './compile.js';
import type { DetectionRule } from './detection-rule.js';
import { EqlError } from './eql-error.js';
import { parseEql } from './eql-parser.js';
import { alternativesOf, requirementsOf, type Requirement } from './rule-requirements.js';
import { RuleLoadError, type RefusalReason } from './rule-problems.js';
import { ruleProblem } from './rule-file.js';

export interface CompiledRule {
  readonly rule: DetectionRule;
  /** Pure: true when the ECS event is one the rule alerts on (case-insensitive comparisons lowercase the event's value). */
  readonly matches: EventMatcher;
  /** The terms of the query's top-level `and` chain: `matches` is all of them (the rule index skips those it has established). */
  readonly conjuncts: readonly Conjunct[];
  /** Dotted ECS paths the rule's query reads. */
  readonly fieldsRead: readonly string[];
  /** Keyword values the query requires (top-level `and` chain), for the rule index. */
  readonly requirements: readonly Requirement[];
  /** Requirements one of which every match meets (an `or` across fields), for the rule index. */
  readonly alternatives?: readonly Requirement[];
}

/** Queries over several events: they need state across events, which a per-event matcher does not keep. */
const MULTI_EVENT_CONSTRUCTS: ReadonlySet<string> = new Set(['`sequence`', '`sample`', '`join`']);

export function compileRule(rule: DetectionRule): CompiledRule {
  try {
    const categoryField = rule.eventCategoryOverride ?? 'event.category';
    const query = parseEql(rule.query);
    const { matches, conjuncts, fieldsRead } = compileQuery(query, { categoryField });
    return {
      rule,
      matches,
      conjuncts,
      fieldsRead,
      requirements: requirementsOf(query, categoryField),
      alternatives: alternativesOf(query),
    };
  } catch (error) {
    if (!(error instanceof EqlError)) throw error;
    const reason: RefusalReason =
      error.kind === 'syntax' ? 'invalid_query' : MULTI_EVENT_CONSTRUCTS.has(error.construct ?? '') ? 'eql_multi_event' : 'eql_construct';
    throw new RuleLoadError([ruleProblem(reason, rule.sourceFile, rule.name, `query: ${error.message}`)]);
  }
}
