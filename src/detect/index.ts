// Public surface of rule loading and matching; the pipeline imports from here only.
export type { DetectionRule, Severity, ThreatEntry, ThreatReference, ThreatTechnique } from './detection-rule.js';
export { SEVERITIES } from './detection-rule.js';
export { parseRuleFile } from './rule-file.js';
export { compileEql, compileQuery, type CompiledQuery, type EventMatcher } from './compile.js';
export { compileRule, type CompiledRule } from './compile-rule.js';
export { loadRules, compileRuleFiles, type LoadedRules } from './load-rules.js';
export { RuleLoadError, formatProblem, type RuleProblem } from './rule-problems.js';
export { EqlError, type EqlPosition } from './eql-error.js';
export { parseEql } from './eql-parser.js';
export type { EqlQuery, Expr, FieldRef, Literal } from './eql-ast.js';
