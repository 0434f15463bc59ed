// A real Prometheus scrapes the real service and loads deploy/prometheus/rules.yml; every PromQL expression of
// the dashboard and the rules must evaluate, and every metric they name must be one the service exports.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dashboardPanelQueries,
  dashboardVariableQueries,
  exportedMetricNames,
  metricNamesIn,
  ruleQueries,
  substituteGrafanaVariables,
  type Dashboard,
  type NamedQuery,
  type RuleFile,
} from '../deploy/promql-queries.js';
import { freePort, parseYamlFile, readRepoFile, repoPath } from '../deploy/repo-tools.js';
import { eventually, metricValue, startDetector, type RunningDetector } from './harness/detector.js';
import { createTestFeeds, type TestFeeds } from './harness/feeds.js';

const JOB = 'edr-dbdump-detector';
// Series Prometheus makes itself for every target rather than reading from /metrics.
const SCRAPE_SERIES = new Set(['up']);
// Grafana's variables, as a dashboard user with the vendor variable on "All" would send them.
const GRAFANA_VALUES = { datasource: 'prometheus', job: JOB, vendor: '.*', __rate_interval: '1m', __interval: '15s', __range: '1h' };

const dashboard = JSON.parse(readRepoFile('deploy', 'grafana', 'edr-dbdump-detector.json')) as Dashboard;
const rules = parseYamlFile(repoPath('deploy', 'prometheus', 'rules.yml')) as RuleFile;
const dashboardQueries = [...dashboardPanelQueries(dashboard), ...dashboardVariableQueries(dashboard)].map((q) => ({
  ...q,
  expr: substituteGrafanaVariables(q.expr, GRAFANA_VALUES),
}));
const alertQueries = ruleQueries(rules);

interface QueryResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

describe('dashboard and alert rules against a real Prometheus scraping the service', () => {
  let feeds: TestFeeds;
  let detector: RunningDetector;
  let prometheus: ChildProcess | undefined;
  let prometheusLog = '';
  let prometheusUrl = '';
  let workDir = '';
  let exposition = '';

  async function query(expr: string): Promise<QueryResponse> {
    const response = await fetch(`${prometheusUrl}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }),
    });
    return (await response.json()) as QueryResponse;
  }

  beforeAll(async () => {
    feeds = await createTestFeeds('prometheus', 1);
    // A port of our own: Prometheus's config names it before the detector's log could.
    detector = await startDetector({ ...feeds.env, METRICS_PORT: String(await freePort()) });
    // Undecodable records give the labelled counters (consumed, decode failures, dead letters, commits) samples.
    const producer = feeds.kafka.producer();
    await producer.connect();
    for (const topic of feeds.topicOf.values()) {
      await producer.send({ topic, messages: [{ key: 'not-avro', value: Buffer.from('not avro at all') }] });
    }
    await producer.disconnect();
    await eventually('the detector consumed the records', async () => {
      return (await metricValue(detector.metricsUrl, 'edr_detector_records_consumed_total')) >= feeds.topicOf.size;
    });

    workDir = mkdtempSync(join(tmpdir(), 'edr-prometheus-'));
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    const metricsTarget = new URL(detector.metricsUrl);
    writeFileSync(
      join(workDir, 'prometheus.yml'),
      JSON.stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [repoPath('deploy', 'prometheus', 'rules.yml')],
        scrape_configs: [{ job_name: JOB, static_configs: [{ targets: [`127.0.0.1:${metricsTarget.port}`] }] }],
      }),
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(workDir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(workDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.on('error', (error) => {
      prometheusLog += `could not start prometheus (apt-get install prometheus): ${error.message}\n`;
    });
    prometheus.stdout?.on('data', (chunk: Buffer) => (prometheusLog += chunk.toString('utf8')));
    prometheus.stderr?.on('data', (chunk: Buffer) => (prometheusLog += chunk.toString('utf8')));

    const upQuery = `count_over_time(up{job="${JOB}"}[1m]) >= 5 and up{job="${JOB}"} == 1`;
    try {
      await eventually(
        'Prometheus has scraped the service five times',
        async () => {
          const result = await query(upQuery).catch(() => undefined);
          return (result?.data?.result.length ?? 0) > 0;
        },
        60_000,
        500,
      );
      await eventually(
        'Prometheus has evaluated every rule',
        async () => {
          const response = await fetch(`${prometheusUrl}/api/v1/rules`);
          const body = (await response.json()) as { data: { groups: { rules: { lastEvaluation: string }[] }[] } };
          const loaded = body.data.groups.flatMap((group) => group.rules);
          return loaded.length === alertQueries.length && loaded.every((rule) => !rule.lastEvaluation.startsWith('0001-'));
        },
        30_000,
        500,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\nprometheus output:\n${prometheusLog.slice(-4000)}`);
    }
    exposition = await (await fetch(new URL('/metrics', detector.metricsUrl))).text();
  });

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
    }
    await detector?.stop();
    await feeds?.cleanup();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('loaded every rule from rules.yml, and none failed to evaluate', async () => {
    const response = await fetch(`${prometheusUrl}/api/v1/rules`);
    const body = (await response.json()) as {
      data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const loaded = body.data.groups.flatMap((group) => group.rules);
    expect(loaded.map((rule) => rule.name).sort()).toEqual(alertQueries.map((q) => q.where.replace(/^rule /, '')).sort());
    expect(loaded.filter((rule) => rule.health !== 'ok').map((rule) => `${rule.name}: ${rule.lastError}`)).toEqual([]);
  });

  it('found queries to run: every dashboard panel, variable and rule', () => {
    expect(dashboardQueries.length).toBeGreaterThanOrEqual(20);
    expect(alertQueries.length).toBeGreaterThanOrEqual(6);
    for (const { where, expr } of dashboardQueries) expect(expr, where).not.toContain('$');
  });

  it('evaluates every dashboard and rule expression without error', async () => {
    const failures: string[] = [];
    for (const { where, expr } of [...dashboardQueries, ...alertQueries]) {
      const result = await query(expr);
      if (result.status !== 'success') failures.push(`${where}: ${result.error}\n  ${expr}`);
    }
    expect(failures).toEqual([]);
  });

  it('returns data for every dashboard query whose metrics the service has samples for', async () => {
    const sampled = sampledMetricNames(exposition);
    const empty: string[] = [];
    let checked = 0;
    for (const { where, expr } of dashboardQueries) {
      const names = metricNamesIn(expr);
      if (!names.every((name) => sampled.has(name) || SCRAPE_SERIES.has(name))) continue;
      checked += 1;
      const result = await query(expr);
      if ((result.data?.result.length ?? 0) === 0) empty.push(`${where}: ${expr}`);
    }
    expect(empty).toEqual([]);
    // throughput, dead letters, decode failures, replicas, memory, CPU, ... at the least
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('names only metrics the service exports (by its # TYPE metadata) or Prometheus adds', () => {
    const exported = exportedMetricNames(exposition);
    expect(exported.has('edr_detector_records_consumed_total')).toBe(true);
    const missing = [...dashboardQueries, ...alertQueries].flatMap(({ where, expr }: NamedQuery) =>
      metricNamesIn(expr)
        .filter((name) => !exported.has(name) && !SCRAPE_SERIES.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(missing).toEqual([]);
  });
});

// Metric names that have at least one sample line (not only metadata) in an exposition.
function sampledMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{|\s)/.exec(line);
    if (match) names.add(match[1]!);
  }
  return names;
}
