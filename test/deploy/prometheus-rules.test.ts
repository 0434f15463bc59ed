// deploy/prometheus/rules.yml: promtool's check and unit tests, and the conventions every alert must keep
// (for, severity, summary, description, a runbook anchor that exists in deploy/README.md).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { metricNamesIn } from './promql-queries.js';
import { parseYamlFile, readRepoFile, repoPath, runTool } from './repo-tools.js';

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RuleTests {
  rule_files: string[];
  tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
}

const RULES = 'deploy/prometheus/rules.yml';
const rules = parseYamlFile(repoPath(RULES)) as { groups: { name: string; rules: AlertRule[] }[] };
const alerts = rules.groups.flatMap((group) => group.rules);
const readme = readRepoFile('deploy', 'README.md');

// GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const match of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    anchors.add(
      match[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}

function durationSeconds(text: string): number {
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+)([smhd])/g)) total += Number(value) * units[unit!]!;
  return total;
}

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('promtool', () => {
  it('check rules: the file parses, every expression and template is valid, no duplicate rules', () => {
    const result = runTool('promtool', ['check', 'rules', '--lint=all', '--lint-fatal', RULES]);
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toContain(`SUCCESS: ${alerts.length} rules found`);
  });

  it('check rules is not a no-op: a broken expression fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edr-rules-'));
    temporary.push(dir);
    const broken = join(dir, 'rules.yml');
    writeFileSync(broken, readRepoFile(RULES).replace('> 10000', '> > 10000'));
    expect(runTool('promtool', ['check', 'rules', broken]).status).not.toBe(0);
  });

  it('test rules: deploy/prometheus/rules.test.yml passes', () => {
    const result = runTool('promtool', ['test', 'rules', 'deploy/prometheus/rules.test.yml']);
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('SUCCESS');
  });

  it('every alert has a unit test in which it fires', () => {
    const tests = parseYamlFile(repoPath('deploy', 'prometheus', 'rules.test.yml')) as RuleTests;
    expect(tests.rule_files).toEqual(['rules.yml']);
    const firing = new Set(
      tests.tests
        .flatMap((t) => t.alert_rule_test ?? [])
        .filter((t) => t.exp_alerts.length > 0)
        .map((t) => t.alertname),
    );
    expect(alerts.map((a) => a.alert).filter((name) => !firing.has(name))).toEqual([]);
  });
});

describe('alert conventions', () => {
  const anchors = anchorsOf(readme);

  it.each(alerts.map((a) => [a.alert, a] as const))('%s has for, severity, summary, description and a runbook', (name, alert) => {
    expect(name).toMatch(/^EdrDetector[A-Z][A-Za-z]+$/);
    expect(durationSeconds(alert.for ?? '')).toBeGreaterThanOrEqual(60);
    expect(['critical', 'warning']).toContain(alert.labels?.severity);
    expect(alert.annotations?.summary).toEqual(expect.any(String));
    expect(alert.annotations?.description).toEqual(expect.any(String));
    const runbook = new URL(alert.annotations?.runbook_url ?? '');
    expect(runbook.pathname).toMatch(/\/deploy\/README\.md$/);
    expect(runbook.hash).toBe(`#${name.toLowerCase()}`);
    expect(anchors, `deploy/README.md needs a heading "${name}"`).toContain(name.toLowerCase());
  });

  it('names only edr_detector_ metrics (the service is the only source)', () => {
    for (const alert of alerts) {
      for (const metric of metricNamesIn(alert.expr)) expect(metric, alert.alert).toMatch(/^edr_detector_/);
    }
  });

  it('states the latency objective the alert enforces', () => {
    const latency = alerts.find((a) => a.alert === 'EdrDetectorAlertLatencyHigh');
    expect(latency?.expr).toMatch(/histogram_quantile\(0\.99,[\s\S]*alert_latency_from_kafka_seconds_bucket[\s\S]*\)\s*>\s*5\s*$/);
    expect(readme).toMatch(/99\s?% of alerts[^.]*within 5 s/);
  });
});
