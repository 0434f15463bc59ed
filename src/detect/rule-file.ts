// Reads one rule file in the elastic/detection-rules TOML layout into a typed rule, or says why it cannot.
import { parse, TomlError } from 'smol-toml';
import type { DetectionRule } from './detection-rule.js';
import { RuleLoadError, type RefusalReason, type RuleProblem } from './rule-problems.js';
import { describeIssues, eqlRuleSchema, show } from './rule-schema.js';
import {
  HONOURED_SETTINGS,
  INFORMATIONAL_SETTINGS,
  INFORMATIONAL_TABLES,
  isUnset,
  STREAM_SETTINGS,
  UNSUPPORTED_SETTINGS,
} from './rule-settings.js';

type Table = Record<string, unknown>;

export interface RuleFileOptions {
  /** Versions by rule_id from detection-rules' version.lock.json, for rules that carry none. */
  readonly lockedVersions?: ReadonlyMap<string, number>;
}

/** What one TOML file is: a rule we can run, a rule we refuse (with every reason), or no rule at all. */
export type RuleFileResult =
  | { readonly kind: 'rule'; readonly rule: DetectionRule }
  | {
      readonly kind: 'refused';
      readonly ruleId: string | undefined;
      readonly name: string | undefined;
      readonly problems: readonly RuleProblem[];
    }
  /** A TOML file with neither [rule] nor [metadata] (pyproject.toml, a hunting query): not ours to judge. */
  | { readonly kind: 'not-a-rule' };

/**
 * Pure: the file's text in, its verdict out. Upstream files are read as they ship: `version` may be
 * absent (detection-rules keeps it in version.lock.json; else 1), informational keys are read past,
 * and any setting that would change matching but is not honoured refuses the rule by name.
 */
export function readRuleFile(text: string, file: string, options: RuleFileOptions = {}): RuleFileResult {
  let document: Table;
  try {
    document = parse(text);
  } catch (error) {
    const where = error instanceof TomlError ? ` at line ${error.line}, column ${error.column}` : '';
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return refused(undefined, undefined, [problem('invalid_file', file, undefined, `not valid TOML${where}: ${reason}`)]);
  }
  const ruleTable = document.rule;
  if (!isTable(ruleTable)) {
    if (!isTable(document.metadata)) return { kind: 'not-a-rule' };
    return refused(undefined, undefined, [problem('invalid_file', file, undefined, 'the [rule] table is missing')]);
  }
  const name = typeof ruleTable.name === 'string' && ruleTable.name.trim() !== '' ? ruleTable.name : undefined;
  const ruleId = typeof ruleTable.rule_id === 'string' && ruleTable.rule_id.trim() !== '' ? ruleTable.rule_id : undefined;
  const metadata = isTable(document.metadata) ? document.metadata : {};
  const at = (reason: RefusalReason, message: string): RuleProblem => problem(reason, file, name, message);

  // A rule of another type is judged by its type alone: its own settings are not ours to check.
  const type = ruleTable.type;
  const language = ruleTable.language;
  if (type !== 'eql' || language !== 'eql') {
    const found = `type ${show(type)}${language === undefined ? '' : ` / language ${show(language)}`}`;
    return refused(ruleId, name, [at('rule_type', `rule.type: ${found} is not supported; only EQL rules (type and language "eql") are`)]);
  }

  const problems: RuleProblem[] = [];
  for (const table of Object.keys(document)) {
    if (table !== 'rule' && !INFORMATIONAL_TABLES.has(table))
      problems.push(at('setting', `[${table}]: unknown table; its meaning is not honoured`));
  }
  for (const [key, value] of Object.entries(ruleTable)) {
    if (HONOURED_SETTINGS.has(key) || INFORMATIONAL_SETTINGS.has(key) || key in STREAM_SETTINGS) continue;
    const why = UNSUPPORTED_SETTINGS[key];
    if (why === undefined) problems.push(at('setting', `rule.${key}: unknown setting; not honoured`));
    else if (!isUnset(value)) problems.push(at('setting', `rule.${key}: ${why}`));
  }

  const parsed = eqlRuleSchema.safeParse(ruleTable);
  if (!parsed.success) {
    problems.unshift(...describeIssues(parsed.error.issues, ruleTable).map((message) => at('invalid_file', message)));
    return refused(ruleId, name, problems);
  }
  if (problems.length > 0) return refused(ruleId, name, problems);

  const settings = parsed.data;
  const locked = options.lockedVersions?.get(settings.rule_id);
  const rule: DetectionRule = {
    id: settings.rule_id,
    name: settings.name,
    description: settings.description.trim(),
    version: settings.version ?? locked ?? 1,
    versionSource: settings.version !== undefined ? 'rule' : locked !== undefined ? 'lock' : 'default',
    author: settings.author,
    license: settings.license,
    severity: settings.severity,
    riskScore: settings.risk_score,
    tags: settings.tags,
    references: settings.references,
    threat: settings.threat.map((entry) => ({
      framework: entry.framework,
      tactic: entry.tactic,
      technique: entry.technique.map((technique) =>
        technique.subtechnique === undefined || technique.subtechnique.length === 0
          ? { id: technique.id, name: technique.name, reference: technique.reference }
          : technique,
      ),
    })),
    index: settings.index,
    maturity: typeof metadata.maturity === 'string' ? metadata.maturity : undefined,
    buildingBlockType: settings.building_block_type,
    from: settings.from,
    interval: settings.interval,
    maxSignals: settings.max_signals,
    timestampOverride: settings.timestamp_override,
    eventCategoryOverride: settings.event_category_override,
    exceptionsList: settings.exceptions_list,
    alertSuppression: settings.alert_suppression,
    note: settings.note,
    query: settings.query,
    language: settings.language,
    type: settings.type,
    sourceFile: file,
  };
  return { kind: 'rule', rule };
}

/** The rule in the file, or a RuleLoadError listing every problem (a file without a rule is one). */
export function parseRuleFile(text: string, file: string, options: RuleFileOptions = {}): DetectionRule {
  const result = readRuleFile(text, file, options);
  if (result.kind === 'rule') return result.rule;
  if (result.kind === 'refused') throw new RuleLoadError(result.problems);
  throw new RuleLoadError([problem('invalid_file', file, undefined, 'the [rule] table is missing')]);
}

function refused(ruleId: string | undefined, name: string | undefined, problems: RuleProblem[]): RuleFileResult {
  return { kind: 'refused', ruleId, name, problems };
}

function problem(reason: RefusalReason, file: string, rule: string | undefined, message: string): RuleProblem {
  const code =
    reason === 'invalid_file' || reason === 'invalid_query' || reason === 'duplicate_rule_id' ? 'RULE_INVALID' : 'RULE_UNSUPPORTED';
  return { code, reason, file, rule, message };
}

export { problem as ruleProblem };

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
