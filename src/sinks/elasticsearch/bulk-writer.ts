// Writes alerts with bulk `create`, sorts each item's outcome, and retries only what can succeed later.
import { errors, type Client } from '@elastic/elasticsearch';
import { DetectorError } from '../../errors.js';

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
  /** Called between retries so the caller can keep its Kafka session alive. */
  onWaiting?(): Promise<void>;
}

export interface BulkWriterOptions {
  index: string;
  maxBackoffMs: number;
  initialBackoffMs?: number;
  hooks?: BulkWriterHooks;
  /** Sleeps; injectable so tests of the retry policy need not wait in real time. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** 409: the deterministic id already exists, so this alert was written before. */
const CONFLICT = 409;

export function isRetriableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export function backoffMs(attempt: number, initialMs: number, maxMs: number): number {
  const exponential = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 20));
  return Math.round(exponential / 2 + (Math.random() * exponential) / 2);
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

interface BulkItemResponse {
  status: number;
  error?: { type?: string; reason?: string };
}

export class BulkAlertWriter {
  private readonly client: Client;
  private readonly options: Required<Omit<BulkWriterOptions, 'hooks'>> & { hooks: BulkWriterHooks };

  constructor(client: Client, options: BulkWriterOptions) {
    this.client = client;
    this.options = { initialBackoffMs: 200, sleep: defaultSleep, hooks: {}, ...options };
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
        const response = await this.client.bulk({
          operations: pending.flatMap((alert) => [{ create: { _index: this.options.index, _id: alert.id } }, alert.document]),
        });
        const items = response.items.map((item) => (item.create ?? Object.values(item)[0]) as BulkItemResponse);
        pending.forEach((alert, i) => {
          const item = items[i];
          const status = item?.status ?? 0;
          if (status >= 200 && status < 300) outcomes.push({ alert, outcome: 'created' });
          else if (status === CONFLICT) outcomes.push({ alert, outcome: 'duplicate' });
          else if (isRetriableStatus(status) || !item) retry.push(alert);
          else outcomes.push({ alert, outcome: 'failed', status, reason: `${item.error?.type ?? 'error'}: ${item.error?.reason ?? 'no reason given'}` });
        });
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
        const delay = backoffMs(attempt, this.options.initialBackoffMs, this.options.maxBackoffMs);
        hooks.onBackedUp?.(failure, attempt + 1, delay);
        await this.waitWithHeartbeats(delay, hooks, signal);
      }
    }
    return outcomes;
  }

  /** Sleeps in slices so the Kafka session stays alive during long outages. */
  private async waitWithHeartbeats(totalMs: number, hooks: BulkWriterHooks, signal?: AbortSignal): Promise<void> {
    const slice = 1_000;
    for (let waited = 0; waited < totalMs && !signal?.aborted; waited += slice) {
      await this.options.sleep(Math.min(slice, totalMs - waited), signal);
      await hooks.onWaiting?.();
    }
  }
}
