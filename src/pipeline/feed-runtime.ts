// What the pipeline knows about one enabled feed: vendor, topic, decoder and the rules it runs.
import type { FeedDecoder } from '../decode/feed-decoder.js';
import type { ActiveRule } from '../ruleset/detection-set.js';
import type { VendorFeed } from '../vendors/types.js';

export interface FeedRuntime {
  vendor: VendorFeed;
  topic: string;
  decoder: FeedDecoder;
  rules: readonly ActiveRule[];
}
