// The deterministic alert id: the same rule and source event always give the same document id.
import { createHash } from 'node:crypto';

export interface AlertIdInput {
  readonly ruleId: string;
  readonly vendorId: string;
  /** The vendor's own id for the event, stable across redeliveries; preferred when present. */
  readonly eventIdentity: string | undefined;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * SHA-256 (hex) over a JSON array, which keeps the parts unambiguous whatever characters they hold.
 * With an event identity the Kafka position is left out, so the same event re-produced to another
 * offset still maps to one alert; without one, the record's position is the only stable identity.
 * The rule version is left out on purpose: upgrading a rule must not re-alert on redelivered events.
 */
export function alertId(input: AlertIdInput): string {
  const parts =
    input.eventIdentity !== undefined && input.eventIdentity !== ''
      ? ['event', input.ruleId, input.vendorId, input.eventIdentity]
      : ['kafka', input.ruleId, input.topic, input.partition, input.offset];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
