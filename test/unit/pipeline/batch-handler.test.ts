// The batch handler with the real runner, alert queue, budget and delivery order, against in-memory sinks: outages, rebalances, counters.
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { createFeedDecoders } from '../../../src/decode/feed-decoder.js';
import { loadRules } from '../../../src/detect/load-rules.js';
import { DetectorError } from '../../../src/errors.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchRunner } from '../../../src/kafka/batch-runner.js';
import { DeliveryOrder } from '../../../src/kafka/delivery-order.js';
import { InputPauses } from '../../../src/kafka/input-pauses.js';
import { PartitionProgress } from '../../../src/kafka/partition-progress.js';
import { RetryBackoff } from '../../../src/kafka/retry-backoff.js';
import { packagePath } from '../../../src/package-root.js';
import type { FeedRuntime } from '../../../src/pipeline/feed-runtime.js';
import type { DeadLetter } from '../../../src/pipeline/ports.js';
import type { AlertToWrite, BulkWriterHooks, ItemOutcome } from '../../../src/sinks/elasticsearch/bulk-writer.js';
import { createEvents } from '../../../src/telemetry/events.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { VENDORS } from '../../../src/vendors/index.js';
import { fromNative } from '../../../scripts/native/from-native.js';
import { loadFixtures } from '../../../scripts/samples/fixtures.js';
import { FakeGenerations, FakePauseTarget, ManualTimers, fakePayload, type FakePayload } from '../kafka/fake-consumer.js';
import { handlerOnQueue } from './handler-fixture.js';

const TOPIC = 'feed';

/** Elasticsearch as the handler sees it: up (every alert created once, then 409), or down (retry until told to stop). */
class FakeAlertWriter {
  up = true;
  readonly stored = new Set<string>();
  waits = 0;
  requests = 0;

  async write(alerts: readonly AlertToWrite[], call: { signal?: AbortSignal; hooks?: BulkWriterHooks } = {}): Promise<ItemOutcome[]> {
    this.requests++;
    for (let attempt = 1; !this.up; attempt++) {
      if (call.signal?.aborted) throw new DetectorError('SINK_UNAVAILABLE', 'stopped before Elasticsearch acknowledged');
      call.hooks?.onBackedUp?.('connection refused', attempt, 1_000);
      this.waits++;
      await sleep(2);
    }
    return alerts.map((alert) => {
      const known = this.stored.has(alert.id);
      this.stored.add(alert.id);
      return { alert, outcome: known ? 'duplicate' : 'created' };
    });
  }
}

class FakeDeadLetters {
  up = true;
  readonly letters: DeadLetter[] = [];

  async publish(letters: readonly DeadLetter[]): Promise<void> {
    if (!this.up) throw new DetectorError('DLQ_UNAVAILABLE', 'dead-letter topic edr.dead-letter (DLQ_TOPIC) did not acknowledge');
    this.letters.push(...letters);
  }
}

let runtime: FeedRuntime;
let alerting: Buffer;
let ordinary: Buffer;

beforeAll(async () => {
  const rules = await loadRules(packagePath('rules'));
  const vendor = VENDORS[0]!;
  const decoder = createFeedDecoders([vendor], { format: 'confluent', fieldsRead: rules.fieldsRead }).get(vendor.id)!;
  runtime = { vendor, topic: TOPIC, decoder, rules: rules.rules };
  const fixtures = loadFixtures(vendor.id);
  alerting = encodeRecord(vendor, fromNative(vendor, fixtures.find((f) => f.alert)!.native), { format: 'confluent' });
  ordinary = encodeRecord(vendor, fromNative(vendor, fixtures.find((f) => !f.alert)!.native), { format: 'confluent' });
});

const payloadOf = (values: Array<Buffer | null>, from = 0): FakePayload => fakePayload(TOPIC, 0, from, values);

function setup(limits = { maxRecords: 10_000, maxItems: 1_000 }) {
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: 'test' });
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const timers = new ManualTimers();
  const events = createEvents(metrics, logger, { now: () => timers.now });
  const target = new FakePauseTarget();
  const pauses = new InputPauses(
    target,
    [TOPIC],
    () => undefined,
    timers,
    () => timers.now,
  );
  const progress = new PartitionProgress(() => timers.now);
  progress.assign([{ topic: TOPIC, partition: 0 }]);
  const generations = new FakeGenerations();
  const order = new DeliveryOrder((topic, partition, waiting) => progress.progressed(topic, partition, waiting));
  /** A rebalance as the consumer sees it: the generation ends, the same partition comes back. */
  const rebalance = () => {
    generations.end();
    order.reassigned(new Set([`${TOPIC}/0`]));
  };
  const runner = new BatchRunner({
    pauses,
    progress,
    backoff: new RetryBackoff({ initialMs: 1_000, maxMs: 30_000, random: () => 1 }),
    order,
    generation: generations.get,
    hooks: {
      failed: (topic, partition, error, attempt, retryInMs) => events.batchFailed(topic, partition, error, attempt, retryInMs),
      abandoned: (topic, partition) => events.batchAbandoned(topic, partition),
      completed: () => undefined,
    },
  });
  const writer = new FakeAlertWriter();
  const deadLetters = new FakeDeadLetters();
  const shutdown = new AbortController();
  const handler = handlerOnQueue({
    runtime,
    writer,
    deadLetters,
    events,
    holdInput: () => pauses.holdForSink(),
    shutdown: shutdown.signal,
    limits,
  });
  const value = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === `edr_detector_${name}`);
    return (metric?.values ?? [])
      .filter((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l))
      .reduce((sum, v) => sum + v.value, 0);
  };
  return { timers, target, pauses, progress, runner, order, rebalance, writer, deadLetters, shutdown, handler, value, lines };
}

describe('batch handler under the runner', () => {
  it('the fetch does not wait for Elasticsearch: the batch is resolved at once, committable once its alert is acknowledged', async () => {
    const { runner, handler, writer, order, value } = setup();
    const payload = payloadOf([ordinary, alerting, ordinary]);
    await runner.run(payload, handler);
    expect(payload.resolved).toEqual(['2']);
    await runner.settled();
    expect(writer.stored.size).toBe(1);
    expect(order.delivered).toEqual([{ topic: TOPIC, partition: 0, offset: '3' }]);
    expect(await value('records_consumed_total')).toBe(3);
    expect(await value('unacknowledged_records')).toBe(0);
  });

  it('a rebalance during an Elasticsearch outage: the delivery gives up, the pause is released, and the next generation drains it once', async () => {
    const { runner, handler, writer, target, pauses, value, timers, progress, order, rebalance } = setup();
    writer.up = false;
    await runner.run(payloadOf([ordinary, alerting, ordinary]), handler);
    await vi.waitFor(() => expect(writer.waits).toBeGreaterThan(2));
    expect(pauses.pausedForSink).toBe(true);
    expect(await value('unacknowledged_records')).toBe(3);

    rebalance();
    await runner.settled();
    expect(order.delivered).toEqual([]);
    expect(pauses.pausedForSink).toBe(false);
    expect(target.isPaused(TOPIC, 0)).toBe(false);
    expect(await value('pending_alerts')).toBe(0);
    expect(await value('unacknowledged_records')).toBe(0);
    expect(await value('records_consumed_total')).toBe(0);
    expect(await value('rule_matches_total')).toBe(0);

    // Elasticsearch answers again; kafkajs reads the batch again from the commit and it is written once.
    writer.up = true;
    await runner.run(payloadOf([ordinary, alerting, ordinary]), handler);
    await runner.settled();
    expect(order.delivered).toEqual([{ topic: TOPIC, partition: 0, offset: '3' }]);
    expect(writer.stored.size).toBe(1);
    expect(await value('records_consumed_total')).toBe(3);
    expect(await value('rule_matches_total')).toBe(1);
    timers.now += 1_000_000;
    expect(progress.stalled(1_000)).toEqual([]);
  });

  it('holds every feed paused while Elasticsearch refuses, and releases the pause when shutdown gives up', async () => {
    const { runner, handler, writer, target, pauses, shutdown, order, value } = setup();
    writer.up = false;
    await runner.run(payloadOf([alerting]), handler);
    await vi.waitFor(() => expect(writer.waits).toBeGreaterThan(0));
    expect(pauses.pausedForSink).toBe(true);
    expect(target.isPaused(TOPIC, 0)).toBe(true);
    shutdown.abort();
    await runner.settled();
    expect(pauses.pausedForSink).toBe(false);
    expect(target.isPaused(TOPIC, 0)).toBe(false);
    expect(order.delivered).toEqual([]);
    expect(await value('records_consumed_total')).toBe(0);
  });

  it('backpressure: with the budget spent, the next batch waits (heartbeating) until deliveries free it', async () => {
    const { runner, handler, writer, value } = setup({ maxRecords: 3, maxItems: 1_000 });
    writer.up = false;
    await runner.run(payloadOf([ordinary, alerting, ordinary]), handler);
    const next = payloadOf([ordinary], 3);
    const accepted = runner.run(next, handler);
    await vi.waitFor(() => expect(next.heartbeats).toBeGreaterThan(1));
    expect(next.resolved).toEqual([]);
    expect(await value('unacknowledged_records')).toBe(3);
    writer.up = true;
    await accepted;
    expect(next.resolved).toEqual(['3']);
    await runner.settled();
    expect(await value('records_consumed_total')).toBe(4);
  });

  it('a dead-letter topic that does not acknowledge: letters retried in place, the partition commits nothing past them and stalls visibly', async () => {
    const { runner, handler, deadLetters, value, lines, timers, progress, order } = setup();
    deadLetters.up = false;
    const bad = Buffer.from([0, 0, 0, 3, 0xe9, 1, 2, 3]);
    await runner.run(payloadOf([ordinary, bad, alerting], 0), handler);
    await runner.run(payloadOf([ordinary], 3), handler);
    await vi.waitFor(async () => expect(await value('batch_failures_total', { error_code: 'DLQ_UNAVAILABLE' })).toBeGreaterThan(3));
    expect(order.delivered).toEqual([]);
    // The later batch is delivered (and counted) but waits for the earlier one to be committed.
    expect(await value('records_consumed_total')).toBe(1);
    expect(await value('decode_failures_total')).toBe(0);
    expect(lines.filter((line) => String(line.message).startsWith('dead letters not acknowledged'))).toHaveLength(1);
    timers.now += 60_000;
    expect(progress.stalled(30_000)).toEqual(['feed/0']);

    deadLetters.up = true;
    await runner.settled();
    expect(order.delivered).toEqual([{ topic: TOPIC, partition: 0, offset: '4' }]);
    expect(deadLetters.letters.map((letter) => letter.source.offset)).toEqual(['1']);
    expect(await value('records_consumed_total')).toBe(4);
    expect(await value('decode_failures_total')).toBe(1);
    expect(await value('dead_letters_total')).toBe(1);
    expect(progress.stalled(30_000)).toEqual([]);
  });

  it('rate-limits the per-record warning of many bad records of one kind to one line with a count', async () => {
    const { runner, handler, value, lines } = setup();
    const bad = Buffer.from([9, 9, 9]);
    await runner.run(payloadOf([bad, bad, bad, bad, bad]), handler);
    await runner.settled();
    expect(await value('decode_failures_total')).toBe(5);
    expect(lines.filter((line) => String(line.message).startsWith('record rejected'))).toHaveLength(1);
  });
});
