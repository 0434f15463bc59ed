// The match path as it stood before the performance work (avsc projection + full toEcs), kept to measure against.
import { buildAlert } from '../../src/alerts/build-alert.js';
import { createDecoder } from '../../src/decode/decoder.js';
import { CONFLUENT_HEADER_BYTES } from '../../src/decode/framing.js';
import { lineagePaths, projectedType } from '../../src/decode/projection.js';
import { readBody } from '../../src/decode/read-body.js';
import { bundledType } from '../../src/decode/schemas.js';
import type { CompiledRule } from '../../src/detect/compile-rule.js';
import type { evaluateBatch } from '../../src/pipeline/evaluate-batch.js';
import type { AvroRecord, VendorFeed } from '../../src/vendors/types.js';

/*
 * Same steps as the original evaluateBatch: avsc decode through a resolver to the projection of
 * the rules' lineage, the vendor's whole toEcs on that projection, the rules; on a match a full
 * decode, toEcs, re-check and buildAlert. The projection is read through avsc's own resolver
 * (not the decoder, which now generates its readers), so this baseline stays what it was. The
 * benchmark's records are all valid, so errors simply throw.
 */
/** A record as evaluateBatch takes it, so the benchmark names no Kafka client type. */
export type BatchMessage = Parameters<typeof evaluateBatch>[2][number];

export interface BaselinePipeline {
  evaluate(vendor: VendorFeed, messages: readonly BatchMessage[], detectedAt: Date): number;
}

export function createBaselinePipeline(
  vendors: readonly VendorFeed[],
  rules: readonly CompiledRule[],
  fieldsRead: readonly string[],
): BaselinePipeline {
  const full = createDecoder({ format: 'confluent', vendors });
  const projections = new Map(
    vendors.map((vendor) => {
      const reader = projectedType(bundledType(vendor), lineagePaths(vendor, fieldsRead));
      return [vendor.id, { reader, resolver: reader.createResolver(bundledType(vendor)) }] as const;
    }),
  );
  return {
    evaluate(vendor, messages, detectedAt) {
      let alerts = 0;
      const { reader, resolver } = projections.get(vendor.id)!;
      for (const message of messages) {
        const event = vendor.toEcs(readBody(vendor.id, reader, resolver, message.value!, CONFLUENT_HEADER_BYTES));
        if (!rules.some((rule) => rule.matches(event))) continue;
        const record = full.decodeSync(vendor, message.value) as AvroRecord;
        const whole = vendor.toEcs(record);
        for (const rule of rules) {
          if (!rule.matches(whole)) continue;
          const identity = vendor.eventIdentity(record);
          buildAlert({
            event: whole,
            rule: rule.rule,
            vendor: { id: vendor.id, title: vendor.title },
            source: { topic: vendor.defaultTopic, partition: 0, offset: message.offset, kafkaTimestamp: message.timestamp },
            ...(identity !== undefined ? { eventIdentity: identity } : {}),
            detectedAt,
          });
          alerts++;
        }
      }
      return alerts;
    },
  };
}
