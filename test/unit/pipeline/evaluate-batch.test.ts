// The pure middle of the pipeline over every vendor's fixtures: alerts exactly where the rule fires.
import { readFileSync } from 'node:fs';
import type { KafkaMessage } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { createFeedDecoders } from '../../../src/decode/feed-decoder.js';
import { loadRules, type LoadedRules } from '../../../src/detect/load-rules.js';
import { loadRuleSet } from '../../../src/detect/rule-set.js';
import { packagePath } from '../../../src/package-root.js';
import { evaluateBatch } from '../../../src/pipeline/evaluate-batch.js';
import type { FeedRuntime } from '../../../src/pipeline/feed-runtime.js';
import { VENDORS } from '../../../src/vendors/index.js';
import { loadFixtures } from '../../../scripts/samples/fixtures.js';
import { fromNative } from '../../../scripts/native/from-native.js';

function message(offset: number, value: Buffer | null): KafkaMessage {
  return { key: null, value, timestamp: '1767225600000', attributes: 0, offset: String(offset), headers: {} };
}

describe.each(['confluent', 'raw'] as const)('evaluateBatch (%s)', (format) => {
  let rules: LoadedRules;
  const runtimes = new Map<string, FeedRuntime>();

  beforeAll(async () => {
    rules = await loadRules(packagePath('rules'));
    const decoders = createFeedDecoders(VENDORS, { format, fieldsRead: rules.fieldsRead });
    for (const vendor of VENDORS) {
      runtimes.set(vendor.id, { vendor, topic: `topic-${vendor.id}`, decoder: decoders.get(vendor.id)!, rules: rules.rules });
    }
  });

  it.each(VENDORS.map((vendor) => [vendor.id]))('%s: one alert per alerting fixture, carrying its position', (vendorId) => {
    const runtime = runtimes.get(vendorId)!;
    const fixtures = loadFixtures(vendorId);
    const messages = fixtures.map((fixture, i) =>
      message(i, encodeRecord(runtime.vendor, fromNative(runtime.vendor, fixture.native), { format })),
    );
    const result = evaluateBatch(runtime, 1, messages, new Date('2026-01-01T00:00:00Z'));
    expect(result.deadLetters).toEqual([]);
    const alertingOffsets = fixtures.flatMap((fixture, i) => (fixture.alert ? [String(i)] : []));
    const alertOffsets = result.alerts.map((alert) => (alert.document['edr'] as { source: { offset: string } }).source.offset);
    expect(alertOffsets).toEqual(alertingOffsets);
    expect(result.matchesByRule.get(rules.rules[0]!.rule.id) ?? 0).toBe(alertingOffsets.length);
    for (const alert of result.alerts) {
      expect(alert.vendor).toBe(vendorId);
      expect(alert.kafkaTimeMs).toBe(1767225600000);
      expect(alert.id).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('turns undecodable records into dead letters and keeps going', () => {
    const runtime = runtimes.get(VENDORS[0]!.id)!;
    const alerting = loadFixtures(runtime.vendor.id).find((fixture) => fixture.alert)!;
    const good = encodeRecord(runtime.vendor, fromNative(runtime.vendor, alerting.native), { format });
    const messages = [message(0, Buffer.alloc(0)), message(1, good), message(2, good.subarray(0, good.length - 3)), message(3, null)];
    const result = evaluateBatch(runtime, 0, messages, new Date());
    expect(result.alerts).toHaveLength(1);
    expect(result.deadLetters.map((letter) => [letter.source.offset, letter.error.code])).toEqual([
      ['0', 'DECODE_EMPTY_VALUE'],
      ['2', 'DECODE_INVALID_AVRO'],
      ['3', 'DECODE_EMPTY_VALUE'],
    ]);
  });

  it('dead-letters a record whose alert cannot be built as ALERT_BUILD_FAILED, not as a mapping failure', () => {
    const base = runtimes.get(VENDORS[0]!.id)!;
    const runtime: FeedRuntime = {
      ...base,
      vendor: {
        ...base.vendor,
        eventIdentity: () => {
          throw new Error('identity bug');
        },
      },
    };
    const alerting = loadFixtures(runtime.vendor.id).find((fixture) => fixture.alert)!;
    const value = encodeRecord(runtime.vendor, fromNative(runtime.vendor, alerting.native), { format });
    const result = evaluateBatch(runtime, 0, [message(4, value)], new Date());
    expect(result.alerts).toEqual([]);
    expect(result.deadLetters.map((letter) => [letter.source.offset, letter.error.code, letter.error.stage])).toEqual([
      ['4', 'ALERT_BUILD_FAILED', 'alert'],
    ]);
    expect(result.deadLetters[0]?.error.message).toContain('identity bug');
  });

  it("writes none of a record's alerts when one of them cannot be built: the dead letter stands for the whole record", () => {
    const base = runtimes.get(VENDORS[0]!.id)!;
    const first = base.rules[0]!;
    const broken = new Proxy(first.rule, {
      get: (target, key) => {
        if (key === 'id') return 'second-rule';
        if (key === 'description') throw new Error('description bug');
        return Reflect.get(target, key);
      },
    });
    const runtime: FeedRuntime = { ...base, rules: [first, { ...first, rule: broken }] };
    const alerting = loadFixtures(runtime.vendor.id).find((fixture) => fixture.alert)!;
    const value = encodeRecord(runtime.vendor, fromNative(runtime.vendor, alerting.native), { format });
    const result = evaluateBatch(runtime, 0, [message(5, value)], new Date());
    expect(result.alerts).toEqual([]);
    expect(result.matchesByRule.size).toBe(0);
    expect(result.deadLetters.map((letter) => [letter.source.offset, letter.error.code])).toEqual([['5', 'ALERT_BUILD_FAILED']]);
    expect(result.deadLetters[0]?.error.message).toContain('second-rule');
  });

  it('reports a record the projection matched but the full record does not, instead of dropping it silently', () => {
    const base = runtimes.get(VENDORS[0]!.id)!;
    const runtime: FeedRuntime = {
      ...base,
      vendor: { ...base.vendor, toEcs: (record) => ({ ...base.vendor.toEcs(record), process: { name: 'not-a-dump-tool' } }) },
    };
    const alerting = loadFixtures(runtime.vendor.id).find((fixture) => fixture.alert)!;
    const value = encodeRecord(runtime.vendor, fromNative(runtime.vendor, alerting.native), { format });
    const result = evaluateBatch(runtime, 0, [message(9, value)], new Date());
    expect(result.alerts).toEqual([]);
    expect(result.deadLetters).toEqual([]);
    expect(result.projectionMismatches).toEqual(['9']);
  });

  it('gives a redelivered record the same alert id', () => {
    const runtime = runtimes.get(VENDORS[1]!.id)!;
    const alerting = loadFixtures(runtime.vendor.id).find((fixture) => fixture.alert)!;
    const value = encodeRecord(runtime.vendor, fromNative(runtime.vendor, alerting.native), { format });
    const first = evaluateBatch(runtime, 0, [message(7, value)], new Date('2026-01-01T00:00:00Z'));
    const again = evaluateBatch(runtime, 0, [message(7, value)], new Date('2026-01-02T00:00:00Z'));
    expect(again.alerts[0]?.id).toBe(first.alerts[0]?.id);
  });
});

describe('evaluateBatch with many rules', () => {
  const BUNDLED = readFileSync(packagePath('rules/potential_database_dumping_activity.toml'), 'utf8');
  /** The bundled rule under another id, severity, risk score, tags and tactic, as a building block. */
  const BLOCK = BUNDLED.replace('47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5', '00000000-0000-4000-8000-000000000001')
    .replace('name = "Potential Database Dumping Activity"', 'name = "Dump Tool Started (building block)"')
    .replace('severity = "low"', 'severity = "high"\nbuilding_block_type = "default"')
    .replace('risk_score = 21', 'risk_score = 73')
    .replace('"Tactic: Exfiltration",', '"Tactic: Collection", "Rule Type: BBR",')
    .replace('id = "TA0010"', 'id = "TA0009"')
    .replace('name = "Exfiltration"', 'name = "Collection"');
  const OTHER = BUNDLED.replace('47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5', '00000000-0000-4000-8000-000000000002')
    .replace('name = "Potential Database Dumping Activity"', 'name = "Never Matches"')
    .replace(/query = '''[\s\S]*?'''/, `query = '''\nprocess where process.name == "no-such-tool"\n'''`);

  it("writes one alert per matching rule, each with its own rule's metadata and id", () => {
    const loaded = loadRuleSet([
      { path: 'dump.toml', text: BUNDLED },
      { path: 'block.toml', text: BLOCK },
      { path: 'other.toml', text: OTHER },
    ]);
    expect(loaded.rules).toHaveLength(3);
    const vendor = VENDORS.find((feed) => feed.id === 'elastic-defend')!;
    const decoder = createFeedDecoders([vendor], { format: 'raw', fieldsRead: loaded.fieldsRead }).get(vendor.id)!;
    const runtime: FeedRuntime = { vendor, topic: 't', decoder, rules: loaded.rules };
    const alerting = loadFixtures(vendor.id).find((fixture) => fixture.alert)!;
    const result = evaluateBatch(
      runtime,
      0,
      [message(5, encodeRecord(vendor, fromNative(vendor, alerting.native), { format: 'raw' }))],
      new Date(),
    );
    expect(result.alerts.map((alert) => alert.ruleId)).toEqual([
      '47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5',
      '00000000-0000-4000-8000-000000000001',
    ]);
    expect(new Set(result.alerts.map((alert) => alert.id)).size).toBe(2);
    const [dump, block] = result.alerts.map((alert) => alert.document as Record<string, any>);
    expect([dump!.event.severity, dump!.event.risk_score, dump!.threat[0].tactic.id, dump!.edr.alert.building_block_type]).toEqual([
      21,
      21,
      'TA0010',
      undefined,
    ]);
    expect([block!.event.severity, block!.event.risk_score, block!.threat[0].tactic.id, block!.edr.alert.building_block_type]).toEqual([
      73,
      73,
      'TA0009',
      'default',
    ]);
    expect(block!.tags).toContain('Rule Type: BBR');
    expect(dump!.tags).not.toContain('Rule Type: BBR');
    // The rule's name in `message` (External Alerts names the alert after it), the sentence in event.reason.
    expect(block!.message).toBe('Dump Tool Started (building block)');
    expect(block!.event.reason).toContain('created high alert Dump Tool Started (building block).');
    expect([...result.matchesByRule]).toEqual([
      ['47fdd8e9-2f53-4648-afbf-0c6dd52f3ce5', 1],
      ['00000000-0000-4000-8000-000000000001', 1],
    ]);
  });
});
