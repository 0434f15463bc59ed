// Pure alert builder: a matched ECS event plus its rule and source position become one alert document.
import type { DetectionRule, ThreatEntry } from '../detect/detection-rule.js';
import type { EcsEvent } from '../ecs/event.js';
import { alertId } from './alert-id.js';
import { buildReason } from './reason.js';
import { SEVERITY_SCORE } from './severity.js';

export interface AlertInput {
  readonly event: EcsEvent;
  readonly rule: DetectionRule;
  readonly vendor: { readonly id: string; readonly title: string };
  readonly source: {
    readonly topic: string;
    readonly partition: number;
    readonly offset: string;
    /** Kafka record timestamp as the client gives it (epoch milliseconds as a string). */
    readonly kafkaTimestamp?: string;
  };
  /** The vendor's identity for the event (VendorFeed.eventIdentity), when it has one. */
  readonly eventIdentity?: string;
  readonly detectedAt: Date;
}

export interface BuiltAlert {
  /** Deterministic document id, for a bulk `create`: a redelivered record collides instead of duplicating. */
  readonly id: string;
  readonly document: Record<string, unknown>;
}

/** Kibana's category label for EQL rules (kibana.alert.rule.category); the tactic already lives in `threat`. */
const EQL_RULE_CATEGORY = 'Event Correlation Rule';

/**
 * The alert's own module and dataset, as an integration would name them (`logs-<dataset>-<namespace>`).
 * Not the source's: Elastic's External Alerts rule skips alerts whose module is `endpoint` or `endgame`.
 */
const ALERT_MODULE = 'edr_dbdump_detector';
const ALERT_DATASET = `${ALERT_MODULE}.alert`;

// ISO 8601 with a zone, any number of fractional digits (Elastic Defend sends seven).
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * Field choices (ECS where ECS has a field, our own `edr.*` namespace where it does not), made so that
 * Elastic's External Alerts rule promotes every alert as it is (README "Alerts in Elastic Security"):
 * - the mapped event's fields are carried over (shared, never modified), then `event.kind` = "alert";
 * - `message` = the rule's name (External Alerts names a promoted alert after `message`), the human
 *   sentence in ECS `event.reason`;
 * - `event.module`/`event.dataset` = the alert's own (ALERT_MODULE/ALERT_DATASET); the source event's
 *   module and dataset move to `edr.source.module`/`edr.source.dataset`;
 * - `@timestamp` = the event's own time; only when it is missing or not ISO 8601 do we use the
 *   detection time, and `edr.alert.timestamp_source` says which ("event" | "detection");
 * - `event.created` and `event.ingested` = detection time; the writer re-stamps `event.ingested` when
 *   it sends the alert, because External Alerts windows on it (`timestamp_override`);
 * - `event.severity` = numeric score for the rule's severity (SEVERITY_SCORE), `event.risk_score` =
 *   the rule's risk score, and the textual severity in `edr.alert.severity`;
 * - `rule.*` per ECS (`reference` holds the rule's references; `version` is a keyword string);
 * - `threat` is an array with one object per [[rule.threat]] entry, so a second tactic is a rule
 *   file change only; Elasticsearch flattens it to `threat.tactic.id` etc.;
 * - `tags` = the rule's tags plus any the event already had;
 * - `edr.source.*` = where the record came from (vendor, topic, partition, offset, Kafka time);
 * - `edr.alert.building_block_type` = the rule's `building_block_type` ("default"), for building blocks only.
 */
export function buildAlert(input: AlertInput): BuiltAlert {
  const { rule, vendor, source, detectedAt } = input;
  // No deep copy: every field the alert changes is rebuilt here, the rest is shared with the event,
  // which the pipeline made for this alert alone and never touches again. Cloning cost ~7 % of the
  // pipeline's CPU (bench/results/inprocess.json) for no reader.
  const copy = input.event as Record<string, unknown>;
  const detected = detectedAt.toISOString();
  const eventTime = copy['@timestamp'];
  const sourceEvent = isObject(copy.event) ? copy.event : {};
  const hasEventTime = typeof eventTime === 'string' && ISO_TIMESTAMP.test(eventTime);

  const document: Record<string, unknown> = {
    ...copy,
    '@timestamp': hasEventTime ? eventTime : detected,
    message: rule.name,
    event: {
      ...sourceEvent,
      kind: 'alert',
      module: ALERT_MODULE,
      dataset: ALERT_DATASET,
      reason: buildReason(input.event, rule),
      created: detected,
      ingested: detected,
      severity: SEVERITY_SCORE[rule.severity],
      risk_score: rule.riskScore,
    },
    rule: {
      id: rule.id,
      uuid: rule.id,
      name: rule.name,
      description: rule.description,
      reference: [...rule.references],
      version: String(rule.version),
      author: [...rule.author],
      license: rule.license,
      category: EQL_RULE_CATEGORY,
      ruleset: rulesetOf(rule),
    },
    threat: rule.threat.map(threatDocument),
    tags: mergeTags(rule.tags, copy.tags),
    edr: {
      source: {
        vendor: vendor.id,
        vendor_title: vendor.title,
        ...(typeof sourceEvent.module === 'string' ? { module: sourceEvent.module } : {}),
        ...(typeof sourceEvent.dataset === 'string' ? { dataset: sourceEvent.dataset } : {}),
        topic: source.topic,
        partition: source.partition,
        offset: source.offset,
        ...(source.kafkaTimestamp === undefined ? {} : { kafka_timestamp: kafkaTime(source.kafkaTimestamp) }),
      },
      alert: {
        severity: rule.severity,
        timestamp_source: hasEventTime ? 'event' : 'detection',
        // A building block's alerts feed other rules and stay out of the default alerts view in Kibana.
        ...(rule.buildingBlockType === undefined ? {} : { building_block_type: rule.buildingBlockType }),
      },
    },
  };

  const id = alertId({
    ruleId: rule.id,
    vendorId: vendor.id,
    eventIdentity: input.eventIdentity,
    topic: source.topic,
    partition: source.partition,
    offset: source.offset,
  });
  return { id, document };
}

/** "elastic" for rules Elastic authored (the prebuilt ruleset), "custom" for everything else. */
function rulesetOf(rule: DetectionRule): string {
  return rule.author.includes('Elastic') ? 'elastic' : 'custom';
}

function threatDocument(entry: ThreatEntry): Record<string, unknown> {
  return {
    framework: entry.framework,
    tactic: { id: entry.tactic.id, name: entry.tactic.name, reference: entry.tactic.reference },
    technique: entry.technique.map((technique) => ({
      id: technique.id,
      name: technique.name,
      reference: technique.reference,
      ...(technique.subtechnique === undefined
        ? {}
        : { subtechnique: technique.subtechnique.map(({ id, name, reference }) => ({ id, name, reference })) }),
    })),
  };
}

function mergeTags(ruleTags: readonly string[], eventTags: unknown): string[] {
  const extra = Array.isArray(eventTags) ? eventTags.filter((tag): tag is string => typeof tag === 'string') : [];
  return [...new Set([...ruleTags, ...extra])];
}

/** Epoch milliseconds become ISO 8601 for a date field; anything else is kept as given. */
function kafkaTime(value: string): string {
  if (!/^\d+$/.test(value)) return value;
  const date = new Date(Number(value));
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
