// Tracks, per assigned partition, the records waiting and when its offset last advanced: the basis of /healthz.

interface PartitionState {
  /** Records known to wait after the last processed one (batch positions, or the lag monitor's). */
  waiting: number;
  /** Since when records have waited without the offset advancing (the later of last progress and first wait). */
  sinceMs: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/**
 * A partition is stalled when records wait and its offset has not advanced for the bound, whatever
 * the reason: paused for the sink, every batch failing, or no batch arriving at all. "Waiting" is
 * learnt from three sources so that none of those cases hides it: a batch fetched (its records
 * wait until it succeeds), a batch done (what is left behind it), and the lag monitor (records
 * behind the group's committed offset, even when nothing is fetched).
 */
export class PartitionProgress {
  private readonly partitions = new Map<string, PartitionState>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new assignment: kept partitions keep their state, new ones start their clock now. */
  assign(assigned: readonly TopicPartition[]): void {
    const keep = new Set(assigned.map(({ topic, partition }) => `${topic}/${partition}`));
    for (const key of this.partitions.keys()) if (!keep.has(key)) this.partitions.delete(key);
    for (const key of keep) if (!this.partitions.has(key)) this.partitions.set(key, { waiting: 0, sinceMs: this.now() });
  }

  /** A batch of this partition was fetched: at least `waiting` records are there to process. */
  fetched(topic: string, partition: number, waiting: number): void {
    const state = this.partitions.get(`${topic}/${partition}`);
    if (state) this.wait(state, Math.max(state.waiting, waiting));
  }

  /** A batch was processed and its offsets resolved; `waiting` records are left behind it. */
  progressed(topic: string, partition: number, waiting: number): void {
    const state = this.partitions.get(`${topic}/${partition}`);
    if (state) {
      state.waiting = waiting;
      state.sinceMs = this.now();
    }
  }

  /** The lag monitor's view (high watermark - committed offset), for partitions this instance owns. */
  observedLag(topic: string, partition: number, lag: number): void {
    const state = this.partitions.get(`${topic}/${partition}`);
    if (state) this.wait(state, lag);
  }

  get assigned(): TopicPartition[] {
    return [...this.partitions.keys()].map((key) => {
      const slash = key.lastIndexOf('/');
      return { topic: key.slice(0, slash), partition: Number(key.slice(slash + 1)) };
    });
  }

  get assignedCount(): number {
    return this.partitions.size;
  }

  /** Partitions with records waiting whose offset has not advanced for longer than `stallMs`. */
  stalled(stallMs: number): string[] {
    const now = this.now();
    const stalled: string[] = [];
    for (const [key, state] of this.partitions) {
      if (state.waiting > 0 && now - state.sinceMs > stallMs) stalled.push(key);
    }
    return stalled;
  }

  /** An idle partition's clock starts when records start waiting, not at its last progress long ago. */
  private wait(state: PartitionState, waiting: number): void {
    if (state.waiting === 0 && waiting > 0) state.sinceMs = this.now();
    state.waiting = waiting;
  }
}
