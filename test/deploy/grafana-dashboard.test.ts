// deploy/grafana: the dashboard's model (datasource variable, layout, one query per promised panel) and the
// provisioning files that load it. Its PromQL is run against a real Prometheus in test/integration.
import { describe, expect, it } from 'vitest';
import { dashboardPanelQueries, dashboardVariableQueries, metricNamesIn, type Dashboard } from './promql-queries.js';
import { parseYamlFile, readRepoFile, repoPath, runTool, toolAvailable } from './repo-tools.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { datasource?: { uid?: string }; expr: string; refId: string; legendFormat?: string }[];
}

interface DashboardModel {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; datasource?: { uid?: string } }[] };
}

const dashboard = JSON.parse(readRepoFile('deploy', 'grafana', 'edr-dbdump-detector.json')) as DashboardModel;
const panels = dashboard.panels;
const dataPanels = panels.filter((panel) => panel.type !== 'row');
const queries = dashboardPanelQueries(dashboard satisfies Dashboard);

function panelReading(metric: string): Panel[] {
  return dataPanels.filter((panel) => panel.targets?.some((t) => metricNamesIn(t.expr).includes(metric)));
}

describe('Grafana dashboard model', () => {
  it('has a stable uid, a title and a current schema version', () => {
    expect(dashboard.uid).toBe('edr-dbdump-detector');
    expect(dashboard.uid.length).toBeLessThanOrEqual(40);
    expect(dashboard.title).toEqual(expect.any(String));
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
  });

  it('takes its Prometheus from a ${datasource} variable, in every panel and query', () => {
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const panel of dataPanels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).toBe('${datasource}');
    }
    for (const v of dashboard.templating.list.filter((v) => v.type === 'query')) expect(v.datasource?.uid).toBe('${datasource}');
  });

  it('gives every panel a unique id, queries with unique refIds, and a place on the 24-column grid without overlap', () => {
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const taken = new Set<string>();
    for (const panel of panels) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
      for (let row = y; row < y + h; row += 1) {
        for (let column = x; column < x + w; column += 1) {
          const cell = `${column},${row}`;
          expect(taken.has(cell), `${panel.title} overlaps at ${cell}`).toBe(false);
          taken.add(cell);
        }
      }
      if (panel.type === 'row') continue;
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      const refIds = panel.targets!.map((t) => t.refId);
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
    }
  });

  it('uses only variables it defines or Grafana provides', () => {
    const defined = new Set([...dashboard.templating.list.map((v) => v.name), '__rate_interval', '__interval', '__range']);
    const used = [...queries, ...dashboardVariableQueries(dashboard)].flatMap((q) =>
      [...q.expr.matchAll(/\$\{?([A-Za-z0-9_]+)/g)].map((m) => m[1]!),
    );
    expect(used.filter((name) => !defined.has(name))).toEqual([]);
  });

  it('filters every service query by the $job variable', () => {
    for (const { where, expr } of queries) {
      const selectors = expr.match(/[a-z_:]+\{[^}]*\}/g) ?? [];
      expect(selectors.length, where).toBeGreaterThan(0);
      for (const selector of selectors) expect(selector, where).toContain('job=~"$job"');
    }
  });

  // The panels the issue asks for, each found by the metric it must read.
  it.each([
    ['throughput by vendor', 'edr_detector_records_consumed_total', /sum by \(vendor\) \(rate\(/],
    ['consumer lag per partition', 'edr_detector_consumer_lag_records', /by \(topic, partition\)/],
    ['decode failures by vendor and code', 'edr_detector_decode_failures_total', /by \(vendor, error_code\)/],
    ['dead letters by vendor and code', 'edr_detector_dead_letters_total', /by \(vendor, error_code\)/],
    ['rule matches', 'edr_detector_rule_matches_total', /rate\(/],
    ['alerts written by outcome', 'edr_detector_alerts_written_total', /by \(outcome\)/],
    ['Elasticsearch bulk latency', 'edr_detector_elasticsearch_bulk_duration_seconds_bucket', /histogram_quantile\(0\.99,/],
    ['Elasticsearch bulk failures', 'edr_detector_elasticsearch_bulk_requests_total', /by \(outcome\)/],
    [
      'alert latency from Kafka',
      'edr_detector_alert_latency_from_kafka_seconds_bucket',
      /histogram_quantile\(0\.5,[\s\S]*histogram_quantile\(0\.99,/,
    ],
    [
      'alert latency from event time',
      'edr_detector_alert_latency_from_event_seconds_bucket',
      /histogram_quantile\(0\.5,[\s\S]*histogram_quantile\(0\.99,/,
    ],
    ['replicas', 'edr_detector_build_info', /count\(/],
    ['memory', 'process_resident_memory_bytes', /process_resident_memory_bytes/],
    ['partitions paused', 'edr_detector_partitions_paused', /edr_detector_partitions_paused/],
    ['errors by code and stage', 'edr_detector_errors_total', /sum by \(error_code, stage\) \(rate\(/],
  ])('has a panel for %s', (_what, metric, shape) => {
    const found = panelReading(metric);
    expect(found.length, metric).toBeGreaterThan(0);
    expect(found.some((panel) => shape.test(panel.targets!.map((t) => t.expr).join('\n')))).toBe(true);
  });
});

describe('Grafana provisioning', () => {
  it('provides a Prometheus datasource whose timeInterval matches the ServiceMonitor scrape interval', () => {
    const provisioning = parseYamlFile(repoPath('deploy', 'grafana', 'provisioning', 'datasources', 'prometheus.yaml')) as {
      apiVersion: number;
      datasources: { type: string; jsonData?: { timeInterval?: string } }[];
    };
    const monitor = parseYamlFile(repoPath('deploy', 'k8s', 'servicemonitor.yaml')) as {
      spec: { endpoints: { interval: string }[] };
    };
    expect(provisioning.apiVersion).toBe(1);
    expect(provisioning.datasources).toHaveLength(1);
    expect(provisioning.datasources[0]?.type).toBe('prometheus');
    expect(provisioning.datasources[0]?.jsonData?.timeInterval).toBe(monitor.spec.endpoints[0]?.interval);
  });

  it('loads dashboards from files', () => {
    const provider = parseYamlFile(repoPath('deploy', 'grafana', 'provisioning', 'dashboards', 'edr-dbdump-detector.yaml')) as {
      apiVersion: number;
      providers: { type: string; options: { path: string } }[];
    };
    expect(provider.apiVersion).toBe(1);
    expect(provider.providers).toEqual([
      expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: expect.any(String) }) }),
    ]);
  });

  it('packs the dashboard into a ConfigMap for the Grafana sidecar', { skip: !toolAvailable('kubectl') }, () => {
    const built = runTool('kubectl', ['kustomize', repoPath('deploy', 'grafana')]);
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toContain('grafana_dashboard: "1"');
    expect(built.stdout).toContain('name: edr-dbdump-detector-dashboard');
    expect(built.stdout).toContain(`"uid": "${dashboard.uid}"`);
  });
});
