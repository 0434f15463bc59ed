// The alert write path: plain alerts by bulk create, suppressed ones counted into their group's alert.
import type { Client } from '@elastic/elasticsearch';
import type { AlertWriter, SinkAlert } from '../../pipeline/ports.js';
import { BulkAlertWriter, type BulkWriterHooks, type BulkWriterOptions, type ItemOutcome } from './bulk-writer.js';
import { EarlierGenerations } from './earlier-generations.js';
import { SuppressedAlertWriter, type SuppressedAlertToWrite } from './suppressed-alert-writer.js';

/** Same contract as BulkAlertWriter.write: resolves when every alert is safe, one outcome per alert. */
export class AlertSink implements AlertWriter {
  private readonly plain: BulkAlertWriter;
  private readonly suppressed: SuppressedAlertWriter;

  constructor(client: Client, options: Omit<BulkWriterOptions, 'generations'>) {
    // One view of the stream's backing indices for both writers: one look-up per refresh, not two.
    const generations = new EarlierGenerations(client, options.dataStream);
    this.plain = new BulkAlertWriter(client, { ...options, generations });
    this.suppressed = new SuppressedAlertWriter(client, {
      dataStream: options.dataStream,
      maxBackoffMs: options.maxBackoffMs,
      generations,
      ...(options.initialBackoffMs === undefined ? {} : { initialBackoffMs: options.initialBackoffMs }),
      ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  }

  async write(alerts: readonly SinkAlert[], call: { signal?: AbortSignal; hooks?: BulkWriterHooks } = {}): Promise<ItemOutcome[]> {
    const plain = alerts.filter((alert) => alert.suppression === undefined);
    const suppressed = alerts.flatMap((alert) => (alert.suppression === undefined ? [] : [{ alert, ...alert.suppression }]));
    const outcomes: ItemOutcome[] = plain.length > 0 ? await this.plain.write(plain, call) : [];
    if (suppressed.length === 0) return outcomes;
    const origin = new Map<SuppressedAlertToWrite, SinkAlert>();
    for (const { alert, group, contribution } of suppressed)
      origin.set({ group, contribution, document: alert.document, vendor: alert.vendor }, alert);
    const written = await this.suppressed.write([...origin.keys()], call);
    for (const result of written) {
      const alert = origin.get(result.alert)!;
      if (result.outcome === 'failed') outcomes.push({ alert, outcome: 'failed', status: result.status, reason: result.reason });
      else outcomes.push({ alert, outcome: result.outcome });
    }
    return outcomes;
  }
}
