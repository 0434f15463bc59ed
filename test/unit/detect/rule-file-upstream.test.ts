import { describe, expect, it } from 'vitest';
import { readRuleFile, type RuleFileResult } from '../../../src/detect/rule-file.js';
import { eqlRuleSchema } from '../../../src/detect/rule-schema.js';

/** A rule file shaped like the ones detection-rules ships (our own text): no version, informational keys. */
function upstreamRule(extraRule = '', extraTables = '', metadata = 'maturity = "production"'): string {
  return `[metadata]
creation_date = "2025/01/02"
integration = ["endpoint"]
${metadata}
updated_date = "2025/02/03"

[rule]
author = ["Example Author"]
description = "Spots a test binary."
from = "now-9m"
index = ["logs-endpoint.events.process*"]
language = "eql"
license = "Apache-2.0"
name = "Upstream Shaped Rule"
risk_score = 47
rule_id = "11111111-2222-3333-4444-555555555555"
setup = "## Setup\\nInstall the agent."
severity = "medium"
tags = ["OS: Linux"]
timestamp_override = "event.ingested"
type = "eql"
${extraRule}
query = '''
process where host.os.type == "linux" and process.name == "probe"
'''

[[rule.threat]]
framework = "MITRE ATT&CK"

[rule.threat.tactic]
id = "TA0002"
name = "Execution"
reference = "https://attack.mitre.org/tactics/TA0002/"
${extraTables}
`;
}

function rule(result: RuleFileResult) {
  if (result.kind !== 'rule') throw new Error(`expected a rule, got ${JSON.stringify(result)}`);
  return result.rule;
}

function refusal(result: RuleFileResult) {
  if (result.kind !== 'refused') throw new Error(`expected a refusal, got ${result.kind}`);
  return result.problems.map((problem) => [problem.code, problem.reason, problem.message]);
}

describe('rule files as detection-rules ships them', () => {
  it('takes version 1 when neither the file nor a version lock gives one', () => {
    expect(rule(readRuleFile(upstreamRule(), 'r.toml'))).toMatchObject({ version: 1, versionSource: 'default', maturity: 'production' });
  });

  it("takes the version from version.lock.json when the file has none, the file's own when it has one", () => {
    const lockedVersions = new Map([['11111111-2222-3333-4444-555555555555', 214]]);
    expect(rule(readRuleFile(upstreamRule(), 'r.toml', { lockedVersions }))).toMatchObject({ version: 214, versionSource: 'lock' });
    expect(rule(readRuleFile(upstreamRule('version = 3'), 'r.toml', { lockedVersions }))).toMatchObject({
      version: 3,
      versionSource: 'rule',
    });
  });

  it('reads past informational settings and tables', () => {
    const extra = [
      'false_positives = ["admins"]',
      'note = "## Triage"',
      'references = ["https://example.org/"]',
      'max_signals = 1000',
      'interval = "10m"',
      'building_block_type = "default"',
      'exceptions_list = []',
    ].join('\n');
    const tables = `
[rule.investigation_fields]
field_names = ["process.name"]

[[rule.required_fields]]
ecs = true
name = "process.name"
type = "keyword"

[[rule.related_integrations]]
package = "endpoint"
version = "^9.0.0"

[transform]
[[transform.osquery]]
label = "Processes"
query = "SELECT * FROM processes"
`;
    const parsed = rule(readRuleFile(upstreamRule(extra, tables), 'r.toml'));
    expect(parsed).toMatchObject({ maxSignals: 1000, interval: '10m', from: 'now-9m', buildingBlockType: 'default', exceptionsList: [] });
  });

  it('honours exceptions and alert suppression (issue 13): read into the rule, not refused', () => {
    const exceptions =
      'exceptions_list = [{ id = "endpoint_list", list_id = "endpoint_list", namespace_type = "agnostic", type = "endpoint" }]';
    expect(rule(readRuleFile(upstreamRule(exceptions), 'r.toml')).exceptionsList).toEqual([
      { id: 'endpoint_list', listId: 'endpoint_list', namespaceType: 'agnostic', type: 'endpoint' },
    ]);
    const suppression =
      '\n[rule.alert_suppression]\ngroup_by = ["host.id"]\nmissing_fields_strategy = "suppress"\n[rule.alert_suppression.duration]\nunit = "h"\nvalue = 1\n';
    expect(rule(readRuleFile(upstreamRule('', suppression), 'r.toml')).alertSuppression).toEqual({
      groupBy: ['host.id'],
      duration: { value: 1, unit: 'h' },
      missingFieldsStrategy: 'suppress',
    });
  });

  it('parses exceptions and suppression into typed fields (for the rule model issue 13 builds on)', () => {
    const table = {
      rule_id: 'x',
      name: 'n',
      description: 'd',
      author: ['a'],
      severity: 'low',
      risk_score: 1,
      query: 'any where true',
      language: 'eql',
      type: 'eql',
      exceptions_list: [{ id: 'i', list_id: 'l', namespace_type: 'single', type: 'detection' }],
      alert_suppression: { group_by: ['host.id'], duration: { unit: 'm', value: 5 } },
    };
    const parsed = eqlRuleSchema.parse(table);
    expect(parsed.exceptions_list).toEqual([{ id: 'i', listId: 'l', namespaceType: 'single', type: 'detection' }]);
    expect(parsed.alert_suppression).toEqual({
      groupBy: ['host.id'],
      duration: { unit: 'm', value: 5 },
      missingFieldsStrategy: 'suppress',
    });
    expect(eqlRuleSchema.safeParse({ ...table, alert_suppression: { group_by: 'host.id' } }).success).toBe(false);
  });

  it('names behavioural settings it does not honour, and unknown ones', () => {
    const extra = 'rule_name_override = "process.name"\nfilters = [{ meta = {} }]\nbrand_new_setting = true';
    expect(refusal(readRuleFile(upstreamRule(extra), 'r.toml'))).toEqual([
      ['RULE_UNSUPPORTED', 'setting', 'rule.rule_name_override: rule names taken from event fields are not implemented'],
      ['RULE_UNSUPPORTED', 'setting', 'rule.filters: query filters are not evaluated'],
      ['RULE_UNSUPPORTED', 'setting', 'rule.brand_new_setting: unknown setting; not honoured'],
    ]);
  });

  it('refuses other rule types by that reason alone', () => {
    const query = upstreamRule().replace('language = "eql"', 'language = "kuery"').replace('type = "eql"', 'type = "query"');
    expect(refusal(readRuleFile(query, 'r.toml'))).toEqual([
      [
        'RULE_UNSUPPORTED',
        'rule_type',
        'rule.type: type "query" / language "kuery" is not supported; only EQL rules (type and language "eql") are',
      ],
    ]);
  });

  it('loads a deprecated rule like any other, keeping its maturity', () => {
    const deprecated = upstreamRule('', '', 'maturity = "deprecated"\ndeprecation_date = "2025/03/04"');
    expect(rule(readRuleFile(deprecated, 'r.toml')).maturity).toBe('deprecated');
  });

  it('tells a TOML file that holds no rule from a broken rule file', () => {
    expect(readRuleFile('[project]\nname = "x"\n', 'pyproject.toml')).toEqual({ kind: 'not-a-rule' });
    expect(readRuleFile('[hunt]\nname = "x"\n', 'hunt.toml')).toEqual({ kind: 'not-a-rule' });
    expect(refusal(readRuleFile('[metadata]\nmaturity = "production"\n', 'r.toml'))).toEqual([
      ['RULE_INVALID', 'invalid_file', 'the [rule] table is missing'],
    ]);
  });
});
