// What each enabled feed runs for a detection set (its rules by index pattern, its decoder): one builder for the service and the backfill.
import type { FeedConfig } from '../config/load.js';
import { createFeedDecoders, type FeedDecoderSettings } from '../decode/feed-decoder.js';
import { rulesForFeed } from '../detect/feed-applicability.js';
import type { FeedRuntime } from '../pipeline/feed-runtime.js';
import type { ActiveRule, DetectionSet } from './detection-set.js';

export interface FeedRuntimes {
  /** Keyed by topic. */
  readonly byTopic: Map<string, FeedRuntime>;
  /** The rules each vendor's feed runs, in load order. */
  readonly rulesByVendor: Map<string, readonly ActiveRule[]>;
  /** Loaded rules whose index patterns match no enabled feed: they run nowhere. */
  readonly idle: readonly ActiveRule[];
}

/**
 * The rules a feed runs are those whose index patterns match where Elastic stores that feed's
 * events (feed-applicability.ts), with their exceptions and suppression as the set resolved them;
 * the decoders project only the fields those rules read.
 */
export function buildFeedRuntimes(
  feeds: readonly FeedConfig[],
  detection: DetectionSet,
  decoding: Omit<FeedDecoderSettings, 'fieldsRead'>,
): FeedRuntimes {
  const rulesByVendor = new Map(feeds.map((feed) => [feed.vendor.id, rulesForFeed(detection.rules, feed.vendor)]));
  const active = new Set([...rulesByVendor.values()].flat());
  const decoders = createFeedDecoders(
    feeds.map((feed) => feed.vendor),
    { ...decoding, fieldsRead: [...new Set([...active].flatMap((rule) => rule.fieldsRead))].sort() },
  );
  const byTopic = new Map<string, FeedRuntime>();
  for (const feed of feeds) {
    const decoder = decoders.get(feed.vendor.id);
    if (decoder)
      byTopic.set(feed.topic, { vendor: feed.vendor, topic: feed.topic, decoder, rules: rulesByVendor.get(feed.vendor.id) ?? [] });
  }
  return { byTopic, rulesByVendor, idle: detection.rules.filter((rule) => !active.has(rule)) };
}
