import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LagMonitor } from '../../../src/kafka/lag-monitor.js';
import { createEvents } from '../../../src/telemetry/events.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';

/** The two admin calls the monitor makes, answered from memory. */
function fakeAdmin(committed: Record<number, string>, marks: Array<{ partition: number; low: string; high: string }>) {
  return {
    fetchOffsets: async () => [
      {
        topic: 't',
        partitions: Object.entries(committed).map(([partition, offset]) => ({ partition: Number(partition), offset, metadata: null })),
      },
    ],
    fetchTopicOffsets: async () => marks.map((m) => ({ ...m, offset: m.high })),
  };
}

describe('LagMonitor', () => {
  it('reports lag from the committed offset, or from the low watermark for a partition never committed, to the gauge and to stall tracking', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry, { version: 'test' });
    const seen: Array<[string, number, number]> = [];
    const admin = fakeAdmin({ 0: '40', 1: '-1' }, [
      { partition: 0, low: '0', high: '100' },
      { partition: 1, low: '10', high: '25' },
    ]);
    const monitor = new LagMonitor(admin as never, 'g', ['t'], createEvents(metrics, createLogger('silent')), (topic, partition, lag) =>
      seen.push([topic, partition, lag]),
    );
    await monitor.poll();
    expect(seen).toEqual([
      ['t', 0, 60],
      ['t', 1, 15],
    ]);
    const gauge = (await registry.getMetricsAsJSON()).find((m) => m.name === 'edr_detector_consumer_lag_records');
    expect(gauge?.values.map((v) => [v.labels.partition, v.value])).toEqual([
      ['0', 60],
      ['1', 15],
    ]);
  });

  it('keeps the last values when the broker cannot be asked, and counts the failure', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry, { version: 'test' });
    const seen: number[] = [];
    const admin = { fetchOffsets: async () => Promise.reject(new Error('broker down')), fetchTopicOffsets: async () => [] };
    const monitor = new LagMonitor(admin as never, 'g', ['t'], createEvents(metrics, createLogger('silent')), (_t, _p, lag) =>
      seen.push(lag),
    );
    await expect(monitor.poll()).resolves.toBeUndefined();
    expect(seen).toEqual([]);
    const errors = (await registry.getMetricsAsJSON()).find((m) => m.name === 'edr_detector_errors_total');
    expect(errors?.values).toEqual([{ labels: { error_code: 'KAFKA_CLIENT_ERROR', stage: 'kafka' }, value: 1 }]);
  });
});
