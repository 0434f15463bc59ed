// The pure part of suppression: which group and window an alert falls in, and that window's document id.
import { createHash } from 'node:crypto';
import { walkerFor, type Leaf } from '../detect/field-values.js';
import type { SuppressionSettings } from './suppression-settings.js';

/** As Kibana's `kibana.alert.suppression.terms`: one per group-by field; arrays sorted; null when missing. */
interface SuppressionTerm {
  readonly field: string;
  readonly value: Leaf | Leaf[] | null;
}

export interface SuppressionGroup {
  readonly terms: readonly SuppressionTerm[];
  /** Start of the window (epoch ms): windows tile time from the epoch in steps of the duration. */
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  /** sha256 of rule id, terms and window: every replica computes the same document for the same group. */
  readonly id: string;
}

/**
 * Undefined when the alert is not suppressed: strategy `doNotSuppress` and a group-by field missing
 * (Kibana then writes every such alert on its own). `timeMs` is the event's time, so a replayed
 * record lands in the same window whenever it is re-read.
 */
export function suppressionGroup(
  ruleId: string,
  event: object,
  timeMs: number,
  settings: SuppressionSettings,
): SuppressionGroup | undefined {
  const terms = settings.groupBy.map((field) => ({ field, value: valuesOf(event, field) }));
  if (settings.missingFieldsStrategy === 'doNotSuppress' && terms.some((term) => term.value === null)) return undefined;
  const windowStartMs = Math.floor(timeMs / settings.durationMs) * settings.durationMs;
  const id = createHash('sha256')
    .update(JSON.stringify(['suppression', ruleId, terms, windowStartMs]))
    .digest('hex');
  return { terms, windowStartMs, windowEndMs: windowStartMs + settings.durationMs, id };
}

function valuesOf(event: object, field: string): Leaf | Leaf[] | null {
  const path = field.split('.');
  const values: Leaf[] = [];
  walkerFor(path)(event, path, 0, (leaf) => {
    values.push(leaf);
    return false;
  });
  if (values.length === 0) return null;
  if (values.length === 1 && !isArrayAt(event, path)) return values[0]!;
  return values.sort(compareLeaves);
}

function isArrayAt(event: object, path: readonly string[]): boolean {
  let current: unknown = event;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return Array.isArray(current);
    current = (current as Record<string, unknown>)[key];
  }
  return Array.isArray(current);
}

function compareLeaves(a: Leaf, b: Leaf): number {
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}
