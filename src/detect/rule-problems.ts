// Problems found while loading rules, gathered so start-up reports all of them in one error.
import { DetectorError } from '../errors.js';

export interface RuleProblem {
  readonly code: 'RULE_INVALID' | 'RULE_UNSUPPORTED';
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
