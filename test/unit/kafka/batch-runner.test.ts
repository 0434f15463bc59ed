import { describe, expect, it } from 'vitest';
import { BatchRunner } from '../../../src/kafka/batch-runner.js';
import type { BatchHandler } from '../../../src/pipeline/ports.js';
import { InputPauses } from '../../../src/kafka/input-pauses.js';
import { PartitionProgress } from '../../../src/kafka/partition-progress.js';
import { RetryBackoff } from '../../../src/kafka/retry-backoff.js';
import { FakePauseTarget, ManualTimers, fakePayload } from './fake-consumer.js';

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
  const state = { generation: 1 };
  const seen = {
    failed: [] as Array<{ partition: number; attempt: number; retryInMs: number }>,
    abandoned: [] as number[],
    completed: [] as number[],
  };
  const runner = new BatchRunner({
    pauses,
    progress,
    backoff: new RetryBackoff({ initialMs: 1_000, maxMs: 8_000, random: () => 1 }),
    generation: () => state.generation,
    hooks: {
      failed: (_topic, partition, _error, attempt, retryInMs) => seen.failed.push({ partition, attempt, retryInMs }),
      abandoned: (_topic, partition) => seen.abandoned.push(partition),
      completed: (_topic, partition) => seen.completed.push(partition),
    },
  });
  return { timers, target, pauses, progress, state, seen, runner };
}

const succeed: BatchHandler = async () => undefined;
const fail: BatchHandler = async () => {
  throw new Error('dead-letter topic missing');
};

describe('BatchRunner', () => {
  it('resolves a safe batch up to its last offset and remembers the next offset for the final commit', async () => {
    const { runner, progress, timers, seen } = setup();
    const payload = fakePayload('t', 0, 10, 5, 20);
    await runner.run(payload, succeed);
    expect(payload.resolved).toEqual(['14']);
    expect(runner.resolvedOffsets).toEqual([{ topic: 't', partition: 0, offset: '15' }]);
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
    });
    expect(abortedDuringWait).toBe(true);
    expect(payload.resolved).toEqual([]);
    expect(seen.abandoned).toEqual([0]);
    expect(seen.failed).toEqual([]);
  });

  it("a batch that finishes after a rebalance resolves nothing: the partition may be another member's now", async () => {
    const { runner, state, seen } = setup();
    const payload = fakePayload('t', 1, 0, 3);
    await runner.run(payload, async () => {
      state.generation++;
    });
    expect(payload.resolved).toEqual([]);
    expect(runner.resolvedOffsets).toEqual([]);
    expect(seen.abandoned).toEqual([1]);
  });

  it('forgets resolved offsets of partitions a rebalance took away', async () => {
    const { runner } = setup();
    await runner.run(fakePayload('t', 0, 0, 1), succeed);
    await runner.run(fakePayload('t', 1, 0, 1), succeed);
    runner.retainOnly(new Set(['t/1']));
    expect(runner.resolvedOffsets).toEqual([{ topic: 't', partition: 1, offset: '1' }]);
  });

  it('ignores empty batches and batches of a stopped consumer', async () => {
    const { runner } = setup();
    const stopped = fakePayload('t', 0, 0, 2);
    stopped.running = false;
    let called = 0;
    await runner.run(stopped, async () => void called++);
    await runner.run(fakePayload('t', 0, 0, 0), async () => void called++);
    expect(called).toBe(0);
  });
});
