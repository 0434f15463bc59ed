import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exitCodeOf, textReport, verdictRecords } from '../../../src/cli/rules-report.js';
import { packagePath } from '../../../src/package-root.js';
import { loadRuleSet } from '../../../src/detect/rule-set.js';

const BUNDLED = readFileSync(packagePath('rules', 'potential_database_dumping_activity.toml'), 'utf8');
const WINDOWS_ONLY = BUNDLED.replace('47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5', '00000000-0000-4000-8000-0000000000b1')
  .replace('name = "Potential Database Dumping Activity"', 'name = "Sysmon Only"')
  .replace(/index = \[[\s\S]*?\]/, 'index = ["winlogbeat-*", "logs-windows.sysmon_operational-*"]');
const QUERY_RULE = BUNDLED.replace('47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5', 'k')
  .replace('type = "eql"', 'type = "query"')
  .replace('language = "eql"', 'language = "kuery"');

describe('rules check report', () => {
  const root = '/rules';
  const loaded = loadRuleSet([
    { path: '/rules/linux/dump.toml', text: BUNDLED },
    { path: '/rules/windows/sysmon.toml', text: WINDOWS_ONLY },
    { path: '/rules/query.toml', text: QUERY_RULE },
  ]);

  it('gives one JSON record per rule file with at least file, rule_id, name, status and reason', () => {
    const records = verdictRecords(loaded, root);
    expect(
      records.map(({ file, rule_id, name, status, reason_code, version, feeds }) => ({
        file,
        rule_id,
        name,
        status,
        reason_code,
        version,
        feeds,
      })),
    ).toEqual([
      {
        file: 'linux/dump.toml',
        rule_id: '47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5',
        name: 'Potential Database Dumping Activity',
        status: 'loaded',
        reason_code: null,
        version: 1,
        feeds: ['elastic-defend', 'crowdstrike-fdr', 'sentinelone-cloud-funnel', 'endgame'],
      },
      {
        file: 'windows/sysmon.toml',
        rule_id: '00000000-0000-4000-8000-0000000000b1',
        name: 'Sysmon Only',
        status: 'loaded',
        reason_code: null,
        version: 1,
        feeds: [],
      },
      {
        file: 'query.toml',
        rule_id: 'k',
        name: 'Potential Database Dumping Activity',
        status: 'unsupported',
        reason_code: 'rule_type',
        version: null,
        feeds: [],
      },
    ]);
    expect(records[2]!.reason).toContain('rule.type: type "query"');
    expect(exitCodeOf(records)).toBe(0);
  });

  it('prints a line per file, says where a rule runs, and sums up', () => {
    const text = textReport(verdictRecords(loaded, root), loaded);
    expect(text).toContain(
      'loaded       linux/dump.toml  Potential Database Dumping Activity  [feeds: elastic-defend, crowdstrike-fdr, sentinelone-cloud-funnel, endgame]',
    );
    expect(text).toContain('windows/sysmon.toml  Sysmon Only  [runs on no feed (no index pattern matches a feed)]');
    expect(text).toContain('unsupported  query.toml');
    expect(text).toContain('3 rule files: 2 loaded (1 run on some feed), 1 unsupported, 0 invalid (rule_type 1)');
  });

  it('exits 1 when a file is invalid', () => {
    const broken = loadRuleSet([{ path: '/rules/x.toml', text: '[rule\n' }]);
    expect(exitCodeOf(verdictRecords(broken, root))).toBe(1);
  });
});
