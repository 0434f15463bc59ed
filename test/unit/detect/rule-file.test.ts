import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRuleFile } from '../../../src/detect/rule-file.js';
import { RuleLoadError } from '../../../src/detect/rule-problems.js';

const RULE_PATH = fileURLToPath(new URL('../../../rules/potential_database_dumping_activity.toml', import.meta.url));
const RULE_TEXT = readFileSync(RULE_PATH, 'utf8');

function loadError(text: string, file = 'broken.toml'): RuleLoadError {
  try {
    parseRuleFile(text, file);
  } catch (error) {
    if (error instanceof RuleLoadError) return error;
    throw error;
  }
  throw new Error('expected the rule file to be rejected');
}

/** The shipped rule with `key = ...` lines under [rule] removed or replaced. */
function variant(edits: Record<string, string | undefined>): string {
  let text = RULE_TEXT;
  for (const [key, replacement] of Object.entries(edits)) {
    const line = new RegExp(`^${key} = .*$`, 'm');
    if (!line.test(text)) throw new Error(`no line for ${key}`);
    text = text.replace(line, replacement ?? '');
  }
  return text;
}

describe('parseRuleFile on the shipped rule', () => {
  const rule = parseRuleFile(RULE_TEXT, RULE_PATH);

  it('carries the metadata RULE.md fixes', () => {
    expect(rule).toMatchObject({
      id: '47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5',
      name: 'Potential Database Dumping Activity',
      version: 1,
      author: ['Elastic'],
      license: 'Elastic License v2',
      severity: 'low',
      riskScore: 21,
      from: 'now-9m',
      timestampOverride: 'event.ingested',
      language: 'eql',
      type: 'eql',
      index: ['endgame-*', 'logs-crowdstrike.fdr*', 'logs-endpoint.events.process*', 'logs-sentinel_one_cloud_funnel.*'],
      references: ['https://cloud.google.com/blog/topics/threat-intelligence/disrupting-gridtide-global-espionage-campaign'],
      sourceFile: RULE_PATH,
    });
    expect(rule.tags).toEqual([
      'Domain: Endpoint',
      'OS: Linux',
      'Use Case: Threat Detection',
      'Tactic: Exfiltration',
      'Data Source: Elastic Defend',
      'Data Source: Crowdstrike',
      'Data Source: SentinelOne',
      'Data Source: Elastic Endgame',
      'Resources: Investigation Guide',
    ]);
    expect(rule.threat).toEqual([
      {
        framework: 'MITRE ATT&CK',
        tactic: { id: 'TA0010', name: 'Exfiltration', reference: 'https://attack.mitre.org/tactics/TA0010/' },
        technique: [
          { id: 'T1048', name: 'Exfiltration Over Alternative Protocol', reference: 'https://attack.mitre.org/techniques/T1048/' },
        ],
      },
    ]);
    expect(rule.query).toContain('process where host.os.type == "linux"');
    expect(rule.description).not.toMatch(/^\s|\s$/);
  });

  it('has an investigation guide covering triage, false positives and response', () => {
    for (const words of ['cron', 'systemd', 'migration', 'Isolate the host', 'Rotate the database credentials']) {
      expect(rule.note).toContain(words);
    }
  });
});

describe('parseRuleFile rejections', () => {
  it('lists every missing or malformed field in one error naming the file', () => {
    const error = loadError(variant({ name: undefined, risk_score: 'risk_score = 150', severity: 'severity = "urgent"' }));
    expect(error.code).toBe('RULE_INVALID');
    expect(error.problems.map((problem) => problem.message)).toEqual([
      'rule.name: is missing',
      'rule.severity: must be one of low, medium, high, critical, got "urgent"',
      'rule.risk_score: must be an integer from 0 to 100, got 150',
    ]);
    expect(error.message).toContain('broken.toml: rule.name: is missing');
  });

  it('names the rule when the file has a name', () => {
    const error = loadError(variant({ author: 'author = "Elastic"' }));
    expect(error.problems).toEqual([
      {
        code: 'RULE_INVALID',
        reason: 'invalid_file',
        file: 'broken.toml',
        rule: 'Potential Database Dumping Activity',
        message: 'rule.author: must be an array of strings, got "Elastic"',
      },
    ]);
    expect(error.message).toContain('broken.toml (rule "Potential Database Dumping Activity"): rule.author');
  });

  it('checks threat entries field by field', () => {
    const text = RULE_TEXT.replace('id = "TA0010"\n', '').replace('name = "Exfiltration Over Alternative Protocol"\n', '');
    expect(loadError(text).problems.map((problem) => problem.message)).toEqual([
      'rule.threat[0].tactic.id: is missing',
      'rule.threat[0].technique[0].name: is missing',
    ]);
  });

  it('reports TOML syntax errors with their line', () => {
    const error = loadError('[rule]\nname = "unterminated\n');
    expect(error.code).toBe('RULE_INVALID');
    expect(error.problems[0]?.message).toMatch(/^not valid TOML at line 2, column \d+/);
  });

  it('requires a [rule] table', () => {
    expect(loadError('[metadata]\nmaturity = "production"\n').problems[0]?.message).toBe('the [rule] table is missing');
  });

  it('refuses settings that would change what matches', () => {
    const error = loadError(RULE_TEXT.replace('type = "eql"', 'type = "eql"\nfilters = [{ query = { match_all = {} } }]'));
    expect(error.code).toBe('RULE_UNSUPPORTED');
    expect(error.problems[0]?.message).toBe('rule.filters: query filters are not evaluated');
  });

  it('accepts an empty exceptions list', () => {
    expect(parseRuleFile(RULE_TEXT.replace('type = "eql"', 'type = "eql"\nexceptions_list = []'), 'x.toml').name).toBe(
      'Potential Database Dumping Activity',
    );
  });
});
