// Per feed, how many loaded Linux process rules it can run and how many read only fields it sets.
import type { CompiledRule } from '../detect/compile-rule.js';
import { rulesForFeed } from '../detect/feed-applicability.js';
import { fieldsNotSet } from '../vendors/ecs-fields-set.js';
import type { VendorFeed } from '../vendors/types.js';

export interface FeedCoverage {
  feed: string;
  /** Linux process rules whose index patterns take in this feed. */
  applicable: number;
  /** Of those, the rules that read only ECS fields this feed sets: every condition can be met. */
  fieldsAllSet: number;
  /** The fields the other applicable rules need most often, with how many rules need each. */
  missingMostOften: { field: string; rules: number }[];
}

/** `process where`, the category EQL names first; the rule's tags say which OS it is written for. */
function isLinuxProcessRule({ rule }: CompiledRule): boolean {
  return /^\s*process\s+where\b/i.test(rule.query) && rule.tags.includes('OS: Linux');
}

export function ruleCoverage(
  rules: readonly CompiledRule[],
  feeds: readonly VendorFeed[],
): { linuxProcessRules: number; feeds: FeedCoverage[] } {
  const linux = rules.filter(isLinuxProcessRule);
  return {
    linuxProcessRules: linux.length,
    feeds: feeds.map((feed) => {
      const applicable = rulesForFeed(linux, feed);
      const missing = new Map<string, number>();
      let fieldsAllSet = 0;
      for (const rule of applicable) {
        const notSet = fieldsNotSet(rule.fieldsRead, feed);
        if (notSet.length === 0) fieldsAllSet++;
        for (const field of notSet) missing.set(field, (missing.get(field) ?? 0) + 1);
      }
      const missingMostOften = [...missing]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 5)
        .map(([field, count]) => ({ field, rules: count }));
      return { feed: feed.id, applicable: applicable.length, fieldsAllSet, missingMostOften };
    }),
  };
}

export function coverageText(coverage: ReturnType<typeof ruleCoverage>): string {
  const lines = [
    `${coverage.linuxProcessRules} loaded Linux process rules`,
    'feed\tapplicable\treads only fields the feed sets\tmissing most often',
  ];
  for (const feed of coverage.feeds) {
    const missing = feed.missingMostOften.map(({ field, rules }) => `${field} (${rules})`).join(', ');
    lines.push(`${feed.feed}\t${feed.applicable}\t${feed.fieldsAllSet}\t${missing || '-'}`);
  }
  return `${lines.join('\n')}\n`;
}
