// Numeric ECS severity for a rule's textual severity, using Kibana's default score for each level.
import type { Severity } from '../detect/detection-rule.js';

/**
 * ECS `event.severity` is a number. Kibana pairs each severity with a default risk score
 * (low 21, medium 47, high 73, critical 99) and Elastic Defend alerts use the same numbers, so a
 * dashboard sorting on `event.severity` orders our alerts like Elastic's own.
 */
export const SEVERITY_SCORE: Readonly<Record<Severity, number>> = {
  low: 21,
  medium: 47,
  high: 73,
  critical: 99,
};
