// `npm run rules -- check DIR [--json]`: each rule file's verdict, as the service would load it.
import { relative } from 'node:path';
import { feedsOf } from '../detect/feed-applicability.js';
import { loadRules } from '../detect/load-rules.js';
import { RuleLoadError } from '../detect/rule-problems.js';
import { refusedByReason, type LoadedRules, type RuleVerdict } from '../detect/rule-set.js';
import { VENDORS } from '../vendors/index.js';

const USAGE = 'usage: npm run rules -- check DIR [--json]';
/** Exit codes: 0 every file loaded or was refused as unsupported, 1 some file is invalid, 2 bad usage. */
const EXIT_INVALID = 1;
const EXIT_USAGE = 2;

export interface VerdictRecord {
  file: string;
  rule_id: string | null;
  name: string | null;
  status: RuleVerdict['status'];
  reason: string;
  reason_code: string | null;
  version: number | null;
  version_source: string | null;
  building_block: boolean;
  /** `[metadata] maturity`; deprecated rules load like any other, marked so. */
  maturity: string | null;
  /** Ids of the feeds whose Elastic index the rule's patterns match; empty: it runs on no feed. */
  feeds: string[];
}

export function verdictRecords(loaded: LoadedRules, root: string): VerdictRecord[] {
  return loaded.verdicts.map((verdict) => {
    const rule = verdict.compiled?.rule;
    return {
      file: relative(root, verdict.file) || verdict.file,
      rule_id: verdict.ruleId ?? null,
      name: verdict.name ?? null,
      status: verdict.status,
      reason: verdict.reason,
      reason_code: verdict.reasonCode ?? null,
      version: rule?.version ?? null,
      version_source: rule?.versionSource ?? null,
      building_block: rule?.buildingBlockType !== undefined,
      maturity: rule?.maturity ?? null,
      feeds: rule === undefined ? [] : feedsOf(rule.index, VENDORS),
    };
  });
}

function textReport(records: readonly VerdictRecord[], loaded: LoadedRules): string {
  const lines = records.map((record) => {
    const label = record.name ?? '(no name)';
    if (record.status === 'loaded') {
      const where = record.feeds.length > 0 ? `feeds: ${record.feeds.join(', ')}` : 'runs on no feed (no index pattern matches a feed)';
      const deprecated = record.maturity === 'deprecated' ? ' (deprecated upstream)' : '';
      return `loaded       ${record.file}  ${label}${deprecated}  [${where}]`;
    }
    return `${record.status.padEnd(12)} ${record.file}  ${label}: ${record.reason}`;
  });
  const count = (status: string): number => records.filter((record) => record.status === status).length;
  const reasons = [...refusedByReason(loaded)].filter(([, n]) => n > 0).map(([reason, n]) => `${reason} ${n}`);
  lines.push(
    '',
    `${records.length} rule files: ${count('loaded')} loaded (${records.filter((r) => r.status === 'loaded' && r.feeds.length > 0).length} run on some feed), ` +
      `${count('unsupported')} unsupported, ${count('invalid')} invalid${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`,
  );
  if (loaded.notRules.length > 0) lines.push(`${loaded.notRules.length} TOML files hold no rule ([rule] and [metadata] absent) and were skipped`);
  return `${lines.join('\n')}\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = argv.filter((arg) => arg !== '--json');
  const json = argv.includes('--json');
  if (args[0] !== 'check' || args.length !== 2) {
    process.stderr.write(`${USAGE}\n`);
    return EXIT_USAGE;
  }
  const directory = args[1]!;
  let loaded: LoadedRules;
  try {
    loaded = await loadRules(directory);
  } catch (error) {
    if (!(error instanceof RuleLoadError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EXIT_USAGE;
  }
  const records = verdictRecords(loaded, directory);
  process.stdout.write(json ? `${JSON.stringify(records, null, 2)}\n` : textReport(records, loaded));
  return records.some((record) => record.status === 'invalid') ? EXIT_INVALID : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`rules: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT_USAGE;
  },
);
