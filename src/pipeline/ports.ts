// What the pipeline needs from its edges (the Kafka session, the alert sink, the dead-letter topic), declared
// here so that the adapters implement it and the pipeline imports none of them.
import type { DetectorError } from '../errors.js';
import type { SuppressionGroup } from '../suppression/suppression-group.js';
import type { Contribution } from '../suppression/suppression-state.js';

type RecordHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** One record of a feed topic as the pipeline reads it (a kafkajs message has this shape). */
export interface FeedRecord {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  /** The Kafka record time, epoch milliseconds as text. */
  timestamp: string;
  headers?: RecordHeaders;
}

/** A record that cannot be processed: sent intact to the dead-letter topic with the reason. */
export interface DeadLetter {
  vendor: string;
  source: { topic: string; partition: number; offset: string };
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeaders;
  error: Pick<DetectorError, 'code' | 'stage' | 'message'>;
}

export interface DeadLetterSink {
  /** Resolves once every letter is acknowledged; rejects (retriable) otherwise. */
  publish(letters: readonly DeadLetter[], now?: Date): Promise<void>;
}

export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: FeedRecord[];
}

export interface PauseLease {
  release(): void;
}

/** What a batch handler may do with the Kafka session while the batch waits to be accepted. */
export interface SessionControls {
  /** Keeps the group session alive. Never throws: a failed heartbeat aborts `revoked` instead. */
  heartbeat(): Promise<void>;
  /** Aborted once the consumer is stopping or a rebalance may have moved the partition: delivering this batch is pointless then. */
  revoked: AbortSignal;
}

/** A batch taken in: the consumer reads on while it is delivered. */
interface AcceptedBatch {
  /**
   * Resolves once every alert and dead letter of the batch is acknowledged; then, and once every
   * earlier batch of the partition is delivered too, its offsets may be committed. Rejects only when
   * the batch is given up: its partition revoked, or shutdown could wait no longer.
   */
  delivered: Promise<void>;
}

/**
 * Processes one partition batch: resolves once it is accepted (evaluated, its alerts and letters
 * handed on); throwing means nothing of the batch was, and it is read again.
 */
export type BatchHandler = (batch: PartitionBatch, session: SessionControls) => Promise<AcceptedBatch>;

/** An alert ready to write: a deterministic id, the document, and the group it counts into when its rule suppresses. */
export interface SinkAlert {
  id: string;
  document: Record<string, unknown>;
  /** Carried through to the outcome, e.g. the vendor for metrics. */
  vendor: string;
  suppression?: { group: SuppressionGroup; contribution: Contribution } | undefined;
}

export type WriteOutcome<Alert = SinkAlert> =
  { alert: Alert; outcome: 'created' | 'duplicate' | 'suppressed' } | { alert: Alert; outcome: 'failed'; status: number; reason: string };

interface WriteHooks {
  /** One request finished (or failed to reach the sink). */
  onRequest?(outcome: 'success' | 'retried' | 'error', durationSeconds: number): void;
  /** The sink stopped accepting alerts; the caller pauses its input. */
  onBackedUp?(reason: string, attempt: number, delayMs: number): void;
}

/** Where alerts go: resolves when every alert is safe, one outcome per alert. */
export interface AlertWriter {
  write(alerts: readonly SinkAlert[], call?: { signal?: AbortSignal; hooks?: WriteHooks }): Promise<WriteOutcome[]>;
}
