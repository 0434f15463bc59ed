import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRules } from '../../../src/detect/load-rules.js';
import { RuleLoadError } from '../../../src/detect/rule-problems.js';
import { refusals, refusedByReason } from '../../../src/detect/rule-set.js';

const RULES_DIR = fileURLToPath(new URL('../../../rules/', import.meta.url));
const RULE_TEXT = readFileSync(join(RULES_DIR, 'potential_database_dumping_activity.toml'), 'utf8');
const RULE_ID = '47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function ruleDirectory(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'edr-rules-'));
  directories.push(directory);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(directory, name)), { recursive: true });
    writeFileSync(join(directory, name), text);
  }
  return directory;
}

/** A copy of the shipped rule under another id and name, with another query. */
function ruleWith(name: string, id: string, query: string): string {
  return RULE_TEXT.replace(RULE_ID, id)
    .replace('name = "Potential Database Dumping Activity"', `name = "${name}"`)
    .replace(/query = '''[\s\S]*?'''/, `query = '''\n${query}\n'''`);
}

async function loadError(directory: string): Promise<RuleLoadError> {
  try {
    await loadRules(directory);
  } catch (error) {
    if (error instanceof RuleLoadError) return error;
    throw error;
  }
  throw new Error('expected loading to fail');
}

describe('loadRules', () => {
  it('loads the shipped rules directory', async () => {
    const loaded = await loadRules(RULES_DIR);
    expect(loaded.rules.map((compiled) => compiled.rule.id)).toEqual([RULE_ID]);
    expect(loaded.fieldsRead).toEqual(['event.action', 'event.category', 'event.type', 'host.os.type', 'process.name']);
  });

  it('loads every *.toml file, ignores other files, and unions fieldsRead', async () => {
    const directory = ruleDirectory({
      'a.toml': RULE_TEXT,
      'b.toml': ruleWith('Other', '00000000-0000-0000-0000-000000000001', 'file where file.path : "/etc/*"'),
      'README.md': '# not a rule',
    });
    const loaded = await loadRules(directory);
    expect(loaded.rules.map((compiled) => compiled.rule.name)).toEqual(['Potential Database Dumping Activity', 'Other']);
    expect(loaded.fieldsRead).toContain('file.path');
    expect(loaded.fieldsRead).toContain('process.name');
  });

  it('gives every rule file a verdict; a refused file never stops the others', async () => {
    const directory = ruleDirectory({
      '1-good.toml': RULE_TEXT,
      '2-sequence.toml': ruleWith('Seq', 'id-2', 'sequence by host.id [process where true] [network where true]'),
      '3-pipe.toml': ruleWith('Piped', 'id-3', 'process where true | head 1'),
      '4-syntax.toml': ruleWith('Typo', 'id-4', 'process where process.name == "a" and and'),
      '5-toml.toml': '[rule\nname = 1',
      '6-missing.toml': RULE_TEXT.replace(RULE_ID, 'id-6').replace(/^risk_score = .*$/m, ''),
      '7-query-type.toml': RULE_TEXT.replace(RULE_ID, 'id-7').replace('type = "eql"', 'type = "query"'),
      '8-duplicate.toml': RULE_TEXT,
      '9-descendant.toml': ruleWith('Lineage', 'id-9', 'process where descendant of [process where process.name == "sshd"]'),
    });
    const loaded = await loadRules(directory);
    expect(loaded.rules.map((compiled) => compiled.rule.id)).toEqual([RULE_ID]);
    const summary = loaded.verdicts.map((verdict) => [
      verdict.file.slice(directory.length + 1),
      verdict.status,
      verdict.reasonCode,
      verdict.name,
    ]);
    expect(summary).toEqual([
      ['1-good.toml', 'loaded', undefined, 'Potential Database Dumping Activity'],
      ['2-sequence.toml', 'unsupported', 'eql_multi_event', 'Seq'],
      ['3-pipe.toml', 'unsupported', 'eql_construct', 'Piped'],
      ['4-syntax.toml', 'invalid', 'invalid_query', 'Typo'],
      ['5-toml.toml', 'invalid', 'invalid_file', undefined],
      ['6-missing.toml', 'invalid', 'invalid_file', 'Potential Database Dumping Activity'],
      ['7-query-type.toml', 'unsupported', 'rule_type', 'Potential Database Dumping Activity'],
      ['8-duplicate.toml', 'invalid', 'duplicate_rule_id', 'Potential Database Dumping Activity'],
      ['9-descendant.toml', 'unsupported', 'eql_construct', 'Lineage'],
    ]);
    const reasons = Object.fromEntries(loaded.verdicts.map((verdict) => [verdict.file.slice(directory.length + 1), verdict.reason]));
    expect(reasons['2-sequence.toml']).toContain('query: unsupported EQL construct `sequence`');
    expect(reasons['3-pipe.toml']).toContain('query: unsupported EQL construct pipe `| head`');
    expect(reasons['4-syntax.toml']).toMatch(/query: EQL syntax error: expected a condition or a value, found `and` \(line 1, column 39\)/);
    expect(reasons['6-missing.toml']).toBe('rule.risk_score: is missing');
    expect(reasons['8-duplicate.toml']).toMatch(/rule_id 47fdd8e9-.* is also used by .*1-good\.toml/);
    expect(refusedByReason(loaded).get('invalid_file')).toBe(2);
    expect(refusals(loaded).every((problem) => problem.file.startsWith(directory))).toBe(true);
  });

  it('walks a tree recursively, skips TOML files that hold no rule and takes versions from version.lock.json', async () => {
    const directory = ruleDirectory({
      'rules/linux/a.toml': RULE_TEXT.replace(/^version = .*$/m, ''),
      'rules/_deprecated/old.toml': ruleWith('Old', 'id-old', 'process where true').replace(
        'maturity = "production"',
        'maturity = "deprecated"',
      ),
      'rules_building_block/b.toml': ruleWith('Block', 'id-b', 'process where true').replace(
        'type = "eql"',
        'type = "eql"\nbuilding_block_type = "default"',
      ),
      'pyproject.toml': '[project]\nname = "checkout"\n',
      'hunting/linux/h.toml': '[hunt]\nname = "a hunt"\n',
      '.github/x.toml': '[rule\n',
      'detection_rules/etc/version.lock.json': JSON.stringify({ [RULE_ID]: { rule_name: 'x', sha256: 'y', type: 'eql', version: 105 } }),
    });
    const loaded = await loadRules(directory);
    expect(loaded.rules.map(({ rule }) => [rule.name, rule.version, rule.versionSource, rule.buildingBlockType])).toEqual([
      ['Old', 1, 'rule', undefined],
      ['Potential Database Dumping Activity', 105, 'lock', undefined],
      ['Block', 1, 'rule', 'default'],
    ]);
    expect(loaded.verdicts.map((verdict) => [verdict.file.slice(directory.length + 1), verdict.status])).toEqual([
      ['rules/_deprecated/old.toml', 'loaded'],
      ['rules/linux/a.toml', 'loaded'],
      ['rules_building_block/b.toml', 'loaded'],
    ]);
    expect(loaded.notRules.map((file) => file.slice(directory.length + 1))).toEqual(['hunting/linux/h.toml', 'pyproject.toml']);
  });

  it('loads nothing from an empty directory and refuses a missing one', async () => {
    expect((await loadRules(ruleDirectory({}))).verdicts).toEqual([]);
    expect((await loadError(join(tmpdir(), 'edr-rules-does-not-exist'))).message).toContain('cannot list rule files');
  });
});
