// Reads one rule file in the elastic/detection-rules TOML layout into a typed, validated DetectionRule.
import { parse, TomlError } from 'smol-toml';
import { SEVERITIES, type DetectionRule, type Severity, type ThreatEntry, type ThreatReference, type ThreatTechnique } from './detection-rule.js';
import { RuleLoadError, type RuleProblem } from './rule-problems.js';

/** Rule settings that change what matches or what is alerted; silently ignoring them would mislead. */
const UNSUPPORTED_SETTINGS: Readonly<Record<string, string>> = {
  filters: 'query filters are not evaluated',
  exceptions_list: 'exception lists are not evaluated',
  event_category_override: 'only event.category selects the event category',
  alert_suppression: 'alert suppression is not implemented',
};

type Table = Record<string, unknown>;

/**
 * Parses and validates a rule file; throws RuleLoadError listing every problem in the file.
 *
 * `version`: detection-rules normally keeps versions in its version lock file (version.lock.json),
 * not in the rule. Repositories that bypass the lock carry `version` under `[rule]`; that is where we
 * read it, so the rule file alone defines the rule.
 */
export function parseRuleFile(text: string, sourceFile: string): DetectionRule {
  let document: Table;
  try {
    document = parse(text) as Table;
  } catch (error) {
    const where = error instanceof TomlError ? ` at line ${error.line}, column ${error.column}` : '';
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new RuleLoadError([{ code: 'RULE_INVALID', file: sourceFile, rule: undefined, message: `not valid TOML${where}: ${reason}` }]);
  }

  const problems: RuleProblem[] = [];
  const ruleTable = document.rule;
  if (!isTable(ruleTable)) {
    problems.push({ code: 'RULE_INVALID', file: sourceFile, rule: undefined, message: 'the [rule] table is missing' });
    throw new RuleLoadError(problems);
  }
  const name = typeof ruleTable.name === 'string' && ruleTable.name.trim() !== '' ? ruleTable.name : undefined;
  const fields = new FieldReader(problems, sourceFile, name);

  for (const [key, why] of Object.entries(UNSUPPORTED_SETTINGS)) {
    const value = ruleTable[key];
    const empty = value === undefined || (Array.isArray(value) && value.length === 0);
    if (!empty) fields.report('RULE_UNSUPPORTED', `rule.${key}`, why);
  }

  const rule: DetectionRule = {
    id: fields.string(ruleTable, 'rule_id', 'rule'),
    name: fields.string(ruleTable, 'name', 'rule'),
    description: fields.string(ruleTable, 'description', 'rule').trim(),
    version: fields.version(ruleTable),
    author: fields.strings(ruleTable, 'author', 'rule', { required: true }),
    license: fields.optionalString(ruleTable, 'license', 'rule') ?? '',
    severity: fields.severity(ruleTable),
    riskScore: fields.riskScore(ruleTable),
    tags: fields.strings(ruleTable, 'tags', 'rule', { required: false }),
    references: fields.strings(ruleTable, 'references', 'rule', { required: false }),
    threat: fields.threat(ruleTable),
    index: fields.strings(ruleTable, 'index', 'rule', { required: false }),
    // Kibana's default look-back when a rule does not set one.
    from: fields.optionalString(ruleTable, 'from', 'rule') ?? 'now-6m',
    timestampOverride: fields.optionalString(ruleTable, 'timestamp_override', 'rule'),
    note: fields.optionalString(ruleTable, 'note', 'rule') ?? '',
    query: fields.string(ruleTable, 'query', 'rule'),
    language: fields.string(ruleTable, 'language', 'rule'),
    type: fields.string(ruleTable, 'type', 'rule'),
    sourceFile,
  };
  if (problems.length > 0) throw new RuleLoadError(problems);
  return rule;
}

class FieldReader {
  constructor(
    private readonly problems: RuleProblem[],
    private readonly file: string,
    private readonly ruleName: string | undefined,
  ) {}

  report(code: RuleProblem['code'], field: string, message: string): void {
    this.problems.push({ code, file: this.file, rule: this.ruleName, message: `${field}: ${message}` });
  }

  string(table: Table, key: string, at: string): string {
    const value = table[key];
    if (value === undefined) this.report('RULE_INVALID', `${at}.${key}`, 'is missing');
    else if (typeof value !== 'string' || value.trim() === '') this.report('RULE_INVALID', `${at}.${key}`, `must be a non-empty string, got ${show(value)}`);
    else return value;
    return '';
  }

  optionalString(table: Table, key: string, at: string): string | undefined {
    const value = table[key];
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    this.report('RULE_INVALID', `${at}.${key}`, `must be a string, got ${show(value)}`);
    return undefined;
  }

  strings(table: Table, key: string, at: string, options: { required: boolean }): string[] {
    const value = table[key];
    if (value === undefined) {
      if (options.required) this.report('RULE_INVALID', `${at}.${key}`, 'is missing');
      return [];
    }
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      this.report('RULE_INVALID', `${at}.${key}`, `must be an array of strings, got ${show(value)}`);
      return [];
    }
    if (options.required && value.length === 0) this.report('RULE_INVALID', `${at}.${key}`, 'must not be empty');
    return value as string[];
  }

  version(table: Table): number {
    const value = table.version;
    if (value === undefined) {
      this.report('RULE_INVALID', 'rule.version', 'is missing (detection-rules keeps it in version.lock.json; add `version = N` under [rule])');
    } else if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      this.report('RULE_INVALID', 'rule.version', `must be a positive integer, got ${show(value)}`);
    } else {
      return value;
    }
    return 0;
  }

  severity(table: Table): Severity {
    const value = table.severity;
    if (typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value)) return value as Severity;
    const got = value === undefined ? 'is missing' : `got ${show(value)}`;
    this.report('RULE_INVALID', 'rule.severity', `must be one of ${SEVERITIES.join(', ')}; ${got}`);
    return 'low';
  }

  riskScore(table: Table): number {
    const value = table.risk_score;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100) return value;
    const got = value === undefined ? 'is missing' : `got ${show(value)}`;
    this.report('RULE_INVALID', 'rule.risk_score', `must be an integer from 0 to 100; ${got}`);
    return 0;
  }

  threat(table: Table): ThreatEntry[] {
    const value = table.threat;
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.report('RULE_INVALID', 'rule.threat', 'must be an array of tables ([[rule.threat]])');
      return [];
    }
    return value.map((entry: unknown, i) => {
      const at = `rule.threat[${i}]`;
      if (!isTable(entry)) {
        this.report('RULE_INVALID', at, 'must be a table');
        return { framework: '', tactic: { id: '', name: '', reference: '' }, technique: [] };
      }
      const framework = this.string(entry, 'framework', at);
      const tactic = isTable(entry.tactic) ? this.reference(entry.tactic, `${at}.tactic`) : undefined;
      if (tactic === undefined) this.report('RULE_INVALID', `${at}.tactic`, 'is missing');
      const technique = this.tables(entry, 'technique', at).map((table, j): ThreatTechnique => {
        const techniqueAt = `${at}.technique[${j}]`;
        const reference = this.reference(table, techniqueAt);
        const subtechniques = this.tables(table, 'subtechnique', techniqueAt).map((sub, k) =>
          this.reference(sub, `${techniqueAt}.subtechnique[${k}]`),
        );
        return subtechniques.length > 0 ? { ...reference, subtechnique: subtechniques } : reference;
      });
      return { framework, tactic: tactic ?? { id: '', name: '', reference: '' }, technique };
    });
  }

  private tables(table: Table, key: string, at: string): Table[] {
    const value = table[key];
    if (value === undefined) return [];
    if (Array.isArray(value) && value.every(isTable)) return value;
    this.report('RULE_INVALID', `${at}.${key}`, 'must be an array of tables');
    return [];
  }

  private reference(table: Table, at: string): ThreatReference {
    return { id: this.string(table, 'id', at), name: this.string(table, 'name', at), reference: this.string(table, 'reference', at) };
  }
}

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
