// Runs one fetched batch through the handler: offsets resolved only when it is safe and still ours, backoff when it fails.
import type { BatchHandler, PartitionBatch, SessionControls } from '../pipeline/ports.js';
import type { InputPauses } from './input-pauses.js';
import type { PartitionProgress } from './partition-progress.js';
import type { RetryBackoff } from './retry-backoff.js';

/** The part of kafkajs' EachBatchPayload the runner uses (a fake in unit tests). */
export interface BatchPayload {
  batch: PartitionBatch & { highWatermark: string; firstOffset(): string | null; lastOffset(): string };
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
}

interface BatchRunnerHooks {
  failed(topic: string, partition: number, error: unknown, attempt: number, retryInMs: number): void;
  abandoned(topic: string, partition: number): void;
  completed(topic: string, partition: number, seconds: number): void;
}

export interface BatchRunnerDeps {
  pauses: InputPauses;
  progress: PartitionProgress;
  backoff: RetryBackoff;
  /** Changes on every rebalance: a batch started in an older generation may no longer be ours. */
  generation: () => number;
  hooks: BatchRunnerHooks;
}

export interface CommitPosition {
  topic: string;
  partition: number;
  offset: string;
}

export class BatchRunner {
  /** Next offset to commit per partition, as resolved after acknowledgement (kept for the final commit). */
  private readonly resolved = new Map<string, CommitPosition>();

  constructor(private readonly deps: BatchRunnerDeps) {}

  get resolvedOffsets(): CommitPosition[] {
    return [...this.resolved.values()];
  }

  /** After a rebalance: offsets of partitions now owned by others must not be committed by us. */
  retainOnly(owned: ReadonlySet<string>): void {
    for (const key of this.resolved.keys()) if (!owned.has(key)) this.resolved.delete(key);
  }

  /** Never throws: kafkajs would treat a throw as a consumer crash. A failed batch is read again later. */
  async run(payload: BatchPayload, handler: BatchHandler): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
    const { pauses, progress, backoff, hooks } = this.deps;
    const { topic, partition } = batch;
    const key = `${topic}/${partition}`;
    progress.fetched(topic, partition, Math.max(0, Number(batch.highWatermark) - Number(batch.firstOffset() ?? batch.lastOffset())));
    // A batch fetched before its partition's backoff began: it would only fail again.
    if (pauses.isBackingOff(topic, partition)) return;

    const generation = this.deps.generation();
    const revoked = new AbortController();
    const stillOwned = (): boolean => {
      const owned = !revoked.signal.aborted && payload.isRunning() && !payload.isStale() && this.deps.generation() === generation;
      if (!owned) revoked.abort();
      return owned;
    };
    const session: SessionControls = {
      heartbeat: async () => {
        try {
          await payload.heartbeat();
        } catch {
          // Usually "the group is rebalancing": the partition may be someone else's by now.
          revoked.abort();
          return;
        }
        stillOwned();
      },
      holdInputForSink: () => pauses.holdForSink(),
      revoked: revoked.signal,
    };

    const started = performance.now();
    try {
      await handler({ topic, partition, messages: batch.messages }, session);
    } catch (error) {
      if (!stillOwned()) {
        hooks.abandoned(topic, partition);
        return;
      }
      const delay = backoff.failed(key);
      pauses.backOff(topic, partition, delay);
      hooks.failed(topic, partition, error, backoff.failuresOf(key), delay);
      return;
    }
    if (!stillOwned()) {
      // Safe, but maybe no longer ours: the new owner re-reads it, and the alert ids make that a 409.
      hooks.abandoned(topic, partition);
      return;
    }
    backoff.succeeded(key);
    const last = batch.lastOffset();
    payload.resolveOffset(last);
    this.resolved.set(key, { topic, partition, offset: (BigInt(last) + 1n).toString() });
    progress.progressed(topic, partition, Math.max(0, Number(batch.highWatermark) - Number(last) - 1));
    hooks.completed(topic, partition, (performance.now() - started) / 1000);
  }
}
