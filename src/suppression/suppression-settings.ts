// What suppression a rule runs with: its own `alert_suppression`, else the deployment-wide SUPPRESSION_* default.

const MISSING_FIELDS_STRATEGIES = ['suppress', 'doNotSuppress'] as const;
type MissingFieldsStrategy = (typeof MISSING_FIELDS_STRATEGIES)[number];

export interface SuppressionSettings {
  /** 1 to 3 ECS field paths. */
  readonly groupBy: readonly string[];
  readonly durationMs: number;
  readonly missingFieldsStrategy: MissingFieldsStrategy;
}

/** The shape the rule file gives (`[rule.alert_suppression]`); duration undefined = the rule's interval. */
export interface RuleAlertSuppression {
  readonly groupBy: readonly string[];
  readonly duration: { readonly value: number; readonly unit: 's' | 'm' | 'h' } | undefined;
  readonly missingFieldsStrategy: string;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** Kibana's default rule interval, the window a rule's suppression uses when it names no duration. */
const DEFAULT_INTERVAL_MS = 5 * 60_000;

/**
 * The rule's own setting wins; without one the deployment default applies (undefined when the
 * default groups by nothing, i.e. suppression is off). Problems are returned, never thrown, so the
 * loader can list every one.
 */
export function resolveSuppression(
  rule: RuleAlertSuppression | undefined,
  fallback: SuppressionSettings | undefined,
  intervalMs = DEFAULT_INTERVAL_MS,
): { settings: SuppressionSettings | undefined; problems: string[] } {
  if (rule === undefined) return { settings: fallback, problems: [] };
  const problems = checkGroupBy(rule.groupBy, 'alert_suppression.group_by');
  if (!MISSING_FIELDS_STRATEGIES.includes(rule.missingFieldsStrategy as MissingFieldsStrategy)) {
    problems.push(`alert_suppression.missing_fields_strategy: expected suppress or doNotSuppress, got "${rule.missingFieldsStrategy}"`);
  }
  const durationMs = rule.duration === undefined ? intervalMs : rule.duration.value * UNIT_MS[rule.duration.unit];
  if (!Number.isInteger(durationMs) || durationMs <= 0) problems.push('alert_suppression.duration: expected a positive whole duration');
  if (problems.length > 0) return { settings: undefined, problems };
  return {
    settings: { groupBy: rule.groupBy, durationMs, missingFieldsStrategy: rule.missingFieldsStrategy as MissingFieldsStrategy },
    problems,
  };
}

export function checkGroupBy(groupBy: readonly string[], name: string): string[] {
  const problems: string[] = [];
  if (groupBy.length < 1 || groupBy.length > 3) problems.push(`${name}: expected 1 to 3 fields, got ${groupBy.length}`);
  if (groupBy.some((field) => !/^[^.\s]+(\.[^.\s]+)*$/.test(field))) problems.push(`${name}: every field must be a dotted ECS path`);
  if (new Set(groupBy).size !== groupBy.length) problems.push(`${name}: a field is listed twice`);
  return problems;
}
