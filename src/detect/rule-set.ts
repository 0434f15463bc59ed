// Loading a rule set, the pure part: rule file texts in, compiled rules plus one verdict per rule file out.
import { compileRule, type CompiledRule } from './compile-rule.js';
import { readRuleFile, ruleProblem, type RuleFileOptions } from './rule-file.js';
import { REFUSAL_REASONS, RuleLoadError, type RefusalReason, type RuleProblem } from './rule-problems.js';

type RuleStatus = 'loaded' | 'unsupported' | 'invalid';

/** What became of one rule file; `rules check` prints these and the service logs the refusals. */
export interface RuleVerdict {
  readonly file: string;
  readonly ruleId: string | undefined;
  readonly name: string | undefined;
  readonly status: RuleStatus;
  /** Every problem, in one line; empty for a loaded rule. */
  readonly reason: string;
  /** The first problem's reason code (bounded, for metrics); undefined for a loaded rule. */
  readonly reasonCode: RefusalReason | undefined;
  readonly problems: readonly RuleProblem[];
  /** The compiled rule, for a loaded one. */
  readonly compiled: CompiledRule | undefined;
}

export interface LoadedRules {
  readonly rules: readonly CompiledRule[];
  /** Union of the ECS paths all loaded rules read, sorted. */
  readonly fieldsRead: readonly string[];
  /** One per rule file, in the order given (loaded, unsupported and invalid alike). */
  readonly verdicts: readonly RuleVerdict[];
  /** TOML files that hold no rule (neither [rule] nor [metadata]): named, not judged. */
  readonly notRules: readonly string[];
}

export interface RuleFileText {
  readonly path: string;
  readonly text?: string;
  /** Why the file could not be read, when it could not. */
  readonly error?: unknown;
}

/**
 * Judges each file on its own (a broken file never stops the others), then refuses a second file
 * claiming a rule_id already loaded. Pure, so a reload can call it again with new texts.
 */
export function loadRuleSet(files: readonly RuleFileText[], options: RuleFileOptions = {}): LoadedRules {
  const verdicts: RuleVerdict[] = [];
  const notRules: string[] = [];
  const fileById = new Map<string, string>();
  for (const file of files) {
    if (file.text === undefined) {
      const message = `cannot read: ${file.error instanceof Error ? file.error.message : String(file.error)}`;
      verdicts.push(refusedVerdict(file.path, undefined, undefined, [ruleProblem('invalid_file', file.path, undefined, message)]));
      continue;
    }
    const result = readRuleFile(file.text, file.path, options);
    if (result.kind === 'not-a-rule') {
      notRules.push(file.path);
      continue;
    }
    if (result.kind === 'refused') {
      verdicts.push(refusedVerdict(file.path, result.ruleId, result.name, result.problems));
      continue;
    }
    const { rule } = result;
    const earlier = fileById.get(rule.id);
    if (earlier !== undefined) {
      const duplicate = ruleProblem('duplicate_rule_id', file.path, rule.name, `rule.rule_id ${rule.id} is also used by ${earlier}`);
      verdicts.push(refusedVerdict(file.path, rule.id, rule.name, [duplicate]));
      continue;
    }
    let compiled: CompiledRule;
    try {
      compiled = compileRule(rule);
    } catch (error) {
      if (!(error instanceof RuleLoadError)) throw error;
      verdicts.push(refusedVerdict(file.path, rule.id, rule.name, error.problems));
      continue;
    }
    fileById.set(rule.id, file.path);
    verdicts.push({
      file: file.path,
      ruleId: rule.id,
      name: rule.name,
      status: 'loaded',
      reason: '',
      reasonCode: undefined,
      problems: [],
      compiled,
    });
  }
  const rules = verdicts.flatMap((verdict) => (verdict.compiled === undefined ? [] : [verdict.compiled]));
  const fieldsRead = [...new Set(rules.flatMap((rule) => rule.fieldsRead))].sort();
  return { rules, fieldsRead, verdicts, notRules };
}

function refusedVerdict(file: string, ruleId: string | undefined, name: string | undefined, problems: readonly RuleProblem[]): RuleVerdict {
  const invalid = problems.some((problem) => problem.code === 'RULE_INVALID');
  return {
    file,
    ruleId,
    name,
    status: invalid ? 'invalid' : 'unsupported',
    reason: problems.map((problem) => problem.message).join('; '),
    reasonCode: (problems.find((problem) => problem.code === 'RULE_INVALID') ?? problems[0])?.reason,
    problems,
    compiled: undefined,
  };
}

/** Every problem of every refused file, for a strict start-up or a summary. */
export function refusals(loaded: LoadedRules): RuleProblem[] {
  return loaded.verdicts.flatMap((verdict) => verdict.problems);
}

/** Refused rule files per reason code, every code present (0 when none), for a gauge that never goes missing. */
export function refusedByReason(loaded: LoadedRules): Map<RefusalReason, number> {
  const counts = new Map<RefusalReason, number>(REFUSAL_REASONS.map((reason) => [reason, 0]));
  for (const verdict of loaded.verdicts) {
    if (verdict.reasonCode !== undefined) counts.set(verdict.reasonCode, (counts.get(verdict.reasonCode) ?? 0) + 1);
  }
  return counts;
}
