// Counting matches into a suppressed alert: pure, idempotent per Kafka position, shared by every replica.
import type { SuppressionGroup } from './suppression-group.js';

/** One matching record that falls in a suppression group's window. */
export interface Contribution {
  readonly timeMs: number;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * What the alert document keeps about its window. Kibana's names where Kibana has the concept
 * (`kibana.alert.suppression.{terms,start,end,docs_count}`, `kibana.alert.instance.id`): docs_count
 * counts the matches suppressed INTO the alert, so a lone match has 0, as in Kibana. Our own
 * `edr.suppression.positions` holds, per topic/partition, the highest offset already counted.
 */
export interface SuppressionState {
  readonly docsCount: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly positions: Readonly<Record<string, string>>;
}

function positionKey(contribution: Pick<Contribution, 'topic' | 'partition'>): string {
  return `${contribution.topic}/${contribution.partition}`;
}

/**
 * Adds the contributions not yet counted. A partition is read in order by one consumer at a time and
 * a replay restarts from a committed offset, so an offset at or below the stored one for its
 * partition was counted before: a replayed record changes nothing (not even the count).
 */
export function addContributions(
  state: SuppressionState | undefined,
  contributions: readonly Contribution[],
): { state: SuppressionState; added: number } {
  const positions: Record<string, string> = { ...state?.positions };
  let docsCount = state === undefined ? -1 : state.docsCount;
  let startMs = state?.startMs ?? Number.POSITIVE_INFINITY;
  let endMs = state?.endMs ?? Number.NEGATIVE_INFINITY;
  let added = 0;
  for (const contribution of contributions) {
    const key = positionKey(contribution);
    const seen = positions[key];
    if (seen !== undefined && BigInt(contribution.offset) <= BigInt(seen)) continue;
    positions[key] = contribution.offset;
    docsCount++;
    added++;
    startMs = Math.min(startMs, contribution.timeMs);
    endMs = Math.max(endMs, contribution.timeMs);
  }
  return { state: { docsCount: Math.max(docsCount, 0), startMs, endMs, positions }, added };
}

/** The fields a suppressed alert carries, merged into the alert document. */
export function suppressionFields(group: SuppressionGroup, state: SuppressionState): Record<string, unknown> {
  return {
    kibana: {
      alert: {
        instance: { id: group.id },
        suppression: {
          terms: group.terms,
          start: new Date(state.startMs).toISOString(),
          end: new Date(state.endMs).toISOString(),
          docs_count: state.docsCount,
        },
      },
    },
    edr: {
      suppression: {
        window_start: new Date(group.windowStartMs).toISOString(),
        window_end: new Date(group.windowEndMs).toISOString(),
        positions: state.positions,
      },
    },
  };
}

/** Reads the state back from a stored alert document (undefined when it carries none). */
export function readState(document: Record<string, unknown>): SuppressionState | undefined {
  const suppression = dig(document, ['kibana', 'alert', 'suppression']);
  const positions = dig(document, ['edr', 'suppression', 'positions']);
  if (suppression === undefined || positions === undefined) return undefined;
  return {
    docsCount: Number(suppression['docs_count']),
    startMs: Date.parse(String(suppression['start'])),
    endMs: Date.parse(String(suppression['end'])),
    positions: positions as Record<string, string>,
  };
}

function dig(node: Record<string, unknown>, path: readonly string[]): Record<string, unknown> | undefined {
  let current: unknown = node;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'object' && current !== null ? (current as Record<string, unknown>) : undefined;
}
