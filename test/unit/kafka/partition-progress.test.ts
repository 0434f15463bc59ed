import { describe, expect, it } from 'vitest';
import { PartitionProgress } from '../../../src/kafka/partition-progress.js';

function clock() {
  const state = { now: 0 };
  return { state, progress: new PartitionProgress(() => state.now) };
}

describe('PartitionProgress', () => {
  it('reports a partition with waiting records that has not moved for longer than the bound', () => {
    const { state, progress } = clock();
    progress.assign([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    progress.progressed('t', 0, 50);
    progress.progressed('t', 1, 0);
    state.now = 10_000;
    expect(progress.stalled(5_000)).toEqual(['t/0']);
    expect(progress.stalled(20_000)).toEqual([]);
  });

  it('calls a partition stalled while input is paused: being paused is no excuse for not moving', () => {
    const { state, progress } = clock();
    progress.assign([{ topic: 't', partition: 0 }]);
    progress.fetched('t', 0, 10);
    state.now = 60_000;
    expect(progress.stalled(5_000)).toEqual(['t/0']);
  });

  it('sees a partition whose every batch fails: fetched records wait, nothing progresses', () => {
    const { state, progress } = clock();
    progress.assign([{ topic: 't', partition: 0 }]);
    for (let attempt = 0; attempt < 5; attempt++) {
      state.now += 2_000;
      progress.fetched('t', 0, 3);
    }
    expect(progress.stalled(5_000)).toEqual(['t/0']);
  });

  it('sees a partition that never receives a batch, from the lag monitor, though its lag started at 0', () => {
    const { state, progress } = clock();
    progress.assign([{ topic: 't', partition: 0 }]);
    state.now = 6_000;
    expect(progress.stalled(5_000)).toEqual([]);
    progress.observedLag('t', 0, 120);
    state.now = 11_001;
    progress.observedLag('t', 0, 180);
    expect(progress.stalled(5_000)).toEqual(['t/0']);
    progress.progressed('t', 0, 0);
    expect(progress.stalled(5_000)).toEqual([]);
  });

  it('a partition idle for long is not stalled the moment new records arrive: the clock starts when they wait', () => {
    const { state, progress } = clock();
    progress.assign([{ topic: 't', partition: 0 }]);
    progress.progressed('t', 0, 0);
    state.now = 600_000;
    progress.observedLag('t', 0, 3);
    expect(progress.stalled(5_000)).toEqual([]);
    state.now = 606_000;
    expect(progress.stalled(5_000)).toEqual(['t/0']);
  });

  it('an idle partition with nothing waiting is never stalled', () => {
    const { state, progress } = clock();
    progress.assign([{ topic: 't', partition: 0 }]);
    progress.progressed('t', 0, 0);
    progress.observedLag('t', 0, 0);
    state.now = 1_000_000;
    expect(progress.stalled(5_000)).toEqual([]);
  });

  it('forgets partitions that a rebalance took away and ignores news about them', () => {
    const { state, progress } = clock();
    progress.assign([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    progress.assign([{ topic: 't', partition: 1 }]);
    progress.observedLag('t', 0, 99);
    state.now = 60_000;
    expect(progress.assigned).toEqual([{ topic: 't', partition: 1 }]);
    expect(progress.stalled(5_000)).toEqual([]);
  });

  it('keeps the clock of a partition it keeps across a rebalance', () => {
    const { state, progress } = clock();
    progress.assign([{ topic: 'a.b', partition: 0 }]);
    progress.fetched('a.b', 0, 5);
    state.now = 4_000;
    progress.assign([
      { topic: 'a.b', partition: 0 },
      { topic: 'a.b', partition: 1 },
    ]);
    state.now = 6_000;
    expect(progress.stalled(5_000)).toEqual(['a.b/0']);
  });
});
