// A detection rule as read from its TOML file: everything the matcher and the alert builder need.

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

interface ThreatReference {
  readonly id: string;
  readonly name: string;
  readonly reference: string;
}

interface ThreatTechnique extends ThreatReference {
  readonly subtechnique?: readonly ThreatReference[];
}

export interface ThreatEntry {
  readonly framework: string;
  readonly tactic: ThreatReference;
  readonly technique: readonly ThreatTechnique[];
}

/** One entry of `exceptions_list`: a reference to a Kibana exception list. */
interface ExceptionListReference {
  readonly id: string;
  readonly listId: string;
  /** `single` (this space) or `agnostic` (all spaces, e.g. the Endpoint Security list). */
  readonly namespaceType: string;
  /** `detection`, `endpoint`, `rule_default`, ... */
  readonly type: string;
}

/** `[rule.alert_suppression]`: group alerts by fields within a window instead of writing each one. */
interface AlertSuppression {
  readonly groupBy: readonly string[];
  /** Undefined: suppress for the rule's execution interval (Kibana's default). */
  readonly duration: { readonly value: number; readonly unit: 's' | 'm' | 'h' } | undefined;
  /** `suppress` (events missing a group-by field form one group) or `doNotSuppress`. */
  readonly missingFieldsStrategy: string;
}

export interface DetectionRule {
  /** The rule's `rule_id` (stable across versions). */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly version: number;
  /** Where the version came from: the rule file, detection-rules' version.lock.json, or the default 1. */
  readonly versionSource: 'rule' | 'lock' | 'default';
  readonly author: readonly string[];
  readonly license: string;
  readonly severity: Severity;
  readonly riskScore: number;
  readonly tags: readonly string[];
  readonly references: readonly string[];
  readonly threat: readonly ThreatEntry[];
  readonly index: readonly string[];
  /** `[metadata] maturity`: production, development, deprecated, ... */
  readonly maturity: string | undefined;
  /** `default` for a building-block rule, whose alerts are hidden from the default alerts view. */
  readonly buildingBlockType: string | undefined;
  /** Look-back and schedule of the scheduled rule (`now-9m`, `5m`); a stream evaluates every event instead. */
  readonly from: string;
  readonly interval: string;
  readonly maxSignals: number | undefined;
  readonly timestampOverride: string | undefined;
  /** The field EQL's `<category> where` tests instead of `event.category`. */
  readonly eventCategoryOverride: string | undefined;
  readonly exceptionsList: readonly ExceptionListReference[];
  readonly alertSuppression: AlertSuppression | undefined;
  /** Investigation guide (markdown). */
  readonly note: string;
  readonly query: string;
  readonly language: string;
  readonly type: string;
  /** Path of the file the rule came from, for error messages. */
  readonly sourceFile: string;
}
