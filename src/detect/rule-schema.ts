// The zod schema of an EQL rule's [rule] table in the detection-rules TOML layout, and readable issue texts.
import { z } from 'zod';
import { SEVERITIES } from './detection-rule.js';

const text = z.string({ error: 'must be a string' });
const nonEmpty = text.refine((value) => value.trim() !== '', 'must not be empty');
const strings = z.array(text, { error: 'must be an array of strings' });

const reference = z.object({ id: nonEmpty, name: nonEmpty, reference: nonEmpty }, { error: 'must be a table' });

const technique = reference.extend({
  subtechnique: z.array(reference, { error: 'must be an array of tables' }).optional(),
});

const threat = z.object(
  {
    framework: nonEmpty,
    tactic: reference,
    technique: z.array(technique, { error: 'must be an array of tables' }).default([]),
  },
  { error: 'must be a table' },
);

const exceptionList = z
  .object({ id: nonEmpty, list_id: nonEmpty, namespace_type: nonEmpty, type: nonEmpty }, { error: 'must be a table' })
  .transform((entry) => ({ id: entry.id, listId: entry.list_id, namespaceType: entry.namespace_type, type: entry.type }));

const alertSuppression = z
  .object(
    {
      group_by: z.array(nonEmpty, { error: 'must be an array of field names' }),
      duration: z
        .object({
          value: z.number({ error: 'must be a positive integer' }).int().positive(),
          unit: z.enum(['s', 'm', 'h'], { error: 'must be one of s, m, h' }),
        })
        .optional(),
      missing_fields_strategy: z.enum(['suppress', 'doNotSuppress'], { error: 'must be suppress or doNotSuppress' }).default('suppress'),
    },
    { error: 'must be a table' },
  )
  .transform((value) => ({ groupBy: value.group_by, duration: value.duration, missingFieldsStrategy: value.missing_fields_strategy }));

/** The settings of an EQL rule the model reads (rule-settings.ts lists what happens to the rest). */
export const eqlRuleSchema = z.object({
  rule_id: nonEmpty,
  name: nonEmpty,
  description: nonEmpty,
  version: z
    .number({ error: 'must be a positive integer' })
    .int('must be a positive integer')
    .positive('must be a positive integer')
    .optional(),
  author: z.array(text, { error: 'must be an array of strings' }).min(1, 'must not be empty'),
  license: text.default(''),
  severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` }),
  risk_score: z
    .number({ error: 'must be an integer from 0 to 100' })
    .int('must be an integer from 0 to 100')
    .min(0, 'must be an integer from 0 to 100')
    .max(100, 'must be an integer from 0 to 100'),
  tags: strings.default([]),
  references: strings.default([]),
  threat: z.array(threat, { error: 'must be an array of tables ([[rule.threat]])' }).default([]),
  index: strings.default([]),
  building_block_type: z.literal('default', { error: 'must be "default"' }).optional(),
  // Kibana's defaults when a rule sets none.
  from: nonEmpty.default('now-6m'),
  interval: nonEmpty.default('5m'),
  max_signals: z.number({ error: 'must be a positive integer' }).int().positive().optional(),
  timestamp_override: nonEmpty.optional(),
  event_category_override: nonEmpty.optional(),
  exceptions_list: z.array(exceptionList, { error: 'must be an array of tables' }).default([]),
  alert_suppression: alertSuppression.optional(),
  note: text.default(''),
  query: nonEmpty,
  language: nonEmpty,
  type: nonEmpty,
});

/** One line per zod issue, naming the setting as written in the file (`rule.threat[0].tactic.id`). */
export function describeIssues(issues: readonly z.core.$ZodIssue[], table: Record<string, unknown>): string[] {
  return issues.map((issue) => {
    const value = valueAt(table, issue.path);
    const where = `rule${issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('')}`;
    if (value === undefined) return `${where}: is missing`;
    const got =
      issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'too_big' || issue.code === 'too_small'
        ? `, got ${show(value)}`
        : '';
    return `${where}: ${issue.message}${got}`;
  });
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

export function show(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
