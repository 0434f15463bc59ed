// Problems found while loading rules, each with a bounded reason code, gathered so they are reported together.
import { DetectorError } from '../errors.js';

/**
 * Why a rule was refused; a closed list, so metrics can label by it. `invalid_*` and
 * `duplicate_rule_id` make a file invalid; the others mark a valid rule we do not run.
 */
export const REFUSAL_REASONS = [
  'invalid_file',
  'invalid_query',
  'duplicate_rule_id',
  'rule_type',
  'setting',
  'eql_multi_event',
  'eql_construct',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface RuleProblem {
  readonly code: 'RULE_INVALID' | 'RULE_UNSUPPORTED';
  readonly reason: RefusalReason;
  /** The file the problem is in, as it was read. */
  readonly file: string;
  /** The rule's name, when the file got far enough to have one. */
  readonly rule: string | undefined;
  readonly message: string;
}

/** A DetectorError carrying every problem; its code is RULE_INVALID if any problem is, else RULE_UNSUPPORTED. */
export class RuleLoadError extends DetectorError {
  readonly problems: readonly RuleProblem[];

  constructor(problems: readonly RuleProblem[], heading = 'cannot load detection rules') {
    const code = problems.some((problem) => problem.code === 'RULE_INVALID') ? 'RULE_INVALID' : 'RULE_UNSUPPORTED';
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(code, `${heading} (${count}):\n${problems.map((problem) => `  - ${formatProblem(problem)}`).join('\n')}`);
    this.name = 'RuleLoadError';
    this.problems = problems;
  }
}

export function formatProblem(problem: RuleProblem): string {
  const rule = problem.rule === undefined ? '' : ` (rule "${problem.rule}")`;
  return `${problem.file}${rule}: ${problem.message}`;
}
