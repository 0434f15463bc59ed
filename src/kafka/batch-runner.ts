// Runs one fetched batch through the handler: the fetch moves on once it is accepted, its offsets become committable once delivered in order.
import type { BatchHandler, PartitionBatch, SessionControls } from '../pipeline/ports.js';
import type { DeliveryOrder, DeliveryTicket } from './delivery-order.js';
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
  /** The batch is delivered, `seconds` after it was handed to the handler. */
  completed(topic: string, partition: number, seconds: number): void;
}

/** One group generation: a rebalance or a crash starts the next and aborts this one's signal. */
export interface Generation {
  readonly id: number;
  readonly signal: AbortSignal;
}

export interface BatchRunnerDeps {
  pauses: InputPauses;
  progress: PartitionProgress;
  backoff: RetryBackoff;
  order: DeliveryOrder;
  generation: () => Generation;
  hooks: BatchRunnerHooks;
}

export class BatchRunner {
  private readonly deliveries = new Set<Promise<void>>();

  constructor(private readonly deps: BatchRunnerDeps) {}

  /** Resolves once every accepted batch is delivered or given up (at shutdown, after the last fetch). */
  async settled(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.allSettled(this.deliveries);
  }

  /**
   * Never throws: kafkajs would treat a throw as a consumer crash. A batch the handler refuses is
   * left unresolved, so kafkajs fetches it again once its partition's backoff ends. An accepted batch
   * is resolved at once (kafkajs fetches from the resolved offset; autoCommit is off, so resolving
   * commits nothing) and committed through the delivery order.
   */
  async run(payload: BatchPayload, handler: BatchHandler): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
    const { pauses, progress, backoff, order, hooks } = this.deps;
    const { topic, partition } = batch;
    const key = `${topic}/${partition}`;
    progress.fetched(topic, partition, Math.max(0, Number(batch.highWatermark) - Number(batch.firstOffset() ?? batch.lastOffset())));
    // A batch fetched before its partition's backoff began: it would only fail again.
    if (pauses.isBackingOff(topic, partition)) return;

    const generation = this.deps.generation();
    const lost = new AbortController();
    const revoked = AbortSignal.any([lost.signal, generation.signal]);
    const stillOwned = (): boolean => {
      const owned = !revoked.aborted && payload.isRunning() && !payload.isStale() && this.deps.generation().id === generation.id;
      if (!owned) lost.abort();
      return owned;
    };
    const session: SessionControls = {
      heartbeat: async () => {
        try {
          await payload.heartbeat();
        } catch {
          // Usually "the group is rebalancing": the partition may be someone else's by now.
          lost.abort();
          return;
        }
        stillOwned();
      },
      revoked,
    };

    const started = performance.now();
    let delivered: Promise<void>;
    try {
      ({ delivered } = await handler({ topic, partition, messages: batch.messages }, session));
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
      // Accepted, but maybe no longer ours: its delivery stops, and the new owner reads it again.
      lost.abort();
      delivered.catch(() => undefined);
      hooks.abandoned(topic, partition);
      return;
    }
    backoff.succeeded(key);
    const last = batch.lastOffset();
    payload.resolveOffset(last);
    const ticket = order.open(topic, partition, last, Math.max(0, Number(batch.highWatermark) - Number(last) - 1));
    this.track(delivered, ticket, revoked, topic, partition, started);
  }

  /** Apart from run(), so that the closures waiting on a delivery do not keep the fetched batch alive. */
  private track(
    delivered: Promise<void>,
    ticket: DeliveryTicket,
    revoked: AbortSignal,
    topic: string,
    partition: number,
    started: number,
  ): void {
    const { hooks } = this.deps;
    const tracked = (async () => {
      try {
        await delivered;
      } catch {
        ticket.dropped();
        // Given up because the group moved on (not because shutdown could wait no longer): say so.
        if (revoked.aborted) hooks.abandoned(topic, partition);
        return;
      }
      ticket.delivered();
      hooks.completed(topic, partition, (performance.now() - started) / 1000);
    })();
    this.deliveries.add(tracked);
    void tracked.finally(() => this.deliveries.delete(tracked));
  }
}
