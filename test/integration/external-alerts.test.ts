// Elastic Security's External Alerts rule, run as the equivalent Elasticsearch query over what the detector writes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { estypes } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRecord } from '../../scripts/native/encoder.js';
import { packagePath } from '../../src/package-root.js';
import { VENDORS } from '../../src/vendors/index.js';
import { loadFixtures } from '../../scripts/samples/fixtures.js';
import { defendRecord } from './harness/defend-records.js';
import { eventually, metricValue, startDetector, type RunningDetector } from './harness/detector.js';
import { alertDocuments, createTestFeeds, resetAlertStream, type TestFeeds } from './harness/feeds.js';
import { fromNative } from '../../scripts/native/from-native.js';

/**
 * The rule (detection-rules rules/promotions/external_alerts.toml, rule_id eb079c62-…) is a KQL query
 *   event.kind:alert and not event.module:(endgame or endpoint or cloud_defend) and
 *   not data_stream.dataset:(m365_defender.alert or m365_defender.incident)
 * over `logs-*` among others, with timestamp_override event.ingested and a look-back of 2 minutes
 * (from now-2m). Kibana turns `field:value` into a match query; this is the same query in DSL.
 */
function externalAlertsQuery(): estypes.QueryDslQueryContainer {
  const anyOf = (field: string, values: string[]): estypes.QueryDslQueryContainer => ({
    bool: { should: values.map((value) => ({ match: { [field]: value } })), minimum_should_match: 1 },
  });
  return {
    bool: {
      filter: [{ match: { 'event.kind': 'alert' } }, { range: { 'event.ingested': { gte: 'now-2m', lte: 'now' } } }],
      must_not: [
        anyOf('event.module', ['endgame', 'endpoint', 'cloud_defend']),
        anyOf('data_stream.dataset', ['m365_defender.alert', 'm365_defender.incident']),
      ],
    },
  };
}

/** The rule's severity_mapping (event.severity equals "21"/"47"/"73"/"99") and risk_score_mapping (event.risk_score). */
const SEVERITY_MAPPING: Record<string, string> = { '21': 'low', '47': 'medium', '73': 'high', '99': 'critical' };

/** Documents in `logs-*` that the rule must leave alone: source events, Elastic's own alerts, M365 alerts. */
const DECOYS: Array<Record<string, unknown>> = [
  { event: { kind: 'event', module: 'crowdstrike', dataset: 'crowdstrike.fdr' }, message: 'a raw event' },
  { event: { kind: 'alert', module: 'endpoint', dataset: 'endpoint.alerts' }, message: 'an Elastic Defend alert' },
  { event: { kind: 'alert', module: 'endgame', dataset: 'endgame.alerts' }, message: 'an Endgame alert' },
  {
    event: { kind: 'alert', module: 'm365_defender' },
    data_stream: { type: 'logs', dataset: 'm365_defender.alert', namespace: 'x' },
    message: 'an M365 alert',
  },
];

const BURST_HOST = 'db-burst-external';
const BURST = 6;

/**
 * The bundled rule plus a critical copy of it, so two severities and risk scores are in play, and a
 * medium rule on the Defend feed that suppresses by host: a burst on one host is one alert of its own.
 */
function rulesDirWithCopies(): string {
  const dir = mkdtempSync(join(tmpdir(), 'external-alerts-rules-'));
  const bundled = readFileSync(packagePath('rules', 'potential_database_dumping_activity.toml'), 'utf8');
  writeFileSync(join(dir, 'low.toml'), bundled);
  const critical = bundled
    .replace(/^name = ".*"$/m, 'name = "Database Dumping Activity (test, critical)"')
    .replace(/^rule_id = ".*"$/m, 'rule_id = "0d7e3c52-5a5e-4c7e-9f0a-2f4c1b7f9e01"')
    .replace(/^severity = ".*"$/m, 'severity = "critical"')
    .replace(/^risk_score = \d+$/m, 'risk_score = 99');
  writeFileSync(join(dir, 'critical.toml'), critical);
  const suppressing = bundled
    .replace(/^name = ".*"$/m, 'name = "Database Dumping Activity (test, suppressed)"')
    .replace(/^rule_id = ".*"$/m, 'rule_id = "6a1f4c2e-8b3d-4e5f-9a6b-7c8d9e0f1a2b"')
    .replace(/^severity = ".*"$/m, 'severity = "medium"')
    .replace(/^risk_score = \d+$/m, 'risk_score = 47')
    .replace(/^index = \[[^\]]*\]/m, 'index = ["logs-endpoint.events.process*"]')
    .replace(/^query = '''[^]*?'''/m, `query = '''\nprocess where host.name == "${BURST_HOST}" and process.name == "mysqldump"\n'''`);
  expect(suppressing).toContain(BURST_HOST);
  writeFileSync(
    join(dir, 'suppressed.toml'),
    `${suppressing}\n[rule.alert_suppression]\ngroup_by = ["host.name"]\nmissing_fields_strategy = "suppress"\n\n[rule.alert_suppression.duration]\nunit = "h"\nvalue = 1\n`,
  );
  return dir;
}

describe('the External Alerts rule over the alerts data stream', () => {
  let feeds: TestFeeds;
  let detector: RunningDetector;
  const decoyStream = 'logs-edr_test.decoy-external_alerts';
  const fixtures = new Map(VENDORS.map((vendor) => [vendor.id, loadFixtures(vendor.id)]));
  const alertingPerVendor = new Map([...fixtures].map(([vendor, list]) => [vendor, list.filter((f) => f.alert).length]));
  // The burst alerts under the two plain rules, and once under the suppressing one.
  const expectedAlerts = 2 * [...alertingPerVendor.values()].reduce((a, b) => a + b, 0) + 2 * BURST + 1;

  beforeAll(async () => {
    feeds = await createTestFeeds('external-alerts', 1);
    await resetAlertStream(feeds.elasticsearch, decoyStream);
    await feeds.elasticsearch.indices.putIndexTemplate({
      name: decoyStream,
      index_patterns: [decoyStream],
      data_stream: {},
      priority: 200,
    });
    const now = new Date().toISOString();
    await feeds.elasticsearch.bulk({
      refresh: true,
      operations: DECOYS.flatMap((decoy) => [
        { create: { _index: decoyStream } },
        { '@timestamp': now, ...decoy, event: { ...(decoy.event as object), ingested: now } },
      ]),
    });
    detector = await startDetector({ ...feeds.env, RULES_DIR: rulesDirWithCopies() });
    const producer = feeds.kafka.producer();
    await producer.connect();
    for (const vendor of VENDORS) {
      const list = fixtures.get(vendor.id) ?? [];
      await producer.send({
        topic: feeds.topicOf.get(vendor.id) as string,
        messages: list.map((fixture) => ({
          key: fixture.file,
          value: encodeRecord(vendor, fromNative(vendor, fixture.native), { format: 'confluent' }),
        })),
      });
    }
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const burst = Array.from({ length: BURST }, (_, i) =>
      defendRecord({ id: `external-burst-${i}`, host: BURST_HOST, time: new Date(hour + i * 1_000).toISOString() }),
    );
    await producer.send({ topic: feeds.topicOf.get('elastic-defend') as string, messages: burst });
    await producer.disconnect();
    const total = [...fixtures.values()].reduce((n, list) => n + list.length, 0) + BURST;
    await eventually(
      'all records consumed',
      async () => (await metricValue(detector.metricsUrl, 'edr_detector_records_consumed_total')) >= total,
    );
    await eventually(`${expectedAlerts} alerts`, async () => (await alertDocuments(feeds)).length >= expectedAlerts);
  }, 120_000);

  afterAll(async () => {
    await detector?.stop();
    await resetAlertStream(feeds.elasticsearch, decoyStream).catch(() => undefined);
    await feeds?.cleanup();
  });

  it('returns every alert of every vendor and no other document', async () => {
    const written = await alertDocuments(feeds);
    expect(written).toHaveLength(expectedAlerts);
    await feeds.elasticsearch.indices.refresh({ index: `${feeds.alertsIndex},${decoyStream}` });
    const promoted = await feeds.elasticsearch.search<Record<string, any>>({
      index: `${feeds.alertsIndex},${decoyStream}`,
      query: externalAlertsQuery(),
      size: 1_000,
    });
    expect(promoted.hits.hits.map((hit) => hit._id).sort()).toEqual(written.map((alert) => alert.id).sort());
    const perVendor = new Map<string, number>();
    for (const hit of promoted.hits.hits)
      perVendor.set(hit._source?.edr.source.vendor, (perVendor.get(hit._source?.edr.source.vendor) ?? 0) + 1);
    const burstAlerts = (vendor: string) => (vendor === 'elastic-defend' ? 2 * BURST + 1 : 0);
    expect(Object.fromEntries(perVendor)).toEqual(
      Object.fromEntries([...alertingPerVendor].map(([vendor, n]) => [vendor, 2 * n + burstAlerts(vendor)])),
    );
    // The suppressed alert is promoted like any other, carrying its count.
    const suppressed = promoted.hits.hits.filter((hit) => hit._source?.kibana?.alert?.suppression !== undefined);
    expect(suppressed.map((hit) => [hit._source?.message, hit._source?.kibana.alert.suppression.docs_count])).toEqual([
      ['Database Dumping Activity (test, suppressed)', BURST - 1],
    ]);
    // The decoys are there and would match a query that forgot a clause.
    const decoys = await feeds.elasticsearch.count({ index: decoyStream });
    expect(decoys.count).toBe(DECOYS.length);
  });

  it('gives the promoted alert its detection rule name, severity, risk score and time', async () => {
    const promoted = await feeds.elasticsearch.search<Record<string, any>>({
      index: feeds.alertsIndex,
      query: externalAlertsQuery(),
      size: 1_000,
    });
    const seen = new Set<string>();
    for (const hit of promoted.hits.hits) {
      const alert = hit._source as Record<string, any>;
      // rule_name_override = message
      expect(alert.message).toBe(alert.rule.name);
      // severity_mapping on event.severity, risk_score_mapping on event.risk_score
      const severity = SEVERITY_MAPPING[String(alert.event.severity)];
      expect(severity).toBe(alert.edr.alert.severity);
      expect(alert.event.risk_score).toBe({ critical: 99, medium: 47, low: 21 }[severity as string]);
      // timestamp_override = event.ingested: the time it reached Elasticsearch; the event's time stays in @timestamp.
      expect(Date.parse(alert.event.ingested)).toBeGreaterThanOrEqual(Date.parse(alert.event.created));
      expect(alert.event.module).not.toMatch(/^(endgame|endpoint|cloud_defend)$/);
      expect(alert.edr.source.module).toBeTruthy();
      seen.add(`${alert.message}|${severity}|${alert.event.risk_score}`);
    }
    expect([...seen].sort()).toEqual([
      'Database Dumping Activity (test, critical)|critical|99',
      'Database Dumping Activity (test, suppressed)|medium|47',
      'Potential Database Dumping Activity|low|21',
    ]);
  });
});
