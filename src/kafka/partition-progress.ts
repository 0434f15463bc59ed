// Tracks, per assigned partition, lag and when it last made progress: the basis of /healthz.

interface PartitionState {
  lag: number;
  lastProgressMs: number;
}

export class PartitionProgress {
  private readonly partitions = new Map<string, PartitionState>();
  private paused = false;

  constructor(private readonly now: () => number = Date.now) {}

  assign(assigned: ReadonlyArray<{ topic: string; partition: number }>): void {
    const keep = new Set(assigned.map(({ topic, partition }) => `${topic}/${partition}`));
    for (const key of this.partitions.keys()) if (!keep.has(key)) this.partitions.delete(key);
    for (const key of keep) if (!this.partitions.has(key)) this.partitions.set(key, { lag: 0, lastProgressMs: this.now() });
  }

  progressed(topic: string, partition: number, lag: number): void {
    this.partitions.set(`${topic}/${partition}`, { lag, lastProgressMs: this.now() });
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    // Time spent paused for the sink is not a stall; the clock restarts when input resumes.
    if (!paused) for (const state of this.partitions.values()) state.lastProgressMs = this.now();
  }

  get assignedCount(): number {
    return this.partitions.size;
  }

  /** Partitions with records waiting that have not moved for longer than `stallMs` while not paused. */
  stalled(stallMs: number): string[] {
    if (this.paused) return [];
    const now = this.now();
    const stalled: string[] = [];
    for (const [key, state] of this.partitions) {
      if (state.lag > 0 && now - state.lastProgressMs > stallMs) stalled.push(key);
    }
    return stalled;
  }
}
