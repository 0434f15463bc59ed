// A detection rule as read from its TOML file: everything the matcher and the alert builder need.

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface ThreatReference {
  readonly id: string;
  readonly name: string;
  readonly reference: string;
}

export interface ThreatTechnique extends ThreatReference {
  readonly subtechnique?: readonly ThreatReference[];
}

export interface ThreatEntry {
  readonly framework: string;
  readonly tactic: ThreatReference;
  readonly technique: readonly ThreatTechnique[];
}

export interface DetectionRule {
  /** The rule's `rule_id` (stable across versions). */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly version: number;
  readonly author: readonly string[];
  readonly license: string;
  readonly severity: Severity;
  readonly riskScore: number;
  readonly tags: readonly string[];
  readonly references: readonly string[];
  readonly threat: readonly ThreatEntry[];
  readonly index: readonly string[];
  /** Look-back of the scheduled rule (`now-9m`); informational in a stream. */
  readonly from: string;
  readonly timestampOverride: string | undefined;
  /** Investigation guide (markdown). */
  readonly note: string;
  readonly query: string;
  readonly language: string;
  readonly type: string;
  /** Path of the file the rule came from, for error messages. */
  readonly sourceFile: string;
}
