// ECS categorization of FDR events by event_simpleName, exactly as Elastic's fdr `categorize` pipeline assigns it.
import { EVENT_CLASS_TABLE } from './event-class-table.js';

/*
 * Elastic first gives every name ending in `Written` the category `file`, then looks the name up in
 * its table and, when found, sets each of category, type, kind and outcome the entry has (so a
 * table entry replaces that `file`, and an entry without an outcome sets none). Names outside the
 * table get nothing more. The table is the whole of Elastic's (process, file, network, ... events),
 * so a `process where` rule meets the same events here as in Elastic, `ServiceStarted` included.
 */

export interface EventClass {
  readonly category?: readonly string[];
  readonly type?: readonly string[];
  readonly kind?: string;
  readonly outcome?: string;
}

function parseClass(text: string): EventClass {
  const [category, type, kind, outcome] = text.split(' ') as [string, string, string, string];
  return Object.freeze({
    category: Object.freeze(category.split(',')),
    type: Object.freeze(type.split(',')),
    kind,
    ...(outcome === '-' ? {} : { outcome }),
  });
}

const TABLE: ReadonlyMap<string, EventClass> = new Map(
  EVENT_CLASS_TABLE.flatMap(([classText, names]) => {
    const eventClass = parseClass(classText);
    return names.split(' ').map((name) => [name, eventClass] as const);
  }),
);

/** The ECS categorization of an event name; fresh arrays, safe to hand out. */
export function classifyEvent(simpleName: string | undefined): EventClass {
  if (simpleName === undefined) return {};
  const entry = TABLE.get(simpleName);
  const written: EventClass = simpleName.endsWith('Written') ? { category: ['file'] } : {};
  const merged = { ...written, ...entry };
  return {
    ...(merged.category ? { category: [...merged.category] } : {}),
    ...(merged.type ? { type: [...merged.type] } : {}),
    ...(merged.kind ? { kind: merged.kind } : {}),
    ...(merged.outcome ? { outcome: merged.outcome } : {}),
  };
}

/** Whether Elastic's pipeline treats the event as a library or driver load (its image is then not `process.executable`). */
export function isModuleLoad(eventClass: EventClass): boolean {
  return Boolean(eventClass.category?.includes('library') || eventClass.category?.includes('driver'));
}

export function isProcessEvent(eventClass: EventClass): boolean {
  return Boolean(eventClass.category?.includes('process'));
}
