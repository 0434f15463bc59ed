// Start-up with a rules tree holding refused rules: reported once each and counted, or fatal with RULES_STRICT.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../src/package-root.js';
import { detectorEnv, metricValue, startDetector } from './harness/detector.js';
import { createTestFeeds } from './harness/feeds.js';

const BUNDLED = readFileSync(packagePath('rules', 'potential_database_dumping_activity.toml'), 'utf8');
const SEQUENCE = BUNDLED.replace('47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5', '00000000-0000-4000-8000-00000000000a')
  .replace('name = "Potential Database Dumping Activity"', 'name = "A Sequence"')
  .replace(/query = '''[\s\S]*?'''/, "query = '''\nsequence by host.id [process where true] [network where true]\n'''");

const directory = mkdtempSync(join(tmpdir(), 'edr-rules-startup-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const root = join(directory, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

/** The service run to its exit, for start-ups that must stop before touching any server. */
function runToExit(env: Record<string, string>): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [packagePath('dist', 'src', 'main.js')], {
    cwd: packagePath(),
    env: { ...detectorEnv(), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('start-up with refused rules', () => {
  const mixed = tree('mixed', {
    'linux/dump.toml': BUNDLED,
    'linux/sequence.toml': SEQUENCE,
    'broken/not-toml.toml': '[rule\nname = 1',
    'pyproject.toml': '[project]\nname = "x"\n',
  });

  it('with RULES_STRICT=true stops with exit 2, naming every refused file and why', () => {
    const { status, output } = runToExit({ RULES_DIR: mixed, RULES_STRICT: 'true' });
    expect(status).toBe(2);
    expect(output).toContain('RULES_STRICT=true and 2 rule file(s)');
    expect(output).toMatch(/sequence\.toml \(rule "A Sequence"\): query: unsupported EQL construct `sequence`/);
    expect(output).toMatch(/not-toml\.toml: not valid TOML/);
  });

  it('stops with exit 2 when no rule loads', () => {
    const { status, output } = runToExit({ RULES_DIR: tree('none', { 'bad.toml': '[rule\n' }) });
    expect(status).toBe(2);
    expect(output).toContain('no rule loaded from RULES_DIR=');
  });

  it('otherwise reports each refused rule once, counts them, and runs the rest on the feeds they apply to', async () => {
    const feeds = await createTestFeeds('rules-startup', 1);
    const detector = await startDetector({ ...feeds.env, RULES_DIR: mixed });
    try {
      const refused = detector.logs.filter((entry) => entry.message === 'rule refused; it will not run');
      expect(
        refused.map((entry) => [(entry.rule as { file: string }).file.slice(mixed.length + 1), entry.status, entry.reasonCode]),
      ).toEqual([
        ['broken/not-toml.toml', 'invalid', 'invalid_file'],
        ['linux/sequence.toml', 'unsupported', 'eql_multi_event'],
      ]);
      expect(await metricValue(detector.metricsUrl, 'edr_detector_rules_loaded')).toBe(1);
      expect(await metricValue(detector.metricsUrl, 'edr_detector_rules_refused', { reason: 'invalid_file' })).toBe(1);
      expect(await metricValue(detector.metricsUrl, 'edr_detector_rules_refused', { reason: 'eql_multi_event' })).toBe(1);
      expect(await metricValue(detector.metricsUrl, 'edr_detector_rules_refused', { reason: 'rule_type' })).toBe(0);
      for (const vendor of ['elastic-defend', 'crowdstrike-fdr', 'sentinelone-cloud-funnel', 'endgame']) {
        expect(await metricValue(detector.metricsUrl, 'edr_detector_rules_active', { vendor })).toBe(1);
      }
    } finally {
      expect(await detector.stop()).toBe(0);
      await feeds.cleanup();
    }
  });
});
