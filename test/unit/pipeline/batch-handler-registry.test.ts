// The batch handler while the schema registry is away: the batch fails as retriable, nothing is counted or dead-lettered.
import type { KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { createFeedDecoders } from '../../../src/decode/feed-decoder.js';
import { loadRules } from '../../../src/detect/load-rules.js';
import { DetectorError } from '../../../src/errors.js';
import { packagePath } from '../../../src/package-root.js';
import type { FeedDecoder } from '../../../src/decode/feed-decoder.js';
import type { FeedRuntime } from '../../../src/pipeline/feed-runtime.js';
import type { DeadLetter } from '../../../src/pipeline/ports.js';
import { createEvents } from '../../../src/telemetry/events.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { VENDORS } from '../../../src/vendors/index.js';
import { loadFixtures } from '../../../scripts/samples/fixtures.js';
import { fromNative } from '../../../scripts/native/from-native.js';
import { handlerOnQueue, steadySession } from './handler-fixture.js';

describe('createBatchHandler with a registry outage', () => {
  it('rejects the batch as retriable, counts nothing consumed and sends no dead letter; the retry counts it once', async () => {
    const rules = await loadRules(packagePath('rules'));
    const vendor = VENDORS[0]!;
    const real = createFeedDecoders([vendor], { format: 'raw', fieldsRead: rules.fieldsRead }).get(vendor.id)!;
    let registryUp = false;
    const decoder: FeedDecoder = {
      ...real,
      prepare: async (values) => {
        if (!registryUp) throw new DetectorError('DECODE_REGISTRY_UNAVAILABLE', 'cannot reach schema registry at http://registry.test');
        return real.prepare(values);
      },
    };
    const topic = 'edr.test';
    const runtime: FeedRuntime = { vendor, topic, decoder, rules: rules.rules };
    const registry = new Registry();
    const metrics = createMetrics(registry, { version: 'test' });
    const letters: DeadLetter[] = [];
    const handler = handlerOnQueue({
      runtime,
      events: createEvents(metrics, createLogger('silent')),
      writer: { write: async () => [] },
      deadLetters: { publish: async (batch: readonly DeadLetter[]) => void letters.push(...batch) },
    });
    const quiet = loadFixtures(vendor.id).filter((fixture) => !fixture.alert);
    const messages = quiet.map((fixture, i): KafkaMessage => ({
      key: null,
      value: encodeRecord(vendor, fromNative(vendor, fixture.native), { format: 'raw' }),
      offset: String(i),
      timestamp: '0',
      attributes: 0,
      headers: {},
    }));
    const consumed = async () =>
      (await registry.getSingleMetric('edr_detector_records_consumed_total')?.get())?.values.reduce((n, v) => n + v.value, 0) ?? 0;

    await expect(handler({ topic, partition: 0, messages }, steadySession)).rejects.toMatchObject({
      code: 'DECODE_REGISTRY_UNAVAILABLE',
      retriable: true,
    });
    await expect(handler({ topic, partition: 0, messages }, steadySession)).rejects.toMatchObject({ retriable: true });
    expect(await consumed()).toBe(0);
    expect(letters).toEqual([]);

    registryUp = true;
    await (
      await handler({ topic, partition: 0, messages }, steadySession)
    ).delivered;
    expect(await consumed()).toBe(messages.length);
    expect(letters).toEqual([]);
  });
});
