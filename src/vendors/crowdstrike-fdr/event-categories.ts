// ECS categorization of FDR events by event_simpleName, for the process lifecycle, as Elastic's fdr `categorize` pipeline assigns it.

/*
 * Elastic's table covers several hundred event names; this one carries the process lifecycle
 * events (the only ones a process rule can meet) with the values the integration assigns them.
 * Any other name gets no category, type, kind or outcome here, so it can never satisfy a
 * `process where` rule, which keeps every alert of ours one Elastic would also raise.
 * Before the table Elastic gives names ending in `Written` the category `file`; that rule is kept.
 */

export interface EventClass {
  readonly category?: readonly string[];
  readonly type?: readonly string[];
  readonly kind?: string;
  readonly outcome?: string;
}

const PROCESS_START: EventClass = { category: ['process'], type: ['start'], kind: 'event', outcome: 'success' };
const PROCESS_END: EventClass = { category: ['process'], type: ['end'], kind: 'event', outcome: 'success' };

const TABLE: ReadonlyMap<string, EventClass> = new Map([
  ['ProcessRollup', PROCESS_START],
  ['ProcessRollup2', PROCESS_START],
  // Start-typed too, but its action is not `ProcessRollup2`: it describes a process the sensor
  // found already running, so the rule's action check leaves it out.
  ['SyntheticProcessRollup2', PROCESS_START],
  ['WmiCreateProcess', PROCESS_START],
  ['ProcessRollup2Stats', { category: ['process'], type: ['info'], kind: 'state', outcome: 'unknown' }],
  ['EndOfProcess', PROCESS_END],
  ['TerminateProcess', PROCESS_END],
  ['ProcessSelfDeleted', PROCESS_END],
  ['AbnormalTerminationNotification', PROCESS_END],
]);

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
