// What `npm run rules -- check` prints: one record per rule file, as JSON or as text lines with a summary.
import { relative } from 'node:path';
import { feedsOf } from '../detect/feed-applicability.js';
import { refusedByReason, type LoadedRules, type RuleVerdict } from '../detect/rule-set.js';
import { VENDORS } from '../vendors/index.js';

/** Exit codes: 0 every file loaded or was refused as unsupported, 1 some file is invalid, 2 bad usage. */
const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

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

export function textReport(records: readonly VerdictRecord[], loaded: LoadedRules): string {
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
  if (loaded.notRules.length > 0)
    lines.push(`${loaded.notRules.length} TOML files hold no rule ([rule] and [metadata] absent) and were skipped`);
  return `${lines.join('\n')}\n`;
}

/** 1 when any rule file is invalid: a tree with broken files should fail a CI check; unsupported ones do not. */
export function exitCodeOf(records: readonly VerdictRecord[]): number {
  return records.some((record) => record.status === 'invalid') ? EXIT_INVALID : 0;
}
