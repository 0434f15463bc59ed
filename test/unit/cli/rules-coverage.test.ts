import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coverageText, ruleCoverage } from '../../../src/cli/rules-coverage.js';
import { loadRuleSet } from '../../../src/detect/rule-set.js';
import { packagePath } from '../../../src/package-root.js';
import { VENDORS } from '../../../src/vendors/index.js';

const BUNDLED = readFileSync(packagePath('rules', 'potential_database_dumping_activity.toml'), 'utf8');
/** The bundled rule, renamed, with another query. */
function variant(id: string, query: string): string {
  return BUNDLED.replace('47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5', id).replace(/query = '''[\s\S]*?'''/, `query = '''\n${query}\n'''`);
}

describe('rules coverage', () => {
  const loaded = loadRuleSet([
    { path: '/r/dump.toml', text: BUNDLED },
    // CrowdStrike never sets process.parent.executable; Endgame never sets process.args.
    {
      path: '/r/parent.toml',
      text: variant(
        '00000000-0000-4000-8000-0000000000c1',
        'process where host.os.type == "linux" and process.parent.executable == "/usr/sbin/cron"',
      ),
    },
    {
      path: '/r/args.toml',
      text: variant('00000000-0000-4000-8000-0000000000c2', 'process where host.os.type == "linux" and process.args == "--all-databases"'),
    },
    // Not a process rule: left out.
    {
      path: '/r/file.toml',
      text: variant('00000000-0000-4000-8000-0000000000c3', 'file where host.os.type == "linux" and file.name == "x"'),
    },
  ]);

  it('counts, per feed, the applicable Linux process rules and those that read only fields the feed sets', () => {
    expect(loaded.rules).toHaveLength(4);
    const coverage = ruleCoverage(loaded.rules, VENDORS);
    expect(coverage.linuxProcessRules).toBe(3);
    const byFeed = Object.fromEntries(coverage.feeds.map((feed) => [feed.feed, [feed.applicable, feed.fieldsAllSet]]));
    expect(byFeed).toEqual({ 'elastic-defend': [3, 3], 'crowdstrike-fdr': [3, 2], 'sentinelone-cloud-funnel': [3, 3], endgame: [3, 2] });
    const crowdstrike = coverage.feeds.find((feed) => feed.feed === 'crowdstrike-fdr')!;
    expect(crowdstrike.missingMostOften).toEqual([{ field: 'process.parent.executable', rules: 1 }]);
    expect(coverageText(coverage)).toContain('endgame\t3\t2\tprocess.args (1)');
  });
});
