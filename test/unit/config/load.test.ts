import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactedConfig } from '../../../src/config/load.js';
import { VENDORS } from '../../../src/vendors/index.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, VENDORS);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('needs nothing for the local stack: every default matches it', () => {
    const config = loadConfig({}, VENDORS);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.KAFKA_GROUP_ID).toBe('edr-dbdump-detector');
    expect(config.VALUE_FORMAT).toBe('confluent');
    expect(config.ELASTICSEARCH_URL).toBe('http://127.0.0.1:9200');
    expect(config.ALERTS_DATA_STREAM).toBe('logs-edr_dbdump_detector.alert-default');
    expect(config.ALERTS_RETENTION).toBeUndefined();
    expect(config.DLQ_TOPIC).toBe('edr.dead-letter');
    expect(config.METRICS_PORT).toBe(9464);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.RULES_DIR).toMatch(/rules$/);
    expect(config.feeds.map((f) => [f.vendor.id, f.topic])).toEqual(VENDORS.map((v) => [v.id, v.defaultTopic]));
  });

  it('uses the documented topic defaults', () => {
    const topics = Object.fromEntries(loadConfig({}, VENDORS).feeds.map((f) => [f.vendor.topicVariable, f.topic]));
    expect(topics).toEqual({
      TOPIC_ELASTIC_DEFEND: 'edr.elastic-defend',
      TOPIC_CROWDSTRIKE_FDR: 'edr.crowdstrike-fdr',
      TOPIC_SENTINELONE_CLOUD_FUNNEL: 'edr.sentinelone-cloud-funnel',
      TOPIC_ENDGAME: 'edr.endgame',
    });
  });

  it('disables a feed whose topic variable is empty', () => {
    const config = loadConfig({ TOPIC_ENDGAME: '', TOPIC_CROWDSTRIKE_FDR: 'fdr.raw' }, VENDORS);
    expect(config.feeds.map((f) => f.vendor.id)).not.toContain('endgame');
    expect(config.feeds.find((f) => f.vendor.id === 'crowdstrike-fdr')?.topic).toBe('fdr.raw');
  });

  it('splits and trims a broker list', () => {
    expect(loadConfig({ KAFKA_BROKERS: 'a:9092, b:9093' }, VENDORS).KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
  });

  it('lists every problem at once, each with its variable name', () => {
    const problems = problemsOf({
      KAFKA_BROKERS: 'no-port',
      VALUE_FORMAT: 'json',
      METRICS_PORT: '70000',
      ELASTICSEARCH_URL: 'not a url',
      LOG_LEVEL: 'loud',
      ALERTS_DATA_STREAM: 'Upper',
      ALERTS_RETENTION: '3 months',
    });
    for (const variable of [
      'KAFKA_BROKERS',
      'VALUE_FORMAT',
      'METRICS_PORT',
      'ELASTICSEARCH_URL',
      'LOG_LEVEL',
      'ALERTS_DATA_STREAM',
      'ALERTS_RETENTION',
    ]) {
      expect(
        problems.some((p) => p.startsWith(variable)),
        variable,
      ).toBe(true);
    }
  });

  it('takes a retention in Elasticsearch units and refuses the retired ALERTS_INDEX by name', () => {
    expect(loadConfig({ ALERTS_RETENTION: '365d' }, VENDORS).ALERTS_RETENTION).toBe('365d');
    expect(problemsOf({ ALERTS_INDEX: 'edr-alerts' })).toEqual([
      expect.stringMatching(/^ALERTS_INDEX is no longer read.*ALERTS_DATA_STREAM/),
    ]);
  });

  it('rejects contradictions between variables', () => {
    const problems = problemsOf({
      TOPIC_ELASTIC_DEFEND: 'same',
      TOPIC_ENDGAME: 'same',
      ELASTICSEARCH_API_KEY: 'k',
      ELASTICSEARCH_USERNAME: 'u',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
    });
    expect(problems.join('\n')).toMatch(/also used by TOPIC_ELASTIC_DEFEND/);
    expect(problems.join('\n')).toMatch(/exclusive/);
    expect(problems.join('\n')).toMatch(/KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/);
    expect(problems.join('\n')).toMatch(/go together/);
  });

  it('refuses to run with every feed disabled', () => {
    const off = Object.fromEntries(VENDORS.map((v) => [v.topicVariable, '']));
    expect(problemsOf(off)).toContain('every TOPIC_* variable is empty: enable at least one feed');
  });

  it('reads secrets from *_FILE variables and never shows them in the redacted view', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-'));
    writeFileSync(join(dir, 'key'), 'c2VjcmV0LWtleQ==\n');
    const config = loadConfig({ ELASTICSEARCH_API_KEY_FILE: join(dir, 'key') }, VENDORS);
    expect(config.ELASTICSEARCH_API_KEY).toBe('c2VjcmV0LWtleQ==');
    expect(JSON.stringify(redactedConfig(config))).not.toContain('c2VjcmV0LWtleQ');
    expect(problemsOf({ ELASTICSEARCH_API_KEY_FILE: join(dir, 'missing') })[0]).toMatch(/^ELASTICSEARCH_API_KEY_FILE: cannot read/);
    expect(problemsOf({ ELASTICSEARCH_API_KEY_FILE: join(dir, 'key'), ELASTICSEARCH_API_KEY: 'x' })[0]).toMatch(/both set/);
  });
});
