// Reads a rules directory tree (down to a whole detection-rules checkout) and hands the texts to loadRuleSet.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RuleLoadError } from './rule-problems.js';
import { ruleProblem } from './rule-file.js';
import { loadRuleSet, type LoadedRules, type RuleFileText } from './rule-set.js';
import { parseVersionLock } from './version-lock.js';

export type { LoadedRules } from './rule-set.js';

const RULE_FILE = /\.toml$/;
/** Never rules: version control, dependencies, caches. */
const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules']);
/**
 * Where detection-rules keeps rule versions, relative to RULES_DIR: beside the rules, in a checkout's
 * root, or one level up (RULES_DIR pointing at the checkout's `rules/`).
 */
const VERSION_LOCK_PLACES = ['version.lock.json', 'detection_rules/etc/version.lock.json', '../detection_rules/etc/version.lock.json'];

/**
 * Every `*.toml` under `directory`, recursively, sorted by path. Only an unreadable directory
 * throws (RuleLoadError); each rule file gets its own verdict, so one bad file never hides the rest.
 */
export async function loadRules(directory: string): Promise<LoadedRules> {
  let paths: string[];
  try {
    paths = (await listRuleFiles(directory)).sort();
  } catch (error) {
    throw new RuleLoadError([ruleProblem('invalid_file', directory, undefined, `cannot list rule files: ${describe(error)}`)]);
  }
  const files = await Promise.all(
    paths.map(async (path): Promise<RuleFileText> => {
      try {
        return { path, text: await readFile(path, 'utf8') };
      } catch (error) {
        return { path, error };
      }
    }),
  );
  const lockedVersions = await readVersionLock(directory);
  return loadRuleSet(files, lockedVersions === undefined ? {} : { lockedVersions });
}

async function listRuleFiles(directory: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(directory, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) found.push(...(await listRuleFiles(path)));
    } else if (entry.isFile() && RULE_FILE.test(entry.name)) {
      found.push(path);
    }
  }
  return found;
}

/** The first version lock found; a lock that cannot be read is a problem worth stopping for. */
async function readVersionLock(directory: string): Promise<Map<string, number> | undefined> {
  for (const place of VERSION_LOCK_PLACES) {
    const path = join(directory, place);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    try {
      return parseVersionLock(text, path);
    } catch (error) {
      throw new RuleLoadError([ruleProblem('invalid_file', path, undefined, describe(error))]);
    }
  }
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
