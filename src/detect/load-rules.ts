// Loads every rule file in a directory at start-up; any problem in any file stops start-up, all listed.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileRule, type CompiledRule } from './compile-rule.js';
import { parseRuleFile } from './rule-file.js';
import { RuleLoadError, type RuleProblem } from './rule-problems.js';

export interface LoadedRules {
  readonly rules: readonly CompiledRule[];
  /** Union of the ECS paths all rules read, sorted. */
  readonly fieldsRead: readonly string[];
}

const RULE_FILE = /\.toml$/;

export async function loadRules(directory: string): Promise<LoadedRules> {
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => RULE_FILE.test(name)).sort();
  } catch (error) {
    throw new RuleLoadError([{ code: 'RULE_INVALID', file: directory, rule: undefined, message: `cannot list rule files: ${describe(error)}` }]);
  }
  if (names.length === 0) {
    throw new RuleLoadError([{ code: 'RULE_INVALID', file: directory, rule: undefined, message: 'no *.toml rule files found' }]);
  }
  const files = await Promise.all(
    names.map(async (name) => {
      const path = join(directory, name);
      try {
        return { path, text: await readFile(path, 'utf8') };
      } catch (error) {
        return { path, error };
      }
    }),
  );
  return compileRuleFiles(files);
}

/** The pure part of loading: rule file texts in, compiled rules or one error with every problem out. */
export function compileRuleFiles(files: readonly { path: string; text?: string; error?: unknown }[]): LoadedRules {
  const problems: RuleProblem[] = [];
  const rules: CompiledRule[] = [];
  const filesById = new Map<string, string>();
  for (const file of files) {
    if (file.text === undefined) {
      problems.push({ code: 'RULE_INVALID', file: file.path, rule: undefined, message: `cannot read: ${describe(file.error)}` });
      continue;
    }
    try {
      const compiled = compileRule(parseRuleFile(file.text, file.path));
      const earlier = filesById.get(compiled.rule.id);
      if (earlier !== undefined) {
        problems.push({
          code: 'RULE_INVALID',
          file: file.path,
          rule: compiled.rule.name,
          message: `rule.rule_id ${compiled.rule.id} is also used by ${earlier}`,
        });
        continue;
      }
      filesById.set(compiled.rule.id, file.path);
      rules.push(compiled);
    } catch (error) {
      if (!(error instanceof RuleLoadError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new RuleLoadError(problems);
  const fieldsRead = [...new Set(rules.flatMap((rule) => rule.fieldsRead))].sort();
  return { rules, fieldsRead };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
