import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDetectionSet, type DetectionConfig } from '../../../src/ruleset/load-detection-set.js';
import { editableRulesDir } from '../../../scripts/demo-soc.js';

const RULES = fileURLToPath(new URL('../../../rules/', import.meta.url));
const EXCEPTIONS = fileURLToPath(new URL('../../../exceptions/', import.meta.url));
const RULE_FILE = 'potential_database_dumping_activity.toml';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function copyOf(source: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'edr-set-'));
  directories.push(directory);
  cpSync(source, directory, { recursive: true });
  return directory;
}

function config(overrides: Partial<DetectionConfig> = {}): DetectionConfig {
  return {
    RULES_DIR: RULES,
    RULES_STRICT: false,
    EXCEPTIONS_DIR: EXCEPTIONS,
    SUPPRESSION_GROUP_BY: [],
    SUPPRESSION_DURATION_MS: 300_000,
    SUPPRESSION_MISSING_FIELDS_STRATEGY: 'suppress',
    ...overrides,
  };
}

async function problemsOf(settings: DetectionConfig): Promise<string> {
  try {
    await loadDetectionSet(settings);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the set to be refused');
}

describe('loadDetectionSet', () => {
  it('runs the shipped rule plain: no exception list, no suppression by default', async () => {
    const set = await loadDetectionSet(config());
    expect(set.rules).toHaveLength(1);
    expect(set.rules[0]!.exceptions).toBeUndefined();
    expect(set.rules[0]!.suppression).toBeUndefined();
    expect(set.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect((await loadDetectionSet(config())).fingerprint).toBe(set.fingerprint);
  });

  it('joins a rule to the exception list it references, and the fingerprint follows', async () => {
    const rules = editableRulesDir();
    directories.push(rules);
    const set = await loadDetectionSet(config({ RULES_DIR: rules }));
    expect(set.rules[0]!.exceptions).toBeTypeOf('function');
    expect(set.fingerprint).not.toBe((await loadDetectionSet(config())).fingerprint);
  });

  it('applies the deployment default suppression to rules without their own', async () => {
    const set = await loadDetectionSet(config({ SUPPRESSION_GROUP_BY: ['host.name', 'process.name'], SUPPRESSION_DURATION_MS: 60_000 }));
    expect(set.rules[0]!.suppression).toEqual({
      groupBy: ['host.name', 'process.name'],
      durationMs: 60_000,
      missingFieldsStrategy: 'suppress',
    });
  });

  it("uses the rule file's own [rule.alert_suppression], and the fingerprint follows the change", async () => {
    const rules = copyOf(RULES);
    const before = (await loadDetectionSet(config({ RULES_DIR: rules }))).fingerprint;
    const text = readFileSync(join(rules, RULE_FILE), 'utf8');
    writeFileSync(
      join(rules, RULE_FILE),
      `${text}\n[rule.alert_suppression]\ngroup_by = ["host.id"]\nmissing_fields_strategy = "doNotSuppress"\n[rule.alert_suppression.duration]\nunit = "m"\nvalue = 10\n`,
    );
    const set = await loadDetectionSet(config({ RULES_DIR: rules, SUPPRESSION_GROUP_BY: ['host.name'] }));
    expect(set.rules[0]!.suppression).toEqual({ groupBy: ['host.id'], durationMs: 600_000, missingFieldsStrategy: 'doNotSuppress' });
    expect(set.fingerprint).not.toBe(before);
  });

  it('refuses a rule whose exception list is missing, naming the rule file and the list', async () => {
    const empty = copyOf(EXCEPTIONS);
    rmSync(join(empty, 'database-backup-jobs.ndjson'));
    const rules = editableRulesDir();
    directories.push(rules);
    expect(await problemsOf(config({ RULES_DIR: rules, EXCEPTIONS_DIR: empty }))).toMatch(
      /potential_database_dumping_activity\.toml \(rule "Potential Database Dumping Activity"\): exceptions_list: list "database-backup-jobs" is not in EXCEPTIONS_DIR/,
    );
  });

  it('lists rule and exception file problems together', async () => {
    const exceptions = copyOf(EXCEPTIONS);
    writeFileSync(join(exceptions, 'broken.ndjson'), '{"list_id": "x"}\n');
    const rules = copyOf(RULES);
    writeFileSync(join(rules, 'bad.toml'), '[rule\n');
    const message = await problemsOf(config({ RULES_DIR: rules, EXCEPTIONS_DIR: exceptions, RULES_STRICT: true }));
    expect(message).toContain('broken.ndjson:1: exception list: namespace_type');
    expect(message).toContain('RULES_STRICT=true and 1 rule file(s)');
  });
});
