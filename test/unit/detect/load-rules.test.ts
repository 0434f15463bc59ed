import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DetectorError } from '../../../src/errors.js';
import { loadRules } from '../../../src/detect/load-rules.js';
import { RuleLoadError } from '../../../src/detect/rule-problems.js';

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
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
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

  it('reports all problems across all files in one error', async () => {
    const directory = ruleDirectory({
      '1-good.toml': RULE_TEXT,
      '2-sequence.toml': ruleWith('Seq', 'id-2', 'sequence by host.id [process where true] [network where true]'),
      '3-pipe.toml': ruleWith('Piped', 'id-3', 'process where true | head 1'),
      '4-syntax.toml': ruleWith('Typo', 'id-4', 'process where process.name == "a" and and'),
      '5-toml.toml': '[rule\nname = 1',
      '6-missing.toml': RULE_TEXT.replace(/^risk_score = .*$/m, ''),
      '7-query-type.toml': RULE_TEXT.replace(RULE_ID, 'id-7').replace('type = "eql"', 'type = "query"'),
      '8-duplicate.toml': RULE_TEXT,
      '9-function.toml': ruleWith('Func', 'id-9', 'process where startsWith(process.name, "pg")'),
    });
    const error = await loadError(directory);
    expect(error).toBeInstanceOf(DetectorError);
    expect(error.code).toBe('RULE_INVALID');
    expect(error.stage).toBe('rules');
    expect(error.retriable).toBe(false);
    const summary = error.problems.map((problem) => [problem.file.slice(directory.length + 1), problem.code, problem.rule]);
    expect(summary).toEqual([
      ['2-sequence.toml', 'RULE_UNSUPPORTED', 'Seq'],
      ['3-pipe.toml', 'RULE_UNSUPPORTED', 'Piped'],
      ['4-syntax.toml', 'RULE_INVALID', 'Typo'],
      ['5-toml.toml', 'RULE_INVALID', undefined],
      ['6-missing.toml', 'RULE_INVALID', 'Potential Database Dumping Activity'],
      ['7-query-type.toml', 'RULE_UNSUPPORTED', 'Potential Database Dumping Activity'],
      ['8-duplicate.toml', 'RULE_INVALID', 'Potential Database Dumping Activity'],
      ['9-function.toml', 'RULE_UNSUPPORTED', 'Func'],
    ]);
    expect(error.message).toContain('(8 problems)');
    expect(error.message).toContain('2-sequence.toml (rule "Seq"): query: unsupported EQL construct `sequence`');
    expect(error.message).toContain('3-pipe.toml (rule "Piped"): query: unsupported EQL construct pipe `| head`');
    expect(error.message).toContain('9-function.toml (rule "Func"): query: unsupported EQL construct function `startsWith()`');
    expect(error.message).toMatch(/4-syntax\.toml \(rule "Typo"\): query: EQL syntax error: expected a condition, found `and` \(line 1, column 39\)/);
    expect(error.message).toContain('6-missing.toml (rule "Potential Database Dumping Activity"): rule.risk_score');
    expect(error.message).toContain('7-query-type.toml');
    expect(error.message).toMatch(/8-duplicate\.toml .*rule_id 47fdd8e9-.* is also used by .*1-good\.toml/);
  });

  it('uses RULE_UNSUPPORTED when every problem is an unsupported construct', async () => {
    const directory = ruleDirectory({ 'r.toml': ruleWith('Regex', 'id-r', 'process where process.name regex "pg_.*"') });
    const error = await loadError(directory);
    expect(error.code).toBe('RULE_UNSUPPORTED');
    expect(error.message).toContain('unsupported EQL construct `regex`');
  });

  it('refuses an empty or missing directory', async () => {
    expect((await loadError(ruleDirectory({}))).message).toContain('no *.toml rule files found');
    expect((await loadError(join(tmpdir(), 'edr-rules-does-not-exist'))).message).toContain('cannot list rule files');
  });
});
