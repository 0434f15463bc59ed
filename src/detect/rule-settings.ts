// Every rule-file setting we know, by what we do with it: honour, read differently in a stream, ignore, or refuse.

/**
 * Settings with no effect on which events match or what an alert says: documentation, Kibana UI
 * hints and bookkeeping. Read past on purpose.
 */
export const INFORMATIONAL_SETTINGS: ReadonlySet<string> = new Set([
  'enabled',
  'false_positives',
  'investigation_fields',
  'meta',
  'namespace',
  'note',
  'output_index',
  'related_integrations',
  'required_fields',
  'revision',
  'setup',
  'threat_mappings',
  'throttle',
  'timeline_id',
  'timeline_title',
]);

/**
 * Settings of a scheduled rule that a stream honours by construction: every event is evaluated once,
 * as it arrives, so the look-back windows of successive runs (which overlap to cover every event)
 * and the per-run cap have no counterpart. The README's "Rules" section says so.
 */
export const STREAM_SETTINGS: Readonly<Record<string, string>> = {
  from: 'look-back of a scheduled run; a stream evaluates every event once, on arrival',
  interval: 'schedule of a scheduled run; a stream evaluates every event once, on arrival',
  to: "end of a scheduled run's window; a stream evaluates every event once, on arrival",
  max_signals: 'cap on alerts per scheduled run; a stream has no runs and writes every alert',
  timestamp_override: 'the field scheduled runs window on; a stream windows on nothing',
  timestamp_field: 'orders sequence events; a single-event query has no order to keep',
  tiebreaker_field: 'orders sequence events; a single-event query has no order to keep',
};

/** Settings that change what matches or what is alerted, which we do not evaluate (yet). */
export const UNSUPPORTED_SETTINGS: Readonly<Record<string, string>> = {
  filters: 'query filters are not evaluated',
  risk_score_mapping: 'risk scores taken from event fields are not implemented',
  severity_mapping: 'severities taken from event fields are not implemented',
  rule_name_override: 'rule names taken from event fields are not implemented',
  actions: 'rule actions (notifications) are not sent',
  response_actions: 'response actions are not run',
  data_view_id: 'a data view instead of index patterns: which feeds the rule applies to is unknown',
};

/** Settings the rule model reads and honours (detection-rule.ts). */
export const HONOURED_SETTINGS: ReadonlySet<string> = new Set([
  'author',
  'building_block_type',
  'description',
  'event_category_override',
  'exceptions_list',
  'alert_suppression',
  'index',
  'language',
  'license',
  'name',
  'query',
  'references',
  'risk_score',
  'rule_id',
  'severity',
  'tags',
  'threat',
  'type',
  'version',
]);

/** Top-level tables besides [rule]: `[metadata]` (dates, maturity, integrations) and `[transform]` (UI query templates). */
export const INFORMATIONAL_TABLES: ReadonlySet<string> = new Set(['metadata', 'transform']);

/** An empty list or table means the setting is not used (upstream files write `exceptions_list = []`). */
export function isUnset(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return false;
}
