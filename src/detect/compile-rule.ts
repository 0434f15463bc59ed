// Turns a parsed rule into a ready matcher, refusing rule types and EQL constructs we cannot honour.
import { compileEql, type EventMatcher } from './compile.js';
import type { DetectionRule } from './detection-rule.js';
import { EqlError } from './eql-error.js';
import { RuleLoadError, type RuleProblem } from './rule-problems.js';

export interface CompiledRule {
  readonly rule: DetectionRule;
  /** Pure and allocation-free: true when the ECS event is one the rule alerts on. */
  readonly matches: EventMatcher;
  /** Dotted ECS paths the rule's query reads. */
  readonly fieldsRead: readonly string[];
}

export function compileRule(rule: DetectionRule): CompiledRule {
  const problem = (code: RuleProblem['code'], message: string): RuleLoadError =>
    new RuleLoadError([{ code, file: rule.sourceFile, rule: rule.name, message }]);

  if (rule.type !== 'eql' || rule.language !== 'eql') {
    throw problem('RULE_UNSUPPORTED', `rule type "${rule.type}" / language "${rule.language}" is not supported; only eql rules are`);
  }
  try {
    const { matches, fieldsRead } = compileEql(rule.query);
    return { rule, matches, fieldsRead };
  } catch (error) {
    if (!(error instanceof EqlError)) throw error;
    throw problem(error.kind === 'unsupported' ? 'RULE_UNSUPPORTED' : 'RULE_INVALID', `query: ${error.message}`);
  }
}
