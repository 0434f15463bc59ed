// Reads RULES_DIR and EXCEPTIONS_DIR into a detection set: the one loader for start-up and every reload.
import type { Config } from '../config/load.js';
import { loadRules } from '../detect/load-rules.js';
import { RuleLoadError, formatProblem } from '../detect/rule-problems.js';
import { refusals } from '../detect/rule-set.js';
import { DetectorError } from '../errors.js';
import { ExceptionLoadError, formatExceptionProblem, loadExceptionDirectory } from '../exceptions/exception-set.js';
import type { SuppressionSettings } from '../suppression/suppression-settings.js';
import { buildDetectionSet, type DetectionSet } from './detection-set.js';

export type DetectionConfig = Pick<
  Config,
  | 'RULES_DIR'
  | 'RULES_STRICT'
  | 'EXCEPTIONS_DIR'
  | 'SUPPRESSION_GROUP_BY'
  | 'SUPPRESSION_DURATION_MS'
  | 'SUPPRESSION_MISSING_FIELDS_STRATEGY'
>;

function defaultSuppression(config: DetectionConfig): SuppressionSettings | undefined {
  if (config.SUPPRESSION_GROUP_BY.length === 0) return undefined;
  return {
    groupBy: config.SUPPRESSION_GROUP_BY,
    durationMs: config.SUPPRESSION_DURATION_MS,
    missingFieldsStrategy: config.SUPPRESSION_MISSING_FIELDS_STRATEGY,
  };
}

/**
 * Throws one DetectorError listing every problem (rules, exception files, references) so an
 * operator fixes a change in one round; start-up exits 2 with it, a reload keeps the old set.
 */
export async function loadDetectionSet(config: DetectionConfig, nowMs = Date.now()): Promise<DetectionSet> {
  const [rules, exceptions] = await Promise.allSettled([loadRules(config.RULES_DIR), loadExceptionDirectory(config.EXCEPTIONS_DIR)]);
  const problems: string[] = [];
  let code: 'RULE_INVALID' | 'EXCEPTION_INVALID' = 'RULE_INVALID';
  if (rules.status === 'rejected') {
    if (!(rules.reason instanceof RuleLoadError)) throw rules.reason;
    problems.push(...rules.reason.problems.map(formatProblem));
  }
  if (exceptions.status === 'rejected') {
    if (!(exceptions.reason instanceof ExceptionLoadError)) throw exceptions.reason;
    problems.push(...exceptions.reason.problems.map(formatExceptionProblem));
    if (problems.length === exceptions.reason.problems.length) code = 'EXCEPTION_INVALID';
  }
  if (rules.status === 'fulfilled') {
    const loaded = rules.value;
    const refused = loaded.verdicts.filter((verdict) => verdict.status !== 'loaded');
    if (config.RULES_STRICT && refused.length > 0) {
      problems.push(
        `RULES_STRICT=true and ${refused.length} rule file(s) in ${config.RULES_DIR} were refused:`,
        ...refusals(loaded).map(formatProblem),
      );
    } else if (loaded.rules.length === 0) {
      problems.push(
        `no rule loaded from RULES_DIR=${config.RULES_DIR}: ${refused.length === 0 ? 'no rule files found' : 'every rule was refused'}`,
        ...refusals(loaded).map(formatProblem),
      );
    }
    if (exceptions.status === 'fulfilled' && problems.length === 0) {
      const built = buildDetectionSet(loaded, exceptions.value, defaultSuppression(config), nowMs);
      if (built.set !== undefined) return built.set;
      problems.push(...built.problems);
    }
  }
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  throw new DetectorError(code, `cannot load the detection set (${count}):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
}
