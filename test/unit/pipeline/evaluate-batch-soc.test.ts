// evaluateBatch with a rule's exceptions and suppression: excepted matches give no alert but are counted;
// suppressed ones carry their group and Kafka position for the sink.
import type { KafkaMessage } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFeedDecoders } from '../../../src/decode/feed-decoder.js';
import { evaluateBatch } from '../../../src/pipeline/evaluate-batch.js';
import type { FeedRuntime } from '../../../src/pipeline/feed-runtime.js';
import type { DetectionSet } from '../../../src/ruleset/detection-set.js';
import { loadDetectionSet, type DetectionConfig } from '../../../src/ruleset/load-detection-set.js';
import { packagePath } from '../../../src/package-root.js';
import { VENDORS } from '../../../src/vendors/index.js';
import { defendRecord } from '../../integration/harness/defend-records.js';
import { editableRulesDir } from '../../../scripts/demo-soc.js';

const DEFEND = VENDORS.find((vendor) => vendor.id === 'elastic-defend')!;
const CONFIG: DetectionConfig = {
  RULES_DIR: editableRulesDir(),
  RULES_STRICT: true,
  EXCEPTIONS_DIR: packagePath('exceptions'),
  SUPPRESSION_GROUP_BY: [],
  SUPPRESSION_DURATION_MS: 60_000,
  SUPPRESSION_MISSING_FIELDS_STRATEGY: 'suppress',
};

function messages(...records: { value: Buffer }[]): KafkaMessage[] {
  return records.map((record, i) => ({
    key: null,
    value: record.value,
    timestamp: '1767225600000',
    attributes: 0,
    offset: String(100 + i),
    headers: {},
  }));
}

function runtimeOf(set: DetectionSet): FeedRuntime {
  const decoder = createFeedDecoders([DEFEND], { format: 'confluent', fieldsRead: set.loaded.fieldsRead }).get(DEFEND.id)!;
  return { vendor: DEFEND, topic: 'defend', decoder, rules: set.rules };
}

describe('evaluateBatch with exceptions and suppression', () => {
  let plain: FeedRuntime;
  let suppressing: FeedRuntime;

  beforeAll(async () => {
    plain = runtimeOf(await loadDetectionSet(CONFIG));
    suppressing = runtimeOf(await loadDetectionSet({ ...CONFIG, SUPPRESSION_GROUP_BY: ['host.name'] }));
  });

  it('writes no alert for the excepted backup job, counts it, and alerts on the rest', () => {
    const batch = messages(
      defendRecord({ id: 'a', user: 'backup', parent: 'backup-shop.sh' }),
      defendRecord({ id: 'b', user: 'mallory', parent: 'backup-shop.sh' }),
    );
    const result = evaluateBatch(plain, 0, batch, new Date('2026-11-28T12:00:00Z'));
    expect(result.alerts.map((alert) => (alert.document['event'] as { id: string }).id)).toEqual(['b']);
    const ruleId = plain.rules[0]!.rule.id;
    expect(result.matchesByRule.get(ruleId)).toBe(2);
    expect(result.exceptedByRule.get(ruleId)).toBe(1);
    expect(result.alerts[0]!.suppression).toBeUndefined();
  });

  it('gives suppressed matches one group per host and window, with their positions', () => {
    const time = '2026-11-28T10:00:05Z';
    const batch = messages(
      defendRecord({ id: 'x', host: 'db-1', time }),
      defendRecord({ id: 'y', host: 'db-1', time }),
      defendRecord({ id: 'z', host: 'db-2', time }),
    );
    const result = evaluateBatch(suppressing, 2, batch, new Date('2026-11-28T12:00:00Z'));
    const groups = result.alerts.map((alert) => alert.suppression!.group.id);
    expect(groups[0]).toBe(groups[1]);
    expect(groups[2]).not.toBe(groups[0]);
    expect(result.alerts.map((alert) => alert.suppression!.contribution)).toEqual([
      { timeMs: Date.parse(time), topic: 'defend', partition: 2, offset: '100' },
      { timeMs: Date.parse(time), topic: 'defend', partition: 2, offset: '101' },
      { timeMs: Date.parse(time), topic: 'defend', partition: 2, offset: '102' },
    ]);
    expect(new Set(result.alerts.map((alert) => alert.id)).size).toBe(3);
  });
});
