// The one alert writer: requests by size or interval, one at a time in arrival order, the pause while Elasticsearch refuses, giving up.
import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { DetectorError } from '../../../src/errors.js';
import { AlertQueue } from '../../../src/pipeline/alert-queue.js';
import type { PauseLease, SinkAlert, WriteOutcome } from '../../../src/pipeline/ports.js';
import { createEvents } from '../../../src/telemetry/events.js';
import { createLogger } from '../../../src/telemetry/logger.js';
import { createMetrics } from '../../../src/telemetry/metrics.js';

type Hooks = { onBackedUp?(reason: string, attempt: number, delayMs: number): void };

/** Elasticsearch by hand: each request waits until the test answers it. */
class ManualWriter {
  readonly requests: Array<{
    ids: string[];
    signal: AbortSignal | undefined;
    hooks: Hooks;
    answer: () => void;
    fail: (e: unknown) => void;
  }> = [];

  write(alerts: readonly SinkAlert[], call: { signal?: AbortSignal; hooks?: Hooks } = {}): Promise<WriteOutcome[]> {
    return new Promise((resolve, reject) => {
      call.signal?.addEventListener('abort', () => reject(new DetectorError('SINK_UNAVAILABLE', 'stopped')), { once: true });
      this.requests.push({
        ids: alerts.map((alert) => alert.id),
        signal: call.signal,
        hooks: call.hooks ?? {},
        answer: () => resolve(alerts.map((alert) => ({ alert, outcome: 'created' as const }))),
        fail: reject,
      });
    });
  }
}

const alert = (id: string): SinkAlert => ({ id, document: {}, vendor: 'v' });

function setup(options: Partial<{ flushMaxAlerts: number; flushIntervalMs: number }> = {}) {
  const registry = new Registry();
  const events = createEvents(createMetrics(registry, { version: 'test' }), createLogger('silent'));
  const writer = new ManualWriter();
  const leases = { held: 0, taken: 0 };
  const holdInput = (): PauseLease => {
    leases.held++;
    leases.taken++;
    let released = false;
    return { release: () => void (!released && (released = true) && leases.held--) };
  };
  const shutdown = new AbortController();
  const queue = new AlertQueue(
    { writer, holdInput, events, abortSignal: shutdown.signal },
    { flushMaxAlerts: 3, flushIntervalMs: 50, maxBackoffMs: 1_000, ...options },
  );
  const pending = async () => (await registry.getSingleMetric('edr_detector_pending_alerts')?.get())?.values[0]?.value ?? 0;
  return { queue, writer, leases, shutdown, pending };
}

const open = () => new AbortController();

describe('AlertQueue', () => {
  it('sends at once when a request is full, after the interval otherwise; alerts of several batches share a request', async () => {
    vi.useFakeTimers();
    try {
      const { queue, writer } = setup();
      const a = queue.write([alert('a1')], open().signal);
      const b = queue.write([alert('b1')], open().signal);
      expect(writer.requests).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(50);
      expect(writer.requests.map((r) => r.ids)).toEqual([['a1', 'b1']]);
      writer.requests[0]!.answer();
      expect((await a).map((o) => o.outcome)).toEqual(['created']);
      expect((await b).map((o) => o.alert.id)).toEqual(['b1']);

      const c = queue.write([alert('c1'), alert('c2'), alert('c3')], open().signal);
      await vi.advanceTimersByTimeAsync(0);
      expect(writer.requests[1]!.ids).toEqual(['c1', 'c2', 'c3']);
      writer.requests[1]!.answer();
      await c;
    } finally {
      vi.useRealTimers();
    }
  });

  it('one request at a time: what arrives meanwhile goes in the next one, in arrival order', async () => {
    const { queue, writer, pending } = setup({ flushIntervalMs: 1 });
    const first = queue.write([alert('1'), alert('2'), alert('3')], open().signal);
    const later = [queue.write([alert('4')], open().signal), queue.write([alert('5'), alert('6')], open().signal)];
    await vi.waitFor(() => expect(writer.requests).toHaveLength(1));
    expect(await pending()).toBe(6);
    writer.requests[0]!.answer();
    await first;
    await vi.waitFor(() => expect(writer.requests).toHaveLength(2));
    expect(writer.requests[1]!.ids).toEqual(['4', '5', '6']);
    writer.requests[1]!.answer();
    await Promise.all(later);
    expect(await pending()).toBe(0);
  });

  it('pauses the input from the first refusal until a request succeeds', async () => {
    const { queue, writer, leases } = setup({ flushIntervalMs: 1 });
    const written = queue.write([alert('a')], open().signal);
    await vi.waitFor(() => expect(writer.requests).toHaveLength(1));
    writer.requests[0]!.hooks.onBackedUp?.('connection refused', 1, 200);
    writer.requests[0]!.hooks.onBackedUp?.('connection refused', 2, 400);
    expect(leases).toEqual({ held: 1, taken: 1 });
    writer.requests[0]!.answer();
    await written;
    expect(leases.held).toBe(0);
  });

  it('a batch revoked before its turn is not sent; a request whose batches were all revoked stops retrying and releases the pause', async () => {
    const { queue, writer, leases } = setup({ flushIntervalMs: 1 });
    const revokedEarly = open();
    const early = queue.write([alert('gone')], revokedEarly.signal);
    revokedEarly.abort(new Error('revoked'));
    await expect(early).rejects.toThrow('revoked');

    const revokedLater = open();
    const later = queue.write([alert('x')], revokedLater.signal);
    await vi.waitFor(() => expect(writer.requests).toHaveLength(1));
    expect(writer.requests[0]!.ids).toEqual(['x']);
    writer.requests[0]!.hooks.onBackedUp?.('connection refused', 1, 200);
    revokedLater.abort(new Error('revoked'));
    await expect(later).rejects.toThrow('revoked');
    expect(writer.requests[0]!.signal?.aborted).toBe(true);
    expect(leases.held).toBe(0);
  });

  it('a request is not cut short while one of its batches is still owned', async () => {
    const { queue, writer } = setup({ flushIntervalMs: 1 });
    const revoked = open();
    const kept = queue.write([alert('kept')], open().signal);
    const lost = queue.write([alert('lost')], revoked.signal);
    await vi.waitFor(() => expect(writer.requests).toHaveLength(1));
    revoked.abort(new Error('revoked'));
    expect(writer.requests[0]!.signal?.aborted).toBe(false);
    writer.requests[0]!.answer();
    expect((await kept).map((o) => o.outcome)).toEqual(['created']);
    // Its alert was written anyway: the delivery is reported, the batch's new owner finds a 409.
    expect((await lost).map((o) => o.outcome)).toEqual(['created']);
  });

  it('shutdown gives up the request in flight and everything queued, and refuses new alerts', async () => {
    const { queue, writer, shutdown, leases, pending } = setup({ flushMaxAlerts: 1, flushIntervalMs: 1 });
    const inFlight = queue.write([alert('1')], open().signal);
    const queued = queue.write([alert('2')], open().signal);
    await vi.waitFor(() => expect(writer.requests).toHaveLength(1));
    writer.requests[0]!.hooks.onBackedUp?.('connection refused', 1, 200);
    shutdown.abort();
    await expect(inFlight).rejects.toMatchObject({ code: 'SINK_UNAVAILABLE' });
    await expect(queued).rejects.toMatchObject({ code: 'SINK_UNAVAILABLE' });
    await expect(queue.write([alert('3')], open().signal)).rejects.toMatchObject({ code: 'SINK_UNAVAILABLE' });
    expect(leases.held).toBe(0);
    expect(await pending()).toBe(0);
  });

  it('an unexpected writer failure is retried with the same alerts after a backoff, input paused meanwhile', async () => {
    vi.useFakeTimers();
    try {
      const { queue, writer, leases } = setup({ flushIntervalMs: 1 });
      const written = queue.write([alert('a')], open().signal);
      await vi.advanceTimersByTimeAsync(1);
      writer.requests[0]!.fail(new TypeError('boom'));
      await vi.advanceTimersByTimeAsync(0);
      expect(leases.held).toBe(1);
      await vi.advanceTimersByTimeAsync(1_001);
      expect(writer.requests).toHaveLength(2);
      expect(writer.requests[1]!.ids).toEqual(['a']);
      writer.requests[1]!.answer();
      expect((await written).map((o) => o.outcome)).toEqual(['created']);
      expect(leases.held).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
