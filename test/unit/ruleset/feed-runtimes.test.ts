// The feed runtimes the service and the backfill share: rules by index pattern, exceptions and suppression applied.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaMessage } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { backfillBatch, type AlertSink } from '../../../src/backfill/backfill.js';
import { BackfillProgress } from '../../../src/backfill/progress.js';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { packagePath } from '../../../src/package-root.js';
import { buildFeedRuntimes } from '../../../src/ruleset/feed-runtimes.js';
import { loadDetectionSet, type DetectionConfig } from '../../../src/ruleset/load-detection-set.js';
import type { SinkAlert } from '../../../src/pipeline/ports.js';
import type { ItemOutcome } from '../../../src/sinks/elasticsearch/bulk-writer.js';
import { VENDORS } from '../../../src/vendors/index.js';
import { editableRulesDir } from '../../../scripts/demo-soc.js';
import { loadFixtures } from '../../../scripts/samples/fixtures.js';
import { fromNative } from '../../../scripts/native/from-native.js';

const RULE_FILE = 'potential_database_dumping_activity.toml';
const rulesDir = editableRulesDir();
afterAll(() => rmSync(rulesDir, { recursive: true, force: true }));

const feeds = VENDORS.map((vendor) => ({ vendor, topic: `edr.${vendor.id}` }));

function config(overrides: Partial<DetectionConfig> = {}): DetectionConfig {
  return {
    RULES_DIR: rulesDir,
    RULES_STRICT: false,
    EXCEPTIONS_DIR: packagePath('exceptions'),
    SUPPRESSION_GROUP_BY: [],
    SUPPRESSION_DURATION_MS: 300_000,
    SUPPRESSION_MISSING_FIELDS_STRATEGY: 'suppress',
    ...overrides,
  };
}

/** Keeps what it was given, every alert created. */
class RecordingSink implements AlertSink {
  readonly written: SinkAlert[] = [];
  async write(alerts: readonly SinkAlert[]): Promise<ItemOutcome[]> {
    this.written.push(...alerts);
    return alerts.map((alert) => ({ alert, outcome: 'created' }));
  }
}

function messagesOf(vendorId: string): KafkaMessage[] {
  const vendor = VENDORS.find((candidate) => candidate.id === vendorId)!;
  return loadFixtures(vendorId).map((fixture, i) => ({
    key: null,
    value: encodeRecord(vendor, fromNative(vendor, fixture.native), { format: 'confluent' }),
    timestamp: String(1_000 + i),
    attributes: 0,
    offset: String(i),
    headers: {},
  }));
}

describe('buildFeedRuntimes', () => {
  it('gives each feed the rules whose index patterns match where Elastic stores it, and names the idle ones', async () => {
    const path = join(rulesDir, RULE_FILE);
    const original = readFileSync(path, 'utf8');
    const endgameOnly = original.replace(/^index = \[[^\]]*\]/m, 'index = ["endgame-*"]');
    expect(endgameOnly).not.toBe(original);
    writeFileSync(path, endgameOnly);
    try {
      const detection = await loadDetectionSet(config());
      const runtimes = buildFeedRuntimes(feeds, detection, { format: 'confluent' });
      expect(runtimes.byTopic.get('edr.endgame')?.rules).toHaveLength(1);
      expect(runtimes.byTopic.get('edr.elastic-defend')?.rules).toEqual([]);
      expect(runtimes.idle).toEqual([]);
      const none = buildFeedRuntimes(
        feeds.filter((feed) => feed.vendor.id !== 'endgame'),
        detection,
        { format: 'confluent' },
      );
      expect(none.idle.map(({ rule }) => rule.name)).toEqual(['Potential Database Dumping Activity']);
    } finally {
      writeFileSync(path, original);
    }
  });

  it('runs the backfill on the set the service runs: exceptions silence the backup job, suppression groups the alerts', async () => {
    const detection = await loadDetectionSet(config({ SUPPRESSION_GROUP_BY: ['host.id'] }));
    const runtime = buildFeedRuntimes(feeds, detection, { format: 'confluent' }).byTopic.get('edr.crowdstrike-fdr')!;
    const fixtures = loadFixtures('crowdstrike-fdr');
    const messages = messagesOf('crowdstrike-fdr');
    const sink = new RecordingSink();
    const progress = new BackfillProgress([{ topic: runtime.topic, partition: 0, start: 0, end: messages.length }], 0);
    await backfillBatch(runtime, 0, messages, sink, progress, new Date());
    // The CrowdStrike fixture that is exactly the shop's backup job alerts without the exception.
    expect(progress.excepted).toBe(1);
    expect(sink.written).toHaveLength(fixtures.filter((fixture) => fixture.alert).length - 1);
    expect(sink.written.every((alert) => alert.suppression?.group.terms[0]?.field === 'host.id')).toBe(true);
  });
});
