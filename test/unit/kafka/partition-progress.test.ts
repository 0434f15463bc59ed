import { describe, expect, it } from 'vitest';
import { PartitionProgress } from '../../../src/kafka/partition-progress.js';

describe('PartitionProgress', () => {
  it('reports a partition with waiting records that has not moved for longer than the bound', () => {
    let now = 0;
    const progress = new PartitionProgress(() => now);
    progress.assign([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
    progress.progressed('t', 0, 50);
    progress.progressed('t', 1, 0);
    now = 10_000;
    expect(progress.stalled(5_000)).toEqual(['t/0']);
    expect(progress.stalled(20_000)).toEqual([]);
  });

  it('does not call a partition stalled while input is paused for the sink, nor right after resuming', () => {
    let now = 0;
    const progress = new PartitionProgress(() => now);
    progress.assign([{ topic: 't', partition: 0 }]);
    progress.progressed('t', 0, 10);
    progress.setPaused(true);
    now = 60_000;
    expect(progress.stalled(5_000)).toEqual([]);
    progress.setPaused(false);
    expect(progress.stalled(5_000)).toEqual([]);
  });

  it('forgets partitions that a rebalance took away', () => {
    const progress = new PartitionProgress(() => 0);
    progress.assign([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
    progress.assign([{ topic: 't', partition: 1 }]);
    expect(progress.assignedCount).toBe(1);
  });
});
