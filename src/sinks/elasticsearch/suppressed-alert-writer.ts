// Writes suppressed alerts: one document per rule, group and window, created once and then counted into.
import { errors, type Client } from '@elastic/elasticsearch';
import { DetectorError } from '../../errors.js';
import type { SuppressionGroup } from '../../suppression/suppression-group.js';
import { addContributions, readState, suppressionFields, type Contribution, type SuppressionState } from '../../suppression/suppression-state.js';
import { backoffMs, isRetriableStatus, type BulkWriterHooks } from './bulk-writer.js';
import { byGeneration } from './earlier-generations.js';

export interface SuppressedAlertToWrite {
  readonly group: SuppressionGroup;
  /** The alert this record would have written alone; only the group's first one is stored. */
  readonly document: Record<string, unknown>;
  readonly contribution: Contribution;
  readonly vendor: string;
}

export type SuppressedOutcome =
  | { alert: SuppressedAlertToWrite; outcome: 'created' | 'suppressed' | 'duplicate' }
  | { alert: SuppressedAlertToWrite; outcome: 'failed'; status: number; reason: string };

interface Pending {
  readonly group: SuppressionGroup;
  readonly members: SuppressedAlertToWrite[];
}

interface Stored {
  /** The backing index holding it: a data stream takes conditional writes only there. */
  readonly index: string;
  readonly source: Record<string, unknown>;
  readonly seqNo: number;
  readonly primaryTerm: number;
}

/** Conflicts mean another replica wrote the same group first: re-read and apply again, this many times before backing off. */
const FAST_CONFLICT_ROUNDS = 5;

/**
 * No scripts (the local integ-test distribution has no Painless): read the group's document, add
 * the new matches in memory, write it back with if_seq_no/if_primary_term. A concurrent writer makes
 * that a 409 and the group is re-read, so two replicas never lose each other's counts.
 */
export class SuppressedAlertWriter {
  constructor(
    private readonly client: Client,
    private readonly options: { index: string; maxBackoffMs: number; initialBackoffMs?: number; hooks?: BulkWriterHooks; sleep?: (ms: number) => Promise<void> },
  ) {}

  async write(alerts: readonly SuppressedAlertToWrite[], call: { signal?: AbortSignal } = {}): Promise<SuppressedOutcome[]> {
    const byId = new Map<string, Pending>();
    for (const alert of alerts) {
      const pending = byId.get(alert.group.id) ?? { group: alert.group, members: [] };
      pending.members.push(alert);
      byId.set(alert.group.id, pending);
    }
    const outcomes: SuppressedOutcome[] = [];
    let pending = [...byId.values()];
    for (let round = 0; pending.length > 0; round++) {
      if (call.signal?.aborted) throw new DetectorError('SINK_UNAVAILABLE', `stopped before Elasticsearch acknowledged ${pending.length} suppression group(s)`);
      const started = performance.now();
      let again: Pending[];
      let backOff = false;
      try {
        const stored = await this.read(pending.map((group) => group.group.id));
        ({ again, backOff } = await this.apply(pending, stored, outcomes));
        this.options.hooks?.onRequest?.(again.length > 0 ? 'retried' : 'success', (performance.now() - started) / 1000);
      } catch (error) {
        const status = error instanceof errors.ResponseError ? error.statusCode : undefined;
        if (status !== undefined && !isRetriableStatus(status)) {
          this.options.hooks?.onRequest?.('error', (performance.now() - started) / 1000);
          const reason = `suppression write rejected: HTTP ${status}: ${error instanceof Error ? error.message : String(error)}`;
          for (const group of pending) for (const alert of group.members) outcomes.push({ alert, outcome: 'failed', status, reason });
          return outcomes;
        }
        this.options.hooks?.onRequest?.('retried', (performance.now() - started) / 1000);
        again = pending;
        backOff = true;
      }
      pending = again;
      if (pending.length > 0 && (backOff || round >= FAST_CONFLICT_ROUNDS)) {
        const delay = backoffMs(round, this.options.initialBackoffMs ?? 200, this.options.maxBackoffMs);
        this.options.hooks?.onBackedUp?.(`${pending.length} suppression group(s) not yet written`, round + 1, delay);
        // In slices, so the Kafka session's heartbeats go on through a long outage.
        const sleep = this.options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        for (let waited = 0; waited < delay && !call.signal?.aborted; waited += 1_000) {
          await sleep(Math.min(1_000, delay - waited));
          await this.options.hooks?.onWaiting?.();
        }
      }
    }
    return outcomes;
  }

  /**
   * Get and mget do not resolve a data stream's name (Elasticsearch answers index_not_found), so the
   * group documents are read from its backing indices: realtime in the two newest (a group written
   * moments ago, perhaps just before a rollover), by an `ids` search over the stream in older ones.
   */
  private async read(ids: string[]): Promise<Map<string, Stored>> {
    const stored = new Map<string, Stored>();
    const resolved = await this.client.indices.resolveIndex({ name: this.options.index, expand_wildcards: 'all' }, { ignore: [404] });
    const stream = resolved.data_streams?.find((candidate) => candidate.name === this.options.index);
    const backing = [stream?.backing_indices ?? []].flat().sort(byGeneration);
    const recent = backing.slice(-2);
    if (recent.length === 0) return stored;
    const response = await this.client.mget<Record<string, unknown>>({ docs: recent.flatMap((index) => ids.map((id) => ({ _index: index, _id: id }))), realtime: true });
    for (const doc of response.docs) {
      if ('error' in doc) throw new Error(`reading suppression group ${doc._id} failed: ${doc.error.type}: ${doc.error.reason ?? ''}`);
      if (doc.found && doc._source !== undefined) stored.set(doc._id, { index: doc._index, source: doc._source, seqNo: doc._seq_no!, primaryTerm: doc._primary_term! });
    }
    const older = ids.filter((id) => !stored.has(id));
    if (backing.length > recent.length && older.length > 0) {
      const result = await this.client.search<Record<string, unknown>>({ index: this.options.index, query: { ids: { values: older } }, seq_no_primary_term: true, size: older.length * 2 });
      for (const hit of result.hits.hits) {
        if (hit._id === undefined || hit._source === undefined || recent.includes(hit._index)) continue;
        stored.set(hit._id, { index: hit._index, source: hit._source, seqNo: hit._seq_no!, primaryTerm: hit._primary_term! });
      }
    }
    return stored;
  }

  /** One bulk request: `create` for new groups, conditional `index` for existing ones. */
  private async apply(groups: Pending[], stored: Map<string, Stored>, outcomes: SuppressedOutcome[]): Promise<{ again: Pending[]; backOff: boolean }> {
    const operations: object[] = [];
    const written: { group: Pending; results: SuppressedOutcome[] }[] = [];
    for (const group of groups) {
      const existing = stored.get(group.group.id);
      let state: SuppressionState | undefined = existing === undefined ? undefined : readState(existing.source);
      const results: SuppressedOutcome[] = [];
      for (const alert of group.members) {
        const next = addContributions(state, [alert.contribution]);
        const created = state === undefined;
        state = next.state;
        results.push({ alert, outcome: next.added === 0 ? 'duplicate' : created ? 'created' : 'suppressed' });
      }
      if (results.every((result) => result.outcome === 'duplicate')) {
        outcomes.push(...results);
        continue;
      }
      const fields = suppressionFields(group.group, state!);
      if (existing === undefined) {
        operations.push({ create: { _index: this.options.index, _id: group.group.id } }, merge(group.members[0]!.document, fields));
      } else {
        operations.push(
          { index: { _index: existing.index, _id: group.group.id, if_seq_no: existing.seqNo, if_primary_term: existing.primaryTerm } },
          merge(existing.source, fields),
        );
      }
      written.push({ group, results });
    }
    if (operations.length === 0) return { again: [], backOff: false };
    const response = await this.client.bulk({ operations, refresh: false });
    const again: Pending[] = [];
    let backOff = false;
    response.items.forEach((item, i) => {
      const { group, results } = written[i]!;
      const status = (item.create ?? item.index)?.status ?? 0;
      const error = (item.create ?? item.index)?.error;
      if (status >= 200 && status < 300) outcomes.push(...results);
      else if (status === 409) again.push(group);
      else if (isRetriableStatus(status)) {
        again.push(group);
        backOff = true;
      } else {
        const reason = `${error?.type ?? 'error'}: ${error?.reason ?? 'no reason given'}`;
        for (const alert of group.members) outcomes.push({ alert, outcome: 'failed', status, reason });
      }
    });
    return { again, backOff };
  }
}

/** The document with the suppression fields set, keeping every other `kibana.*` and `edr.*` field. */
function merge(document: Record<string, unknown>, fields: Record<string, unknown>): Record<string, unknown> {
  const kibana = (document['kibana'] ?? {}) as Record<string, unknown>;
  const edr = (document['edr'] ?? {}) as Record<string, unknown>;
  const add = fields as { kibana: { alert: Record<string, unknown> }; edr: Record<string, unknown> };
  return {
    ...document,
    kibana: { ...kibana, alert: { ...(kibana['alert'] as Record<string, unknown> | undefined), ...add.kibana.alert } },
    edr: { ...edr, ...add.edr },
  };
}

