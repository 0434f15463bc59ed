// Writes alerts into the data stream with bulk `create`, sorts each item's outcome, retries what can succeed later.
import { setTimeout as delay } from 'node:timers/promises';
import { errors, type Client } from '@elastic/elasticsearch';
import { backoffDelayMs } from '../../backoff.js';
import { DetectorError } from '../../errors.js';
import { dataStreamFields } from './alert-template.js';
import { EarlierGenerations } from './earlier-generations.js';

export interface AlertToWrite {
  id: string;
  document: Record<string, unknown>;
  /** Carried through to the outcome, e.g. the vendor for metrics. */
  vendor: string;
}

export type ItemOutcome =
  | { alert: AlertToWrite; outcome: 'created' }
  | { alert: AlertToWrite; outcome: 'duplicate' }
  /** Counted into the suppressed alert of its group and window (suppressed-alert-writer.ts). */
  | { alert: AlertToWrite; outcome: 'suppressed' }
  | { alert: AlertToWrite; outcome: 'failed'; status: number; reason: string };

export interface BulkWriterHooks {
  /** One bulk request finished (or failed to reach Elasticsearch). */
  onRequest?(outcome: 'success' | 'retried' | 'error', durationSeconds: number): void;
  /** Elasticsearch stopped accepting alerts; the caller pauses its input. */
  onBackedUp?(reason: string, attempt: number, delayMs: number): void;
}

export interface BulkWriterOptions {
  /** The alerts data stream (ALERTS_DATA_STREAM). */
  dataStream: string;
  maxBackoffMs: number;
  initialBackoffMs?: number;
  hooks?: BulkWriterHooks;
  /** Sleeps; injectable so tests of the retry policy need not wait in real time. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The clock that stamps `event.ingested`; injectable for tests. */
  now?: () => Date;
  /** The stream's backing indices, shared with the suppressed writer; one of its own when absent. */
  generations?: EarlierGenerations;
}

/** 409: the deterministic id already exists, so this alert was written before. */
const CONFLICT = 409;

export function isRetriableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * An alert as first sent to the stream: `event.ingested` is the time of this attempt, because
 * Elastic's External Alerts rule looks back only a few minutes on that field and an alert held up by
 * an outage must still fall in its window; `data_stream.*` names the stream as Fleet's documents do.
 */
export function alertAsSent(
  document: Record<string, unknown>,
  ingested: string,
  streamFields: ReturnType<typeof dataStreamFields>,
): Record<string, unknown> {
  const event = typeof document.event === 'object' && document.event !== null ? document.event : {};
  return { ...document, event: { ...event, ingested }, data_stream: streamFields };
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller checks it next). */
async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, signal ? { signal } : {}).catch((error: unknown) => {
    if (!signal?.aborted) throw error;
  });
}

interface BulkItemResponse {
  status: number;
  _index?: string;
  error?: { type?: string; reason?: string };
}

export class BulkAlertWriter {
  private readonly client: Client;
  private readonly options: Required<Omit<BulkWriterOptions, 'hooks' | 'generations'>> & { hooks: BulkWriterHooks };
  private readonly generations: EarlierGenerations;
  private readonly streamFields: ReturnType<typeof dataStreamFields>;

  constructor(client: Client, options: BulkWriterOptions) {
    this.client = client;
    const { generations, ...rest } = options;
    this.options = { initialBackoffMs: 200, sleep: defaultSleep, hooks: {}, now: () => new Date(), ...rest };
    this.generations = generations ?? new EarlierGenerations(client, options.dataStream);
    this.streamFields = dataStreamFields(options.dataStream);
  }

  /**
   * Alerts that were created in a write index we did not know (a rollover happened) but already
   * existed in an earlier backing index: the new copy is removed and the alert counts as a duplicate.
   * Best effort: should this look-up fail, the alerts stay created.
   */
  private async undoCrossGenerationCopies(created: Array<{ alert: AlertToWrite; index: string | undefined }>): Promise<Set<string>> {
    const undone = new Set<string>();
    if (!created.some(({ index }) => this.generations.isNewWriteIndex(index))) return undone;
    try {
      await this.generations.refresh();
      const byIndex = new Map<string, string[]>();
      for (const { alert, index } of created) if (index !== undefined) byIndex.set(index, [...(byIndex.get(index) ?? []), alert.id]);
      for (const [index, ids] of byIndex) {
        for (const id of await this.generations.storedBefore(ids, index)) {
          await this.client.delete({ index, id, refresh: false });
          undone.add(id);
        }
      }
    } catch {
      // The cost of failing here is one possible duplicate alert, never a lost one.
    }
    return undone;
  }

  /**
   * Resolves once every alert is created, known as a duplicate, or rejected for good. Transient
   * failures (no connection, 429, 5xx) are retried with capped exponential backoff for as long as
   * it takes; only `signal` ends the wait, with a retriable SINK_UNAVAILABLE error, so the caller
   * commits nothing for this batch.
   */
  async write(alerts: readonly AlertToWrite[], call: { signal?: AbortSignal; hooks?: BulkWriterHooks } = {}): Promise<ItemOutcome[]> {
    const { signal } = call;
    const hooks: BulkWriterHooks = { ...this.options.hooks, ...call.hooks };
    const outcomes: ItemOutcome[] = [];
    let pending = [...alerts];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (signal?.aborted) {
        throw new DetectorError('SINK_UNAVAILABLE', `stopped before Elasticsearch acknowledged ${pending.length} alert(s)`);
      }
      let retry: AlertToWrite[] = [];
      let failure = '';
      const started = performance.now();
      try {
        await this.generations.refreshIfStale();
        const stored = await this.generations.storedBefore(pending.map((alert) => alert.id));
        for (const alert of pending) if (stored.has(alert.id)) outcomes.push({ alert, outcome: 'duplicate' });
        pending = pending.filter((alert) => !stored.has(alert.id));
        if (pending.length === 0) break;
        const ingested = this.options.now().toISOString();
        const response = await this.client.bulk({
          operations: pending.flatMap((alert) => [
            { create: { _index: this.options.dataStream, _id: alert.id } },
            alertAsSent(alert.document, ingested, this.streamFields),
          ]),
        });
        const items = response.items.map((item) => (item.create ?? Object.values(item)[0]) as BulkItemResponse);
        const created: Array<{ alert: AlertToWrite; index: string | undefined }> = [];
        pending.forEach((alert, i) => {
          const item = items[i];
          const status = item?.status ?? 0;
          if (status >= 200 && status < 300) created.push({ alert, index: item?._index });
          else if (status === CONFLICT) outcomes.push({ alert, outcome: 'duplicate' });
          else if (isRetriableStatus(status) || !item) retry.push(alert);
          else
            outcomes.push({
              alert,
              outcome: 'failed',
              status,
              reason: `${item.error?.type ?? 'error'}: ${item.error?.reason ?? 'no reason given'}`,
            });
        });
        const undone = await this.undoCrossGenerationCopies(created);
        for (const { alert } of created) outcomes.push({ alert, outcome: undone.has(alert.id) ? 'duplicate' : 'created' });
        if (retry.length > 0) failure = `${retry.length} item(s) rejected with a retriable status`;
        hooks.onRequest?.(retry.length > 0 ? 'retried' : 'success', (performance.now() - started) / 1000);
      } catch (error) {
        const status = error instanceof errors.ResponseError ? error.statusCode : undefined;
        if (status !== undefined && !isRetriableStatus(status)) {
          hooks.onRequest?.('error', (performance.now() - started) / 1000);
          const reason = `bulk request rejected: HTTP ${status}: ${error instanceof Error ? error.message : String(error)}`;
          for (const alert of pending) outcomes.push({ alert, outcome: 'failed', status, reason });
          return outcomes;
        }
        hooks.onRequest?.('retried', (performance.now() - started) / 1000);
        retry = pending;
        failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      pending = retry;
      if (pending.length > 0) {
        const wait = backoffDelayMs(attempt, this.options.initialBackoffMs, this.options.maxBackoffMs);
        hooks.onBackedUp?.(failure, attempt + 1, wait);
        await this.options.sleep(wait, signal);
      }
    }
    return outcomes;
  }
}
