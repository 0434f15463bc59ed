// The pure middle of the pipeline: records in, alerts and dead letters out. No I/O happens here.
import { buildAlert, type BuiltAlert } from '../alerts/build-alert.js';
import { DetectorError, isDetectorError } from '../errors.js';
import type { FeedRuntime } from './feed-runtime.js';
import type { DeadLetter, FeedRecord } from './ports.js';
import { suppressionGroup, type SuppressionGroup } from '../suppression/suppression-group.js';
import type { Contribution } from '../suppression/suppression-state.js';
import { matchingRules, toEcsOrThrow, valueMatcher } from './value-match.js';

export interface PendingAlert extends BuiltAlert {
  vendor: string;
  ruleId: string;
  /** For latency: the event's own time and the Kafka record time, epoch milliseconds. */
  eventTimeMs: number | undefined;
  kafkaTimeMs: number | undefined;
  /** Set when the rule suppresses: the group and window this match is counted into. */
  suppression?: { group: SuppressionGroup; contribution: Contribution };
}

export interface BatchEvaluation {
  alerts: PendingAlert[];
  deadLetters: DeadLetter[];
  /** Matches per rule id, for metrics (one event may match several rules). */
  matchesByRule: Map<string, number>;
  /** Matches an exception item silenced, per rule id. */
  exceptedByRule: Map<string, number>;
  /** Offsets of records the projection matched but the full record did not: counted, never alerted. */
  projectionMismatches: string[];
}

function epochMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Building an alert from a matched event is our code, not the record's: its failure has its own code. */
function alertStep<T>(vendorId: string, what: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw new DetectorError(
      'ALERT_BUILD_FAILED',
      `${vendorId}: building the ${what} failed: ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    );
  }
}

/**
 * Evaluates one partition batch. The common case, a record no rule matches, costs a scan of its
 * bytes and a look-up when its projected values were seen lately, else a projected decode, a mapping
 * of those few fields and the rules' set lookups (value-match.ts); the full record is decoded and
 * mapped only for a match. A record that cannot be decoded, mapped or made into its alerts becomes a
 * dead letter, and then none of its alerts is written.
 */
export function evaluateBatch(runtime: FeedRuntime, partition: number, messages: readonly FeedRecord[], detectedAt: Date): BatchEvaluation {
  const result: BatchEvaluation = {
    alerts: [],
    deadLetters: [],
    matchesByRule: new Map(),
    exceptedByRule: new Map(),
    projectionMismatches: [],
  };
  const { vendor, topic, decoder, rules } = runtime;
  const matchProjected = valueMatcher(runtime);
  for (const message of messages) {
    try {
      if (!matchProjected(message.value)) continue;
      const record = decoder.decodeFull(message.value);
      const event = toEcsOrThrow(vendor, record);
      // The projection decided; the full event is re-checked so an alert never contradicts its rule.
      const matched = matchingRules(rules, event);
      if (!matched) {
        result.projectionMismatches.push(message.offset);
        continue;
      }
      const eventIdentity = alertStep(vendor.id, 'event identity', () => vendor.eventIdentity(record));
      // A record's alerts and counts are kept only once all of them are built: a record that fails
      // half-way is a dead letter alone, not a dead letter plus some of its alerts.
      const alerts: PendingAlert[] = [];
      const excepted: string[] = [];
      for (const compiled of matched) {
        // Exceptions are judged at detection time, as Kibana judges expire_time at the rule's run.
        const exception = alertStep(vendor.id, `exceptions of rule ${compiled.rule.id}`, () =>
          compiled.exceptions?.(event, detectedAt.getTime()),
        );
        if (exception !== undefined) {
          excepted.push(compiled.rule.id);
          continue;
        }
        const built = alertStep(vendor.id, `alert for rule ${compiled.rule.id}`, () =>
          buildAlert({
            event,
            rule: compiled.rule,
            vendor: { id: vendor.id, title: vendor.title },
            source: { topic, partition, offset: message.offset, kafkaTimestamp: message.timestamp },
            ...(eventIdentity !== undefined ? { eventIdentity } : {}),
            detectedAt,
          }),
        );
        const kafkaTimeMs = Number(message.timestamp);
        const pending: PendingAlert = {
          ...built,
          vendor: vendor.id,
          ruleId: compiled.rule.id,
          eventTimeMs: epochMs(event['@timestamp']),
          kafkaTimeMs: Number.isFinite(kafkaTimeMs) ? kafkaTimeMs : undefined,
        };
        const suppression = compiled.suppression;
        if (suppression !== undefined) {
          // The event's own time places it in a window, so a replay lands in the same one.
          const timeMs = pending.eventTimeMs ?? pending.kafkaTimeMs ?? detectedAt.getTime();
          const group = alertStep(vendor.id, `suppression group of rule ${compiled.rule.id}`, () =>
            suppressionGroup(compiled.rule.id, event, timeMs, suppression),
          );
          if (group !== undefined) pending.suppression = { group, contribution: { timeMs, topic, partition, offset: message.offset } };
        }
        alerts.push(pending);
      }
      for (const compiled of matched) result.matchesByRule.set(compiled.rule.id, (result.matchesByRule.get(compiled.rule.id) ?? 0) + 1);
      for (const ruleId of excepted) result.exceptedByRule.set(ruleId, (result.exceptedByRule.get(ruleId) ?? 0) + 1);
      result.alerts.push(...alerts);
    } catch (error) {
      // A retriable failure (schema registry unreachable) is not the record's fault: the whole
      // batch is abandoned and read again later, instead of dead-lettering good records.
      if (isDetectorError(error) && error.retriable) throw error;
      const coded = isDetectorError(error)
        ? error
        : new DetectorError('MAP_FAILED', `${vendor.id}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      result.deadLetters.push({
        vendor: vendor.id,
        source: { topic, partition, offset: message.offset },
        key: message.key ?? null,
        value: message.value ?? null,
        headers: message.headers ?? {},
        error: coded,
      });
    }
  }
  return result;
}
