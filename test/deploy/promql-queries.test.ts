// The PromQL helpers the deploy tests rely on: metric-name extraction, variable filling, /metrics metadata.
import { describe, expect, it } from 'vitest';
import { dashboardVariableQueries, exportedMetricNames, metricNamesIn, substituteGrafanaVariables } from './promql-queries.js';

describe('metricNamesIn', () => {
  it('finds metric names and skips functions, aggregations, labels, ranges and offsets', () => {
    const expr = `sum by (job, vendor) (increase(edr_detector_records_consumed_total{vendor=~"end.*", job="a"}[1h] offset 1d)) > 0
      unless on (job) sum without (instance) (rate(edr_detector_records_consumed_total[5m])) > 1e3`;
    expect(metricNamesIn(expr)).toEqual(['edr_detector_records_consumed_total']);
  });

  it('keeps every operand of binary expressions and histogram series names', () => {
    const expr = `(max by (job, topic, partition) (edr_detector_consumer_lag_records) > 0
      and on (job, topic, partition) time() - max by (job, topic, partition) (edr_detector_last_commit_timestamp_seconds) > 300)
      or histogram_quantile(0.99, sum by (le) (rate(edr_detector_alert_latency_from_kafka_seconds_bucket[5m])))
      / ignoring (le) group_left up`;
    expect(metricNamesIn(expr)).toEqual([
      'edr_detector_alert_latency_from_kafka_seconds_bucket',
      'edr_detector_consumer_lag_records',
      'edr_detector_last_commit_timestamp_seconds',
      'up',
    ]);
  });

  it('does not mistake label values containing braces or keywords for metrics', () => {
    expect(metricNamesIn('count(process_resident_memory_bytes{job="sum by (x) {y}", pod!="rate"})')).toEqual([
      'process_resident_memory_bytes',
    ]);
  });
});

describe('substituteGrafanaVariables', () => {
  it('fills bare and braced variables', () => {
    const filled = substituteGrafanaVariables('rate(x{job=~"$job", vendor=~"${vendor:regex}"}[$__rate_interval])', {
      job: 'edr',
      vendor: '.*',
      __rate_interval: '1m',
    });
    expect(filled).toBe('rate(x{job=~"edr", vendor=~".*"}[1m])');
  });

  it('refuses a variable it has no value for', () => {
    expect(() => substituteGrafanaVariables('rate(x[$__range])', {})).toThrow(/__range/);
  });
});

describe('dashboardVariableQueries', () => {
  it('turns label_values into a PromQL query over the same selector', () => {
    const queries = dashboardVariableQueries({
      templating: {
        list: [
          { name: 'datasource', type: 'datasource', query: 'prometheus' },
          { name: 'vendor', type: 'query', query: { query: 'label_values(m_total{job=~"$job"}, vendor)' } },
        ],
      },
    });
    expect(queries).toEqual([{ where: 'variable vendor', expr: 'count by (vendor) (m_total{job=~"$job"})' }]);
  });
});

describe('exportedMetricNames', () => {
  it('reads TYPE metadata, including metrics without samples, and adds histogram series', () => {
    const exposition = [
      '# HELP edr_detector_dead_letters_total Records written to the dead-letter topic',
      '# TYPE edr_detector_dead_letters_total counter',
      '# HELP edr_detector_batch_duration_seconds One batch',
      '# TYPE edr_detector_batch_duration_seconds histogram',
      'edr_detector_batch_duration_seconds_bucket{le="+Inf"} 0',
      '# TYPE nodejs_gc_duration_seconds summary',
    ].join('\n');
    const names = exportedMetricNames(exposition);
    expect(names.has('edr_detector_dead_letters_total')).toBe(true);
    expect(names.has('edr_detector_batch_duration_seconds_bucket')).toBe(true);
    expect(names.has('edr_detector_batch_duration_seconds_count')).toBe(true);
    expect(names.has('nodejs_gc_duration_seconds_sum')).toBe(true);
    expect(names.has('nodejs_gc_duration_seconds_bucket')).toBe(false);
    expect(names.has('edr_detector_records_consumed_total')).toBe(false);
  });
});
