// The match path as it stood before the performance work (avsc projection + full toEcs), kept to measure against.
import type { KafkaMessage } from 'kafkajs';
import { buildAlert } from '../../src/alerts/build-alert.js';
import { createDecoder } from '../../src/decode/decoder.js';
import { lineagePaths } from '../../src/decode/projection.js';
import type { CompiledRule } from '../../src/detect/compile-rule.js';
import type { AvroRecord, VendorFeed } from '../../src/vendors/types.js';

/*
 * Same steps as the original evaluateBatch: avsc decode through a resolver to the projection of
 * the rules' lineage, the vendor's whole toEcs on that projection, the rules; on a match a full
 * decode, toEcs, re-check and buildAlert. Errors are counted, not dead-lettered: the benchmark's
 * records are all valid. Only the public decoder API is used, so later changes to the pipeline's
 * own decoder do not move this baseline.
 */
export interface BaselinePipeline {
  evaluate(vendor: VendorFeed, messages: readonly KafkaMessage[], detectedAt: Date): number;
}

export function createBaselinePipeline(vendors: readonly VendorFeed[], rules: readonly CompiledRule[], fieldsRead: readonly string[]): BaselinePipeline {
  const full = createDecoder({ format: 'confluent', vendors });
  const projected = full.project((feed) => lineagePaths(feed as VendorFeed, fieldsRead));
  return {
    evaluate(vendor, messages, detectedAt) {
      let alerts = 0;
      for (const message of messages) {
        const event = vendor.toEcs(projected.decodeSync(vendor, message.value) as AvroRecord);
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
