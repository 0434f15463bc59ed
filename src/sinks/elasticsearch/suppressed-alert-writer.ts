// Writes suppressed alerts: one document per rule, group and window, created once and then counted into.
import { setTimeout as wait } from 'node:timers/promises';
import { errors, type Client } from '@elastic/elasticsearch';
import { backoffDelayMs } from '../../backoff.js';
import { DetectorError } from '../../errors.js';
import type { SuppressionGroup } from '../../suppression/suppression-group.js';
import {
  addContributions,
  readState,
  suppressionFields,
  type Contribution,
  type SuppressionState,
} from '../../suppression/suppression-state.js';
import { dataStreamFields } from './alert-template.js';
import { alertAsSent, isRetriableStatus, type BulkWriterHooks } from './bulk-writer.js';
import { EarlierGenerations, type StoredDocument } from './earlier-generations.js';

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

/** Conflicts mean another replica wrote the same group first: re-read and apply again, this many times before backing off. */
const FAST_CONFLICT_ROUNDS = 5;

export interface SuppressedWriterOptions {
  /** The alerts data stream (ALERTS_DATA_STREAM). */
  dataStream: string;
  maxBackoffMs: number;
  initialBackoffMs?: number;
  hooks?: BulkWriterHooks;
  sleep?: (ms: number) => Promise<void>;
  /** The clock that stamps `event.ingested` on a group's first alert; injectable for tests. */
  now?: () => Date;
  /** The stream's backing indices, shared with the plain writer; one of its own when absent. */
  generations?: EarlierGenerations;
}

/**
 * No scripts (the local integ-test distribution has no Painless): read the group's document, add
 * the new matches in memory, write it back with if_seq_no/if_primary_term. A concurrent writer makes
 * that a 409 and the group is re-read, so two replicas never lose each other's counts.
 *
 * On a data stream a document is created through the stream's name (`create` only), but read and
 * rewritten in its own backing index: the stream's name refuses `index` operations and by-id reads.
 * After a rollover a group's document stays in the backing index it was created in and is updated
 * there; EarlierGenerations finds it, so the stream never holds two alerts for one group.
 */
export class SuppressedAlertWriter {
  private readonly generations: EarlierGenerations;
  private readonly streamFields: ReturnType<typeof dataStreamFields>;

  constructor(
    private readonly client: Client,
    private readonly options: SuppressedWriterOptions,
  ) {
    this.generations = options.generations ?? new EarlierGenerations(client, options.dataStream);
    this.streamFields = dataStreamFields(options.dataStream);
  }

  async write(
    alerts: readonly SuppressedAlertToWrite[],
    call: { signal?: AbortSignal; hooks?: BulkWriterHooks } = {},
  ): Promise<SuppressedOutcome[]> {
    const hooks: BulkWriterHooks = { ...this.options.hooks, ...call.hooks };
    const byId = new Map<string, Pending>();
    for (const alert of alerts) {
      const pending = byId.get(alert.group.id) ?? { group: alert.group, members: [] };
      pending.members.push(alert);
      byId.set(alert.group.id, pending);
    }
    const outcomes: SuppressedOutcome[] = [];
    let pending = [...byId.values()];
    for (let round = 0; pending.length > 0; round++) {
      if (call.signal?.aborted)
        throw new DetectorError('SINK_UNAVAILABLE', `stopped before Elasticsearch acknowledged ${pending.length} suppression group(s)`);
      const started = performance.now();
      let again: Pending[];
      let backOff = false;
      try {
        await this.generations.refreshIfStale();
        const stored = await this.generations.locate(pending.map((group) => group.group.id));
        ({ again, backOff } = await this.apply(pending, stored, outcomes));
        hooks.onRequest?.(again.length > 0 ? 'retried' : 'success', (performance.now() - started) / 1000);
      } catch (error) {
        const status = error instanceof errors.ResponseError ? error.statusCode : undefined;
        if (status !== undefined && !isRetriableStatus(status)) {
          hooks.onRequest?.('error', (performance.now() - started) / 1000);
          const reason = `suppression write rejected: HTTP ${status}: ${error instanceof Error ? error.message : String(error)}`;
          for (const group of pending) for (const alert of group.members) outcomes.push({ alert, outcome: 'failed', status, reason });
          return outcomes;
        }
        hooks.onRequest?.('retried', (performance.now() - started) / 1000);
        again = pending;
        backOff = true;
      }
      pending = again;
      if (pending.length > 0 && (backOff || round >= FAST_CONFLICT_ROUNDS)) {
        const delay = backoffDelayMs(round, this.options.initialBackoffMs ?? 200, this.options.maxBackoffMs);
        hooks.onBackedUp?.(`${pending.length} suppression group(s) not yet written`, round + 1, delay);
        // In slices, so that shutdown or a revoked batch ends the wait within a second.
        const sleep = this.options.sleep ?? ((ms: number) => wait(ms));
        for (let waited = 0; waited < delay && !call.signal?.aborted; waited += 1_000) await sleep(Math.min(1_000, delay - waited));
      }
    }
    return outcomes;
  }

  /** One bulk request: `create` through the stream for new groups, conditional `index` into the backing index for existing ones. */
  private async apply(
    groups: Pending[],
    stored: Map<string, StoredDocument>,
    outcomes: SuppressedOutcome[],
  ): Promise<{ again: Pending[]; backOff: boolean }> {
    const operations: object[] = [];
    const written: { group: Pending; results: SuppressedOutcome[]; creating: boolean }[] = [];
    const ingested = (this.options.now?.() ?? new Date()).toISOString();
    for (const group of groups) {
      const existing = stored.get(group.group.id);
      const source = existing?.source;
      let state: SuppressionState | undefined = source === undefined ? undefined : readState(source);
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
      if (existing === undefined || source === undefined) {
        const document = alertAsSent(merge(group.members[0]!.document, fields), ingested, this.streamFields);
        operations.push({ create: { _index: this.options.dataStream, _id: group.group.id } }, document);
      } else {
        // event.ingested stays that of the first alert: External Alerts promotes the alert once.
        operations.push(
          { index: { _index: existing.index, _id: group.group.id, if_seq_no: existing.seqNo, if_primary_term: existing.primaryTerm } },
          merge(source, fields),
        );
      }
      written.push({ group, results, creating: source === undefined });
    }
    if (operations.length === 0) return { again: [], backOff: false };
    const response = await this.client.bulk({ operations, refresh: false });
    const again: Pending[] = [];
    const createdIn: { group: Pending; results: SuppressedOutcome[]; index: string }[] = [];
    let backOff = false;
    let staleGenerations = false;
    response.items.forEach((item, i) => {
      const { group, results, creating } = written[i]!;
      const result = item.create ?? item.index;
      const status = result?.status ?? 0;
      if (status >= 200 && status < 300) {
        if (creating && this.generations.isNewWriteIndex(result?._index)) createdIn.push({ group, results, index: result!._index });
        else outcomes.push(...results);
      } else if (status === 409) {
        // Created meanwhile, possibly in a backing index we do not know yet.
        staleGenerations ||= creating;
        again.push(group);
      } else if (isRetriableStatus(status)) {
        again.push(group);
        backOff = true;
      } else {
        const reason = `${result?.error?.type ?? 'error'}: ${result?.error?.reason ?? 'no reason given'}`;
        for (const alert of group.members) outcomes.push({ alert, outcome: 'failed', status, reason });
      }
    });
    if (staleGenerations && createdIn.length === 0) await this.generations.refresh();
    for (const { results } of await this.undoCrossGenerationCopies(createdIn, again)) outcomes.push(...results);
    return { again, backOff };
  }

  /**
   * Group alerts created in a write index we did not know (a rollover happened) while the group's
   * alert already existed in an earlier backing index: the new copy is removed and the matches are
   * counted into the earlier one in the next round. Returns the groups that stay created. Best
   * effort: should this look-up fail, the copies stay (a possible duplicate, never a lost alert).
   */
  private async undoCrossGenerationCopies<T extends { group: Pending; index: string }>(created: T[], again: Pending[]): Promise<T[]> {
    if (created.length === 0) return created;
    try {
      await this.generations.refresh();
      const kept: T[] = [];
      for (const entry of created) {
        const earlier = await this.generations.storedBefore([entry.group.group.id], entry.index);
        if (earlier.size === 0) {
          kept.push(entry);
          continue;
        }
        await this.client.delete({ index: entry.index, id: entry.group.group.id, refresh: false });
        again.push(entry.group);
      }
      return kept;
    } catch {
      // Those already taken back are written again in the next round; the rest stay as created.
      return created.filter((entry) => !again.includes(entry.group));
    }
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
