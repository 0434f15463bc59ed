// The batch handler with exceptions and suppression: their counters move once the batch is delivered, suppressed alerts go through the writer.
import type { KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { createFeedDecoders } from '../../../src/decode/feed-decoder.js';
import { loadRules, type LoadedRules } from '../../../src/detect/load-rules.js';
import { DetectorError } from '../../../src/errors.js';
import type { ExceptionItem } from '../../../src/exceptions/exception-list.js';
import { packagePath } from '../../../src/package-root.js';
import type { FeedRuntime } from '../../../src/pipeline/feed-runtime.js';
import type { DeadLetter, SinkAlert } from '../../../src/pipeline/ports.js';
import type { ItemOutcome } from '../../../src/sinks/elasticsearch/bulk-writer.js';
import { createEvents } from '../../../src/telemetry/events.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { VENDORS } from '../../../src/vendors/index.js';
import { loadFixtures } from '../../../scripts/samples/fixtures.js';
import { fromNative } from '../../../scripts/native/from-native.js';
import { handlerOnQueue, steadySession } from './handler-fixture.js';

const TOPIC = 'feed';
const vendor = VENDORS[0]!;
let rules: LoadedRules;
let alerting: Buffer;

beforeAll(async () => {
  rules = await loadRules(packagePath('rules'));
  alerting = encodeRecord(vendor, fromNative(vendor, loadFixtures(vendor.id).find((fixture) => fixture.alert)!.native), { format: 'raw' });
});

function setup(rulesOf: (loaded: LoadedRules) => FeedRuntime['rules']) {
  const decoder = createFeedDecoders([vendor], { format: 'raw', fieldsRead: rules.fieldsRead }).get(vendor.id)!;
  const runtime: FeedRuntime = { vendor, topic: TOPIC, decoder, rules: rulesOf(rules) };
  const registry = new Registry();
  const written: SinkAlert[] = [];
  const dlq = { up: true, letters: [] as DeadLetter[] };
  const handler = handlerOnQueue({
    runtime,
    events: createEvents(createMetrics(registry, { version: 'test' }), createLogger('silent')),
    writer: {
      write: async (alerts) => {
        written.push(...alerts);
        return alerts.map((alert): ItemOutcome => ({ alert, outcome: alert.suppression ? 'suppressed' : 'created' }));
      },
    },
    deadLetters: {
      publish: async (letters) => {
        if (!dlq.up) throw new DetectorError('DLQ_UNAVAILABLE', 'dead-letter topic did not acknowledge');
        dlq.letters.push(...letters);
      },
    },
  });
  const session = steadySession;
  const value = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === `edr_detector_${name}`);
    return (metric?.values ?? [])
      .filter((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l))
      .reduce((sum, v) => sum + v.value, 0);
  };
  const batch = (values: Buffer[]) => ({
    topic: TOPIC,
    partition: 0,
    messages: values.map((v, i): KafkaMessage => ({
      key: null,
      value: v,
      offset: String(i),
      timestamp: '1767225600000',
      attributes: 0,
      headers: {},
    })),
  });
  return { handler, session, written, dlq, value, batch };
}

describe('createBatchHandler with exceptions and suppression', () => {
  it('counts matches an exception silenced only once the batch is safe, and writes no alert for them', async () => {
    const { handler, session, written, dlq, value, batch } = setup((loaded) =>
      loaded.rules.map((rule) => ({ ...rule, exceptions: () => ({ itemId: 'item-1' }) as ExceptionItem })),
    );
    const bad = Buffer.from([9, 9, 9]);
    dlq.up = false;
    const { delivered } = await handler(batch([alerting, bad]), session);
    await vi.waitFor(async () => expect(await value('batch_failures_total', { error_code: 'DLQ_UNAVAILABLE' })).toBeGreaterThan(1));
    expect(await value('exceptions_applied_total')).toBe(0);
    expect(await value('rule_matches_total')).toBe(0);

    dlq.up = true;
    await delivered;
    expect(written).toEqual([]);
    expect(await value('exceptions_applied_total')).toBe(1);
    expect(await value('rule_matches_total')).toBe(1);
    expect(await value('records_consumed_total')).toBe(2);
  });

  it('hands suppressed matches to the writer with their group and counts outcome "suppressed"', async () => {
    const suppression = { groupBy: ['process.name'], durationMs: 3_600_000, missingFieldsStrategy: 'suppress' as const };
    const { handler, session, written, value, batch } = setup((loaded) => loaded.rules.map((rule) => ({ ...rule, suppression })));
    await (
      await handler(batch([alerting, alerting]), session)
    ).delivered;
    expect(written).toHaveLength(2);
    expect(new Set(written.map((alert) => alert.suppression?.group.id)).size).toBe(1);
    expect(await value('alerts_written_total', { outcome: 'suppressed' })).toBe(2);
  });
});
