// The batch handler with the real runner and pause bookkeeping, against in-memory sinks: outages, rebalances, counters.
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeRecord } from '../../../scripts/native/encoder.js';
import { createFeedDecoders } from '../../../src/decode/feed-decoder.js';
import { loadRules } from '../../../src/detect/load-rules.js';
import { DetectorError } from '../../../src/errors.js';
import { BatchRunner } from '../../../src/kafka/batch-runner.js';
import { InputPauses } from '../../../src/kafka/input-pauses.js';
import { PartitionProgress } from '../../../src/kafka/partition-progress.js';
import { RetryBackoff } from '../../../src/kafka/retry-backoff.js';
import { packagePath } from '../../../src/package-root.js';
import { createBatchHandler } from '../../../src/pipeline/batch-handler.js';
import type { FeedRuntime } from '../../../src/pipeline/feed-runtime.js';
import type { DeadLetter } from '../../../src/pipeline/ports.js';
import type { AlertToWrite, BulkWriterHooks, ItemOutcome } from '../../../src/sinks/elasticsearch/bulk-writer.js';
import { createEvents } from '../../../src/telemetry/events.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';
import { VENDORS } from '../../../src/vendors/index.js';
import { fromNative } from '../../../scripts/native/from-native.js';
import { loadFixtures } from '../../../scripts/samples/fixtures.js';
import { FakePauseTarget, ManualTimers, type FakePayload } from '../kafka/fake-consumer.js';

const TOPIC = 'feed';

/** Elasticsearch as the handler sees it: up (every alert created once, then 409), or down (retry until told to stop). */
class FakeAlertWriter {
  up = true;
  readonly stored = new Set<string>();
  waits = 0;

  async write(alerts: readonly AlertToWrite[], call: { signal?: AbortSignal; hooks?: BulkWriterHooks } = {}): Promise<ItemOutcome[]> {
    for (let attempt = 1; !this.up; attempt++) {
      if (call.signal?.aborted) throw new DetectorError('SINK_UNAVAILABLE', 'stopped before Elasticsearch acknowledged');
      call.hooks?.onBackedUp?.('connection refused', attempt, 1_000);
      this.waits++;
      await call.hooks?.onWaiting?.();
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

function payloadOf(values: Array<Buffer | null>, from = 0): FakePayload {
  const messages = values.map((value, i) => ({
    key: null,
    value,
    timestamp: '1767225600000',
    attributes: 0,
    offset: String(from + i),
    headers: {},
  }));
  const payload: FakePayload = {
    batch: {
      topic: TOPIC,
      partition: 0,
      messages,
      highWatermark: String(from + values.length),
      firstOffset: () => String(from),
      lastOffset: () => String(from + values.length - 1),
    },
    resolved: [],
    heartbeats: 0,
    heartbeatFails: false,
    running: true,
    resolveOffset: (offset) => void payload.resolved.push(offset),
    heartbeat: async () => {
      payload.heartbeats++;
      if (payload.heartbeatFails) throw new Error('The group is rebalancing, so a rejoin is needed');
    },
    isRunning: () => payload.running,
    isStale: () => false,
  };
  return payload;
}

function setup() {
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
  const state = { generation: 1 };
  const runner = new BatchRunner({
    pauses,
    progress,
    backoff: new RetryBackoff({ initialMs: 1_000, maxMs: 30_000, random: () => 1 }),
    generation: () => state.generation,
    hooks: {
      failed: (topic, partition, error, attempt, retryInMs) => events.batchFailed(topic, partition, error, attempt, retryInMs),
      abandoned: (topic, partition) => events.batchAbandoned(topic, partition),
      completed: () => undefined,
    },
  });
  const writer = new FakeAlertWriter();
  const deadLetters = new FakeDeadLetters();
  const handler = createBatchHandler({
    runtimesByTopic: new Map([[TOPIC, runtime]]),
    writer,
    deadLetters,
    events,
    abortSignal: new AbortController().signal,
  });
  const value = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === `edr_detector_${name}`);
    return (metric?.values ?? [])
      .filter((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l))
      .reduce((sum, v) => sum + v.value, 0);
  };
  return { timers, target, pauses, progress, state, runner, writer, deadLetters, handler, value, lines };
}

describe('batch handler under the runner', () => {
  it('a rebalance during an Elasticsearch outage: the waiting batch gives up, the pause is released, and the next owner drains it once', async () => {
    const { runner, handler, writer, target, pauses, value, timers, progress } = setup();
    writer.up = false;
    const during = payloadOf([ordinary, alerting, ordinary]);
    // The group starts rebalancing while the batch waits: kafkajs' heartbeat throws from then on.
    const heartbeat = during.heartbeat;
    during.heartbeat = () => {
      during.heartbeatFails = writer.waits >= 3;
      return heartbeat();
    };
    await runner.run(during, handler);

    expect(during.resolved).toEqual([]);
    expect(pauses.pausedForSink).toBe(false);
    expect(target.isPaused(TOPIC, 0)).toBe(false);
    expect(await value('pending_alerts')).toBe(0);
    expect(await value('records_consumed_total')).toBe(0);
    expect(await value('rule_matches_total')).toBe(0);

    // Elasticsearch answers again; the batch is fetched anew and written once.
    writer.up = true;
    const again = payloadOf([ordinary, alerting, ordinary]);
    await runner.run(again, handler);
    expect(again.resolved).toEqual(['2']);
    expect(writer.stored.size).toBe(1);
    expect(await value('records_consumed_total')).toBe(3);
    expect(await value('rule_matches_total')).toBe(1);
    timers.now += 1_000_000;
    expect(progress.stalled(1_000)).toEqual([]);
  });

  it('holds every feed paused only while a batch waits on Elasticsearch, and releases the pause when the wait is cut short', async () => {
    const { runner, handler, writer, target, pauses, value } = setup();
    writer.up = false;
    const payload = payloadOf([alerting]);
    let pausedWhileWaiting = false;
    payload.heartbeat = async () => {
      pausedWhileWaiting ||= target.isPaused(TOPIC, 0) && pauses.pausedForSink;
      payload.running = writer.waits < 5; // the consumer is stopping
    };
    await runner.run(payload, handler);
    expect(pausedWhileWaiting).toBe(true);
    expect(pauses.pausedForSink).toBe(false);
    expect(target.isPaused(TOPIC, 0)).toBe(false);
    expect(payload.resolved).toEqual([]);
    expect(await value('records_consumed_total')).toBe(0);
  });

  it('a dead-letter topic that does not acknowledge: nothing resolved or counted, retries back off, one log line per interval', async () => {
    const { runner, handler, deadLetters, value, lines, timers, target, progress } = setup();
    deadLetters.up = false;
    const bad = Buffer.from([0, 0, 0, 3, 0xe9, 1, 2, 3]);
    for (let attempt = 0; attempt < 4; attempt++) {
      const payload = payloadOf([ordinary, bad, alerting]);
      await runner.run(payload, handler);
      expect(payload.resolved).toEqual([]);
      expect(target.isPaused(TOPIC, 0)).toBe(true);
      timers.advance(10_000);
    }
    expect(await value('batch_failures_total', { error_code: 'DLQ_UNAVAILABLE' })).toBe(4);
    expect(await value('records_consumed_total')).toBe(0);
    expect(await value('decode_failures_total')).toBe(0);
    expect(lines.filter((line) => line.message === 'batch not completed; it will be read again')).toHaveLength(2);
    expect(lines.filter((line) => String(line.message).startsWith('record rejected'))).toHaveLength(0);
    expect(progress.stalled(30_000)).toEqual(['feed/0']);

    deadLetters.up = true;
    const payload = payloadOf([ordinary, bad, alerting]);
    await runner.run(payload, handler);
    expect(payload.resolved).toEqual(['2']);
    expect(deadLetters.letters.map((letter) => letter.source.offset)).toEqual(['1']);
    expect(await value('records_consumed_total')).toBe(3);
    expect(await value('decode_failures_total')).toBe(1);
    expect(await value('dead_letters_total')).toBe(1);
    expect(progress.stalled(30_000)).toEqual([]);
  });

  it('rate-limits the per-record warning of many bad records of one kind to one line with a count', async () => {
    const { runner, handler, value, lines } = setup();
    const bad = Buffer.from([9, 9, 9]);
    await runner.run(payloadOf([bad, bad, bad, bad, bad]), handler);
    expect(await value('decode_failures_total')).toBe(5);
    expect(lines.filter((line) => String(line.message).startsWith('record rejected'))).toHaveLength(1);
  });
});
