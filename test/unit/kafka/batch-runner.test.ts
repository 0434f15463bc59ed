import { describe, expect, it } from 'vitest';
import { BatchRunner } from '../../../src/kafka/batch-runner.js';
import { DeliveryOrder } from '../../../src/kafka/delivery-order.js';
import type { BatchHandler } from '../../../src/pipeline/ports.js';
import { InputPauses } from '../../../src/kafka/input-pauses.js';
import { PartitionProgress } from '../../../src/kafka/partition-progress.js';
import { RetryBackoff } from '../../../src/kafka/retry-backoff.js';
import { FakeGenerations, FakePauseTarget, ManualTimers, fakePayload } from './fake-consumer.js';

function setup() {
  const timers = new ManualTimers();
  const target = new FakePauseTarget();
  const pauses = new InputPauses(
    target,
    ['t'],
    () => undefined,
    timers,
    () => timers.now,
  );
  const progress = new PartitionProgress(() => timers.now);
  progress.assign([
    { topic: 't', partition: 0 },
    { topic: 't', partition: 1 },
  ]);
  const generations = new FakeGenerations();
  const order = new DeliveryOrder((topic, partition, waiting) => progress.progressed(topic, partition, waiting));
  const seen = {
    failed: [] as Array<{ partition: number; attempt: number; retryInMs: number }>,
    abandoned: [] as number[],
    completed: [] as number[],
  };
  const runner = new BatchRunner({
    pauses,
    progress,
    backoff: new RetryBackoff({ initialMs: 1_000, maxMs: 8_000, random: () => 1 }),
    order,
    generation: generations.get,
    hooks: {
      failed: (_topic, partition, _error, attempt, retryInMs) => seen.failed.push({ partition, attempt, retryInMs }),
      abandoned: (_topic, partition) => seen.abandoned.push(partition),
      completed: (_topic, partition) => seen.completed.push(partition),
    },
  });
  /** A rebalance as the consumer sees it: the generation ends, the order starts over for `owned`. */
  const rebalance = (owned: string[]) => {
    generations.end();
    order.reassigned(new Set(owned));
  };
  return { timers, target, pauses, progress, generations, seen, runner, order, rebalance };
}

/** A handler whose deliveries the test settles by hand, in any order. */
function manualDeliveries() {
  const pending: Array<{ partition: number; signal: AbortSignal; deliver: () => void; drop: (e: unknown) => void }> = [];
  const handler: BatchHandler = async (batch, session) => {
    const delivered = new Promise<void>((resolve, reject) => {
      const entry = { partition: batch.partition, signal: session.revoked, deliver: resolve, drop: reject };
      session.revoked.addEventListener('abort', () => reject(session.revoked.reason), { once: true });
      pending.push(entry);
    });
    return { delivered };
  };
  return { handler, pending };
}

const succeed: BatchHandler = async () => ({ delivered: Promise.resolve() });
const fail: BatchHandler = async () => {
  throw new Error('dead-letter topic missing');
};

describe('BatchRunner', () => {
  it('resolves an accepted batch at once (the fetch moves on) and makes it committable once delivered', async () => {
    const { runner, progress, timers, seen, order } = setup();
    const payload = fakePayload('t', 0, 10, 5, 20);
    await runner.run(payload, succeed);
    expect(payload.resolved).toEqual(['14']);
    await runner.settled();
    expect(order.delivered).toEqual([{ topic: 't', partition: 0, offset: '15' }]);
    expect(seen.completed).toEqual([0]);
    timers.now = 1_000_000;
    // 5 records still wait behind the batch and nothing moved for a long time: stalled.
    expect(progress.stalled(1_000)).toEqual(['t/0']);
  });

  it('a failing batch resolves nothing, backs its partition off exponentially, and the timer (not a batch) lifts the backoff', async () => {
    const { runner, target, timers, seen, progress } = setup();
    const first = fakePayload('t', 0, 0, 3);
    await runner.run(first, fail);
    expect(first.resolved).toEqual([]);
    expect(target.isPaused('t', 0)).toBe(true);
    expect(target.isPaused('t', 1)).toBe(false);
    timers.advance(1_000);
    expect(target.isPaused('t', 0)).toBe(false);
    await runner.run(fakePayload('t', 0, 0, 3), fail);
    expect(seen.failed).toEqual([
      { partition: 0, attempt: 1, retryInMs: 1_000 },
      { partition: 0, attempt: 2, retryInMs: 2_000 },
    ]);
    timers.now += 10_000;
    expect(progress.stalled(5_000)).toEqual(['t/0']);
  });

  it("skips a batch fetched before its partition's backoff began, without calling the handler", async () => {
    const { runner } = setup();
    await runner.run(fakePayload('t', 0, 0, 3), fail);
    let called = false;
    const late = fakePayload('t', 0, 0, 3);
    await runner.run(late, async () => {
      called = true;
      return { delivered: Promise.resolve() };
    });
    expect(called).toBe(false);
    expect(late.resolved).toEqual([]);
  });

  it('after a success the backoff starts over', async () => {
    const { runner, timers, seen } = setup();
    await runner.run(fakePayload('t', 0, 0, 1), fail);
    timers.advance(1_000);
    await runner.run(fakePayload('t', 0, 0, 1), succeed);
    await runner.run(fakePayload('t', 0, 1, 1), fail);
    expect(seen.failed.map((f) => f.retryInMs)).toEqual([1_000, 1_000]);
  });

  it('a heartbeat that fails while the handler waits (rebalance) aborts the wait, and the batch stays unresolved', async () => {
    const { runner, seen } = setup();
    const payload = fakePayload('t', 0, 0, 3);
    payload.heartbeatFails = true;
    let abortedDuringWait = false;
    await runner.run(payload, async (_batch, session) => {
      await session.heartbeat();
      abortedDuringWait = session.revoked.aborted;
      if (session.revoked.aborted) throw new Error('stopped waiting');
      return { delivered: Promise.resolve() };
    });
    expect(abortedDuringWait).toBe(true);
    expect(payload.resolved).toEqual([]);
    expect(seen.abandoned).toEqual([0]);
    expect(seen.failed).toEqual([]);
  });

  it("a batch accepted after a rebalance began resolves nothing, and its delivery is stopped: the partition may be another member's now", async () => {
    const { runner, generations, seen, order } = setup();
    const payload = fakePayload('t', 1, 0, 3);
    let deliverySignal: AbortSignal | undefined;
    await runner.run(payload, async (_batch, session) => {
      deliverySignal = session.revoked;
      generations.end({ signalled: false });
      return { delivered: new Promise(() => undefined) };
    });
    expect(payload.resolved).toEqual([]);
    expect(deliverySignal?.aborted).toBe(true);
    expect(order.delivered).toEqual([]);
    expect(seen.abandoned).toEqual([1]);
  });

  it('fetches on while earlier batches are delivered; positions pass only what is delivered, in order, per partition', async () => {
    const { runner, order, progress, timers } = setup();
    const { handler, pending } = manualDeliveries();
    await runner.run(fakePayload('t', 0, 0, 10, 30), handler);
    await runner.run(fakePayload('t', 0, 10, 10, 30), handler);
    await runner.run(fakePayload('t', 1, 0, 5, 5), handler);
    expect(pending).toHaveLength(3);
    pending[1]!.deliver();
    pending[2]!.deliver();
    await Promise.resolve();
    await Promise.resolve();
    expect(order.takeChanged()).toEqual([{ topic: 't', partition: 1, offset: '5' }]);
    timers.now += 60_000;
    expect(progress.stalled(30_000)).toEqual(['t/0']);
    pending[0]!.deliver();
    await runner.settled();
    expect(order.takeChanged()).toEqual([{ topic: 't', partition: 0, offset: '20' }]);
    expect(progress.stalled(30_000)).toEqual([]);
    timers.now += 60_000;
    expect(progress.stalled(30_000)).toEqual(['t/0']); // 10 more records wait behind offset 19
  });

  it('a rebalance stops the deliveries of the old generation; they commit nothing, and settled() returns', async () => {
    const { runner, order, rebalance } = setup();
    const { handler, pending } = manualDeliveries();
    await runner.run(fakePayload('t', 0, 0, 10), handler);
    rebalance(['t/0']);
    expect(pending[0]!.signal.aborted).toBe(true);
    await runner.settled();
    expect(order.delivered).toEqual([]);
    await runner.run(fakePayload('t', 0, 0, 10), succeed);
    await runner.settled();
    expect(order.delivered).toEqual([{ topic: 't', partition: 0, offset: '10' }]);
  });

  it('ignores empty batches and batches of a stopped consumer', async () => {
    const { runner } = setup();
    const stopped = fakePayload('t', 0, 0, 2);
    stopped.running = false;
    let called = 0;
    const counting: BatchHandler = async () => {
      called++;
      return { delivered: Promise.resolve() };
    };
    await runner.run(stopped, counting);
    await runner.run(fakePayload('t', 0, 0, 0), counting);
    expect(called).toBe(0);
  });
});
